package verify

import (
	"fmt"
	"math/rand/v2"
)

// Spreads of synthetic templates, per dimension. Two independent subjects
// are about 16*SubjectSpread = 0.9 apart and two samples of one subject
// about 16*SampleSpread = 0.35, roughly like dlib's descriptors; they are
// test data for search and evaluation, not a model of any real population.
const (
	SubjectSpread = 0.056
	SampleSpread  = 0.022
)

// Synth makes reproducible synthetic templates for tests and benchmarks.
type Synth struct{ rng *rand.Rand }

// NewSynth returns a generator seeded with seed.
func NewSynth(seed uint64) *Synth { return &Synth{rand.New(rand.NewPCG(seed, 0x5eed))} }

// Near returns center plus Gaussian noise of standard deviation sd in each
// dimension (center nil means the origin).
func (s *Synth) Near(center *Template, sd float64) Template {
	var t Template
	for i := range t {
		v := s.rng.NormFloat64() * sd
		if center != nil {
			v += float64(center[i])
		}
		t[i] = float32(v)
	}
	return t
}

// Subject returns a new subject's central template.
func (s *Synth) Subject() Template { return s.Near(nil, SubjectSpread) }

// Sample returns one capture of the subject centred on c.
func (s *Synth) Sample(c *Template) Template { return s.Near(c, SampleSpread) }

// SyntheticIndex fills an index with n subjects of one template each, named
// "s0000000", "s0000001"...
func SyntheticIndex(n int, seed uint64) *Index {
	s := NewSynth(seed)
	ix := NewIndex(n)
	for i := range n {
		t := s.Subject()
		ix.Add(fmt.Sprintf("s%07d", i), &t)
	}
	return ix
}
