package verify

import (
	"math"
	"testing"
)

// at is a template at (x, y) on the first two axes.
func at(x, y float32) Template {
	var t Template
	t[0], t[1] = x, y
	return t
}

// constructed is a gallery and probes whose distances are known by
// construction (comments give the nearest subjects).
func constructed() (gallery, probes []Enrolled) {
	gallery = []Enrolled{
		{Subject: "A", Template: at(0, 0)}, {Subject: "B", Template: at(1, 0)},
		{Subject: "C", Template: at(2.5, 0)}, {Subject: "D", Template: at(10, 0)},
	}
	probes = []Enrolled{
		// mated
		{Subject: "A", Template: at(0.25, 0)}, // A 0.25, B 0.75: match A
		{Subject: "A", Template: at(0.45, 0)}, // A 0.45, B 0.55: match A
		{Subject: "B", Template: at(0.52, 0)}, // B 0.48, A 0.52: ambiguous
		{Subject: "C", Template: at(3.2, 0)},  // C 0.7: no match
		{Subject: "B", Template: at(0.4, 0)},  // A 0.4, B 0.6: matches the wrong subject
		// non-mated
		{Subject: "X1", Template: at(2.8, 0)},  // C 0.3: false positive
		{Subject: "X2", Template: at(6, 0)},    // C 3.5
		{Subject: "X3", Template: at(1.75, 0)}, // B 0.75 = C 0.75
		{Subject: "X4", Template: at(1, 0.5)},  // B 0.5: false positive
		{Subject: "X5", Template: at(-0.6, 0)}, // A 0.6
	}
	for i := range 5 {
		probes = append(probes, Enrolled{Subject: "far", Template: at(float32(20+i), 0)}) // D 10..14
	}
	return gallery, probes
}

func TestEvaluateKnownByConstruction(t *testing.T) {
	gallery, probes := constructed()
	rep, err := Evaluate(gallery, probes, Policy{Threshold: 0.5, Margin: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Mated != 5 || rep.Nonmated != 10 {
		t.Fatalf("mated %d nonmated %d, want 5 10", rep.Mated, rep.Nonmated)
	}
	check := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || math.Abs(*got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, deref(got), want)
		}
	}
	check("rank1", rep.Rank1, 0.8)
	check("fnir", rep.FNIR, 0.4) // the wrong match is counted apart
	check("wrong_match_rate", rep.WrongMatchRate, 0.2)
	check("fpir", rep.FPIR, 0.2)
	// Ten non-mated nearest distances 0.3 0.5 0.6 0.75 3.5 10..14: at FPIR
	// 0.1 one may be accepted (threshold below 0.5: mated 0.25 0.45 0.48 right
	// at rank 1), below that none (threshold below 0.3: only 0.25).
	check("fnir@0.1", rep.FNIRAtFPIR["0.1"], 0.4)
	check("fnir@0.01", rep.FNIRAtFPIR["0.01"], 0.8)
	check("fnir@0.003", rep.FNIRAtFPIR["0.003"], 0.8)
	check("fnir@0.001", rep.FNIRAtFPIR["0.001"], 0.8)
	if rep.SearchMsP50 < 0 || rep.SearchMsP95 < rep.SearchMsP50 {
		t.Errorf("search ms p50 %v p95 %v", rep.SearchMsP50, rep.SearchMsP95)
	}
}

func TestEvaluateUndefinedRatesAreNil(t *testing.T) {
	gallery, probes := constructed()
	rep, err := Evaluate(gallery, probes[:5], Policy{Threshold: 0.5, Margin: 0.05}) // mated only
	if err != nil {
		t.Fatal(err)
	}
	if rep.FPIR != nil || rep.FNIRAtFPIR["0.01"] != nil || rep.FNIR == nil {
		t.Errorf("mated-only: fpir %v fnir@0.01 %v fnir %v", rep.FPIR, rep.FNIRAtFPIR["0.01"], rep.FNIR)
	}
	if _, err := Evaluate(nil, probes, Policy{}); err == nil {
		t.Error("empty gallery accepted")
	}
	if _, err := Evaluate(gallery, nil, Policy{}); err == nil {
		t.Error("no probes accepted")
	}
}

func TestCalibrate(t *testing.T) {
	gallery, probes := constructed()
	nonmated := probes[4:] // one mated probe is left in: it must be skipped
	cases := []struct{ target, threshold, fpir float64 }{
		{0, 0.2999, 0},
		{0.1, 0.4999, 0.1},
		{0.2, 0.6, 0.2},
		{0.35, 0.7499, 0.3},
		{1, 14, 1},
	}
	for _, c := range cases {
		got, err := Calibrate(gallery, nonmated, c.target)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Threshold-c.threshold) > 1e-9 || got.FPIR != c.fpir || got.Nonmated != 10 || got.SkippedMated != 1 {
			t.Errorf("target %v: %+v, want threshold %v fpir %v", c.target, got, c.threshold, c.fpir)
		}
	}
	if _, err := Calibrate(gallery, probes[:5], 0.01); err == nil {
		t.Error("mated-only probes calibrated")
	}
	if _, err := Calibrate(gallery, nonmated, 1.5); err == nil {
		t.Error("FPIR 1.5 accepted")
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	if p := Percentile(xs, 50); p != 5 {
		t.Errorf("p50 = %v", p)
	}
	if p := Percentile(xs, 95); p != 10 {
		t.Errorf("p95 = %v", p)
	}
	if p := Percentile(nil, 50); p != 0 {
		t.Errorf("p50 of none = %v", p)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
