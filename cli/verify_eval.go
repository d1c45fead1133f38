package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sort"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"veriport/app"
	"veriport/config"
	"veriport/verify"
)

// evalArgs are the flags of `veriport eval`.
type evalArgs struct {
	galleryPaths, probesPaths  []string
	groupsPath                 string
	threshold, margin, target  float64
	asJSON, calibrate, compare bool
}

// evalCmd is `veriport eval`: probe templates searched against a gallery,
// with NIST-style accuracy figures and the search latency.
func evalCmd(env *Env) *cobra.Command {
	var a evalArgs
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
		RunE: func(cmd *cobra.Command, _ []string) error { return a.run(env, cmd.Flags()) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&a.galleryPaths, "gallery", nil, "gallery template file (JSONL); twice with --compare")
	f.StringArrayVar(&a.probesPaths, "probes", nil, "probe template file (JSONL); twice with --compare")
	f.BoolVar(&a.compare, "compare", false, "compare two engines' templates of the same set side by side, with their fusion")
	f.Float64Var(&a.threshold, "threshold", 0, "decision threshold (default: the settings' verify.threshold)")
	f.Float64Var(&a.margin, "margin", 0, "decision margin (default: the settings' verify.margin)")
	f.BoolVar(&a.calibrate, "calibrate", true, "calibrate the threshold on the gallery first (never above the configured one)")
	f.Float64Var(&a.target, "fpir-target", 0, "FPIR the calibration aims at (default: the settings' verify.fpir_target)")
	f.StringVar(&a.groupsPath, "groups", "", "subject,group CSV: figures per group and the worst-to-best ratio")
	f.BoolVar(&a.asJSON, "json", false, "print one JSON object")
	return cmd
}

// checkPairs refuses a gallery and probes count that does not fit
// --compare (two of each, no --threshold or --margin) or its absence (one
// of each).
func (a *evalArgs) checkPairs(fl *pflag.FlagSet) error {
	if !a.compare {
		if len(a.galleryPaths) > 1 || len(a.probesPaths) > 1 {
			return &ExitError{Code: 2, Err: fmt.Errorf("one --gallery and one --probes (two of each only with --compare)")}
		}
		return nil
	}
	if len(a.galleryPaths) != 2 || len(a.probesPaths) != 2 {
		return &ExitError{Code: 2, Err: fmt.Errorf("--compare takes --gallery and --probes twice, one pair per engine")}
	}
	if fl.Changed("threshold") || fl.Changed("margin") {
		return &ExitError{Code: 2, Err: fmt.Errorf("--compare uses each engine's own threshold and margin: drop --threshold and --margin")}
	}
	return nil
}

// options are the evaluation's calibration and group settings.
func (a *evalArgs) options(cfg config.Config, fl *pflag.FlagSet) (verify.EvalOptions, error) {
	o := verify.EvalOptions{Calibrate: a.calibrate, Calibration: app.CalibrationOptions(cfg)}
	if fl.Changed("fpir-target") {
		if !(a.target > 0 && a.target < 1) {
			return o, fmt.Errorf("--fpir-target %v must be in (0, 1)", a.target)
		}
		o.Calibration.Target = a.target
	}
	if a.groupsPath != "" {
		g, err := readGroupsFile(a.groupsPath)
		if err != nil {
			return o, err
		}
		o.Groups = g
	}
	return o, nil
}

// run evaluates one engine's templates, or two side by side (--compare).
func (a *evalArgs) run(env *Env, fl *pflag.FlagSet) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	if err := a.checkPairs(fl); err != nil {
		return err
	}
	o, err := a.options(cfg, fl)
	if err != nil {
		return err
	}
	if a.compare {
		return runCompare(env, cfg, a.galleryPaths, a.probesPaths, o, a.asJSON)
	}
	gallery, probes, err := readGalleryAndProbes(firstOf(a.galleryPaths), firstOf(a.probesPaths))
	if err != nil {
		return err
	}
	engine, err := templatesEngine(gallery, firstOf(a.galleryPaths))
	if err != nil {
		return err
	}
	p := app.PolicyFor(cfg, engine)
	if fl.Changed("threshold") {
		p.Threshold = a.threshold
	}
	if fl.Changed("margin") {
		p.Margin = a.margin
	}
	if !(p.Threshold > 0) || !(p.Margin >= 0) {
		return fmt.Errorf("threshold %v must be > 0 and margin %v >= 0", p.Threshold, p.Margin)
	}
	rep, err := verify.EvaluateWith(gallery, probes, p, o)
	if err != nil {
		return err
	}
	if a.asJSON {
		return env.PrintJSON(rep)
	}
	printEval(env, rep)
	return nil
}

// calibrateCmd is `veriport calibrate`: the threshold meeting an FPIR on
// non-mated probes.
func calibrateCmd(env *Env) *cobra.Command {
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
