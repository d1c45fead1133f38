package booth

import (
	"errors"
	"fmt"

	"veriport/verify"
)

// Kind is what went wrong in a booth error, one of a small set: the screen
// turns each kind into a sentence an officer can act on (ui/messages.go);
// the error's own text, with its operation and detail, is for the log.
type Kind uint8

// The kinds of booth errors.
const (
	Other            Kind = iota // not one of these: the log has the detail
	NotNow                       // not possible in the booth's phase
	NoShift                      // no officer logged in
	NoGallery                    // no flight gallery to decide against
	GalleryExpired               // the flight's gallery expired or was purged
	Pose                         // the captured head does not face the camera
	Unfinished                   // the traveler still owes a photo or a manual check
	NoOverrideReason             // a failed document check overridden without a reason
	NotRecorded                  // decided, but not written to the record
	ReserveFull                  // disk full and no reserve left for the record
	NoFace                       // no face on the captured photo
	ManyFaces                    // more than one face on the captured photo
)

var kindText = [...]string{
	Other:            "booth error",
	NotNow:           "not possible now",
	NoShift:          "no officer logged in",
	NoGallery:        "no gallery loaded",
	GalleryExpired:   "gallery expired or purged",
	Pose:             "head not facing the camera on the captured photo",
	Unfinished:       "traveler not finished",
	NoOverrideReason: "override of a failed document check without a reason",
	NotRecorded:      "encounter not recorded",
	ReserveFull:      "disk full and no reserve left to keep the record until space returns",
	NoFace:           "no face on the photo",
	ManyFaces:        "more than one face on the photo",
}

// String is the kind as the log reads it.
func (k Kind) String() string {
	if int(k) < len(kindText) {
		return kindText[k]
	}
	return fmt.Sprintf("booth error kind %d", k)
}

// Error is a booth error: the operation that failed, its kind and, when
// there is one, the error or detail underneath. A *Error with only a Kind
// is a sentinel: errors.Is matches every error of that kind against it.
type Error struct {
	Op   string // what the booth was doing: "capture", "manual check", ...
	Kind Kind
	Err  error // the cause or detail; nil when the kind says it all
}

// E is a booth error of kind for op, wrapping err (which may be nil).
func E(op string, kind Kind, err error) error { return &Error{Op: op, Kind: kind, Err: err} }

// Error is op, kind and the cause, for the log: "manual check: not
// possible now: phase decided".
func (e *Error) Error() string {
	s := e.Kind.String()
	if e.Kind == Other && e.Err != nil {
		s = ""
	}
	if e.Op != "" {
		s = join(e.Op, s)
	}
	if e.Err != nil {
		s = join(s, e.Err.Error())
	}
	return s
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ": " + b
}

// Unwrap is the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches a sentinel of the same kind (a *Error with a Kind only).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Err == nil && t.Kind != Other && t.Kind == e.Kind
}

// KindOf is the kind of err: of the outermost booth error in its chain
// that has one, Other when none has.
func KindOf(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return Other
		}
		if e.Kind != Other {
			return e.Kind
		}
		err = e.Err
	}
	return Other
}

// Sentinels, one per kind, for errors.Is.
var (
	// ErrPhase: the action is not possible in the booth's phase.
	ErrPhase error = &Error{Kind: NotNow}
	// ErrNoShift: no officer is logged in.
	ErrNoShift error = &Error{Kind: NoShift}
	// ErrNoDecider: no gallery is loaded, so a capture cannot be decided.
	ErrNoDecider error = &Error{Kind: NoGallery}
	// ErrGalleryExpired: the flight's gallery may no longer decide: it is
	// past its expiry or its retention deadline, or its cached copy was
	// purged. The booth drops it.
	ErrGalleryExpired error = &Error{Kind: GalleryExpired}
	// ErrPose: the head pose measured on the captured photo itself, with
	// the landmarks found for the decision, is outside the capture limits.
	ErrPose error = &Error{Kind: Pose}
	// ErrUnfinished: the traveler is not finished (a photo or a manual
	// check is owed).
	ErrUnfinished error = &Error{Kind: Unfinished}
	// ErrNoOverrideReason: a failed document check is overridden only
	// with a reason.
	ErrNoOverrideReason error = &Error{Kind: NoOverrideReason}
	// ErrNotRecorded: the encounter was decided but not written.
	ErrNotRecorded error = &Error{Kind: NotRecorded}
	// ErrReserveFull: the disk is full and the memory kept for waiting
	// records is used up: this record is not kept.
	ErrReserveFull error = &Error{Kind: ReserveFull}
	// ErrNoFace: the decision found no face on the captured photo.
	ErrNoFace error = &Error{Kind: NoFace}
	// ErrManyFaces: the decision found more than one face on the photo.
	ErrManyFaces error = &Error{Kind: ManyFaces}
)

// faceKind is the kind of a decision's error about the faces on the
// photo (verify.ErrNoFace, verify.ErrManyFaces), Other for any other.
func faceKind(err error) Kind {
	switch {
	case errors.Is(err, verify.ErrNoFace):
		return NoFace
	case errors.Is(err, verify.ErrManyFaces):
		return ManyFaces
	}
	return Other
}
