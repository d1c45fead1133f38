package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"veriport/gallery"
)

// TestFlightPickerFitsBeside1024HighContrast: the flight picker, in both
// themes and with a download under way, fits the panel beside the live
// view in a 1024 px window; wider, it propped the window open past a
// 1024x700 screen for the rest of the run (the walk's high-contrast run).
func TestFlightPickerFitsBeside1024HighContrast(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	room := float32(1024 - liveMinWidth)
	for _, high := range []bool{false, true} {
		a.Settings().SetTheme(&accessTheme{base: theme.DefaultTheme(), high: high})
		p := newFlightPicker(context.Background(), &fakeFlights{}, time.Now, func(gallery.Status) {})
		w := a.NewWindow("flights")
		w.SetContent(p.build())
		w.Resize(fyne.NewSize(room, 700))
		var idle, busy fyne.Size
		uiDoAndWait(func() {
			idle = w.Content().MinSize()
			p.download.Hide() // as while a download runs
			p.cancel.Show()
			p.progress.Show()
			busy = w.Content().MinSize()
		})
		if idle.Width > room || busy.Width > room {
			t.Errorf("high contrast %v: the picker needs %.0f px (%.0f downloading), the panel has %.0f", high, idle.Width, busy.Width, room)
		}
		w.Close()
	}
}
