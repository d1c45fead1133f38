package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Figure is one labelled value of the report as the PDF and the supervisor
// screen show it. Alert marks a figure that needs attention (an overdue
// purge, a broken audit chain, an outbox backlog).
type Figure struct {
	Section string
	Label   string
	Value   string
	Alert   bool
}

func pct(v float64) string { return fmt.Sprintf("%.1f %%", 100*v) }

func secs(ms int64) string { return fmt.Sprintf("%.2f s", float64(ms)/1000) }

// Figures lists the report's figures in reading order.
func Figures(r *Report) []Figure {
	o, a := r.Outcomes, r.Accuracy
	fs := []Figure{
		{Section: "Throughput", Label: "Travelers processed", Value: fmt.Sprint(r.Processed)},
		{Section: "Throughput", Label: "Travelers per hour", Value: fmt.Sprintf("%.1f", r.TravelersPerHour)},
		{Section: "Throughput", Label: "Median time to decision", Value: secs(r.Decision.MedianMS)},
		{Section: "Throughput", Label: "P95 time to decision", Value: secs(r.Decision.P95MS)},
		{Section: "Outcomes", Label: "Match", Value: fmt.Sprint(o.Match)},
		{Section: "Outcomes", Label: "No match", Value: fmt.Sprint(o.NoMatch)},
		{Section: "Outcomes", Label: "Ambiguous", Value: fmt.Sprint(o.Ambiguous)},
		{Section: "Outcomes", Label: "Opt-out", Value: fmt.Sprint(o.OptOut)},
		{Section: "Outcomes", Label: "No biometric decision", Value: fmt.Sprint(o.NoDecision)},
		{Section: "Outcomes", Label: "Manual verified", Value: fmt.Sprint(o.ManualVerified)},
		{Section: "Outcomes", Label: "Referred", Value: fmt.Sprint(o.Referred)},
		{Section: "Outcomes", Label: "Interrupted (workstation stopped before Next)", Value: fmt.Sprint(o.Interrupted), Alert: o.Interrupted > 0},
		{Section: "Outcomes", Label: "Match rate", Value: pct(r.MatchRate)},
		{Section: "Outcomes", Label: "Manual-check share", Value: fmt.Sprintf("%s (%d)", pct(r.ManualCheckShare), r.ManualChecks)},
		{Section: "Capture", Label: "Capture success rate", Value: fmt.Sprintf("%s (%d of %d)", pct(r.Capture.SuccessRate), r.Capture.Captured, r.Capture.Attempts)},
	}
	for i, rc := range r.Capture.TopReasons {
		fs = append(fs, Figure{Section: "Capture", Label: fmt.Sprintf("Failure reason %d", i+1),
			Value: fmt.Sprintf("%s (%d)", rc.Label, rc.Count)})
	}
	fs = append(fs, exemptionFigures(r)...)
	fs = append(fs, engineFigures(r)...)
	fs = append(fs,
		Figure{Section: "Accuracy", Label: "False non-matches", Value: fmt.Sprintf("%d (%d ambiguous)", a.FalseNonMatch, a.FalseNonMatchAmbiguous)},
		Figure{Section: "Accuracy", Label: "Possible false matches", Value: fmt.Sprint(a.PossibleFalseMatch), Alert: a.PossibleFalseMatch > 0},
		Figure{Section: "Accuracy", Label: "Estimated FNIR", Value: fmt.Sprintf("%.4f (%d / %d)", a.FNIR, a.FalseNonMatch, a.MatedSearches)},
	)
	if r.Terminal { // purges, audit chain and outbox are each booth's own
		return append(fs, Figure{Section: "Booths", Label: "Stations reporting", Value: fmt.Sprint(len(r.Stations))},
			Figure{Section: "Booths", Label: "Officers", Value: fmt.Sprint(len(r.Officers))})
	}
	fs = append(fs,
		Figure{Section: "Compliance", Label: "Purges done / due", Value: fmt.Sprintf("%d / %d", r.Purges.DonePurged, r.Purges.Due), Alert: r.Purges.DonePurged < r.Purges.Due},
		Figure{Section: "Compliance", Label: "Purge-log entries", Value: fmt.Sprintf("%d (%d failed)", r.Purges.Logged, r.Purges.LogFailures), Alert: r.Purges.LogFailures > 0},
		Figure{Section: "Compliance", Label: "Overdue purges", Value: fmt.Sprint(r.Purges.Overdue), Alert: r.Purges.Overdue > 0},
		Figure{Section: "Compliance", Label: "Audit chain", Value: auditText(r.Audit), Alert: !r.Audit.Intact},
		Figure{Section: "Compliance", Label: "Outbox backlog", Value: fmt.Sprintf("%d (of %d pending, older than %s)", r.Outbox.Backlog, r.Outbox.Pending,
			(time.Duration(r.Outbox.BacklogWarnS) * time.Second).String()), Alert: r.Outbox.Backlog > 0},
	)
	for _, f := range r.Fairness {
		fs = append(fs, Figure{Section: "Fairness", Label: "Flight " + f.Flight,
			Value: fmt.Sprintf("threshold lowered to %.2f (poor separation): manual checks %s (%d of %d)",
				f.Threshold, pct(f.ManualCheckShare), f.ManualChecks, f.Encounters), Alert: true})
	}
	return fs
}

func auditText(a Audit) string {
	if a.Intact {
		return fmt.Sprintf("intact (%d entries, %d in range)", a.Entries, a.InRange)
	}
	return fmt.Sprintf("BROKEN at entry %d: %s", a.FirstBroken, a.Reason)
}

// Scope describes the report's range and filters in one line.
func Scope(r *Report) string {
	f := r.Filter
	s := fmt.Sprintf("%s to %s UTC", f.From.UTC().Format("2006-01-02 15:04"), f.To.UTC().Format("2006-01-02 15:04"))
	if r.Terminal && f.Station == "" {
		s += ", all booths"
	}
	for _, p := range []struct{ k, v string }{{"station", f.Station}, {"officer", f.Officer}, {"flight", f.Flight}} {
		if p.v != "" {
			s += fmt.Sprintf(", %s %s", p.k, p.v)
		}
	}
	if r.Demo {
		s = DemoMark + " - " + s
	}
	return s
}

// DemoMark heads a report of the demo profile, on screen and in every
// export.
const DemoMark = "DEMO (demo profile, not real travelers)"

// WriteJSON writes r as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report json: %w", err)
	}
	return nil
}
