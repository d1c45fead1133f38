package cli

import (
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"veriport/verify"
)

func init() {
	register(func(env *Env) *cobra.Command {
		var galleryPath, probesPath string
		var threshold, margin float64
		var asJSON bool
		cmd := &cobra.Command{
			Use:   "eval --gallery G.jsonl --probes P.jsonl [--threshold T]",
			Short: "Search probe templates against a gallery and report NIST-style accuracy and latency",
			Long: "A probe whose subject is in the gallery is mated, else non-mated. Reports rank-1 rate,\n" +
				"FNIR and FPIR at the threshold (with the margin rule), FNIR at FPIR 0.001, 0.003, 0.01\n" +
				"and 0.1 (nearest-subject distance only) and search latency percentiles.",
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := env.Config()
				if err != nil {
					return err
				}
				p := verifyPolicy(cfg)
				if cmd.Flags().Changed("threshold") {
					p.Threshold = threshold
				}
				if cmd.Flags().Changed("margin") {
					p.Margin = margin
				}
				if !(p.Threshold > 0) || !(p.Margin >= 0) {
					return fmt.Errorf("threshold %v must be > 0 and margin %v >= 0", p.Threshold, p.Margin)
				}
				gallery, probes, err := readGalleryAndProbes(galleryPath, probesPath)
				if err != nil {
					return err
				}
				rep, err := verify.Evaluate(gallery, probes, p)
				if err != nil {
					return err
				}
				if asJSON {
					return env.PrintJSON(rep)
				}
				fmt.Fprintf(env.Stdout, "mated %d, non-mated %d, rank-1 %s\n", rep.Mated, rep.Nonmated, fmtOpt(rep.Rank1))
				fmt.Fprintf(env.Stdout, "at threshold %.4f margin %.4f: FNIR %s, FPIR %s\n", rep.Threshold, rep.Margin,
					fmtOpt(rep.FNIR), fmtOpt(rep.FPIR))
				for _, k := range verify.FPIRTargets {
					fmt.Fprintf(env.Stdout, "FNIR at FPIR %-6s %s\n", k, fmtOpt(rep.FNIRAtFPIR[k]))
				}
				fmt.Fprintf(env.Stdout, "search ms p50 %.3f p95 %.3f\n", rep.SearchMsP50, rep.SearchMsP95)
				return nil
			},
		}
		cmd.Flags().StringVar(&galleryPath, "gallery", "", "gallery template file (JSONL)")
		cmd.Flags().StringVar(&probesPath, "probes", "", "probe template file (JSONL)")
		cmd.Flags().Float64Var(&threshold, "threshold", 0, "decision threshold (default: the settings' verify.threshold)")
		cmd.Flags().Float64Var(&margin, "margin", 0, "decision margin (default: the settings' verify.margin)")
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
