package verify

import (
	"fmt"
	"image"
	"math"
	"time"

	"veriport/config"
)

// Verdict judges one quality measure.
type Verdict string

// Verdicts, from best to worst. Unknown means the measure could not be taken
// on this frame (no face, or no fresh landmarks yet); it never passes.
const (
	VerdictPass    Verdict = "pass"
	VerdictWarn    Verdict = "warn"
	VerdictFail    Verdict = "fail"
	VerdictUnknown Verdict = "unknown"
)

// Names of the quality measures, in guidance priority order: the first one
// that does not pass gives the message shown to the traveler.
const (
	MeasureFaceCount   = "face_count"
	MeasureInterEye    = "inter_eye"
	MeasureMargins     = "margins"
	MeasureCentring    = "centring"
	MeasureLuminance   = "luminance"
	MeasureUnderExpose = "under_exposure"
	MeasureOverExpose  = "over_exposure"
	MeasureDynamic     = "dynamic_range"
	MeasureUniformity  = "uniformity"
	MeasureYaw         = "yaw"
	MeasurePitch       = "pitch"
	MeasureRoll        = "roll"
	MeasureSharpness   = "sharpness"
	MeasureEyesOpen    = "eyes_open"
)

// MeasureLabels are the checklist's short names of the measures.
var MeasureLabels = map[string]string{
	MeasureFaceCount:   "One face",
	MeasureInterEye:    "Inter-eye distance",
	MeasureMargins:     "Head in frame",
	MeasureCentring:    "Centred",
	MeasureLuminance:   "Brightness",
	MeasureUnderExpose: "Dark areas",
	MeasureOverExpose:  "Glare",
	MeasureDynamic:     "Contrast",
	MeasureUniformity:  "Even light",
	MeasureYaw:         "Yaw",
	MeasurePitch:       "Pitch",
	MeasureRoll:        "Roll",
	MeasureSharpness:   "Sharpness",
	MeasureEyesOpen:    "Eyes visible",
}

// Measure is one quality measure of one frame.
type Measure struct {
	Name      string  // one of the Measure* constants
	Label     string  // short text for the checklist ("Inter-eye distance")
	Value     float64 // NaN when unknown
	Unit      string  // "px", "deg", "", "%"...
	Verdict   Verdict
	Guidance  string  // what the traveler should do when it does not pass
	Mandatory bool    // auto-capture needs it to pass
	Score     float64 // 0 (worst) .. 1 (best), for choosing the best frame
}

// Text renders the value with its unit for the checklist.
func (m Measure) Text() string {
	if math.IsNaN(m.Value) {
		return "—"
	}
	switch m.Unit {
	case "%":
		return fmt.Sprintf("%.0f%%", 100*m.Value)
	case "deg":
		return fmt.Sprintf("%+.1f°", m.Value)
	case "px":
		return fmt.Sprintf("%.0f px", m.Value)
	case "":
		return fmt.Sprintf("%.2f", m.Value)
	default:
		return fmt.Sprintf("%.0f %s", m.Value, m.Unit)
	}
}

// QualityReport is the assessment of one analysed frame.
type QualityReport struct {
	Size  image.Point     // frame size
	Faces int             // faces found by the tracker
	Box   image.Rectangle // the traveler's face (largest), frame coordinates; empty when none
	// Eyes are the eye centres (image-left first) when known; EyesKnown says so.
	Eyes      [2]image.Point
	EyesKnown bool
	// Landmarks are dlib's 5 points moved with the tracked face, nil when none
	// is fresh enough; LandmarkAge is how old they are.
	Landmarks   []image.Point
	LandmarkAge time.Duration
	Measures    []Measure     // every measure, in guidance priority order
	Score       float64       // composite 0..1: mean score of the mandatory measures
	Elapsed     time.Duration // analysis time of this frame
}

// Measure returns the named measure.
func (r QualityReport) Measure(name string) (Measure, bool) {
	for _, m := range r.Measures {
		if m.Name == name {
			return m, true
		}
	}
	return Measure{}, false
}

