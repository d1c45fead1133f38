package ui

import (
	"context"
	"image"

	"fyne.io/fyne/v2"

	"testing"
	"time"
	"veriport/booth"

	"veriport/config"
)

// While a capture is being decided the live view holds the last frame:
// no frame is copied, shown or analysed, so the decision has the CPU.
// Showing the decision resumes it; a decision that never comes does not
// freeze the view for longer than the hold's limit.
func TestLiveViewHoldsWhileDeciding(t *testing.T) {
	h := newCaptureHarness(t, scriptedSource(func(int) uint8 { return kindFar }), config.DefaultQuality())
	fa := h.mw.deps.Assessor.(*fakeAssessor)
	total := func() (n int) { uiDoAndWait(func() { n = h.mw.total }); return }
	waitFor(t, "live frames", func() bool { return total() > 3 })

	h.mw.holdLive(time.Minute)
	time.Sleep(60 * time.Millisecond) // a frame already on its way may land
	shown, analysed := total(), fa.calls.Load()
	time.Sleep(300 * time.Millisecond) // 15 frames at the source's 50 fps
	if n := total(); n != shown {
		t.Fatalf("live view showed %d frames while holding for a decision", n-shown)
	}
	if n := fa.calls.Load(); n > analysed+1 {
		t.Fatalf("%d frames analysed while holding for a decision", n-analysed)
	}
	h.mw.resumeLive()
	waitFor(t, "live view resumed", func() bool { return total() > shown+3 })

	h.mw.holdLive(100 * time.Millisecond) // the decision never comes
	time.Sleep(60 * time.Millisecond)
	shown = total()
	waitFor(t, "hold expired", func() bool { return total() > shown+3 })
}

// In the booth an auto-capture holds the live view until its decision is
// on the banner; then the view runs again (and the encounter is recorded).
func TestBoothHoldsLiveViewUntilDecisionShown(t *testing.T) {
	release := make(chan struct{})
	f := newLiveWF(t, matchT7, fyne.NewSize(1280, 800))
	f.ui(func() {
		f.ws.setGallery("VP123", "", booth.DeciderFunc(func(ctx context.Context, _ image.Image) (booth.Decision, error) {
			<-release // a slow decision
			return matchT7, nil
		}))
	})
	f.loginUI()
	f.kind.Store(kindGood)
	waitFor(t, "auto-capture", func() bool { return f.mw.captures.Load() == 1 })
	waitFor(t, "live view held", f.mw.holding)
	f.ui(func() {
		if f.mw.panel.thumb.Visible() {
			t.Error("the capture's thumbnail was drawn while its decision ran")
		}
	})
	close(release)
	waitFor(t, "MATCH", func() bool {
		var title string
		f.ui(func() { title = f.ws.booth.bannerTitle.Text })
		return title == "MATCH"
	})
	if f.mw.holding() {
		t.Fatal("the live view still holds after the decision was shown")
	}
	f.ui(func() {
		if !f.mw.panel.thumb.Visible() {
			t.Error("no thumbnail of the capture once its decision is shown")
		}
	})
	waitFor(t, "the encounter on the record", func() bool { return len(f.rec.Records()) == 1 })
}
