package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TestNextTravelerInViewMarksResultPrevious: a MATCH stays on screen while
// its traveler is in view; once that traveler has left and a new face is
// in view, the banner says the result is the previous traveler's and no
// longer reads as a plain MATCH; Next then takes the new traveler at once.
func TestNextTravelerInViewMarksResultPrevious(t *testing.T) {
	f := newLiveWF(t, matchT7, fyne.NewSize(1280, 800))
	f.loginUI()
	f.goodFrames()
	waitFor(t, "MATCH", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
	f.goodFrames() // the traveler lingers: still a plain MATCH
	f.kind.Store(kindEmpty)
	time.Sleep(1500 * time.Millisecond) // the traveler walks on
	f.ui(func() {
		if f.ws.booth.bannerTitle.Text != "MATCH" || f.ws.booth.message.Visible() {
			t.Errorf("with nobody in view: banner %q, message %q", f.ws.booth.bannerTitle.Text, f.ws.booth.message.Text)
		}
	})
	f.kind.Store(kindGood) // the next traveler steps up
	waitFor(t, "the result marked as the previous traveler's", func() bool {
		return strings.Contains(f.ws.booth.bannerTitle.Text, "PREVIOUS TRAVELER")
	})
	f.ui(func() {
		if !f.ws.booth.message.Visible() || !strings.Contains(f.ws.booth.message.Text, "Next traveler [Alt+N]") {
			t.Errorf("message %q (visible %v)", f.ws.booth.message.Text, f.ws.booth.message.Visible())
		}
		if f.ws.booth.tone != widget.LowImportance {
			t.Errorf("banner tone %v: still reads as the result", f.ws.booth.tone)
		}
	})
	if n := f.mw.captures.Load(); n != 1 {
		t.Fatalf("%d photos before Next, want 1", n)
	}
	f.ui(func() { f.key(keyNext) })
	waitFor(t, "the new traveler's MATCH", func() bool {
		return f.ws.booth.bannerTitle.Text == "MATCH" && f.mw.captures.Load() == 2
	})
}
