package ui

import (
	"context"
	"errors"

	"veriport/booth"
	"veriport/encounter"
	"veriport/verify"
)

// captureRefusal is what the officer reads when no photo may be taken.
func captureRefusal(err error) string {
	switch {
	case errors.Is(err, booth.ErrNoDecider):
		return "No flight gallery loaded: choose the flight [Alt+F], or use the manual check [Alt+M]."
	case errors.Is(err, booth.ErrGalleryExpired):
		return "The flight's gallery has expired or was purged: load the flight again [Alt+F], or use the manual check [Alt+M]."
	case errors.Is(err, booth.ErrPhase):
		return "No photo now: finish this traveler first (manual check [Alt+M])."
	case errors.Is(err, errNoFrame):
		return "No frame from the camera yet. Use the manual check [Alt+M] if it does not come."
	case errors.Is(err, errCameraOffline):
		return "Camera offline: no photo. Use the manual check [Alt+M]."
	}
	return "No photo could be taken. Use the manual check [Alt+M]."
}

// notDecided is what the officer reads when a photo could not be decided:
// what to do, never the error's own text (the log has it).
func notDecided(err error) string {
	switch {
	case errors.Is(err, booth.ErrNoDecider), errors.Is(err, booth.ErrGalleryExpired):
		return captureRefusal(err)
	case errors.Is(err, verify.ErrNoFace):
		return "No face found in the photo. Ask the traveler to face the camera and capture again [Alt+C], or use the manual check [Alt+M]."
	case errors.Is(err, verify.ErrManyFaces):
		return "More than one face in the photo. Ask the others to step back and capture again [Alt+C], or use the manual check [Alt+M]."
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "The check took too long. Capture again [Alt+C] or use the manual check [Alt+M]."
	}
	return "The photo could not be checked. Capture again [Alt+C] or use the manual check [Alt+M]."
}

// nextRefusal is what the officer reads when Next is refused.
func nextRefusal(err error) string {
	if errors.Is(err, booth.ErrUnfinished) {
		return "This traveler is not finished: complete the manual check first [Alt+M]."
	}
	return "Next is not possible now: finish this traveler first (manual check [Alt+M])."
}

// manualText is an error of the manual check as the officer reads it:
// the encounter's own sentences are written for the officer, anything
// else is not.
func manualText(err error) string {
	for _, e := range []error{encounter.ErrNotAttested, encounter.ErrReferral, booth.ErrNoOverrideReason} {
		if errors.Is(err, e) {
			return capitalise(e.Error()) + "."
		}
	}
	return "Not recorded: the manual check could not be saved. Try again; if it fails again, tell a supervisor."
}

// capitalise upper-cases the first letter of s (ASCII).
func capitalise(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
