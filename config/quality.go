package config

import "fmt"

// Quality configures live capture: the thresholds each quality measure is
// judged by (defaults from ISO/IEC 19794-5 and ICAO portrait guidance, see
// DOMAIN.md), how long a good run must last before auto-capture, and when the
// screen offers the manual document check.
//
// A measure passes inside its bound, warns inside the looser warn bound and
// fails beyond it; only a pass counts towards auto-capture.
type Quality struct {
	// InterEyeMin is the least distance between the eye centres, in pixels,
	// for a pass (ICAO: about 90 px or more); InterEyeWarn the least for a warn.
	InterEyeMin  float64 `toml:"inter_eye_min_px"`
	InterEyeWarn float64 `toml:"inter_eye_warn_px"`
	// MaxYaw, MaxPitch and MaxRoll are the largest head rotations, in degrees,
	// that pass (ISO/IEC 19794-5: yaw and pitch 5, roll 8). Twice the bound warns.
	MaxYaw   float64 `toml:"max_yaw_deg"`
	MaxPitch float64 `toml:"max_pitch_deg"`
	MaxRoll  float64 `toml:"max_roll_deg"`
	// MaxOffCentre is the largest distance of the face centre from the guide
	// centre, as a share of the frame width, that passes.
	MaxOffCentre float64 `toml:"max_off_centre"`
	// MinMargin is the least free space around the head (face box grown to
	// the whole head) to the frame edge, as a share of the face width.
	MinMargin float64 `toml:"min_margin"`
	// MinSharpness is the least variance of the Laplacian over the face,
	// resampled to a fixed size so that the figure does not depend on distance.
	MinSharpness float64 `toml:"min_sharpness"`
	// LuminanceMin and LuminanceMax bound the mean grey level (0-255) of the face.
	LuminanceMin float64 `toml:"luminance_min"`
	LuminanceMax float64 `toml:"luminance_max"`
	// MaxUnderExposed and MaxOverExposed are the largest shares of face pixels
	// that may be nearly black (< 20) or nearly white (> 240).
	MaxUnderExposed float64 `toml:"max_under_exposed"`
	MaxOverExposed  float64 `toml:"max_over_exposed"`
	// MinUniformity is the least ratio of the darker to the brighter half of
	// the face (1 is perfectly even light).
	MinUniformity float64 `toml:"min_uniformity"`
	// MinDynamicRange is the least spread of grey levels over the face, in
	// levels between the 1st and 99th percentile.
	MinDynamicRange float64 `toml:"min_dynamic_range"`
	// StableFrames is how many analysed frames in a row must pass every
	// mandatory measure before the best of them is captured.
	StableFrames int `toml:"stable_frames"`
	// ManualCheckAfterSeconds is how long capture may try before the screen
	// offers the manual document check.
	ManualCheckAfterSeconds float64 `toml:"manual_check_after_s"`
	// ResetAfterNoFaceSeconds re-arms auto-capture once no face has been seen
	// for this long after a capture (the traveler has left).
	ResetAfterNoFaceSeconds float64 `toml:"reset_after_no_face_s"`
	// LandmarkIntervalMS is the least time between two landmark (pose)
	// analyses in the background worker; the fast tracker runs every frame.
	LandmarkIntervalMS int `toml:"landmark_interval_ms"`
	// ScanIntervalMS is the least time between two full-frame face scans
	// (face count, finding a new face); between scans the tracker follows
	// the face in a small window every frame.
	ScanIntervalMS int `toml:"scan_interval_ms"`
	// LandmarkMaxAgeMS is how old the last landmarks may be and still judge pose.
	LandmarkMaxAgeMS int `toml:"landmark_max_age_ms"`
	// Cascades is the folder of OpenCV's cascades (package opencv-data).
	Cascades string `toml:"cascades"`
}

