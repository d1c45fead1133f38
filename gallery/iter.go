package gallery

import (
	"iter"

	"veriport/verify"
)

// Templates yields every template of the bundle with its traveler, in
// entry order: what gallery calibration searches with.
func (b *Bundle) Templates() iter.Seq2[string, *verify.Template] {
	return func(yield func(string, *verify.Template) bool) {
		for i := range b.Entries {
			e := &b.Entries[i]
			for j := range e.Templates {
				if !yield(e.Traveler, &e.Templates[j].Template) {
					return
				}
			}
		}
	}
}
