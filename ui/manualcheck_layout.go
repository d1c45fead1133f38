package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/encounter"
)

// mrzTextMost caps the MRZ's text size: a zone line of 44 monospace
// characters must fit the panel beside the live view at 1024 px, also in
// the large-text theme, so it never scrolls sideways.
const mrzTextMost = 17

// mrzTheme is the current app theme with the text size capped at
// mrzTextMost, for the two MRZ lines and their check-digit marks. It asks
// the app for its theme at every call, so it follows the high-contrast
// switch.
type mrzTheme struct{}

func (mrzTheme) current() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

// Color implements fyne.Theme.
func (t mrzTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.current().Color(n, v)
}

// Font implements fyne.Theme.
func (t mrzTheme) Font(s fyne.TextStyle) fyne.Resource { return t.current().Font(s) }

// Icon implements fyne.Theme.
func (t mrzTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.current().Icon(n) }

// Size implements fyne.Theme.
func (t mrzTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.current().Size(n)
	if n == theme.SizeNameText {
		return min(s, mrzTextMost)
	}
	return s
}

// mrzLineWidth is the width an entry needs to show a whole zone line.
func mrzLineWidth() float32 {
	th := mrzTheme{}
	w := fyne.MeasureText(strings.Repeat("M", encounter.TD3LineLength), th.Size(theme.SizeNameText),
		fyne.TextStyle{Monospace: true}).Width
	return w + 2*th.Size(theme.SizeNameInnerPadding) + 2*th.Size(theme.SizeNameInputBorder) + 4
}

// mrzWidthLayout stacks its objects and asks for a whole zone line's width.
type mrzWidthLayout struct{}

// Layout implements fyne.Layout.
func (mrzWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize implements fyne.Layout.
func (mrzWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(mrzLineWidth(), h)
}

// mrzSized wraps the MRZ box: capped text, a whole line's width.
func mrzSized(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewThemeOverride(container.New(mrzWidthLayout{}, o), mrzTheme{})
}

// wheelCatcher lies over a scroll's content and takes the mouse wheel for
// that scroll: without it the wheel over an entry goes to the entry's own
// one-line scroll and the form does not move. It takes nothing else, so
// taps, typing and hovering reach the widgets under it.
type wheelCatcher struct {
	widget.BaseWidget
	scroll *container.Scroll
}

func newWheelCatcher(s *container.Scroll) *wheelCatcher {
	w := &wheelCatcher{scroll: s}
	w.ExtendBaseWidget(w)
	return w
}

// Scrolled implements fyne.Scrollable.
func (w *wheelCatcher) Scrolled(ev *fyne.ScrollEvent) { w.scroll.Scrolled(ev) }

// MinSize is nothing: the catcher takes the content's size.
func (w *wheelCatcher) MinSize() fyne.Size { return fyne.Size{} }

// CreateRenderer implements fyne.Widget.
func (w *wheelCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// wheelScroll is a vertical scroll of content whose mouse wheel works over
// every field in it.
func wheelScroll(content fyne.CanvasObject) (*container.Scroll, fyne.CanvasObject) {
	s := container.NewVScroll(content)
	return s, container.NewStack(s, newWheelCatcher(s))
}
