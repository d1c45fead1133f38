package cli

import (
	"veriport/gallery"
	"veriport/verify"
)

// newGalleryIndex is the index galleries are loaded into.
// TODO(lead): return verify.NewIndex(capacity) once verify's Index is on
// main; until then this contiguous slice stands in for it in the bench.
func newGalleryIndex(capacity int) gallery.Loader {
	return &pendingIndex{subjects: make([]string, 0, capacity), templates: make([]verify.Template, 0, capacity)}
}

// pendingIndex keeps subjects and templates in contiguous slices, as
// verify.Index does.
type pendingIndex struct {
	subjects  []string
	templates []verify.Template
}

// Add appends one template of subject.
func (p *pendingIndex) Add(subject string, t *verify.Template) {
	p.subjects = append(p.subjects, subject)
	p.templates = append(p.templates, *t)
}
