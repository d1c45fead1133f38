package ui

import (
	"log/slog"
	"os"
	"time"
)

// quitGrace is how long the GUI loop may take to end once quit is asked
// for (SIGTERM, SIGINT or the window closed) before the process ends
// without it.
const quitGrace = 20 * time.Second

// quitWatchdog calls hung unless ended is closed within grace. Fyne 2.7.1
// can deadlock at quit: its lifecycle queue hands the stop event to a main
// loop that has already drained, and both wait for ever (seen once under
// SIGTERM on a loaded machine). Every record is already on disk by then
// (FULL sync) and the next start closes an open encounter, so ending the
// process is safe; hanging would keep a booth's workstation from
// restarting.
func quitWatchdog(ended <-chan struct{}, grace time.Duration, hung func()) {
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-ended:
	case <-t.C:
		hung()
	}
}

// exitHung ends the process after a GUI loop that did not end at quit.
func exitHung(log *slog.Logger) func() {
	return func() {
		if log != nil {
			log.Error("the window did not close within the grace period after quit: ending the process", "grace", quitGrace)
		}
		os.Exit(1)
	}
}
