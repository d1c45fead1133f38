// Package quality is capture quality: the per-frame quality report and its
// verdicts and guidance, the auto-capturer that picks the best steady frame,
// and head pose from landmarks. It is pure Go; the OpenCV assessor that
// measures frames lives in quality/assess.
package quality

import (
	"fmt"
	"image"
	"math"
	"time"

	"veriport/config"
)

// Face is one face found by a landmark finder: its box and dlib's 5
// landmarks (eye corners and nose base), in the coordinates of the image
// searched.
type Face struct {
	Box       image.Rectangle
	Landmarks []image.Point
}

// LandmarkFinder finds faces with their 5 landmarks; *verify.Engine
// implements it.
type LandmarkFinder interface {
	Landmarks(img image.Image) ([]Face, error)
}

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
	w := FaceWidthPerInterEye * q.InterEyeMin * 1.15
	h := 1.3 * w
	return image.Rect(int(c.X-w/2), int(c.Y-h/2), int(c.X+w/2), int(c.Y+h/2))
}

// FaceWidthPerInterEye is the tracker's face-box width per pixel of
// inter-eye distance, measured on the test portraits (Haar box 300 px for
// 106 px between the eyes).
const FaceWidthPerInterEye = 2.8
