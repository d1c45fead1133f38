package verify

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// lookAlikeSet is a look-alike gallery (one enrolment capture per traveler)
// and the identities it was drawn from.
func lookAlikeSet(l *LookAlikes, n int, prefix string) (gallery []Enrolled, ids []Template) {
	for i := range n {
		id := l.Traveler()
		ids = append(ids, id)
		gallery = append(gallery, Enrolled{Subject: fmt.Sprintf("%s%04d", prefix, i), Template: l.Capture(&id)})
	}
	return gallery, ids
}

func indexOf(es []Enrolled) *Index {
	ix := NewIndex(len(es))
	for i := range es {
		ix.Add(es[i].Subject, &es[i].Template)
	}
	return ix
}

// measuredFPIR is the decision-level FPIR of probes searched against ix
// (every probe non-mated): the share decided MATCH.
func measuredFPIR(ix *Index, probes []Template, p Policy) float64 {
	var fp int
	for i := range probes {
		if p.Decide(ix.Search(&probes[i], 2)).Outcome == OutcomeMatch {
			fp++
		}
	}
	return float64(fp) / float64(len(probes))
}

// nonmatedProbes are captures of n new travelers of the population.
func nonmatedProbes(l *LookAlikes, n int) []Template {
	out := make([]Template, n)
	for i := range out {
		id := l.Traveler()
		out[i] = l.Capture(&id)
	}
	return out
}

var defaultPolicy = Policy{Threshold: 0.5, Margin: 0.05}

// matedMisses is the share of new captures of the gallery's travelers not
// decided MATCH with their own subject.
func matedMisses(ix *Index, gallery []Enrolled, ids []Template, l *LookAlikes, p Policy) float64 {
	var miss int
	for i := range ids {
		probe := l.Capture(&ids[i])
		if d := p.Decide(ix.Search(&probe, 2)); d.Outcome != OutcomeMatch || d.Subject != gallery[i].Subject {
			miss++
		}
	}
	return float64(miss) / float64(len(ids))
}

// TestCalibratedFPIRWithinThreeTimesTarget is the target: on
// look-alike galleries of 100 to 1000 travelers (three populations each),
// the decision-level FPIR at the calibrated default threshold, measured on
// 10,000 travelers not on the flight, stays within 3x the target (0.01).
func TestCalibratedFPIRWithinThreeTimesTarget(t *testing.T) {
	for _, n := range []int{100, 200, 420, 1000} {
		for seed := uint64(31); seed <= 33; seed++ {
			l := NewLookAlikes(seed, DefaultLookAlikeCentres, DefaultLookAlikeSpread)
			gallery, ids := lookAlikeSet(l, n, "T")
			ix := indexOf(gallery)
			c := CalibrateGallery(ix, EnrolledTemplates(gallery), defaultPolicy, CalibrationOptions{})
			p := Policy{Threshold: c.Threshold, Margin: defaultPolicy.Margin}
			f := measuredFPIR(ix, nonmatedProbes(l, 10000), p)
			t.Logf("%d travelers, seed %d: threshold %.4f, FPIR %.4f, mated misses %.3f", n, seed, c.Threshold, f,
				matedMisses(ix, gallery, ids, l, p))
			if f > 3*DefaultFPIRTarget {
				t.Errorf("%d travelers, seed %d: FPIR %.4f at %.4f, over 3x the target", n, seed, f, c.Threshold)
			}
		}
	}
}

