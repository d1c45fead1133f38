package gallery

import (
	"iter"

	"veriport/verify"
)

// Templates yields every template of the bundle made by engine with its
// traveler, in entry order: what an index loads and gallery calibration
// searches with.
func (b *Bundle) Templates(engine verify.EngineName) iter.Seq2[string, *verify.Template] {
	return func(yield func(string, *verify.Template) bool) {
		for i := range b.Entries {
			e := &b.Entries[i]
			for j := range e.Templates {
				if e.Templates[j].engine() != engine {
					continue
				}
				if !yield(e.Traveler, &e.Templates[j].Template) {
					return
				}
			}
		}
	}
}
