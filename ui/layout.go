package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Proportions of the booth layout: the live view keeps at least liveShare
// of the width (two thirds when the panel needs no more), the workflow
// panel between panelLeast and panelMost.
const (
	panelLeast = 0.33
	panelMost  = 1 - liveShare
	liveShare  = 0.45
	// liveMinWidth is the least the live view asks for in the minimum.
	liveMinWidth = 360
)

// boothLayout puts the live view (first object) on the left and the
// workflow panel (second) on the right, without a movable split: the panel
// gets what its content needs within [panelLeast, panelMost] of the width
// and the live view the rest, so the live view never collapses. Its minimum
// is only what both need at their smallest (the panel scrolls vertically),
// so no screen can prop the window open wider than the display.
type boothLayout struct{}

// panelWidth is the panel's share of width w given its minimum width.
func panelWidth(w, panelMin float32) float32 {
	p := max(panelMin, panelLeast*w)
	return min(p, panelMost*w)
}

// Layout implements fyne.Layout.
func (boothLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 2 {
		return
	}
	live, panel := objs[0], objs[1]
	pw := panelWidth(size.Width, panel.MinSize().Width)
	live.Move(fyne.NewPos(0, 0))
	live.Resize(fyne.NewSize(size.Width-pw, size.Height))
	panel.Move(fyne.NewPos(size.Width-pw, 0))
	panel.Resize(fyne.NewSize(pw, size.Height))
}

// MinSize implements fyne.Layout: the live view's least width beside the
// panel's, and the taller of the two.
func (boothLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) != 2 {
		return fyne.Size{}
	}
	p := objs[1].MinSize()
	return fyne.NewSize(liveMinWidth+p.Width, max(p.Height, objs[0].MinSize().Height))
}

// wrappedCheck shows c's caption as a wrapping label beside the box, so a
// long caption in large text wraps instead of widening the panel; tapping
// the caption toggles the box as before.
func wrappedCheck(c *widget.Check) fyne.CanvasObject {
	l := &tapLabel{onTap: func() {
		if !c.Disabled() {
			c.SetChecked(!c.Checked)
		}
	}}
	l.ExtendBaseWidget(l)
	l.SetText(c.Text)
	l.Wrapping = fyne.TextWrapWord
	c.Text = ""
	c.Refresh()
	return container.NewBorder(nil, nil, c, nil, l)
}

// tapLabel is a label that can be tapped.
type tapLabel struct {
	widget.Label
	onTap func()
}

// Tapped implements fyne.Tappable.
func (l *tapLabel) Tapped(*fyne.PointEvent) { l.onTap() }
