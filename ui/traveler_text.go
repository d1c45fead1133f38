package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"veriport/traveler"
)

// bigText is a paragraph of large text for the traveler's screen: it
// wraps at spaces, and between the characters of scripts written without
// them (Chinese, Japanese), and draws a right-to-left language's lines
// from the right, each line's pieces in visual order
// (traveler.VisualPieces): Fyne's own text lays runs out left to right.
// UI thread only.
type bigText struct {
	widget.BaseWidget
	text  string
	rtl   bool
	size  float32
	bold  bool
	color color.Color
	align fyne.TextAlign // centred, or leading: the left in left-to-right text, the right in right-to-left
}

func newBigText(size float32, bold bool, c color.Color, align fyne.TextAlign) *bigText {
	t := &bigText{size: size, bold: bold, color: c, align: align}
	t.ExtendBaseWidget(t)
	return t
}

// set changes the text and its direction.
func (t *bigText) set(text string, rtl bool) {
	if t.text == text && t.rtl == rtl {
		return
	}
	t.text, t.rtl = text, rtl
	t.Refresh()
}

func (t *bigText) style() fyne.TextStyle { return fyne.TextStyle{Bold: t.bold} }

// lines breaks the text into the lines that fit width, in reading order.
func (t *bigText) lines(width float32) []string {
	var out []string
	for _, para := range strings.Split(t.text, "\n") {
		var line strings.Builder
		w := float32(0)
		for _, u := range traveler.BreakUnits(para) {
			uw := fyne.MeasureText(strings.TrimRight(u, " "), t.size, t.style()).Width
			if line.Len() > 0 && width > 0 && w+uw > width {
				out = append(out, strings.TrimRight(line.String(), " "))
				line.Reset()
				w = 0
			}
			line.WriteString(u)
			w += fyne.MeasureText(u, t.size, t.style()).Width
		}
		out = append(out, strings.TrimRight(line.String(), " "))
	}
	return out
}

func (t *bigText) lineHeight() float32 {
	return fyne.MeasureText("Ag", t.size, t.style()).Height * 1.15
}

// CreateRenderer is Fyne's: the renderer draws one canvas.Text per piece.
func (t *bigText) CreateRenderer() fyne.WidgetRenderer {
	return &bigTextRenderer{t: t}
}

type bigTextRenderer struct {
	t       *bigText
	objects []fyne.CanvasObject
	width   float32
}

func (r *bigTextRenderer) Layout(size fyne.Size) {
	r.width = size.Width
	r.objects = r.objects[:0]
	y := float32(0)
	lh := r.t.lineHeight()
	for _, line := range r.t.lines(size.Width) {
		pieces := traveler.VisualPieces(line, r.t.rtl)
		texts := make([]*canvas.Text, 0, len(pieces))
		total := float32(0)
		for _, p := range pieces {
			c := canvas.NewText(p, r.t.color)
			c.TextSize, c.TextStyle = r.t.size, r.t.style()
			w := fyne.MeasureText(p, r.t.size, r.t.style()).Width
			c.Resize(fyne.NewSize(w, lh))
			texts = append(texts, c)
			total += w
		}
		x := float32(0)
		switch {
		case r.t.align == fyne.TextAlignCenter:
			x = (size.Width - total) / 2
		case r.t.rtl || r.t.align == fyne.TextAlignTrailing:
			x = size.Width - total
		}
		for _, c := range texts {
			c.Move(fyne.NewPos(x, y))
			x += c.Size().Width
			r.objects = append(r.objects, c)
		}
		y += lh
	}
}

// MinSize is the height of the lines at the width last laid out; no
// width of its own, so that it never widens the window.
func (r *bigTextRenderer) MinSize() fyne.Size {
	if r.t.text == "" {
		return fyne.NewSize(0, 0)
	}
	w := r.width
	if w <= 0 {
		w = r.t.Size().Width
	}
	return fyne.NewSize(0, float32(len(r.t.lines(w)))*r.t.lineHeight())
}

func (r *bigTextRenderer) Refresh() {
	r.Layout(r.t.Size())
	canvas.Refresh(r.t)
}

func (r *bigTextRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *bigTextRenderer) Destroy()                     {}

// heightFor is the height of the text at a width.
func (t *bigText) heightFor(width float32) float32 {
	if t.text == "" {
		return 0
	}
	return float32(len(t.lines(width))) * t.lineHeight()
}

// setSize changes the text size, redrawing when it changed.
func (t *bigText) setSize(size float32) {
	if t.size != size {
		t.size = size
		t.Refresh()
	}
}
