package ui

import (
	"context"

	"fyne.io/fyne/v2"
)

// LiveWindow is the main window's live view driven from outside the
// workstation: the same frame loop, analysis, overlay and decision hold as
// the booth's, without a shift. The benchmarks (package bench) run it on
// Fyne's test driver to measure the live path; the workstation itself
// never uses it.
type LiveWindow struct{ m *mainWindow }

// NewLiveWindow builds the main window's content with d and sets it on w.
func NewLiveWindow(w fyne.Window, d Deps) *LiveWindow {
	m := newMainWindow(w, d)
	w.SetContent(m.build())
	return &LiveWindow{m: m}
}

// Start starts the frame loop and the analysis until ctx ends; Wait waits
// for both to stop.
func (l *LiveWindow) Start(ctx context.Context) { l.m.start(ctx) }

// Wait waits for the loops Start started to stop after their context ended.
func (l *LiveWindow) Wait() { l.m.wait() }

// Shown is how many frames the view has shown since Start; it asks the UI
// thread, so it must not be called from it.
func (l *LiveWindow) Shown() int {
	var n int
	uiDoAndWait(func() { n = l.m.total })
	return n
}

// HoldForDecision holds the view on its frame as the booth does while a
// capture is decided (for at most the booth's bound); Resume ends it.
func (l *LiveWindow) HoldForDecision() { l.m.holdLive(maxDecisionHold) }

// Resume ends HoldForDecision. UI thread.
func (l *LiveWindow) Resume() { l.m.resumeLive() }
