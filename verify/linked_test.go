package verify

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestNearIdenticalPairsLinked: four near-identical cross-traveler pairs
// in a 100-traveler gallery (twins, one person enrolled twice, a copied
// photo) are reported and linked, and the threshold stays within 0.05 of
// the one the gallery gets without them; a search that lands on either
// traveler of a pair is AMBIGUOUS, naming the other, never a MATCH.
func TestNearIdenticalPairsLinked(t *testing.T) {
	l := NewLookAlikes(11, DefaultLookAlikeCentres, DefaultLookAlikeSpread)
	clean, _ := lookAlikeSet(l, 100, "T")
	s := NewSynth(12)
	withPairs := append([]Enrolled(nil), clean...)
	for i, k := range []int{3, 20, 41, 77} {
		withPairs = append(withPairs, Enrolled{Subject: fmt.Sprintf("DUP-%d", i), Template: s.Near(&clean[k].Template, 0.01)})
	}
	c0 := CalibrateGallery(indexOf(clean), EnrolledTemplates(clean), defaultPolicy, CalibrationOptions{})
	ix := indexOf(withPairs)
	c1 := CalibrateGallery(ix, EnrolledTemplates(withPairs), defaultPolicy, CalibrationOptions{})
	t.Logf("threshold %.4f without the pairs, %.4f with them; %d pairs reported", c0.Threshold, c1.Threshold, len(c1.Duplicates))
	if len(c1.Duplicates) != 4 {
		t.Fatalf("%d pairs reported, want 4: %+v", len(c1.Duplicates), c1.Duplicates)
	}
	if math.Abs(c1.Threshold-c0.Threshold) > 0.05 {
		t.Fatalf("four linked pairs moved the threshold from %.4f to %.4f (more than 0.05): %s",
			c0.Threshold, c1.Threshold, c1.Note)
	}
	c1.Engine = EngineDlib
	if line := c1.Line(); !strings.Contains(line, "(dlib)") || !strings.Contains(line, "4 linked pair") ||
		!strings.Contains(line, "±") {
		t.Errorf("threshold line %q: want the engine, the linked pairs and the estimate's uncertainty", line)
	}
	p := defaultPolicy
	p.Threshold, p.Linked = c1.Threshold, c1.LinkedTravelers()
	for _, k := range []int{3, 77} {
		probe := s.Near(&clean[k].Template, 0.02)
		d := p.Decide(ix.Search(&probe, 2))
		if d.Outcome == OutcomeMatch || d.Linked == "" {
			t.Errorf("a probe of linked traveler %s decided %s (linked %q), want AMBIGUOUS naming the other",
				clean[k].Subject, d.Outcome, d.Linked)
		}
	}
	// A traveler in no pair still matches.
	probe := s.Near(&clean[50].Template, 0.02)
	if d := p.Decide(ix.Search(&probe, 2)); d.Outcome != OutcomeMatch || d.Linked != "" {
		t.Errorf("an unlinked traveler decided %+v, want a MATCH", d)
	}
}
