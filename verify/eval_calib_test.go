package verify

import (
	"math"
	"strings"
	"testing"
)

// TestEvaluateWrongMatchRate: in the constructed set the mated probe of B
// at (0.4, 0) is decided MATCH for A: a wrong match, counted on its own and
// not as a miss; the ambiguous and the no-match mated probes are the misses.
func TestEvaluateWrongMatchRate(t *testing.T) {
	gallery, probes := constructed()
	// A non-mated probe half-way between A and B: both at 0.5, AMBIGUOUS
	// (margin 0): a positive by NIST's count, not a MATCH.
	probes = append(probes, Enrolled{Subject: "X6", Template: at(0.5, 0)})
	rep, err := EvaluateWith(gallery, probes, Policy{Threshold: 0.5, Margin: 0.05}, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"wrong_match_rate": 0.2, "fnir": 0.4, "fpir": 2.0 / 11, "fpir_nist": 3.0 / 11}
	got := map[string]*float64{"wrong_match_rate": rep.WrongMatchRate, "fnir": rep.FNIR, "fpir": rep.FPIR, "fpir_nist": rep.FPIRNist}
	for k, w := range want {
		if got[k] == nil || math.Abs(*got[k]-w) > 1e-12 {
			t.Errorf("%s = %v, want %v", k, deref(got[k]), w)
		}
	}
	if rep.ThresholdCalibrated || rep.Threshold != 0.5 {
		t.Errorf("threshold %v calibrated %v without calibration", rep.Threshold, rep.ThresholdCalibrated)
	}
	// Thresholds reached at each FPIR target (non-mated nearest distances
	// 0.3 0.5 0.5 0.6 0.75 3.5 10..14, eleven of them).
	for k, w := range map[string]float64{"0.1": 0.4999, "0.01": 0.2999, "0.001": 0.2999} {
		if v := rep.ThresholdAtFPIR[k]; v == nil || math.Abs(*v-w) > 1e-9 {
			t.Errorf("threshold at FPIR %s = %v, want %v", k, deref(v), w)
		}
	}
}

// TestEvaluateGroupsEqualDirect: each group's figures equal Evaluate on that
// group's probes alone, and the differential is worst over best.
func TestEvaluateGroupsEqualDirect(t *testing.T) {
	gallery, probes := constructed()
	groups, err := ReadGroups(strings.NewReader("subject,group\nA,g1\nX1,g1\nX2,g1\nB,g2\nC,g2\nX3,g2\nX4,g2\nX5,g2\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := Policy{Threshold: 0.5, Margin: 0.05}
	rep, err := EvaluateWith(gallery, probes, p, EvalOptions{Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Groups) != 3 {
		t.Fatalf("groups %v, want g1, g2 and %s", rep.Groups, UngroupedName)
	}
	for name, g := range rep.Groups {
		var sub []Enrolled
		for _, pr := range probes {
			if gn, ok := groups[pr.Subject]; (ok && gn == name) || (!ok && name == UngroupedName) {
				sub = append(sub, pr)
			}
		}
		direct, err := EvaluateWith(gallery, sub, p, EvalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if g.Mated != direct.Mated || g.Nonmated != direct.Nonmated {
			t.Errorf("group %s: mated %d nonmated %d, direct %d %d", name, g.Mated, g.Nonmated, direct.Mated, direct.Nonmated)
		}
		for k, pair := range map[string][2]*float64{"rank1": {g.Rank1, direct.Rank1}, "fnir": {g.FNIR, direct.FNIR},
			"fpir": {g.FPIR, direct.FPIR}, "fpir_nist": {g.FPIRNist, direct.FPIRNist}, "wrong_match_rate": {g.WrongMatchRate, direct.WrongMatchRate}} {
			if (pair[0] == nil) != (pair[1] == nil) || (pair[0] != nil && *pair[0] != *pair[1]) {
				t.Errorf("group %s %s = %v, direct %v", name, k, deref(pair[0]), deref(pair[1]))
			}
		}
	}
	// FPIR: g1 has X1 (false positive) and X2: 0.5; g2 has X4 of X3..X5:
	// 1/3; the ungrouped far probes 0. Worst over best: 0.5 / 0 is
	// undefined, so the ratio is null and the groups are named.
	d := rep.Differential["fpir"]
	if d == nil || d.Worst != "g1" || d.Best != UngroupedName || d.Ratio != nil {
		t.Fatalf("fpir differential %+v", d)
	}
	// FNIR: g1 (A, A) 0, g2 (B ambiguous, C no match, B wrong match) 2/3.
	if d := rep.Differential["fnir"]; d == nil || d.Worst != "g2" || d.Best != "g1" || d.Ratio != nil {
		t.Fatalf("fnir differential %+v", d)
	}
	// g1 keeps A and X1 (FPIR 1); g2 takes X2 and the far probes too (X4 of
	// nine: 1/9): worst over best is 9.
	groups["X2"] = "g2"
	groups["far"] = "g2"
	rep, err = EvaluateWith(gallery, probes, p, EvalOptions{Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	d = rep.Differential["fpir"]
	if d == nil || d.Ratio == nil || math.Abs(*d.Ratio-1/(1.0/9)) > 1e-9 {
		t.Fatalf("fpir differential %+v, want 1 / (1/9) = 9", d)
	}
}

func TestReadGroupsRejectsBadLines(t *testing.T) {
	for _, in := range []string{"A\n", "A,g1\nA,g2\n", ",g1\n"} {
		if _, err := ReadGroups(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "line") {
			t.Errorf("%q: err %v, want one naming the line", in, err)
		}
	}
}
