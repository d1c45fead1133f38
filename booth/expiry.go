package booth

import (
	"fmt"
	"time"
)

// Expiring is a Decider whose gallery stops being usable: Deadline is when
// it expires by the clock alone (zero: never), cheap enough to check on
// every frame; Usable also checks what costs more (its cached copy still
// there) and returns ErrGalleryExpired, wrapped, once it may not decide.
type Expiring interface {
	Deadline() time.Time
	Usable(now time.Time) error
}

var _ Expiring = (*GalleryDecider)(nil)

// Limit bounds the gallery's use: it may decide until until (the earlier of
// this and the bundle's expiry is kept) and while present (nil: always)
// returns nil, say while its cached copy has not been purged.
func (g *GalleryDecider) Limit(until time.Time, present func() error) {
	if !until.IsZero() && (g.until.IsZero() || until.Before(g.until)) {
		g.until = until
	}
	g.present = present
}

// Deadline implements Expiring.
func (g *GalleryDecider) Deadline() time.Time { return g.until }

// Usable implements Expiring.
func (g *GalleryDecider) Usable(now time.Time) error {
	if !g.until.IsZero() && !now.Before(g.until) {
		return E("gallery", GalleryExpired, fmt.Errorf("deadline %s", g.until.UTC().Format("2006-01-02 15:04Z")))
	}
	if g.present != nil {
		if err := g.present(); err != nil {
			return E("gallery", GalleryExpired, err)
		}
	}
	return nil
}

// usable checks d when it is Expiring (nil otherwise).
func usable(d Decider, now time.Time) error {
	if e, ok := d.(Expiring); ok {
		return e.Usable(now)
	}
	return nil
}

// pastDeadline reports whether d is Expiring and past its deadline at now.
func pastDeadline(d Decider, now time.Time) bool {
	e, ok := d.(Expiring)
	if !ok {
		return false
	}
	dl := e.Deadline()
	return !dl.IsZero() && !now.Before(dl)
}
