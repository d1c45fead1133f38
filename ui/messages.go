package ui

import (
	"context"
	"errors"
	"log/slog"

	"veriport/booth"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/officer"
	"veriport/report"
)

// Every sentence an officer reads about an error is made here, from the
// error's kind or sentinel, never from its text: the error itself goes to
// the log (logFailure), which has the detail a supervisor needs. Shown as
// they are: a form's own complaint (formError) and a problem of a
// machine-readable zone (encounter.FieldError: where it is, what is
// wrong), both written for the officer; and the models' status line,
// which names what stopped the models loading (mainwindow.go).

// tryAgain ends a sentence about a failure the officer cannot fix.
const tryAgain = "Try again; if it fails again, tell a supervisor."

// formError is a form's own complaint about what was typed, written for
// the officer: the one kind of error whose text a screen shows as it is.
type formError string

func (e formError) Error() string { return string(e) }

// logFailure puts an error the screen replaced with a sentence in the log.
func logFailure(log *slog.Logger, what string, err error) {
	if log == nil {
		log = slog.Default()
	}
	log.Warn(what, "err", err)
}

// boothText is the sentence for a booth error by its kind, "" for an
// error of no kind the officer can act on.
func boothText(err error) string {
	switch booth.KindOf(err) {
	case booth.NotNow:
		return "Not possible now: finish this traveler first."
	case booth.NoShift:
		return "No officer logged in: log in first."
	case booth.NoGallery:
		return "No flight gallery loaded: choose the flight [Alt+F], or use the manual check [Alt+M]."
	case booth.GalleryExpired:
		return "The flight's gallery has expired or was purged: load the flight again [Alt+F], or use the manual check [Alt+M]."
	case booth.Pose:
		return "The head was not facing the camera on the photo. Ask the traveler to look at the camera and capture again [Alt+C], or use the manual check [Alt+M]."
	case booth.Unfinished:
		return "This traveler is not finished: complete the manual check first [Alt+M]."
	case booth.NoOverrideReason:
		return "Give the reason for verifying despite the failed document check."
	case booth.NotRecorded:
		return "NOT RECORDED: the encounter could not be written. Tell a supervisor."
	case booth.ReserveFull:
		return "NOT RECORDED: the disk is full and no reserve is left. Tell a supervisor now."
	}
	return ""
}

// captureRefusal is what the officer reads when no photo may be taken.
func captureRefusal(err error) string {
	switch {
	case errors.Is(err, booth.ErrNoDecider), errors.Is(err, booth.ErrGalleryExpired):
		return boothText(err)
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
	case errors.Is(err, booth.ErrNoDecider), errors.Is(err, booth.ErrGalleryExpired), errors.Is(err, booth.ErrPose):
		return boothText(err)
	case errors.Is(err, booth.ErrNoFace):
		return "No face found in the photo. Ask the traveler to face the camera and capture again [Alt+C], or use the manual check [Alt+M]."
	case errors.Is(err, booth.ErrManyFaces):
		return "More than one face in the photo. Ask the others to step back and capture again [Alt+C], or use the manual check [Alt+M]."
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "The check took too long. Capture again [Alt+C] or use the manual check [Alt+M]."
	}
	return "The photo could not be checked. Capture again [Alt+C] or use the manual check [Alt+M]."
}

// nextRefusal is what the officer reads when Next is refused.
func nextRefusal(err error) string {
	if errors.Is(err, booth.ErrUnfinished) {
		return boothText(err)
	}
	return "Next is not possible now: finish this traveler first (manual check [Alt+M])."
}

// manualText is an error of the manual check as the officer reads it.
func manualText(err error) string {
	switch {
	case errors.Is(err, encounter.ErrNotAttested):
		return "Verified needs the officer's attestation that the document belongs to the holder."
	case errors.Is(err, encounter.ErrReferral):
		return "Referral needs a reason code from the list."
	case errors.Is(err, booth.ErrNoOverrideReason):
		return boothText(err)
	}
	return "Not recorded: the manual check could not be saved. " + tryAgain
}