func TestCalibrateLookAlikeMeetsTarget(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		l := NewLookAlikes(seed, DefaultLookAlikeCentres, DefaultLookAlikeSpread)
		gallery, ids := lookAlikeSet(l, 420, "T")
		ix := indexOf(gallery)
		probes := nonmatedProbes(l, 20000)
		before := measuredFPIR(ix, probes, defaultPolicy)
		if before < 10*DefaultFPIRTarget {
			t.Fatalf("seed %d: FPIR at the fixed threshold 0.5 is %.4f: the population is not hard enough to test", seed, before)
		}
		c := CalibrateGallery(ix, EnrolledTemplates(gallery), defaultPolicy, CalibrationOptions{})
		if !c.Calibrated || c.Threshold >= defaultPolicy.Threshold {
			t.Fatalf("seed %d: %+v, want a calibrated threshold below 0.5", seed, c)
		}
		after := measuredFPIR(ix, probes, Policy{Threshold: c.Threshold, Margin: defaultPolicy.Margin})
		measErr := math.Sqrt(c.Target * (1 - c.Target) / float64(len(probes)))
		t.Logf("seed %d: FPIR %.4f at 0.50, %.4f at calibrated %.4f (estimate %.4f ± %.4f, %d comparisons, %.1f ms)",
			seed, before, after, c.Threshold, c.EstimatedFPIR, c.BinomialError, c.Comparisons, c.Ms)
		if math.Abs(after-c.Target) > 2*c.BinomialError+3*measErr {
			t.Errorf("seed %d: measured FPIR %.4f at %.4f, want %.4f ± %.4f (twice the binomial error)",
				seed, after, c.Threshold, c.Target, 2*c.BinomialError)
		}
		// Not bought by refusing everyone: travelers on the flight still match.
		if fnir := matedMisses(ix, gallery, ids, l, Policy{Threshold: c.Threshold, Margin: defaultPolicy.Margin}); fnir > 0.05 {
			t.Errorf("seed %d: %.3f of mated searches miss at %.4f", seed, fnir, c.Threshold)
		}
	}
}

func TestCalibrateWellSeparatedKeepsThreshold(t *testing.T) {
	s := NewSynth(7)
	var gallery []Enrolled
	for i := range 420 {
		c := s.Subject()
		gallery = append(gallery, Enrolled{Subject: fmt.Sprintf("W%04d", i), Template: s.Sample(&c)})
	}
	c := CalibrateGallery(indexOf(gallery), EnrolledTemplates(gallery), defaultPolicy, CalibrationOptions{})
	if !c.Calibrated || c.Threshold != defaultPolicy.Threshold || c.PoorSeparation || len(c.Duplicates) > 0 {
		t.Fatalf("well separated gallery: %+v, want the configured 0.5, calibrated, no warning", c)
	}
	if c.Estimate != nil && *c.Estimate < defaultPolicy.Threshold {
		t.Fatalf("estimate %.4f below the configured threshold on a well separated gallery", *c.Estimate)
	}
}

func TestCalibrateNeverRaisesThreshold(t *testing.T) {
	l := NewLookAlikes(3, DefaultLookAlikeCentres, DefaultLookAlikeSpread)
	gallery, _ := lookAlikeSet(l, 420, "T")
	ix := indexOf(gallery)
	s := NewSynth(9)
	var wide []Enrolled
	for i := range 200 {
		c := s.Subject()
		wide = append(wide, Enrolled{Subject: fmt.Sprintf("W%04d", i), Template: c})
	}
	wix := indexOf(wide)
	for _, T := range []float64{0.1, 0.3, 0.45, 0.5, 0.6, 1.2} {
		p := Policy{Threshold: T, Margin: 0.05}
		for name, c := range map[string]GalleryCalibration{
			"look-alike":     CalibrateGallery(ix, EnrolledTemplates(gallery), p, CalibrationOptions{}),
			"well separated": CalibrateGallery(wix, EnrolledTemplates(wide), p, CalibrationOptions{}),
		} {
			if c.Threshold > T || c.Configured != T {
				t.Errorf("%s, configured %.2f: calibrated %.4f (configured %.4f)", name, T, c.Threshold, c.Configured)
			}
		}
	}
}

