//go:build linux

package ui

/*
#cgo LDFLAGS: -lX11 -lXinerama
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xinerama.h>

// heads fills xywh (4 ints a head, at most max heads) with the X screen's
// monitors as Xinerama reports them; returns how many, 0 when none or
// no display, -1 when Xinerama is not active.
static int heads(int *xywh, int max) {
	Display *d = XOpenDisplay(NULL);
	if (!d) return 0;
	int n = 0;
	if (!XineramaIsActive(d)) { XCloseDisplay(d); return -1; }
	XineramaScreenInfo *s = XineramaQueryScreens(d, &n);
	if (n > max) n = max;
	for (int i = 0; i < n; i++) {
		xywh[4*i] = s[i].x_org; xywh[4*i+1] = s[i].y_org;
		xywh[4*i+2] = s[i].width; xywh[4*i+3] = s[i].height;
	}
	if (s) XFree(s);
	XCloseDisplay(d);
	return n;
}

// place moves and sizes a window (undecorated windows, or a window
// manager that honours it).
static int place(unsigned long w, int x, int y, int width, int height) {
	Display *d = XOpenDisplay(NULL);
	if (!d) return 0;
	XMoveResizeWindow(d, (Window)w, x, y, width, height);
	XSync(d, False);
	XCloseDisplay(d);
	return 1;
}
*/
import "C"

import (
	"fmt"
	"image"
	"unsafe"
)

// x11Heads lists the monitors of the X screen the workstation runs on
// (DISPLAY), from Xinerama: one X screen spanning several monitors, the
// usual two-monitor booth. A second X screen (DISPLAY :0.1) is another
// display to X clients; no window of this process can go there.
func x11Heads() ([]image.Rectangle, error) {
	const most = 8
	buf := make([]C.int, 4*most)
	n := int(C.heads((*C.int)(unsafe.Pointer(&buf[0])), most))
	switch {
	case n < 0:
		return nil, fmt.Errorf("the X screen has no Xinerama monitors")
	case n == 0:
		return nil, fmt.Errorf("no X display")
	}
	out := make([]image.Rectangle, n)
	for i := range out {
		x, y, w, h := int(buf[4*i]), int(buf[4*i+1]), int(buf[4*i+2]), int(buf[4*i+3])
		out[i] = image.Rect(x, y, x+w, y+h)
	}
	return out, nil
}

// x11Place moves and sizes the X window to r.
func x11Place(window uintptr, r image.Rectangle) error {
	if C.place(C.ulong(window), C.int(r.Min.X), C.int(r.Min.Y), C.int(r.Dx()), C.int(r.Dy())) == 0 {
		return fmt.Errorf("no X display")
	}
	return nil
}
