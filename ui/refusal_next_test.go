package ui

import (
	"strings"
	"testing"
)

// TestRefusalsAfterMatchPointToNext: with a MATCH on screen, Capture and
// Opt-out are refused with the way on (Next traveler [Alt+N]), not sent to
// a manual check the MATCH does not need.
func TestRefusalsAfterMatchPointToNext(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.key(keyCapture)
	f.decided("MATCH")
	for _, k := range []struct {
		what string
		key  func()
	}{{"capture", func() { f.key(keyCapture) }}, {"opt-out", func() { f.key(keyOptOut) }}} {
		k.key()
		msg := f.ws.booth.message.Text
		if !f.ws.booth.message.Visible() || !strings.Contains(msg, "Next traveler [Alt+N]") || strings.Contains(msg, "manual check") {
			t.Errorf("%s refused after a MATCH: %q", k.what, msg)
		}
	}
}
