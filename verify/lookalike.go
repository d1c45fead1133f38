package verify

// LookAlikes makes a synthetic population the engine would separate poorly:
// every traveler's identity is drawn tightly around one of a few centres,
// so different travelers sit about as close as real look-alikes do, and
// each capture adds SampleSpread of noise (a mated pair is about 0.35
// apart, as with Synth). It is test data for calibration, not a model of
// any real group.
type LookAlikes struct {
	s       *Synth
	centres []Template
	spread  float64
}

// Defaults of the look-alike population: 100 centres (small families of
// look-alikes), two travelers of one centre about 16*sqrt(0.026^2+0.022^2)
// = 0.54 apart (captures included). On a 420-traveler gallery, the default
// policy (T 0.50, M 0.05) says MATCH on about 5% of searches by travelers
// who are not on the flight.
const (
	DefaultLookAlikeCentres = 100
	DefaultLookAlikeSpread  = 0.026
)

// NewLookAlikes returns a generator of travelers around centres centres,
// spread per dimension around them.
func NewLookAlikes(seed uint64, centres int, spread float64) *LookAlikes {
	s := NewSynth(seed)
	l := &LookAlikes{s: s, spread: spread}
	for range max(centres, 1) {
		l.centres = append(l.centres, s.Subject())
	}
	return l
}

// Traveler returns a new traveler's identity template around a centre
// drawn at random, so gallery travelers and travelers not on the flight are
// draws from one population.
func (l *LookAlikes) Traveler() Template {
	c := &l.centres[l.s.rng.IntN(len(l.centres))]
	return l.s.Near(c, l.spread)
}

// Capture returns one capture (an enrolment photo or a probe) of the
// traveler whose identity is id.
func (l *LookAlikes) Capture(id *Template) Template { return l.s.Sample(id) }
