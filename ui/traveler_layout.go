package ui

import (
	"image"

	"fyne.io/fyne/v2"

	"veriport/quality"
)

// travelerLayout places the traveler's screen: the message band at the
// top, the notice at the bottom (always), and between them the live view,
// the idle explanation or the outcome. Text sizes follow the height: at
// 1080 pixels the message is 59 high, the notice 32, readable from 1.5 m.
// It asks for no minimum size: it fills whatever screen it is given.
type travelerLayout struct{ t *travelerScreen }

func (l *travelerLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

func (l *travelerLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	t := l.t
	w, h := size.Width, size.Height
	pad := h * 0.025
	t.message.setSize(h * 0.055)
	t.idleTitle.setSize(h * 0.06)
	t.idleSteps.setSize(h * 0.04)
	t.outText.setSize(h * 0.08)
	t.outDetail.setSize(h * 0.045)
	t.noticeT.setSize(h * 0.032)
	t.notice.setSize(h * 0.03)
	t.hint.setSize(h * 0.026)
	t.bg.Resize(size)
	t.bg.Move(fyne.NewPos(0, 0))
	place := func(o fyne.CanvasObject, x, y, w, h float32) {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
	}

	// The notice and the language key, from the bottom up.
	tw := w - 2*pad
	hh := t.hint.heightFor(tw)
	y := h - pad - hh
	place(t.hint, pad, y, tw, hh)
	nh := t.notice.heightFor(tw)
	y -= nh
	place(t.notice, pad, y, tw, nh)
	th := t.noticeT.heightFor(tw)
	y -= th
	place(t.noticeT, pad, y, tw, th)
	bottom := y - pad

	// The message band: pictogram and one message.
	icon := h * 0.11
	mw := w - icon - 3*pad
	bandH := max(icon, t.message.heightFor(mw)) + 2*pad
	place(t.band, 0, 0, w, bandH)
	place(t.picto, pad, (bandH-icon)/2, icon, icon)
	mh := t.message.heightFor(mw)
	place(t.message, icon+2*pad, (bandH-mh)/2, mw, mh)

	// The live view between the band and the notice, with the oval.
	liveTop := bandH + pad/2
	liveH := max(bottom-liveTop, 0)
	place(t.liveImg, 0, liveTop, w, liveH)
	t.placeGuide(fyne.NewPos(0, liveTop), fyne.NewSize(w, liveH))

	// Idle: the title and the three steps.
	ih := t.idleTitle.heightFor(tw)
	place(t.idleTitle, pad, 2*pad, tw, ih)
	sh := t.idleSteps.heightFor(tw * 0.9)
	place(t.idleSteps, pad+tw*0.05, 2*pad+ih+2*pad, tw*0.9, sh)

	// The outcome fills everything above the notice.
	place(t.outBg, 0, 0, w, bottom+pad/2)
	big := min(h*0.25, bottom*0.45)
	place(t.outPicto, (w-big)/2, 2*pad, big, big)
	oh := t.outText.heightFor(tw)
	place(t.outText, pad, 3*pad+big, tw, oh)
	dh := t.outDetail.heightFor(tw)
	place(t.outDetail, pad, 4*pad+big+oh, tw, dh)
}

// placeGuide puts the oval where the face should be, in the live view's
// area (the frame drawn centred, aspect kept; the guide is centred across
// the frame, so mirroring leaves it in place).
func (t *travelerScreen) placeGuide(at fyne.Position, area fyne.Size) {
	fs := t.frameSz
	if fs.X == 0 || fs.Y == 0 {
		fs = image.Pt(1280, 720)
	}
	s := min(area.Width/float32(fs.X), area.Height/float32(fs.Y))
	ox := at.X + (area.Width-s*float32(fs.X))/2
	oy := at.Y + (area.Height-s*float32(fs.Y))/2
	g := quality.GuideBox(fs, t.q)
	t.guide.Move(fyne.NewPos(ox+s*float32(g.Min.X), oy+s*float32(g.Min.Y)))
	t.guide.Resize(fyne.NewSize(s*float32(g.Dx()), s*float32(g.Dy())))
	t.guide.CornerRadius = s * float32(g.Dx()) / 2
}
