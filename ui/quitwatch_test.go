package ui

import (
	"testing"
	"time"
)

// TestQuitWatchdog: once quit is asked for, a GUI loop that does not end
// within the grace period (Fyne 2.7.1 can deadlock at quit: a lifecycle
// event waits for a main loop that has already drained) ends the process
// through hung; a loop that ends in time never triggers it.
func TestQuitWatchdog(t *testing.T) {
	ended := make(chan struct{})
	fired := make(chan struct{}, 1)
	go quitWatchdog(ended, 30*time.Millisecond, func() { fired <- struct{}{} })
	select {
	case <-fired:
	case <-time.After(2 * time.Second):
		t.Fatal("the loop never ended and the watchdog did not fire")
	}

	ended2 := make(chan struct{})
	go quitWatchdog(ended2, 200*time.Millisecond, func() { fired <- struct{}{} })
	close(ended2)
	select {
	case <-fired:
		t.Fatal("the watchdog fired although the loop ended in time")
	case <-time.After(400 * time.Millisecond):
	}
}
