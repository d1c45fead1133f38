package ui

import (
	"image"
	"image/color"
	"math"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"veriport/booth"
	"veriport/config"
	"veriport/encounter"
	"veriport/quality"
	"veriport/traveler"
)

// What the traveler's screen shows, one at a time.
type travelerMode int

const (
	travelerIdle       travelerMode = iota // nobody in front: how it works, the notice
	travelerGuide                          // live view, oval, one guidance message
	travelerCountdown                      // steady: the photo is about to be taken
	travelerChecking                       // photo taken, or the officer is busy: one moment
	travelerProceed                        // MATCH: thank you, please proceed (green)
	travelerSeeOfficer                     // anything else: please see the officer (amber)
	travelerOptedOut                       // no photo: the officer checks the document (amber)
)

// travelerView is what the traveler's screen shows: a mode and, for
// guidance, the message key, for the countdown its number. It carries no
// name, score, photo or gallery data: there is none to show.
type travelerView struct {
	mode  travelerMode
	key   string
	count int
}

// travelerLive is the newest analysed frame as the traveler's screen needs
// it: a face in view, the guidance and the capture's progress.
type travelerLive struct {
	face     bool
	guidance string
	state    quality.CaptureState
	run, of  int
}

// travelerViewOf is the traveler's screen for the booth's state and the
// live analysis. A result is shown only to the traveler it is for: once
// the next one is in view (NextInView) the screen goes back to idle.
func travelerViewOf(s booth.State, live travelerLive) travelerView {
	switch s.Phase {
	case booth.PhaseReady, booth.PhaseOptOutRefused:
		switch {
		case !s.Armed || !live.face:
			return travelerView{mode: travelerIdle}
		case live.state == quality.CaptureDone:
			return travelerView{mode: travelerChecking, key: traveler.KeyChecking}
		case live.state == quality.CaptureSteady && live.of > 0:
			left := float64(live.of-live.run) / float64(live.of)
			return travelerView{mode: travelerCountdown, key: traveler.KeyCountdown, count: max(1, int(math.Ceil(3*left)))}
		case live.guidance == "":
			return travelerView{mode: travelerGuide, key: traveler.KeyHoldStill}
		}
		return travelerView{mode: travelerGuide, key: traveler.GuidanceKey(live.guidance)}
	case booth.PhaseDeciding, booth.PhaseOptOut:
		return travelerView{mode: travelerChecking, key: traveler.KeyChecking}
	case booth.PhaseDecided:
		switch {
		case s.NextInView:
			return travelerView{mode: travelerIdle}
		case s.Decision != nil && s.Decision.Outcome == encounter.OutcomeMatch && !booth.CategoryConflict(s.Decision, s.Policy):
			return travelerView{mode: travelerProceed, key: traveler.KeyProceed}
		}
		return travelerView{mode: travelerSeeOfficer, key: traveler.KeySeeOfficer}
	case booth.PhaseOptedOut:
		if s.NextInView {
			return travelerView{mode: travelerIdle}
		}
		return travelerView{mode: travelerOptedOut, key: traveler.KeyOptOut}
	case booth.PhaseManual:
		return travelerView{mode: travelerSeeOfficer, key: traveler.KeySeeOfficer}
	case booth.PhaseConcluded:
		switch {
		case s.NextInView:
			return travelerView{mode: travelerIdle}
		case s.Concluded != nil && s.Concluded.Verified:
			return travelerView{mode: travelerProceed, key: traveler.KeyProceed}
		}
		return travelerView{mode: travelerSeeOfficer, key: traveler.KeySeeOfficer}
	}
	return travelerView{mode: travelerIdle}
}

// Colours of the traveler's screen: high contrast on black; the outcome
// bands are green and amber, each with its own pictogram.
var (
	travelerBlack = color.NRGBA{A: 0xff}
	travelerWhite = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	travelerGreen = color.NRGBA{R: 0x0b, G: 0x6e, B: 0x2e, A: 0xff} // white text: contrast 6.3:1
	travelerAmber = color.NRGBA{R: 0xff, G: 0xb3, B: 0x00, A: 0xff} // black text: contrast 11:1
	travelerBand  = color.NRGBA{R: 0x1f, G: 0x2a, B: 0x44, A: 0xff}
)

