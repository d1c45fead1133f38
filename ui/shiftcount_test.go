package ui

import "testing"

// TestShiftCountMovesWithDecision: the travelers-this-shift count counts
// the traveler whose decision is on screen, so "0" never stands beside a
// MATCH just decided, and Next does not move it again.
func TestShiftCountMovesWithDecision(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	b := f.ws.booth
	f.key(keyCapture)
	f.decided("MATCH")
	if b.count.Text != "Travelers this shift: 1" {
		t.Fatalf("beside the MATCH: %q", b.count.Text)
	}
	f.key(keyNext)
	if b.count.Text != "Travelers this shift: 1" {
		t.Fatalf("after Next: %q", b.count.Text)
	}
	f.key(keyCapture)
	f.decided("MATCH")
	if b.count.Text != "Travelers this shift: 2" {
		t.Fatalf("beside the second MATCH: %q", b.count.Text)
	}
}
