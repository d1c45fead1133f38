package verify

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// compareSets makes two engines' sets of the same travelers: n gallery
// travelers and n/2 travelers not on the flight, one enrolment capture
// and one probe each, every capture drawn with independent noise for
// each engine (so the engines err on different probes). noise scales the
// second engine's capture noise.
func compareSets(n int, noise float64) (dlib, sface CompareSet) {
	ids := NewSynth(3)
	a, b := NewSynth(5), NewSynth(7)
	for i := range n + n/2 {
		id := ids.Subject()
		subj := fmt.Sprintf("P-%04d", i)
		if i < n {
			dlib.Gallery = append(dlib.Gallery, Enrolled{Subject: subj, Template: a.Sample(&id)})
			sface.Gallery = append(sface.Gallery, Enrolled{Subject: subj, Template: b.Near(&id, SampleSpread*noise), Engine: EngineSFace})
		}
		dlib.Probes = append(dlib.Probes, Enrolled{Subject: subj, Template: a.Sample(&id)})
		sface.Probes = append(sface.Probes, Enrolled{Subject: subj, Template: b.Near(&id, SampleSpread*noise), Engine: EngineSFace})
	}
	return dlib, sface
}

// bruteScores is every probe's distance to every gallery traveler's
// nearest template, computed the plain way: [probe][traveler], with the
// travelers in the order of their first template.
func bruteScores(s CompareSet) ([]map[string]float64, []string) {
	var order []string
	seen := map[string]bool{}
	for _, g := range s.Gallery {
		if !seen[g.Subject] {
			seen[g.Subject] = true
			order = append(order, g.Subject)
		}
	}
	out := make([]map[string]float64, len(s.Probes))
	for i, p := range s.Probes {
		out[i] = map[string]float64{}
		for _, g := range s.Gallery {
			d := Distance(&p.Template, &g.Template)
			if v, ok := out[i][g.Subject]; !ok || d < v {
				out[i][g.Subject] = d
			}
		}
	}
	return out, order
}

// split is the genuine and impostor scores of a score table, through f.
func split(s CompareSet, m []map[string]float64, order []string, f func(i int, subj string) float64) (gen, imp []float64) {
	for i, p := range s.Probes {
		for _, subj := range order {
			if subj == p.Subject {
				gen = append(gen, f(i, subj))
			} else {
				imp = append(imp, f(i, subj))
			}
		}
	}
	return gen, imp
}

func dprime(gen, imp []float64) float64 {
	gm, gs := meanSD(gen)
	im, is := meanSD(imp)
	return math.Abs(im-gm) / math.Sqrt((gs*gs+is*is)/2)
}

func meanSD(xs []float64) (float64, float64) {
	var m, ss float64
	for _, x := range xs {
		m += x / float64(len(xs))
	}
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(xs)-1))
}