// travelerScreen is the traveler's screen: a mirrored live view with the
// oval where the face goes, one large message with its pictogram, the
// outcome, and at the bottom the notice of the right to decline, always.
// It renders a travelerView in a language; it never receives a name, a
// score or a gallery photo. UI thread only, except offerFrame.
type travelerScreen struct {
	langs   traveler.Catalogue
	lang    *traveler.Language
	ruleSet string // the rule set whose notice is shown
	q       config.Quality
	view    travelerView
	live    travelerLive
	state   booth.State
	// lastFace is when a face was last in view: the idle screen comes
	// back only after a short absence, not on one missed frame.
	lastFace time.Time
	now      func() time.Time

	bg        *canvas.Rectangle
	band      *canvas.Rectangle
	picto     *canvas.Image
	message   *bigText
	liveImg   *canvas.Image
	guide     *canvas.Rectangle
	idleTitle *bigText
	idleSteps *bigText
	outBg     *canvas.Rectangle
	outPicto  *canvas.Image
	outText   *bigText
	outDetail *bigText
	noticeT   *bigText
	notice    *bigText
	hint      *bigText
	root      *fyne.Container

	camera  atomic.Bool // the live view is shown: offerFrame mirrors frames
	frames  *mirrorBuffers
	frameSz image.Point
}

// travelerIdleAfter is how long no face must be in view before the idle
// screen returns.
const travelerIdleAfter = 1500 * time.Millisecond

func newTravelerScreen(langs traveler.Catalogue, ruleSet string, q config.Quality, now func() time.Time) *travelerScreen {
	if now == nil {
		now = time.Now
	}
	if q.StableFrames == 0 {
		q = config.DefaultQuality()
	}
	t := &travelerScreen{langs: langs, lang: langs.English(), ruleSet: ruleSet, q: q, now: now, frames: &mirrorBuffers{}}
	return t
}

// build makes the screen's objects; the layout sizes the text from the
// screen's height so that it reads from 1.5 m at any resolution.
func (t *travelerScreen) build() fyne.CanvasObject {
	t.bg = canvas.NewRectangle(travelerBlack)
	t.band = canvas.NewRectangle(travelerBand)
	t.picto = canvas.NewImageFromResource(pictogram(traveler.KeyLook))
	t.picto.FillMode = canvas.ImageFillContain
	t.message = newBigText(40, true, travelerWhite, fyne.TextAlignCenter)
	t.liveImg = canvas.NewImageFromImage(nil)
	t.liveImg.FillMode = canvas.ImageFillContain
	t.liveImg.ScaleMode = canvas.ImageScaleFastest
	t.guide = canvas.NewRectangle(color.Transparent)
	t.guide.StrokeColor = travelerWhite
	t.guide.StrokeWidth = 6
	t.idleTitle = newBigText(40, true, travelerWhite, fyne.TextAlignCenter)
	t.idleSteps = newBigText(28, false, travelerWhite, fyne.TextAlignLeading)
	t.outBg = canvas.NewRectangle(travelerGreen)
	t.outPicto = canvas.NewImageFromResource(pictogram(traveler.KeyProceed))
	t.outPicto.FillMode = canvas.ImageFillContain
	t.outText = newBigText(56, true, travelerWhite, fyne.TextAlignCenter)
	t.outDetail = newBigText(32, false, travelerWhite, fyne.TextAlignCenter)
	t.noticeT = newBigText(24, true, travelerWhite, fyne.TextAlignLeading)
	t.notice = newBigText(22, false, travelerWhite, fyne.TextAlignLeading)
	t.hint = newBigText(18, false, travelerWhite, fyne.TextAlignTrailing)
	t.root = container.New(&travelerLayout{t: t}, t.bg, t.liveImg, t.guide, t.idleTitle, t.idleSteps,
		t.outBg, t.outPicto, t.outText, t.outDetail, t.band, t.picto, t.message, t.noticeT, t.notice, t.hint)
	t.render()
	return t.root
}

