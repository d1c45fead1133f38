package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/verify"
)

func init() {
	register(func(env *Env) *cobra.Command {
		var galleryPaths, probesPaths []string
		var groupsPath string
		var threshold, margin, target float64
		var asJSON, calibrate, compare bool
		cmd := &cobra.Command{
			Use:   "eval --gallery G.jsonl --probes P.jsonl [--threshold T] [--groups GROUPS.csv] [--compare]",
			Short: "Search probe templates against a gallery and report NIST-style accuracy and latency",
			Long: "A probe whose subject is in the gallery is mated, else non-mated. The threshold is first\n" +
				"calibrated on the gallery itself, as the workstation does when it loads a flight (never above\n" +
				"--threshold or verify.threshold; --calibrate=false keeps it fixed). Reports rank-1 rate and, at\n" +
				"the threshold used (with the margin rule): fnir (mated searches without a MATCH),\n" +
				"wrong_match_rate (mated searches that MATCH another traveler, never counted in fnir), fpir\n" +
				"(non-mated searches decided MATCH) and fpir_nist (non-mated searches with any candidate within\n" +
				"the threshold, AMBIGUOUS included); FNIR at FPIR 0.001, 0.003, 0.01 and 0.1 and the threshold\n" +
				"reaching each (nearest-subject distance only), and search latency percentiles. --groups takes\n" +
				"a subject,group CSV and adds the figures per group of the probes' subjects and the ratio of\n" +
				"the worst to the best group for each rate.\n\n" +
				"--compare takes --gallery and --probes twice, one pair per engine (dlib and sface templates of\n" +
				"the same travelers and probes, e.g. from enroll --engine), and reports the engines side by side:\n" +
				"each at its own calibrated threshold, d' and the genuine and impostor distances, and the\n" +
				"score-level fusion of the two (z-normalised sum of distances) on the probes both files hold.",
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := env.Config()
				if err != nil {
					return err
				}
				if compare {
					if len(galleryPaths) != 2 || len(probesPaths) != 2 {
						return &ExitError{Code: 2, Err: fmt.Errorf("--compare takes --gallery and --probes twice, one pair per engine")}
					}
					if cmd.Flags().Changed("threshold") || cmd.Flags().Changed("margin") {
						return &ExitError{Code: 2, Err: fmt.Errorf("--compare uses each engine's own threshold and margin: drop --threshold and --margin")}
					}
				} else if len(galleryPaths) > 1 || len(probesPaths) > 1 {
					return &ExitError{Code: 2, Err: fmt.Errorf("one --gallery and one --probes (two of each only with --compare)")}
				}
				o := verify.EvalOptions{Calibrate: calibrate, Calibration: app.CalibrationOptions(cfg)}
				if cmd.Flags().Changed("fpir-target") {
					if !(target > 0 && target < 1) {
						return fmt.Errorf("--fpir-target %v must be in (0, 1)", target)
					}
					o.Calibration.Target = target
				}
				if groupsPath != "" {
					if o.Groups, err = readGroupsFile(groupsPath); err != nil {
						return err
					}
				}
				if compare {
					return runCompare(env, cfg, galleryPaths, probesPaths, o, asJSON)
				}
				gallery, probes, err := readGalleryAndProbes(firstOf(galleryPaths), firstOf(probesPaths))
				if err != nil {
					return err
				}
				engine, err := templatesEngine(gallery, firstOf(galleryPaths))
				if err != nil {
					return err
				}
				p := app.PolicyFor(cfg, engine)
				if cmd.Flags().Changed("threshold") {
					p.Threshold = threshold
				}
				if cmd.Flags().Changed("margin") {
					p.Margin = margin
				}
				if !(p.Threshold > 0) || !(p.Margin >= 0) {
					return fmt.Errorf("threshold %v must be > 0 and margin %v >= 0", p.Threshold, p.Margin)
				}
				rep, err := verify.EvaluateWith(gallery, probes, p, o)
				if err != nil {
					return err
				}
				if asJSON {
					return env.PrintJSON(rep)
				}
				printEval(env, rep)
				return nil
			},
		}
		cmd.Flags().StringArrayVar(&galleryPaths, "gallery", nil, "gallery template file (JSONL); twice with --compare")
		cmd.Flags().StringArrayVar(&probesPaths, "probes", nil, "probe template file (JSONL); twice with --compare")
		cmd.Flags().BoolVar(&compare, "compare", false, "compare two engines' templates of the same set side by side, with their fusion")
		cmd.Flags().Float64Var(&threshold, "threshold", 0, "decision threshold (default: the settings' verify.threshold)")
		cmd.Flags().Float64Var(&margin, "margin", 0, "decision margin (default: the settings' verify.margin)")
		cmd.Flags().BoolVar(&calibrate, "calibrate", true, "calibrate the threshold on the gallery first (never above the configured one)")
		cmd.Flags().Float64Var(&target, "fpir-target", 0, "FPIR the calibration aims at (default: the settings' verify.fpir_target)")
		cmd.Flags().StringVar(&groupsPath, "groups", "", "subject,group CSV: figures per group and the worst-to-best ratio")
		cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
		return cmd
	})

	register(func(env *Env) *cobra.Command {
		var galleryPath, probesPath string
		var fpir float64
		var asJSON bool
		cmd := &cobra.Command{
			Use:   "calibrate --gallery G.jsonl --probes NONMATED.jsonl --fpir 0.003",
			Short: "Find the threshold that meets a false-positive identification rate on non-mated probes",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				gallery, probes, err := readGalleryAndProbes(galleryPath, probesPath)
				if err != nil {
					return err
				}
				c, err := verify.Calibrate(gallery, probes, fpir)
				if err != nil {
					return err
				}
				if asJSON {
					return env.PrintJSON(c)
				}
				fmt.Fprintf(env.Stdout, "threshold %.4f gives FPIR %.4f on %d non-mated probes (target %g)\n",
					c.Threshold, c.FPIR, c.Nonmated, c.Target)
				if c.Target > 0 && float64(c.Nonmated) < 1/c.Target {
					fmt.Fprintf(env.Stdout, "warning: %d non-mated probes cannot resolve an FPIR of %g (need at least %.0f)\n",
						c.Nonmated, c.Target, math.Ceil(1/c.Target))
				}
				if c.SkippedMated > 0 {
					fmt.Fprintf(env.Stdout, "%d probes left out: their subject is in the gallery\n", c.SkippedMated)
				}
				return nil
			},
		}
		cmd.Flags().StringVar(&galleryPath, "gallery", "", "gallery template file (JSONL)")
		cmd.Flags().StringVar(&probesPath, "probes", "", "non-mated probe template file (JSONL)")
		cmd.Flags().Float64Var(&fpir, "fpir", 0.003, "target false-positive identification rate")
		cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
		return cmd
	})
}