// Pass reports whether every mandatory measure passes.
func (r QualityReport) Pass() bool {
	if len(r.Measures) == 0 {
		return false
	}
	for _, m := range r.Measures {
		if m.Mandatory && m.Verdict != VerdictPass {
			return false
		}
	}
	return true
}

// Verdict is the worst verdict among the mandatory measures (unknown counts
// as warn): the colour of the face box.
func (r QualityReport) Verdict() Verdict {
	v := VerdictPass
	for _, m := range r.Measures {
		if !m.Mandatory {
			continue
		}
		switch m.Verdict {
		case VerdictFail:
			return VerdictFail
		case VerdictWarn, VerdictUnknown:
			v = VerdictWarn
		}
	}
	if len(r.Measures) == 0 {
		return VerdictFail
	}
	return v
}

// Guidance is the one message to show: that of the first mandatory measure,
// in priority order, that fails; else the first that does not pass; "" when
// all pass.
func (r QualityReport) Guidance() string {
	for _, m := range r.Measures {
		if m.Mandatory && m.Verdict == VerdictFail {
			return m.Guidance
		}
	}
	for _, m := range r.Measures {
		if m.Mandatory && m.Verdict != VerdictPass {
			return m.Guidance
		}
	}
	return ""
}

// Guidance sentences, short and plain.
const (
	SayStepIn     = "Step in front of the camera"
	SayOnePerson  = "One person at a time, please"
	SayCloser     = "Step closer"
	SayBack       = "Step back a little"
	SayCentre     = "Move to the centre"
	SayMoreLight  = "More light needed"
	SayLessLight  = "Too bright — move out of direct light"
	SayEvenLight  = "Face the light — one side is in shadow"
	SayFaceCamera = "Face the camera"
	SayChinLevel  = "Keep your chin level"
	SayHeadLevel  = "Keep your head upright"
	SayHoldStill  = "Hold still"
	SayEyesOpen   = "Keep your eyes open"
)

// faceStats are the measurements a report is judged from; NaN when unknown.
type faceStats struct {
	size                     image.Point
	faces                    int
	box                      image.Rectangle
	interEye                 float64
	yaw, pitch, roll         float64
	sharpness                float64
	luminance, under, over   float64
	dynamicRange, uniformity float64
	eyesFound                int     // eye-cascade detections in the face, -1 unknown
	frameLuminance           float64 // mean grey level of the whole frame
}

