package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// quitGuard is a recorder that may have records no quit can afford to lose
// (booth.Queue: records waiting for disk space that no file keeps).
type quitGuard interface {
	QuitRefusal(ctx context.Context) string
}

// guardQuit keeps the window open while closing it would lose records
// waiting for disk space; the officer reads why and what to do. Otherwise
// quit runs.
func (ws *workstation) guardQuit(w fyne.Window, quit func()) {
	g, ok := ws.wf.Recorder.(quitGuard)
	if !ok {
		return
	}
	w.SetCloseIntercept(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if msg := g.QuitRefusal(ctx); msg != "" {
			dialog.ShowInformation("Veriport stays open", msg, w)
			return
		}
		quit()
	})
}
