package ui

import (
	"math"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// Window sizes of the booth: the least its layout is made for (every
// screen is checked at it), and the start when the screen is unknown.
var (
	minWindow     = fyne.NewSize(1024, 700)
	defaultWindow = fyne.NewSize(1280, 800)
)

// fitWindow is the starting window on a screen of the given size (Fyne
// units): nine tenths of it, leaving room for the desktop's panels, at
// least 1024x700 where the screen has that room, and never larger than
// the screen. An unknown screen (zero) gets 1280x800.
func fitWindow(screen fyne.Size) fyne.Size {
	if screen.Width <= 0 || screen.Height <= 0 {
		return defaultWindow
	}
	fit := func(s, least float32) float32 {
		return min(max(float32(math.Floor(float64(s)*0.9)), least), s)
	}
	return fyne.NewSize(fit(screen.Width, minWindow.Width), fit(screen.Height, minWindow.Height))
}

// primaryScreen is the primary monitor's size in Fyne units at scale;
// ok is false when the driver cannot tell. Call it on the main thread
// once the desktop driver runs (the app's OnStarted).
func primaryScreen(scale float32) (size fyne.Size, ok bool) {
	defer func() {
		if recover() != nil { // not the desktop driver, or no monitor
			size, ok = fyne.Size{}, false
		}
	}()
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return fyne.Size{}, false
	}
	v := m.GetVideoMode()
	if v == nil || v.Width <= 0 || v.Height <= 0 {
		return fyne.Size{}, false
	}
	if scale <= 0 {
		scale = 1
	}
	return fyne.NewSize(float32(v.Width)/scale, float32(v.Height)/scale), true
}
