package assess

import (
	"image"
	"math"

	"veriport/config"
	"veriport/quality"
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
func judge(q config.Quality, s faceStats) quality.QualityReport {
	r := quality.QualityReport{Size: s.size, Faces: s.faces, Box: s.box}
	nan := math.NaN()
	count := quality.Measure{Name: quality.MeasureFaceCount, Label: quality.MeasureLabels[quality.MeasureFaceCount], Value: float64(s.faces), Unit: "faces", Mandatory: true}
	switch {
	case s.faces == 1:
		count.Verdict, count.Score = quality.VerdictPass, 1
	case s.faces == 0:
		count.Verdict, count.Guidance = quality.VerdictFail, quality.SayStepIn
		// In a very dark or very bright scene the face may be there unseen.
		if s.frameLuminance < 0.5*q.LuminanceMin {
			count.Guidance = quality.SayMoreLight
		} else if s.frameLuminance > q.LuminanceMax+0.5*(255-q.LuminanceMax) {
			count.Guidance = quality.SayLessLight
		}
	default:
		count.Verdict, count.Guidance = quality.VerdictFail, quality.SayOnePerson
	}
	if s.faces == 0 {
		s = faceStats{size: s.size, frameLuminance: s.frameLuminance, interEye: nan, yaw: nan, pitch: nan, roll: nan, sharpness: nan,
			luminance: nan, under: nan, over: nan, dynamicRange: nan, uniformity: nan, eyesFound: -1}
	}
	add := func(m quality.Measure) {
		m.Mandatory = m.Name != quality.MeasureEyesOpen
		r.Measures = append(r.Measures, m)
	}
	add(count)
	add(atLeast(quality.Measure{Name: quality.MeasureInterEye, Label: quality.MeasureLabels[quality.MeasureInterEye], Value: s.interEye, Unit: "px", Guidance: quality.SayCloser},
		q.InterEyeMin, q.InterEyeWarn))
	margin, centre := placement(q, s)
	add(margin)
	add(centre)
	lum := quality.Measure{Name: quality.MeasureLuminance, Label: quality.MeasureLabels[quality.MeasureLuminance], Value: s.luminance, Unit: "grey", Guidance: quality.SayMoreLight}
	if s.luminance > q.LuminanceMax {
		lum.Guidance = quality.SayLessLight
		add(atMost(lum, q.LuminanceMax, q.LuminanceMax+0.5*(255-q.LuminanceMax)))
	} else {
		add(atLeast(lum, q.LuminanceMin, 0.6*q.LuminanceMin))
	}
	add(atMost(quality.Measure{Name: quality.MeasureUnderExpose, Label: quality.MeasureLabels[quality.MeasureUnderExpose], Value: s.under, Unit: "%", Guidance: quality.SayMoreLight},
		q.MaxUnderExposed, 2*q.MaxUnderExposed))
	add(atMost(quality.Measure{Name: quality.MeasureOverExpose, Label: quality.MeasureLabels[quality.MeasureOverExpose], Value: s.over, Unit: "%", Guidance: quality.SayLessLight},
		q.MaxOverExposed, 2*q.MaxOverExposed))
	add(atLeast(quality.Measure{Name: quality.MeasureDynamic, Label: quality.MeasureLabels[quality.MeasureDynamic], Value: s.dynamicRange, Unit: "levels", Guidance: quality.SayMoreLight},
		q.MinDynamicRange, 0.7*q.MinDynamicRange))
	add(atLeast(quality.Measure{Name: quality.MeasureUniformity, Label: quality.MeasureLabels[quality.MeasureUniformity], Value: s.uniformity, Guidance: quality.SayEvenLight},
		q.MinUniformity, 0.8*q.MinUniformity))
	add(within(quality.Measure{Name: quality.MeasureYaw, Label: quality.MeasureLabels[quality.MeasureYaw], Value: s.yaw, Unit: "deg", Guidance: quality.SayFaceCamera}, q.MaxYaw))
	add(within(quality.Measure{Name: quality.MeasurePitch, Label: quality.MeasureLabels[quality.MeasurePitch], Value: s.pitch, Unit: "deg", Guidance: quality.SayChinLevel}, q.MaxPitch))
	add(within(quality.Measure{Name: quality.MeasureRoll, Label: quality.MeasureLabels[quality.MeasureRoll], Value: s.roll, Unit: "deg", Guidance: quality.SayHeadLevel}, q.MaxRoll))
	add(atLeast(quality.Measure{Name: quality.MeasureSharpness, Label: quality.MeasureLabels[quality.MeasureSharpness], Value: s.sharpness, Unit: "", Guidance: quality.SayHoldStill},
		q.MinSharpness, 0.5*q.MinSharpness))
	eyes := quality.Measure{Name: quality.MeasureEyesOpen, Label: quality.MeasureLabels[quality.MeasureEyesOpen], Value: float64(s.eyesFound), Unit: "eyes", Guidance: quality.SayEyesOpen}
	switch {
	case s.eyesFound < 0:
		eyes.Value, eyes.Verdict = nan, quality.VerdictUnknown
	case s.eyesFound >= 2:
		eyes.Verdict, eyes.Score = quality.VerdictPass, 1
	default:
		eyes.Verdict = quality.VerdictWarn
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
func unknown(m quality.Measure) quality.Measure {
	m.Verdict, m.Score = quality.VerdictUnknown, 0
	if m.Name == quality.MeasureYaw || m.Name == quality.MeasurePitch || m.Name == quality.MeasureRoll {
		m.Guidance = quality.SayHoldStill
	}
	return m
}

// atLeast judges a measure that must reach pass (warn down to warn).
func atLeast(m quality.Measure, pass, warn float64) quality.Measure {
	switch {
	case math.IsNaN(m.Value):
		return unknown(m)
	case m.Value >= pass:
		m.Verdict = quality.VerdictPass
	case m.Value >= warn:
		m.Verdict = quality.VerdictWarn
	default:
		m.Verdict = quality.VerdictFail
	}
	m.Score = clamp01(m.Value / (2 * pass))
	if pass <= 0 {
		m.Score = 1
	}
	return m
}

// atMost judges a measure that must stay at or below pass (warn up to warn).
func atMost(m quality.Measure, pass, warn float64) quality.Measure {
	switch {
	case math.IsNaN(m.Value):
		return unknown(m)
	case m.Value <= pass:
		m.Verdict = quality.VerdictPass
	case m.Value <= warn:
		m.Verdict = quality.VerdictWarn
	default:
		m.Verdict = quality.VerdictFail
	}
	m.Score = 1 - clamp01(m.Value/(2*math.Max(warn, 1e-9)))
	return m
}

// within judges an angle that must stay within ±bound (warn up to twice it).
func within(m quality.Measure, bound float64) quality.Measure {
	if math.IsNaN(m.Value) {
		return unknown(m)
	}
	a := math.Abs(m.Value)
	switch {
	case a <= bound:
		m.Verdict = quality.VerdictPass
	case a <= 2*bound:
		m.Verdict = quality.VerdictWarn
	default:
		m.Verdict = quality.VerdictFail
	}
	m.Score = 1 - clamp01(a/(2*bound))
	return m
}

// placement judges the margins around the head and the centring of the face.
// The head is taken as the tracker's face box (brows to chin) grown by 0.35
// of its height above for forehead and hair, a tenth of its width on each
// side and a tenth of its height below.
func placement(q config.Quality, s faceStats) (margin, centre quality.Measure) {
	margin = quality.Measure{Name: quality.MeasureMargins, Label: quality.MeasureLabels[quality.MeasureMargins], Unit: "", Value: math.NaN(), Guidance: quality.SayBack}
	centre = quality.Measure{Name: quality.MeasureCentring, Label: quality.MeasureLabels[quality.MeasureCentring], Unit: "%", Value: math.NaN(), Guidance: quality.SayCentre}
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
		margin.Guidance = quality.SayCentre
	}
	guide := quality.GuideCentre(s.size)
	cx, cy := float64(b.Min.X+b.Max.X)/2, float64(b.Min.Y+b.Max.Y)/2
	off := math.Hypot(cx-guide.X, cy-guide.Y) / float64(s.size.X)
	centre.Value = off
	centre = atMost(centre, q.MaxOffCentre, 2*q.MaxOffCentre)
	return margin, centre
}

func clamp01(v float64) float64 {
	switch {
	case math.IsNaN(v) || v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}
