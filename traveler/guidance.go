package traveler

import "veriport/quality"

// guidanceKeys maps the capture guidance (quality's Say* sentences) to
// the traveler's message keys.
var guidanceKeys = map[string]string{
	quality.SayStepIn:     KeyStepIn,
	quality.SayOnePerson:  KeyOnePerson,
	quality.SayCloser:     KeyCloser,
	quality.SayBack:       KeyFurther,
	quality.SayCentre:     KeyCentre,
	quality.SayMoreLight:  KeyLight,
	quality.SayLessLight:  KeyLight,
	quality.SayEvenLight:  KeyLight,
	quality.SayFaceCamera: KeyLook,
	quality.SayChinLevel:  KeyHeadLevel,
	quality.SayHeadLevel:  KeyHeadLevel,
	quality.SayHoldStill:  KeyHoldStill,
	// Eyes the camera cannot see are most often behind glasses or a brim.
	quality.SayEyesOpen: KeyGlassesHat,
}

// GuidanceKey is the message key for a capture guidance sentence; an
// unknown or empty one asks the traveler to look at the camera.
func GuidanceKey(guidance string) string {
	if k, ok := guidanceKeys[guidance]; ok {
		return k
	}
	return KeyLook
}
