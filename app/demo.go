package app

import (
	"math"
	"math/rand/v2"

	"veriport/verify"
)

// DemoTravelers is the size of the demo flight's gallery: 420 travelers as
// in NIST's paperless-travel evaluation.
const DemoTravelers = 420

// DemoPortrait is a cached public-domain test portrait and the demo
// traveler it gives.
type DemoPortrait struct {
	Subject string // the demo traveler
	File    string // the portrait's file in the portraits cache
	Source  string // where the template came from: passport, prior-entry
	Name    string // the name shown for the traveler
}

// DemoPortraits is which cached portrait gives which demo traveler.
var DemoPortraits = []DemoPortrait{
	{"DEMO-OBAMA", "obama.jpg", "passport", "Barack Obama"},
	{"DEMO-OBAMA", "obama2.jpg", "prior-entry", "Barack Obama"},
	{"DEMO-BIDEN", "biden.jpg", "passport", "Joe Biden"},
}

// SyntheticSFace is a synthetic sface template: a unit vector from rng.
func SyntheticSFace(rng *rand.Rand) verify.Template {
	var t verify.Template
	var norm float64
	for k := range t {
		v := rng.NormFloat64()
		t[k], norm = float32(v), norm+v*v
	}
	for k := range t {
		t[k] /= float32(math.Sqrt(norm))
	}
	return t
}