func TestCalibrateFairnessWarning(t *testing.T) {
	l := NewLookAlikes(3, DefaultLookAlikeCentres, DefaultLookAlikeSpread)
	gallery, _ := lookAlikeSet(l, 420, "T")
	ix := indexOf(gallery)
	c := CalibrateGallery(ix, EnrolledTemplates(gallery), Policy{Threshold: 0.6, Margin: 0.05}, CalibrationOptions{})
	if !c.PoorSeparation || c.Configured-c.Threshold < DefaultWarnDrop {
		t.Fatalf("configured 0.6 on look-alikes: %+v, want the fairness warning", c)
	}
	c = CalibrateGallery(ix, EnrolledTemplates(gallery), Policy{Threshold: 0.6, Margin: 0.05}, CalibrationOptions{WarnDrop: 0.5})
	if c.PoorSeparation {
		t.Fatalf("drop %.4f under a warn drop of 0.5 warned", c.Configured-c.Threshold)
	}
}

func TestCalibrateSmallGalleryKeepsConfigured(t *testing.T) {
	l := NewLookAlikes(5, DefaultLookAlikeCentres, DefaultLookAlikeSpread)
	gallery, _ := lookAlikeSet(l, 40, "S")
	c := CalibrateGallery(indexOf(gallery), EnrolledTemplates(gallery), defaultPolicy, CalibrationOptions{})
	if c.Calibrated || c.Threshold != 0.5 || !strings.Contains(c.Note, "too few") || !strings.Contains(c.Line(), "configured") {
		t.Fatalf("40 travelers: %+v (%q), want the configured threshold and a note saying why", c, c.Line())
	}
}

func TestCalibrateDuplicateTravelerReported(t *testing.T) {
	l := NewLookAlikes(11, DefaultLookAlikeCentres, DefaultLookAlikeSpread)
	clean, _ := lookAlikeSet(l, 419, "T")
	probes := nonmatedProbes(l, 5000)
	// The same person filed again under another id: a copy of traveler 7's
	// photo (near-identical template).
	s := NewSynth(12)
	dup := append(append([]Enrolled(nil), clean...), Enrolled{Subject: "DUP-0007", Template: s.Near(&clean[7].Template, 0.002)})
	c0 := CalibrateGallery(indexOf(clean), EnrolledTemplates(clean), defaultPolicy, CalibrationOptions{})
	c1 := CalibrateGallery(indexOf(dup), EnrolledTemplates(dup), defaultPolicy, CalibrationOptions{})
	if len(c1.Duplicates) != 1 || c1.Duplicates[0].A != "DUP-0007" || c1.Duplicates[0].B != "T0007" || !c1.DuplicatesExcluded {
		t.Fatalf("duplicates %+v (excluded %v), want the pair DUP-0007/T0007", c1.Duplicates, c1.DuplicatesExcluded)
	}
	if len(c0.Duplicates) != 0 {
		t.Fatalf("clean gallery reports duplicates %+v", c0.Duplicates)
	}
	// The thresholds the clean gallery gets for targets one binomial error
	// either side of the target bound how far the duplicate may move T.
	lo := CalibrateGallery(indexOf(clean), EnrolledTemplates(clean), defaultPolicy,
		CalibrationOptions{Target: max(c0.Target-c0.BinomialError, 1e-5)})
	hi := CalibrateGallery(indexOf(clean), EnrolledTemplates(clean), defaultPolicy,
		CalibrationOptions{Target: c0.Target + c0.BinomialError})
	f0 := measuredFPIR(indexOf(clean), probes, Policy{Threshold: c0.Threshold, Margin: 0.05})
	f1 := measuredFPIR(indexOf(clean), probes, Policy{Threshold: c1.Threshold, Margin: 0.05})
	t.Logf("threshold %.4f without, %.4f with the duplicate (allowed %.4f..%.4f): FPIR %.4f and %.4f",
		c0.Threshold, c1.Threshold, lo.Threshold, hi.Threshold, f0, f1)
	if c1.Threshold < lo.Threshold || c1.Threshold > hi.Threshold {
		t.Errorf("the duplicate moved the threshold from %.4f to %.4f, outside %.4f..%.4f (target ± one binomial error)",
			c0.Threshold, c1.Threshold, lo.Threshold, hi.Threshold)
	}
}