// judge turns measurements into a report with verdicts and guidance.
func judge(q config.Quality, s faceStats) QualityReport {
	r := QualityReport{Size: s.size, Faces: s.faces, Box: s.box}
	nan := math.NaN()
	count := Measure{Name: MeasureFaceCount, Label: MeasureLabels[MeasureFaceCount], Value: float64(s.faces), Unit: "faces", Mandatory: true}
	switch {
	case s.faces == 1:
		count.Verdict, count.Score = VerdictPass, 1
	case s.faces == 0:
		count.Verdict, count.Guidance = VerdictFail, SayStepIn
		// In a very dark or very bright scene the face may be there unseen.
		if s.frameLuminance < 0.5*q.LuminanceMin {
			count.Guidance = SayMoreLight
		} else if s.frameLuminance > q.LuminanceMax+0.5*(255-q.LuminanceMax) {
			count.Guidance = SayLessLight
		}
	default:
		count.Verdict, count.Guidance = VerdictFail, SayOnePerson
	}
	if s.faces == 0 {
		s = faceStats{size: s.size, frameLuminance: s.frameLuminance, interEye: nan, yaw: nan, pitch: nan, roll: nan, sharpness: nan,
			luminance: nan, under: nan, over: nan, dynamicRange: nan, uniformity: nan, eyesFound: -1}
	}
	add := func(m Measure) { m.Mandatory = m.Name != MeasureEyesOpen; r.Measures = append(r.Measures, m) }
	add(count)
	add(atLeast(Measure{Name: MeasureInterEye, Label: MeasureLabels[MeasureInterEye], Value: s.interEye, Unit: "px", Guidance: SayCloser},
		q.InterEyeMin, q.InterEyeWarn))
	margin, centre := placement(q, s)
	add(margin)
	add(centre)
	lum := Measure{Name: MeasureLuminance, Label: MeasureLabels[MeasureLuminance], Value: s.luminance, Unit: "grey", Guidance: SayMoreLight}
	if s.luminance > q.LuminanceMax {
		lum.Guidance = SayLessLight
		add(atMost(lum, q.LuminanceMax, q.LuminanceMax+0.5*(255-q.LuminanceMax)))
	} else {
		add(atLeast(lum, q.LuminanceMin, 0.6*q.LuminanceMin))
	}
	add(atMost(Measure{Name: MeasureUnderExpose, Label: MeasureLabels[MeasureUnderExpose], Value: s.under, Unit: "%", Guidance: SayMoreLight},
		q.MaxUnderExposed, 2*q.MaxUnderExposed))
	add(atMost(Measure{Name: MeasureOverExpose, Label: MeasureLabels[MeasureOverExpose], Value: s.over, Unit: "%", Guidance: SayLessLight},
		q.MaxOverExposed, 2*q.MaxOverExposed))
	add(atLeast(Measure{Name: MeasureDynamic, Label: MeasureLabels[MeasureDynamic], Value: s.dynamicRange, Unit: "levels", Guidance: SayMoreLight},
		q.MinDynamicRange, 0.7*q.MinDynamicRange))
	add(atLeast(Measure{Name: MeasureUniformity, Label: MeasureLabels[MeasureUniformity], Value: s.uniformity, Guidance: SayEvenLight},
		q.MinUniformity, 0.8*q.MinUniformity))
	add(within(Measure{Name: MeasureYaw, Label: MeasureLabels[MeasureYaw], Value: s.yaw, Unit: "deg", Guidance: SayFaceCamera}, q.MaxYaw))
	add(within(Measure{Name: MeasurePitch, Label: MeasureLabels[MeasurePitch], Value: s.pitch, Unit: "deg", Guidance: SayChinLevel}, q.MaxPitch))
	add(within(Measure{Name: MeasureRoll, Label: MeasureLabels[MeasureRoll], Value: s.roll, Unit: "deg", Guidance: SayHeadLevel}, q.MaxRoll))
	add(atLeast(Measure{Name: MeasureSharpness, Label: MeasureLabels[MeasureSharpness], Value: s.sharpness, Unit: "", Guidance: SayHoldStill},
		q.MinSharpness, 0.5*q.MinSharpness))
	eyes := Measure{Name: MeasureEyesOpen, Label: MeasureLabels[MeasureEyesOpen], Value: float64(s.eyesFound), Unit: "eyes", Guidance: SayEyesOpen}
	switch {
	case s.eyesFound < 0:
		eyes.Value, eyes.Verdict = nan, VerdictUnknown
	case s.eyesFound >= 2:
		eyes.Verdict, eyes.Score = VerdictPass, 1
	default:
		eyes.Verdict = VerdictWarn
	}
	add(eyes)
	var sum float64
	var n int
	for _, m := range r.Measures {
		if m.Mandatory {
			sum += m.Score
			n++
		}
	}
	r.Score = sum / float64(n)
	return r
}

// unknown marks m as not measured, with the guidance to wait.
func unknown(m Measure) Measure {
	m.Verdict, m.Score = VerdictUnknown, 0
	if m.Name == MeasureYaw || m.Name == MeasurePitch || m.Name == MeasureRoll {
		m.Guidance = SayHoldStill
	}
	return m
}

// atLeast judges a measure that must reach pass (warn down to warn).
func atLeast(m Measure, pass, warn float64) Measure {
	switch {
	case math.IsNaN(m.Value):
		return unknown(m)
	case m.Value >= pass:
		m.Verdict = VerdictPass
	case m.Value >= warn:
		m.Verdict = VerdictWarn
	default:
		m.Verdict = VerdictFail
	}
	m.Score = clamp01(m.Value / (2 * pass))
	if pass <= 0 {
		m.Score = 1
	}
	return m
}

