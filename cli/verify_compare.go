package cli

import (
	"fmt"
	"strings"

	"veriport/app"
	"veriport/config"
	"veriport/verify"
)

// runCompare is `eval --compare`: each engine's gallery and probes read,
// evaluated with its own policy, and printed side by side with the fusion.
func runCompare(env *Env, cfg config.Config, galleries, probes []string, o verify.EvalOptions, asJSON bool) error {
	sets := make([]verify.CompareSet, len(galleries))
	policies := make([]verify.Policy, len(galleries))
	for i := range galleries {
		g, p, err := readGalleryAndProbes(galleries[i], probes[i])
		if err != nil {
			return err
		}
		engine, err := templatesEngine(g, galleries[i])
		if err != nil {
			return err
		}
		sets[i], policies[i] = verify.CompareSet{Gallery: g, Probes: p}, app.PolicyFor(cfg, engine)
	}
	c, err := verify.Compare(sets, policies, o)
	if err != nil {
		return err
	}
	if asJSON {
		return env.PrintJSON(c)
	}
	printCompare(env, c)
	return nil
}

// printCompare prints a comparison as a table, one column per engine and
// one for the fusion.
func printCompare(env *Env, c verify.Comparison) {
	fmt.Fprintf(env.Stdout, "engines compared on %d gallery travelers and %d probes (%d mated, %d non-mated)\n",
		c.Travelers, c.Probes, c.Mated, c.Nonmated)
	head := []string{""}
	for _, e := range c.Engines {
		head = append(head, string(e.Report.Engine))
	}
	rows := [][]string{head}
	row := func(label string, cell func(verify.EngineFigures) string) {
		r := []string{label}
		for _, e := range c.Engines {
			r = append(r, cell(e))
		}
		rows = append(rows, r)
	}
	row("threshold", func(e verify.EngineFigures) string {
		how := "configured"
		if e.Report.ThresholdCalibrated {
			how = "calibrated"
		}
		return fmt.Sprintf("%.4f (%s)", e.Report.Threshold, how)
	})
	row("FNIR at threshold", func(e verify.EngineFigures) string { return fmtOpt(e.Report.FNIR) })
	row("wrong match", func(e verify.EngineFigures) string { return fmtOpt(e.Report.WrongMatchRate) })
	row("FPIR at threshold", func(e verify.EngineFigures) string { return fmtOpt(e.Report.FPIR) })
	row("FPIR (NIST)", func(e verify.EngineFigures) string { return fmtOpt(e.Report.FPIRNist) })
	row("rank-1", func(e verify.EngineFigures) string { return fmtOpt(e.Report.Rank1) })
	row("d'", func(e verify.EngineFigures) string { return fmtOpt(e.Scores.DPrime) })
	row("genuine distance", func(e verify.EngineFigures) string { return fmtSummary(e.Scores.Genuine) })
	row("impostor distance", func(e verify.EngineFigures) string { return fmtSummary(e.Scores.Impostor) })
	for _, k := range verify.FPIRTargets {
		row("FNIR at FPIR "+k, func(e verify.EngineFigures) string { return fmtOpt(e.Report.FNIRAtFPIR[k]) })
	}
	printTable(env, rows)

	if len(c.PairedScores) < 2 {
		fmt.Fprintln(env.Stdout, "fusion: no probe is in both engines' files (pairing by subject and image)")
		return
	}
	fmt.Fprintf(env.Stdout, "\nscore-level fusion (z-normalised sum of distances) on the %d probes in both files:\n", c.Paired)
	cols := append(append([]verify.ScoreFigures{}, c.PairedScores...), fusionOrEmpty(c.Fusion))
	head = []string{""}
	for _, f := range cols {
		head = append(head, f.Name)
	}
	rows = [][]string{head}
	srow := func(label string, cell func(verify.ScoreFigures) string) {
		r := []string{label}
		for _, f := range cols {
			r = append(r, cell(f))
		}
		rows = append(rows, r)
	}
	srow("rank-1", func(f verify.ScoreFigures) string { return fmtOpt(f.Rank1) })
	srow("d'", func(f verify.ScoreFigures) string { return fmtOpt(f.DPrime) })
	srow("FNIR at FPIR 0", func(f verify.ScoreFigures) string { return fmtOpt(f.FNIRAtZeroFPIR) })
	for _, k := range verify.FPIRTargets {
		srow("FNIR at FPIR "+k, func(f verify.ScoreFigures) string { return fmtOpt(f.FNIRAtFPIR[k]) })
	}
	printTable(env, rows)
}

// fusionOrEmpty is the fusion column, or an empty one when the fusion
// could not be computed (an engine's impostor scores without spread).
func fusionOrEmpty(f *verify.ScoreFigures) verify.ScoreFigures {
	if f == nil {
		return verify.ScoreFigures{Name: "fusion"}
	}
	return *f
}

// fmtSummary is a distance distribution in one cell.
func fmtSummary(s verify.DistanceSummary) string {
	if s.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f ± %.3f [%.3f, %.3f] n=%d", s.Mean, s.SD, s.Min, s.Max, s.N)
}

// printTable prints rows with their columns aligned.
func printTable(env *Env, rows [][]string) {
	width := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c + strings.Repeat(" ", width[i]-len([]rune(c))))
		}
		fmt.Fprintln(env.Stdout, strings.TrimRight(b.String(), " "))
	}
}
