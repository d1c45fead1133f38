package app

import (
	"veriport/config"
	"veriport/verify"
)

// workstationRecognizers is the workstation's go-face pool size: captures
// are decided by the engine's live describer (crops around the tracked
// face); the pool only serves the whole-frame fallback and the demo
// gallery, so one recognizer is enough and keeps the workstation within its
// memory budget.
const workstationRecognizers = 1

// OpenEngine opens the dlib face engine as the workstation runs it. The
// caller closes it.
func OpenEngine(cfg config.Config) (*verify.Engine, error) {
	return verify.OpenWith(cfg.Paths.ModelsDir, verify.Options{Recognizers: workstationRecognizers})
}

// PolicyFor is the decision policy of the settings for the engine's
// templates: its own threshold, and the margin (set in dlib's scale)
// scaled by the ratio of the engines' reference thresholds.
func PolicyFor(c config.Config, engine verify.EngineName) verify.Policy {
	if engine == verify.EngineSFace {
		k := verify.EngineSFace.DefaultThreshold() / verify.EngineDlib.DefaultThreshold()
		return verify.Policy{Threshold: c.Verify.SFaceThreshold, Margin: c.Verify.Margin * k}
	}
	return verify.Policy{Threshold: c.Verify.Threshold, Margin: c.Verify.Margin}
}

// CalibrationOptions are the settings' per-gallery calibration options.
func CalibrationOptions(c config.Config) verify.CalibrationOptions {
	return verify.CalibrationOptions{Target: c.Verify.FPIRTarget, WarnDrop: c.Verify.WarnDrop}
}
