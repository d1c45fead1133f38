package ui

import (
	"math"
	"testing"

	"veriport/quality"
)

// TestChecklistReadsPassFail: every line of the capture checks reads as a
// value with a unit an officer knows, counted in the right number, or as
// pass / fail: never "1 faces", "Head in frame 0.12" or "118 grey".
func TestChecklistReadsPassFail(t *testing.T) {
	for _, c := range []struct {
		m    quality.Measure
		want string
	}{
		{quality.Measure{Unit: "faces", Value: 1, Verdict: quality.VerdictPass}, "1 face"},
		{quality.Measure{Unit: "faces", Value: 2, Verdict: quality.VerdictFail}, "2 faces"},
		{quality.Measure{Unit: "faces", Value: 0, Verdict: quality.VerdictFail}, "0 faces"},
		{quality.Measure{Unit: "eyes", Value: 1, Verdict: quality.VerdictWarn}, "1 eye"},
		{quality.Measure{Unit: "", Value: 0.12, Verdict: quality.VerdictPass}, "pass"},
		{quality.Measure{Unit: "", Value: 0.02, Verdict: quality.VerdictFail}, "fail"},
		{quality.Measure{Unit: "grey", Value: 118, Verdict: quality.VerdictPass}, "pass"},
		{quality.Measure{Unit: "levels", Value: 40, Verdict: quality.VerdictWarn}, "check"},
		{quality.Measure{Unit: "px", Value: 96, Verdict: quality.VerdictPass}, "96 px"},
		{quality.Measure{Unit: "deg", Value: -3.2, Verdict: quality.VerdictPass}, "-3.2°"},
		{quality.Measure{Unit: "%", Value: 0.04, Verdict: quality.VerdictPass}, "4%"},
		{quality.Measure{Unit: "", Value: math.NaN()}, "—"},
	} {
		if got := checkValue(c.m); got != c.want {
			t.Errorf("%+v: %q, want %q", c.m, got, c.want)
		}
	}
	c := newChecklist()
	c.set(quality.QualityReport{Measures: []quality.Measure{
		{Name: quality.MeasureFaceCount, Label: "One face", Unit: "faces", Value: 1, Verdict: quality.VerdictPass},
		{Name: quality.MeasureMargins, Label: "Head in frame", Value: 0.12, Verdict: quality.VerdictPass},
	}})
	if got := c.lines[quality.MeasureFaceCount].Text; got != "✓ One face             1 face" {
		t.Errorf("face count line %q", got)
	}
	if got := c.lines[quality.MeasureMargins].Text; got != "✓ Head in frame          pass" {
		t.Errorf("margins line %q", got)
	}
}
