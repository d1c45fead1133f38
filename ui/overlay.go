package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/config"
	"veriport/quality"
)

// overlay draws the quality report over the live view: the guide outline
// where the face should be, the face box coloured by the report's verdict,
// the eye points, and one large guidance message. UI thread only.
type overlay struct {
	q      config.Quality
	frame  image.Point // size of the frames shown
	report quality.QualityReport
	has    bool

	shapes   *fyne.Container // box, eyes and guide, placed in frame coordinates
	guide    *canvas.Rectangle
	box      *canvas.Rectangle
	eyes     [2]*canvas.Circle
	message  *canvas.Text
	band     *fyne.Container
	captured bool // show "Captured" instead of guidance
}

// newOverlay makes the overlay objects; canvasObject returns them stacked.
func newOverlay(q config.Quality) *overlay {
	o := &overlay{q: q}
	o.guide = canvas.NewRectangle(color.Transparent)
	o.guide.StrokeColor = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xa0}
	o.guide.StrokeWidth = 2
	o.guide.CornerRadius = 60
	o.box = canvas.NewRectangle(color.Transparent)
	o.box.StrokeWidth = 4
	for i := range o.eyes {
		o.eyes[i] = canvas.NewCircle(theme.Color(theme.ColorNamePrimary))
	}
	o.shapes = container.New(&overlayLayout{o}, o.guide, o.box, o.eyes[0], o.eyes[1])
	o.message = canvas.NewText("", color.White)
	o.message.TextSize = 34
	o.message.TextStyle = fyne.TextStyle{Bold: true}
	o.message.Alignment = fyne.TextAlignCenter
	o.band = container.NewStack(canvas.NewRectangle(color.NRGBA{A: 0xa0}),
		container.NewPadded(container.NewCenter(o.message)))
	o.hide()
	return o
}

// canvasObject is the overlay to stack over the live image.
func (o *overlay) canvasObject() fyne.CanvasObject {
	return container.NewStack(o.shapes, container.NewVBox(layout.NewSpacer(), o.band))
}

func (o *overlay) hide() {
	o.box.Hide()
	o.eyes[0].Hide()
	o.eyes[1].Hide()
	o.band.Hide()
}

// set shows report r for frames of size frame.
func (o *overlay) set(r quality.QualityReport) {
	o.report, o.has, o.frame = r, true, r.Size
	o.box.StrokeColor = verdictColour(r.Verdict())
	o.box.Show()
	if r.Box.Empty() {
		o.box.Hide()
	}
	for _, e := range o.eyes {
		e.Hidden = !r.EyesKnown
	}
	o.message.Text = o.text()
	o.band.Show()
	o.shapes.Refresh()
	o.band.Refresh()
}

// overlayPhotoTaken is the officer's word for a capture: the traveler's
// thanks are on the traveler's screen, in their language.
const overlayPhotoTaken = "Photo taken"

// text is the one message to show, in priority order.
func (o *overlay) text() string {
	switch {
	case o.captured:
		return overlayPhotoTaken
	case o.report.Guidance() != "":
		return o.report.Guidance()
	default:
		return quality.SayHoldStill
	}
}

// setCaptured switches the message to the captured notice (or back).
func (o *overlay) setCaptured(c bool) {
	o.captured = c
	if o.has {
		o.message.Text = o.text()
		o.message.Refresh()
	}
}

// place positions the shapes for a view of the given size, the frame being
// drawn centred with its aspect ratio kept (ImageFillContain).
func (o *overlay) place(size fyne.Size) {
	if o.frame.X == 0 || o.frame.Y == 0 {
		o.guide.Hide()
		return
	}
	s := min(size.Width/float32(o.frame.X), size.Height/float32(o.frame.Y))
	ox := (size.Width - s*float32(o.frame.X)) / 2
	oy := (size.Height - s*float32(o.frame.Y)) / 2
	at := func(p image.Point) fyne.Position {
		return fyne.NewPos(ox+s*float32(p.X), oy+s*float32(p.Y))
	}
	rect := func(obj fyne.CanvasObject, r image.Rectangle) {
		obj.Move(at(r.Min))
		obj.Resize(fyne.NewSize(s*float32(r.Dx()), s*float32(r.Dy())))
	}
	g := quality.GuideBox(o.frame, o.q)
	rect(o.guide, g)
	o.guide.CornerRadius = s * float32(g.Dx()) / 2
	o.guide.Show()
	rect(o.box, o.report.Box)
	const r = 5
	for i, e := range o.eyes {
		p := at(o.report.Eyes[i])
		e.Move(fyne.NewPos(p.X-r, p.Y-r))
		e.Resize(fyne.NewSize(2*r, 2*r))
	}
}

// overlayLayout places the overlay's shapes in frame coordinates.
type overlayLayout struct{ o *overlay }

func (l *overlayLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) { l.o.place(size) }

func (l *overlayLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// verdictColour is the theme's colour for a verdict.
func verdictColour(v quality.Verdict) color.Color {
	switch v {
	case quality.VerdictPass:
		return theme.Color(theme.ColorNameSuccess)
	case quality.VerdictWarn, quality.VerdictUnknown:
		return theme.Color(theme.ColorNameWarning)
	default:
		return theme.Color(theme.ColorNameError)
	}
}

// verdictImportance is the label importance for a verdict.
func verdictImportance(v quality.Verdict) widget.Importance {
	switch v {
	case quality.VerdictPass:
		return widget.SuccessImportance
	case quality.VerdictWarn:
		return widget.WarningImportance
	case quality.VerdictFail:
		return widget.DangerImportance
	default:
		return widget.LowImportance
	}
}