// TestCompareEngines: Compare reports each engine as EvaluateWith does on
// its own, its genuine and impostor distances and d' as computed from
// every probe-traveler distance, and the fusion of the two (the sum of
// z-normalised distances, d' as computed the plain way); fusing an engine
// with an exact copy of itself changes no ranking (same rank-1, d', FNIR
// at every FPIR).
func TestCompareEngines(t *testing.T) {
	dl, sf := compareSets(200, 1.6)
	pd := Policy{Threshold: 0.6, Margin: 0.05}
	ps := Policy{Threshold: 1.1287, Margin: 0.094}
	o := EvalOptions{Calibrate: true, Calibration: CalibrationOptions{Target: 0.01}}
	c, err := Compare([]CompareSet{dl, sf}, []Policy{pd, ps}, o)
	if err != nil {
		t.Fatal(err)
	}
	if c.Travelers != 200 || c.Mated != 200 || c.Nonmated != 100 || c.Paired != 300 {
		t.Fatalf("comparison of %d travelers, %d mated, %d non-mated, %d paired; want 200, 200, 100, 300",
			c.Travelers, c.Mated, c.Nonmated, c.Paired)
	}
	for i, set := range []CompareSet{dl, sf} {
		e := c.Engines[i]
		alone, err := EvaluateWith(set.Gallery, set.Probes, []Policy{pd, ps}[i], o)
		if err != nil {
			t.Fatal(err)
		}
		if e.Report.Engine != alone.Engine || e.Report.Threshold != alone.Threshold || *e.Report.FNIR != *alone.FNIR ||
			*e.Report.FPIR != *alone.FPIR {
			t.Errorf("%s: compare says threshold %.4f FNIR %.4f FPIR %.4f; eval alone %.4f %.4f %.4f", alone.Engine,
				e.Report.Threshold, *e.Report.FNIR, *e.Report.FPIR, alone.Threshold, *alone.FNIR, *alone.FPIR)
		}
		m, order := bruteScores(set)
		gen, imp := split(set, m, order, func(i int, subj string) float64 { return m[i][subj] })
		gm, _ := meanSD(gen)
		_, is := meanSD(imp)
		want := dprime(gen, imp)
		if e.Scores.Genuine.N != len(gen) || e.Scores.Impostor.N != len(imp) ||
			math.Abs(e.Scores.Genuine.Mean-gm) > 1e-9 || math.Abs(e.Scores.Impostor.SD-is) > 1e-9 ||
			e.Scores.DPrime == nil || math.Abs(*e.Scores.DPrime-want) > 1e-9 {
			t.Errorf("%s: genuine %+v impostor %+v d' %v; want %d genuine (mean %.4f), %d impostor (sd %.4f), d' %.4f",
				alone.Engine, e.Scores.Genuine, e.Scores.Impostor, e.Scores.DPrime, len(gen), gm, len(imp), is, want)
		}
	}
	// The fusion: each engine's distance z-normalised by its impostor
	// scores, summed, computed the plain way.
	m0, order := bruteScores(dl)
	m1, _ := bruteScores(sf)
	z := func(m []map[string]float64) func(int, string) float64 {
		_, imp := split(dl, m, order, func(i int, subj string) float64 { return m[i][subj] })
		mu, sd := meanSD(imp)
		return func(i int, subj string) float64 { return (m[i][subj] - mu) / sd }
	}
	z0, z1 := z(m0), z(m1)
	fg, fi := split(dl, m0, order, func(i int, subj string) float64 { return z0(i, subj) + z1(i, subj) })
	if want := dprime(fg, fi); c.Fusion == nil || math.Abs(*c.Fusion.DPrime-want) > 1e-9 {
		t.Errorf("fusion %+v; want d' %.4f", c.Fusion, want)
	}
	d0, d1 := *c.PairedScores[0].DPrime, *c.PairedScores[1].DPrime
	if !(d0 > d1) {
		t.Errorf("d' dlib %.3f, sface %.3f: the noisier engine should separate worse", d0, d1)
	}
	// An engine fused with an exact copy of itself ranks as it does alone.
	copyOf := CompareSet{}
	for _, g := range dl.Gallery {
		g.Engine = EngineSFace
		copyOf.Gallery = append(copyOf.Gallery, g)
	}
	for _, p := range dl.Probes {
		p.Engine = EngineSFace
		copyOf.Probes = append(copyOf.Probes, p)
	}
	same, err := Compare([]CompareSet{dl, copyOf}, []Policy{pd, pd}, o)
	if err != nil {
		t.Fatal(err)
	}
	alone, fused := same.PairedScores[0], *same.Fusion
	if *alone.Rank1 != *fused.Rank1 || math.Abs(*alone.DPrime-*fused.DPrime) > 1e-9 ||
		*alone.FNIRAtZeroFPIR != *fused.FNIRAtZeroFPIR {
		t.Errorf("engine fused with itself: rank-1 %.4f/%.4f d' %.4f/%.4f FNIR at FPIR 0 %.4f/%.4f; want equal",
			*alone.Rank1, *fused.Rank1, *alone.DPrime, *fused.DPrime, *alone.FNIRAtZeroFPIR, *fused.FNIRAtZeroFPIR)
	}
	for _, k := range FPIRTargets {
		if *alone.FNIRAtFPIR[k] != *fused.FNIRAtFPIR[k] {
			t.Errorf("engine fused with itself: FNIR at FPIR %s %.4f, alone %.4f", k, *fused.FNIRAtFPIR[k], *alone.FNIRAtFPIR[k])
		}
	}

	// Sets of different travelers, or two sets of one engine, are refused.
	short := sf
	short.Gallery = sf.Gallery[1:]
	if _, err := Compare([]CompareSet{dl, short}, []Policy{pd, ps}, o); !errors.Is(err, ErrNotSameSet) {
		t.Errorf("galleries of different travelers: %v, want ErrNotSameSet", err)
	}
	if _, err := Compare([]CompareSet{dl, dl}, []Policy{pd, pd}, o); err == nil {
		t.Error("two dlib sets compared")
	}
}
