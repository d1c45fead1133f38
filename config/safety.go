package config

import (
	"fmt"
	"reflect"
	"strconv"
)

// MaxThreshold is the loosest verify.threshold accepted: dlib's own 1:1
// reference distance (0.6, DOMAIN.md). A 1:N search against a flight
// gallery needs a tighter one; above this the decision is not safe.
const MaxThreshold = 0.6

// MaxSFaceThreshold is the same bound for sface templates: OpenCV Zoo's
// own 1:1 cosine threshold 0.363 as a distance between unit vectors.
const MaxSFaceThreshold = 1.1287

// The safe bounds of the other safety settings. Inside them a booth may be
// tuned to its light and camera; beyond them a setting is refused at start-up
// (config.Validate), whoever wrote it.
const (
	// MinMargin: with a smaller gap between the best and the second-best
	// subject, two look-alikes on one flight are no longer told apart.
	MinMargin = 0.02
	// MaxFPIRTarget: the loosest false-positive identification rate a
	// gallery threshold may be calibrated for (1 in 100 searches).
	MaxFPIRTarget = 0.01
	// MinInterEyePx: below this the template is too coarse (ICAO asks 90).
	MinInterEyePx = 60
	// MaxYawPitchDeg and MaxRollDeg: three and two and a half times the
	// ISO/IEC 19794-5 bounds (5 and 8 degrees).
	MaxYawPitchDeg = 15
	MaxRollDeg     = 20
	// MinStableFrames: one passing frame is not a steady face.
	MinStableFrames = 2
)

// validateSafety refuses a safety setting outside its safe bound.
func (c Config) validateSafety() error {
	q := c.Quality
	switch {
	case c.Verify.Threshold > MaxThreshold:
		return fmt.Errorf("verify.threshold %.3f is above %g: looser is not safe for a 1:N search", c.Verify.Threshold, MaxThreshold)
	case c.Verify.SFaceThreshold > MaxSFaceThreshold:
		return fmt.Errorf("verify.sface_threshold %.4f is above %g: looser is not safe for a 1:N search", c.Verify.SFaceThreshold, MaxSFaceThreshold)
	case c.Verify.Margin < MinMargin:
		return fmt.Errorf("verify.margin %.3f is below %g: look-alikes on one flight would no longer be AMBIGUOUS", c.Verify.Margin, MinMargin)
	case c.Verify.FPIRTarget > MaxFPIRTarget:
		return fmt.Errorf("verify.fpir_target %g is above %g: too many travelers matched to someone else", c.Verify.FPIRTarget, MaxFPIRTarget)
	case q.InterEyeMin < MinInterEyePx:
		return fmt.Errorf("quality.inter_eye_min_px %.0f is below %d: the face is too small for a reliable template", q.InterEyeMin, MinInterEyePx)
	case q.MaxYaw > MaxYawPitchDeg || q.MaxPitch > MaxYawPitchDeg:
		return fmt.Errorf("quality.max_yaw_deg %.1f / max_pitch_deg %.1f: each must be at most %d degrees", q.MaxYaw, q.MaxPitch, MaxYawPitchDeg)
	case q.MaxRoll > MaxRollDeg:
		return fmt.Errorf("quality.max_roll_deg %.1f is above %d degrees", q.MaxRoll, MaxRollDeg)
	case q.StableFrames < MinStableFrames:
		return fmt.Errorf("quality.stable_frames %d is below %d: one passing frame is not a steady face", q.StableFrames, MinStableFrames)
	}
	return nil
}

// SafetySettings are the settings that, loosened, lower the safety of a
// decision or of photo handling, by key ("verify.threshold") with their
// values as text: the workstation writes a change of any of them to the
// audit chain at start-up.
func (c Config) SafetySettings() map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	m := map[string]string{
		"verify.engine":          c.Verify.Engine,
		"verify.sface_threshold": f(c.Verify.SFaceThreshold),
		"verify.threshold":       f(c.Verify.Threshold),
		"verify.margin":          f(c.Verify.Margin),
		"verify.fpir_target":     f(c.Verify.FPIRTarget),
		"retention.mode":         c.Retention.Mode,
	}
	v := reflect.ValueOf(c.Quality)
	for i := 0; i < v.NumField(); i++ {
		tag := v.Type().Field(i).Tag.Get("toml")
		if tag == "" || tag == "-" || tag == "cascades" {
			continue
		}
		m["quality."+tag] = fmt.Sprint(v.Field(i).Interface())
	}
	return m
}
