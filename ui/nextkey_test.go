package ui

import (
	"context"
	"fmt"
	"image"
	"strings"
	"testing"

	"veriport/booth"
	"veriport/encounter"
	"veriport/verify"

	"fyne.io/fyne/v2/test"
)

// TestNextKeyRefusedWhereButtonDisabled: after a refused opt-out the
// traveler still owes a photo or a manual check, so Next traveler is
// disabled; Alt+N must not finish that traveler either (it used to, with
// neither photo nor check). The message says what is left.
func TestNextKeyRefusedWhereButtonDisabled(t *testing.T) {
	f := newWF(t, matchT7)
	// The officer's capture after the refusal finds no face: the traveler
	// is back at the refused opt-out, still owing a photo or a check.
	f.ws.setGallery("VP123", "Gallery: VP123 2026-05-04 AAA-BBB, 3 travelers (fresh)",
		booth.DeciderFunc(func(context.Context, image.Image) (booth.Decision, error) {
			return booth.Decision{}, fmt.Errorf("decide: %w", verify.ErrNoFace)
		}))
	f.login(testPIN, f.code(), true)
	f.key(keyOptOut)
	o := f.ws.optOut
	f.typeInto(o.form.nationality, "CAN")
	f.typeInto(o.form.visa, "E-2")
	test.Tap(o.form.flags[encounter.FlagBVisitorWithoutVisa])
	f.key(keyDecide)
	f.key(keyCapture)
	if s := f.ws.station.State(); s.Phase != booth.PhaseOptOutRefused {
		t.Fatalf("phase %s after the refused opt-out and a capture without a face, want %s", s.Phase, booth.PhaseOptOutRefused)
	}
	if !f.ws.booth.next.Disabled() {
		t.Fatal("Next traveler enabled after a refused opt-out")
	}
	f.key(keyNext)
	if s := f.ws.station.State(); s.Phase != booth.PhaseOptOutRefused {
		t.Fatalf("Alt+N finished a traveler whose opt-out was refused: phase %s", s.Phase)
	}
	if msg := f.ws.booth.message.Text; !f.ws.booth.message.Visible() || !strings.Contains(msg, "[Alt+M]") {
		t.Errorf("Alt+N refused without saying what is left: %q", msg)
	}
}
