package gallery

import (
	"fmt"
	"math"
	"math/rand/v2"

	"veriport/verify"
)

// SyntheticNote is the display note every synthetic traveler carries.
const SyntheticNote = "SYNTHETIC test traveler, not a real person"

// SyntheticEntries makes n clearly synthetic travelers for demos and
// benchmarks: ids "SYN-000001"..., display name "SYNTHETIC TRAVELER n" and
// note SyntheticNote, a mix of categories, and 1-2 random unit-length
// templates each (far, at distance about 1.4, from each other and from real
// faces). The same seed gives the same travelers.
func SyntheticEntries(n int, seed uint64) []Entry {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	exemptions := []string{"under 14 on the date of admission", "over 79 on the date of admission",
		"A-1 visa holder", "G-4 visa holder", "Canadian B visitor without visa or I-94"}
	out := make([]Entry, n)
	for i := range out {
		e := &out[i]
		e.Traveler = fmt.Sprintf("SYN-%06d", i+1)
		switch r := rng.IntN(100); {
		case r < 40:
			e.Category = CategoryUSCitizen
		case r < 50:
			e.Category = CategoryLPR
		case r < 90:
			e.Category = CategoryInScope
		default:
			e.Category = CategoryExempt
			e.Exemption = exemptions[rng.IntN(len(exemptions))]
		}
		e.Display = []Field{
			{Key: "name", Value: fmt.Sprintf("SYNTHETIC TRAVELER %d", i+1)},
			{Key: "note", Value: SyntheticNote},
			{Key: "seat", Value: fmt.Sprintf("%d%c", 1+i/6%60, 'A'+rune(i%6))},
		}
		nt := 1 + rng.IntN(2)
		e.Templates = make([]Template, nt)
		for j := range e.Templates {
			t := &e.Templates[j]
			t.Source = []Source{SourcePassport, SourceVisa, SourcePriorEntry}[rng.IntN(3)]
			t.Engine = verify.EngineDlib
			var norm float64
			for k := range t.Template {
				v := rng.NormFloat64()
				t.Template[k] = float32(v)
				norm += v * v
			}
			s := float32(1 / math.Sqrt(norm))
			for k := range t.Template {
				t.Template[k] *= s
			}
		}
	}
	return out
}