// formText is the sentence for facts the rules could not be applied to:
// the form's own complaint, or what the booth refused.
func formText(err error) string {
	var fe formError
	if errors.As(err, &fe) {
		return string(fe)
	}
	if s := boothText(err); s != "" {
		return s
	}
	return "The rules could not be applied to these facts. " + tryAgain
}

// optOutText is the sentence for an opt-out that was not decided.
func optOutText(err error) string {
	if s := boothText(err); s != "" {
		return s
	}
	return "The opt-out could not be recorded. " + tryAgain
}

// galleryReason says why a gallery was not downloaded or not loaded.
func galleryReason(err error) string {
	switch {
	case errors.Is(err, gallery.ErrSignature), errors.Is(err, gallery.ErrUnknownKey):
		return "its signature did not verify, so it is not used. Tell a supervisor."
	case errors.Is(err, gallery.ErrWrongFlight):
		return "the service sent the gallery of another flight or date, so it is not used. Tell a supervisor."
	case errors.Is(err, gallery.ErrRollback):
		return "the service sent an older gallery than the one in the cache, so it is refused. Tell a supervisor."
	case errors.Is(err, gallery.ErrExpired):
		return "the gallery has expired. Download the flight again, or use the manual check."
	case errors.Is(err, gallery.ErrTruncated), errors.Is(err, gallery.ErrMalformed), errors.Is(err, gallery.ErrUnreadable):
		return "the gallery is damaged. Download it again."
	case errors.Is(err, gallery.ErrNotCached):
		return "the gallery is no longer in the cache. Download the flight again."
	case errors.Is(err, gallery.ErrNotOffered):
		return "the service has no gallery for this flight and date."
	case errors.Is(err, gallery.ErrNoEngine):
		return "the gallery has no templates for this workstation's face engine. Use the manual check and tell a supervisor."
	case modelsMissing(err):
		return "the face models are not loaded. Tell a supervisor."
	case errors.Is(err, gallery.ErrStalled), errors.Is(err, context.DeadlineExceeded):
		return "the gallery service stopped answering. Try again."
	}
	return tryAgain
}

// modelsMissing reports whether err says the face models are missing or
// unreadable (verify.ErrModels, recognised by its behaviour: ui does not
// import verify).
func modelsMissing(err error) bool {
	var m interface{ ModelsMissing() bool }
	return errors.As(err, &m) && m.ModelsMissing()
}

// loginFailure is the sentence for a login that failed for no reason of
// the officer's (the officers table could not be read).
const loginFailure = "Login failed: the officers could not be read. " + tryAgain

// adminMessage is the sentence for a refused administrative change.
func adminMessage(err error) string {
	switch {
	case errors.Is(err, officer.ErrSelf):
		return "You cannot disable your own account."
	case errors.Is(err, officer.ErrUnknownOfficer):
		return "No such officer: check the officer id."
	case errors.Is(err, officer.ErrWeakPIN):
		return "The PIN must be 6 to 32 digits."
	case errors.Is(err, officer.ErrNotSupervisor):
		return "Those are not a supervisor's credentials."
	case errors.Is(err, officer.ErrOfficerExists):
		return "That officer id is already enrolled."
	}
	return "Not done: the change could not be saved. " + tryAgain
}

// reportText is the sentence for a report that could not be made or
// exported.
func reportText(what string, err error) string {
	var fe formError
	switch {
	case errors.As(err, &fe):
		return string(fe)
	case errors.Is(err, ErrReportsRefused):
		return "Shift reports are for supervisors."
	case errors.Is(err, report.ErrRange):
		return "From must be before To."
	case errors.Is(err, report.ErrFormat):
		return what + ": that format is not offered."
	}
	return what + ": the records could not be read. " + tryAgain
}

// mrzUnread is the sentence for a zone whose layout could not be read.
func mrzUnread(err error) string {
	if errors.Is(err, encounter.ErrMRZLines) {
		return "The zone has two lines: type or scan both."
	}
	return "The zone could not be read: check that both lines are typed in full."
}