// atMost judges a measure that must stay at or below pass (warn up to warn).
func atMost(m Measure, pass, warn float64) Measure {
	switch {
	case math.IsNaN(m.Value):
		return unknown(m)
	case m.Value <= pass:
		m.Verdict = VerdictPass
	case m.Value <= warn:
		m.Verdict = VerdictWarn
	default:
		m.Verdict = VerdictFail
	}
	m.Score = 1 - clamp01(m.Value/(2*math.Max(warn, 1e-9)))
	return m
}

// within judges an angle that must stay within ±bound (warn up to twice it).
func within(m Measure, bound float64) Measure {
	if math.IsNaN(m.Value) {
		return unknown(m)
	}
	a := math.Abs(m.Value)
	switch {
	case a <= bound:
		m.Verdict = VerdictPass
	case a <= 2*bound:
		m.Verdict = VerdictWarn
	default:
		m.Verdict = VerdictFail
	}
	m.Score = 1 - clamp01(a/(2*bound))
	return m
}

// placement judges the margins around the head and the centring of the face.
// The head is taken as the tracker's face box (brows to chin) grown by 0.35
// of its height above for forehead and hair, a tenth of its width on each
// side and a tenth of its height below.
func placement(q config.Quality, s faceStats) (margin, centre Measure) {
	margin = Measure{Name: MeasureMargins, Label: MeasureLabels[MeasureMargins], Unit: "", Value: math.NaN(), Guidance: SayBack}
	centre = Measure{Name: MeasureCentring, Label: MeasureLabels[MeasureCentring], Unit: "%", Value: math.NaN(), Guidance: SayCentre}
	if s.box.Empty() || s.size.X == 0 {
		return unknown(margin), unknown(centre)
	}
	b := s.box
	w, h := float64(b.Dx()), float64(b.Dy())
	head := [4]float64{ // free space left, top, right, bottom, in face widths
		(float64(b.Min.X) - 0.1*w) / w,
		(float64(b.Min.Y) - 0.35*h) / w,
		(float64(s.size.X-b.Max.X) - 0.1*w) / w,
		(float64(s.size.Y-b.Max.Y) - 0.1*h) / w,
	}
	least := math.Min(math.Min(head[0], head[1]), math.Min(head[2], head[3]))
	margin.Value = least
	margin = atLeast(margin, q.MinMargin, 0)
	// A head that cannot fit with its margins is too close; one that could
	// fit but is cut off is off-centre.
	room := 2 * q.MinMargin * w
	fits := 1.2*w+room <= float64(s.size.X) && 1.45*h+room <= 0.9*float64(s.size.Y)
	if least < q.MinMargin && fits {
		margin.Guidance = SayCentre
	}
	guide := GuideCentre(s.size)
	cx, cy := float64(b.Min.X+b.Max.X)/2, float64(b.Min.Y+b.Max.Y)/2
	off := math.Hypot(cx-guide.X, cy-guide.Y) / float64(s.size.X)
	centre.Value = off
	centre = atMost(centre, q.MaxOffCentre, 2*q.MaxOffCentre)
	return margin, centre
}

// GuidePoint is a point in frame coordinates with sub-pixel precision.
type GuidePoint struct{ X, Y float64 }

// GuideCentre is where the face centre should be in a frame of this size:
// mid-width, a little above mid-height (room for the hair above).
func GuideCentre(size image.Point) GuidePoint {
	return GuidePoint{X: float64(size.X) / 2, Y: 0.45 * float64(size.Y)}
}

// GuideBox is the outline the overlay draws where the face should be: the
// size of a face whose eyes are comfortably over the inter-eye bound.
func GuideBox(size image.Point, q config.Quality) image.Rectangle {
	c := GuideCentre(size)
	w := faceWidthPerInterEye * q.InterEyeMin * 1.15
	h := 1.3 * w
	return image.Rect(int(c.X-w/2), int(c.Y-h/2), int(c.X+w/2), int(c.Y+h/2))
}

// faceWidthPerInterEye is the tracker's face-box width per pixel of
// inter-eye distance, measured on the test portraits (Haar box 300 px for
// 106 px between the eyes).
const faceWidthPerInterEye = 2.8

func clamp01(v float64) float64 {
	switch {
	case math.IsNaN(v) || v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}
