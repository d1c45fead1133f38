package cli

import (
	"veriport/gallery"
	"veriport/verify"
)

// newGalleryIndex is the index galleries are loaded into: verify's 1:N index.
func newGalleryIndex(capacity int) gallery.Loader { return verify.NewIndex(capacity) }

var _ gallery.Loader = (*verify.Index)(nil)
