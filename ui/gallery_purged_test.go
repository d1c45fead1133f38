package ui

import (
	"context"
	"errors"
	"image"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"veriport/booth"
)

// purgeable is a decider whose cached copy can be purged (booth.Expiring).
type purgeable struct{ gone atomic.Bool }

func (p *purgeable) Decide(context.Context, image.Image) (booth.Decision, error) { return matchT7, nil }
func (p *purgeable) Deadline() time.Time                                         { return time.Time{} }
func (p *purgeable) Usable(time.Time) error {
	if p.gone.Load() {
		return errors.New("2026-05-04_VP123: no gallery in the cache")
	}
	return nil
}

// TestPurgedGalleryLeavesBoothPanel: when the workstation's gallery check
// drops a gallery whose cached copy was purged, the booth panel stops
// naming it (it read "Gallery: VP123 ... (fresh)" still, found from outside)
// and the officer reads why capture stopped.
func TestPurgedGalleryLeavesBoothPanel(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	d := &purgeable{}
	f.ws.setGallery("VP123", "Gallery: VP123 2026-05-04 AAA-BBB, 3 travelers (fresh)", d)
	if got := f.ws.booth.flight.Text; !strings.Contains(got, "VP123") {
		t.Fatalf("flight label before the purge %q", got)
	}
	d.gone.Store(true)
	f.ws.checkGallery(f.clock.now())
	if got := f.ws.booth.flight.Text; strings.Contains(got, "VP123") || !strings.Contains(got, "No flight loaded") {
		t.Errorf("flight label after the purge %q; want no gallery named", got)
	}
	if got := f.ws.booth.message.Text; !strings.Contains(got, "expired or was purged") {
		t.Errorf("message after the purge %q; want why capture stopped", got)
	}
}