// printEval prints an eval report for people.
func printEval(env *Env, rep verify.Report) {
	fmt.Fprintf(env.Stdout, "mated %d, non-mated %d, rank-1 %s\n", rep.Mated, rep.Nonmated, fmtOpt(rep.Rank1))
	how := "configured"
	if c := rep.Calibration; c != nil {
		how = c.Line()
		fmt.Fprintf(env.Stdout, "calibration: %d travelers, %d searches, %d comparisons, estimated FPIR %.4f (± %.4f), %.1f ms\n",
			c.Travelers, c.Searches, c.Comparisons, c.EstimatedFPIR, c.BinomialError, c.Ms)
		if len(c.Duplicates) > 0 {
			fmt.Fprintf(env.Stdout, "gallery quality: %d near-identical pairs of travelers (%s)\n", len(c.Duplicates),
				map[bool]string{true: "left out of the estimate", false: "kept in the estimate"}[c.DuplicatesExcluded])
		}
		if c.PoorSeparation {
			fmt.Fprintf(env.Stdout, "fairness warning: threshold lowered from %.2f to %.2f: the engine separates these travelers poorly, expect many manual checks\n",
				c.Configured, c.Threshold)
		}
	}
	fmt.Fprintf(env.Stdout, "at threshold %.4f (%s) margin %.4f: FNIR %s, wrong match %s, FPIR %s, FPIR (NIST) %s\n",
		rep.Threshold, how, rep.Margin, fmtOpt(rep.FNIR), fmtOpt(rep.WrongMatchRate), fmtOpt(rep.FPIR), fmtOpt(rep.FPIRNist))
	for _, k := range verify.FPIRTargets {
		fmt.Fprintf(env.Stdout, "FNIR at FPIR %-6s %s (threshold %s)\n", k, fmtOpt(rep.FNIRAtFPIR[k]), fmtOpt(rep.ThresholdAtFPIR[k]))
	}
	if len(rep.Groups) > 0 {
		names := make([]string, 0, len(rep.Groups))
		for g := range rep.Groups {
			names = append(names, g)
		}
		sort.Strings(names)
		for _, g := range names {
			f := rep.Groups[g]
			fmt.Fprintf(env.Stdout, "group %s: mated %d non-mated %d, FNIR %s, wrong match %s, FPIR %s, FPIR (NIST) %s\n", g,
				f.Mated, f.Nonmated, fmtOpt(f.FNIR), fmtOpt(f.WrongMatchRate), fmtOpt(f.FPIR), fmtOpt(f.FPIRNist))
		}
		for _, k := range []string{"fpir", "fpir_nist", "fnir", "wrong_match_rate"} {
			if d := rep.Differential[k]; d != nil {
				fmt.Fprintf(env.Stdout, "%s worst/best: %s (%s %.4f / %s %.4f)\n", k, fmtOpt(d.Ratio), d.Worst, d.WorstValue, d.Best, d.BestValue)
			}
		}
	}
	fmt.Fprintf(env.Stdout, "search ms p50 %.3f p95 %.3f\n", rep.SearchMsP50, rep.SearchMsP95)
}

// readGroupsFile reads a subject,group CSV, naming the file in errors.
func readGroupsFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("groups %s: file not found", path)
		}
		return nil, fmt.Errorf("groups %s: %w", path, err)
	}
	defer f.Close()
	g, err := verify.ReadGroups(f)
	if err != nil {
		return nil, fmt.Errorf("groups %s: %w", path, err)
	}
	return g, nil
}

// readGalleryAndProbes reads the two template files eval and calibrate take.
func readGalleryAndProbes(galleryPath, probesPath string) (gallery, probes []verify.Enrolled, err error) {
	if gallery, err = verifyReadTemplates(galleryPath, "gallery"); err != nil {
		return nil, nil, err
	}
	if probes, err = verifyReadTemplates(probesPath, "probes"); err != nil {
		return nil, nil, err
	}
	return gallery, probes, nil
}

// firstOf is the first of a repeated flag's values, "" when none was given.
func firstOf(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