// DefaultQuality returns the built-in capture settings.
func DefaultQuality() Quality {
	return Quality{
		InterEyeMin: 90, InterEyeWarn: 70,
		MaxYaw: 5, MaxPitch: 5, MaxRoll: 8,
		MaxOffCentre: 0.12, MinMargin: 0.05,
		MinSharpness: 60,
		LuminanceMin: 70, LuminanceMax: 195,
		MaxUnderExposed: 0.1, MaxOverExposed: 0.05,
		MinUniformity: 0.7, MinDynamicRange: 100,
		StableFrames:            5,
		ManualCheckAfterSeconds: 30,
		ResetAfterNoFaceSeconds: 1,
		LandmarkIntervalMS:      120,
		LandmarkMaxAgeMS:        600,
		ScanIntervalMS:          200,
		Cascades:                "/usr/share/opencv4",
	}
}

// validate reports the first capture setting out of range.
func (q Quality) validate() error {
	switch {
	case q.InterEyeMin <= 0 || q.InterEyeWarn <= 0 || q.InterEyeWarn > q.InterEyeMin:
		return fmt.Errorf("quality.inter_eye_min_px %.0f / inter_eye_warn_px %.0f: need 0 < warn <= min", q.InterEyeMin, q.InterEyeWarn)
	case q.MaxYaw <= 0 || q.MaxPitch <= 0 || q.MaxRoll <= 0 || q.MaxYaw > 45 || q.MaxPitch > 45 || q.MaxRoll > 45:
		return fmt.Errorf("quality pose bounds yaw %.1f pitch %.1f roll %.1f: each must be in (0, 45] degrees", q.MaxYaw, q.MaxPitch, q.MaxRoll)
	case q.MaxOffCentre <= 0 || q.MaxOffCentre > 0.5:
		return fmt.Errorf("quality.max_off_centre %.2f is outside (0, 0.5]", q.MaxOffCentre)
	case q.MinMargin < 0 || q.MinMargin > 1:
		return fmt.Errorf("quality.min_margin %.2f is outside [0, 1]", q.MinMargin)
	case q.MinSharpness < 0:
		return fmt.Errorf("quality.min_sharpness %.1f is negative", q.MinSharpness)
	case q.LuminanceMin < 0 || q.LuminanceMax > 255 || q.LuminanceMin >= q.LuminanceMax:
		return fmt.Errorf("quality luminance range [%.0f, %.0f] is not inside [0, 255]", q.LuminanceMin, q.LuminanceMax)
	case q.MaxUnderExposed < 0 || q.MaxUnderExposed > 1 || q.MaxOverExposed < 0 || q.MaxOverExposed > 1:
		return fmt.Errorf("quality exposure shares %.2f / %.2f are outside [0, 1]", q.MaxUnderExposed, q.MaxOverExposed)
	case q.MinUniformity < 0 || q.MinUniformity > 1:
		return fmt.Errorf("quality.min_uniformity %.2f is outside [0, 1]", q.MinUniformity)
	case q.MinDynamicRange < 0 || q.MinDynamicRange > 255:
		return fmt.Errorf("quality.min_dynamic_range %.0f is outside [0, 255]", q.MinDynamicRange)
	case q.StableFrames < 1 || q.StableFrames > 100:
		return fmt.Errorf("quality.stable_frames %d is outside [1, 100]", q.StableFrames)
	case q.ManualCheckAfterSeconds <= 0:
		return fmt.Errorf("quality.manual_check_after_s %.1f is not positive", q.ManualCheckAfterSeconds)
	case q.ResetAfterNoFaceSeconds <= 0:
		return fmt.Errorf("quality.reset_after_no_face_s %.1f is not positive", q.ResetAfterNoFaceSeconds)
	case q.LandmarkIntervalMS < 0 || q.LandmarkMaxAgeMS <= 0 || q.ScanIntervalMS < 0:
		return fmt.Errorf("quality landmark interval %d ms / max age %d ms / scan interval %d ms out of range",
			q.LandmarkIntervalMS, q.LandmarkMaxAgeMS, q.ScanIntervalMS)
	}
	return nil
}
