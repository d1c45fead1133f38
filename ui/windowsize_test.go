package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// TestWindowFitsTheScreen: the window starts inside the screen whatever
// its size, at least 1024x700 where the screen has room for it, larger on
// a large screen, and at 1280x800 when the screen is unknown.
func TestWindowFitsTheScreen(t *testing.T) {
	for _, c := range []struct {
		screen, want fyne.Size
	}{
		{fyne.NewSize(1024, 700), fyne.NewSize(1024, 700)},
		{fyne.NewSize(1280, 800), fyne.NewSize(1152, 720)},
		{fyne.NewSize(1366, 768), fyne.NewSize(1229, 700)},
		{fyne.NewSize(1920, 1080), fyne.NewSize(1728, 972)},
		{fyne.NewSize(800, 600), fyne.NewSize(800, 600)}, // smaller than the layout's least: the screen
		{fyne.Size{}, fyne.NewSize(1280, 800)},
	} {
		got := fitWindow(c.screen)
		if got != c.want {
			t.Errorf("screen %v: window %v, want %v", c.screen, got, c.want)
		}
		if c.screen.Width > 0 && (got.Width > c.screen.Width || got.Height > c.screen.Height) {
			t.Errorf("screen %v: window %v is larger than the screen", c.screen, got)
		}
	}
}