// setLanguage shows the screen in l.
func (t *travelerScreen) setLanguage(l *traveler.Language) {
	if l == nil || l == t.lang {
		return
	}
	t.lang = l
	t.render()
}

// nextLanguage is the traveler's language key: the next language.
func (t *travelerScreen) nextLanguage() { t.setLanguage(t.langs.After(t.lang)) }

// setState renders the booth's state. A new traveler, or a logout, clears
// the screen and returns it to the booth's default language.
func (t *travelerScreen) setState(s booth.State) {
	if s.Traveler != t.state.Traveler {
		t.lang = t.langs.English()
		t.live = travelerLive{}
		t.lastFace = time.Time{}
		t.liveImg.Image = nil
		t.state = s
		t.view = travelerViewOf(s, t.live)
		t.render() // the language changed even where the view did not (idle to idle)
		return
	}
	t.state = s
	t.update()
}

// setLive takes the newest analysed frame's guidance and capture progress.
func (t *travelerScreen) setLive(rep quality.QualityReport, st captureStatus) {
	now := t.now()
	face := rep.Faces > 0
	if face {
		t.lastFace = now
	} else if !t.lastFace.IsZero() && now.Sub(t.lastFace) < travelerIdleAfter {
		face = true // a frame without the face: keep the guidance a moment
	}
	t.live = travelerLive{face: face, guidance: rep.Guidance(), state: st.state, run: st.run, of: st.of}
	if rep.Size != (image.Point{}) {
		t.frameSz = rep.Size
	}
	t.update()
}

func (t *travelerScreen) update() {
	v := travelerViewOf(t.state, t.live)
	if v == t.view && t.root != nil {
		return
	}
	t.view = v
	t.render()
}

// render draws the view in the language. UI thread.
func (t *travelerScreen) render() {
	if t.root == nil {
		return
	}
	l, v := t.lang, t.view
	rtl := l.RTL()
	n, ok := l.Notice(t.ruleSet)
	if !ok {
		n, _ = t.langs.English().Notice(t.ruleSet)
	}
	t.noticeT.set(n.Title, rtl)
	t.notice.set(n.Text, rtl)
	t.hint.set(l.Text(traveler.KeyLanguageHint), rtl)
	idle := v.mode == travelerIdle
	outcome := v.mode == travelerProceed || v.mode == travelerSeeOfficer || v.mode == travelerOptedOut
	camera := v.mode == travelerGuide || v.mode == travelerCountdown
	t.camera.Store(camera)
	show(t.idleTitle, idle)
	show(t.idleSteps, idle)
	show(t.liveImg, camera)
	show(t.guide, camera)
	show(t.band, !idle && !outcome)
	show(t.picto, !idle && !outcome)
	show(t.message, !idle && !outcome)
	show(t.outBg, outcome)
	show(t.outPicto, outcome)
	show(t.outText, outcome)
	show(t.outDetail, outcome && v.mode == travelerOptedOut)
	switch {
	case idle:
		t.idleTitle.set(l.Text(traveler.KeyIdleTitle), rtl)
		t.idleSteps.set("1. "+l.Text(traveler.KeyIdleStep1)+"\n2. "+l.Text(traveler.KeyIdleStep2)+"\n3. "+l.Text(traveler.KeyIdleStep3), rtl)
	case outcome:
		colour, text, fg := travelerGreen, travelerWhite, traveler.KeyProceed
		if v.mode != travelerProceed {
			colour, text, fg = travelerAmber, travelerBlack, traveler.KeySeeOfficer
		}
		t.outBg.FillColor = colour
		t.outBg.Refresh()
		t.outPicto.Resource = pictogramOn(fg, text)
		t.outPicto.Refresh()
		t.outText.color, t.outDetail.color = text, text
		t.outText.set(l.Text(fg), rtl)
		t.outDetail.set(l.Text(traveler.KeyOptOut), rtl)
		t.outText.Refresh()
		t.outDetail.Refresh()
	default:
		msg := l.Text(v.key)
		if v.mode == travelerCountdown {
			msg = l.Countdown(v.count)
		}
		t.picto.Resource = pictogram(v.key)
		t.picto.Refresh()
		t.message.set(msg, rtl)
	}
	t.root.Refresh()
}

func show(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}
