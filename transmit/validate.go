package transmit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Field limits of the result message schema.
const (
	maxIDLen      = 64  // station, officer, traveler, gallery, reason codes
	maxFlightLen  = 10  // designator, e.g. "UA1234"
	maxHashLen    = 128 // hex audit hash
	maxFailed     = 32  // failed quality measures
	maxDecisionMS = int64(24 * time.Hour / time.Millisecond)
)

// DefaultWindow is how far before and after the receiver's clock a result's
// times may lie: a booth may be offline for weeks, never in the future
// beyond clock skew.
var DefaultWindow = Window{Past: 60 * 24 * time.Hour, Future: 10 * time.Minute}

// ErrOutsideWindow means a result's time lies outside the receiver's
// Window: the booth's clock (or the receiver's) is wrong, not the message.
var ErrOutsideWindow = errors.New("time outside the receiver's window")

// Window is the span of accepted times around the receiver's clock.
type Window struct{ Past, Future time.Duration }

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@:-]*$`)
	flightPat   = regexp.MustCompile(`^[A-Z0-9]{2,10}$`)
	hashPattern = regexp.MustCompile(`^[0-9a-f]+$`)
	outcomes    = set("match", "no-match", "ambiguous", "opt-out", "none")
	categories  = set("", "us-citizen", "exempt", "in-scope", "lpr", "unknown")
	finals      = set(FinalCleared, FinalReferred, FinalOptedOut, FinalManualVerified, FinalInterrupted)
	manualOuts  = set("verified", "referred", "pending")
	// engines are the face engines whose distances a result may carry
	// (verify's engine names; the back end does not link the engines).
	engines = set("dlib", "sface")
)

func set(v ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range v {
		m[s] = true
	}
	return m
}

// Keys of each message version, and of the nested objects.
var (
	// The sender adds the booth's audit head to every message it sends,
	// whatever the version it was queued as, so both versions allow it.
	keysV1 = set("version", "encounter_id", "station", "officer", "flight", "time", "outcome",
		"traveler_id", "category", "distance", "photo", "audit_seq", "audit_hash")
	keysV2 = union(keysV1, set("started_at", "captured_at", "decided_at", "decision_ms", "final",
		"quality", "manual_check", "threshold", "threshold_calibrated", "gallery_id", "gallery_version"))
	keysV3      = union(keysV2, set("exemption_reason", "rule_set"))
	keysV4      = union(keysV3, set("engine"))
	keysQuality = set("captured", "auto", "score", "failed")
	keysManual  = set("at", "outcome", "reason")
)

func union(a, b map[string]bool) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// CanonicalID is the canonical form of an encounter id: a UUID in lower
// case with dashes, whatever form (upper case, braces, urn:uuid:, no
// dashes) it was written in.
func CanonicalID(id string) (string, error) {
	u, err := uuid.Parse(strings.TrimSpace(id))
	if err != nil || strings.TrimSpace(id) != id {
		return "", fmt.Errorf("%w: encounter_id %q is not a UUID", ErrBadResult, Clip(id))
	}
	return u.String(), nil
}

// Decode reads one result message strictly: one JSON object, every key
// known to its version and spelled exactly, none twice, nothing after it.
// The version is checked first, so an unknown version is reported as
// ErrUnknownVersion whatever else the message holds. The encounter id comes
// back canonical. Decode does not check values; call Validate.
func Decode(body []byte) (Result, error) {
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		return Result{}, fmt.Errorf("%w: not a JSON object: %v", ErrBadResult, err)
	}
	ms, isObject := members(body)
	if !isObject {
		return Result{}, fmt.Errorf("%w: not a JSON object", ErrBadResult)
	}
	version := Version1
	if raw := versionOf(ms); raw != nil {
		if err := json.Unmarshal(raw, &version); err != nil {
			return Result{}, fmt.Errorf("%w: version %s is not a whole number", ErrUnknownVersion, Clip(string(raw)))
		}
	}
	var keys map[string]bool
	switch version {
	case Version1:
		keys = keysV1
	case Version2:
		keys = keysV2
	case Version3:
		keys = keysV3
	case Version4:
		keys = keysV4
	default:
		return Result{}, fmt.Errorf("%w: %d (this receiver accepts 1 to 4)", ErrUnknownVersion, version)
	}
	if err := checkKeys(ms, "", keys, map[string]map[string]bool{"quality": keysQuality, "manual_check": keysManual}); err != nil {
		return Result{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var r Result
	if err := dec.Decode(&r); err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrBadResult, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Result{}, fmt.Errorf("%w: data after the result object", ErrBadResult)
	}
	id, err := CanonicalID(r.EncounterID)
	if err != nil {
		return Result{}, err
	}
	r.EncounterID = id
	return r, nil
}

// Validate reports what is missing or wrong in r against the message
// schema, apart from the receiver's clock (see ValidateAt).
func (r *Result) Validate() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if _, err := CanonicalID(r.EncounterID); err != nil {
		bad("encounter_id %q is not a UUID", Clip(r.EncounterID))
	}
	if r.Version < 0 || r.Version > Version4 {
		return fmt.Errorf("%w: %d", ErrUnknownVersion, r.Version)
	}
	checkID := func(name, v string, required bool) {
		switch {
		case v == "" && required:
			bad("%s missing", name)
		case v != "" && (len(v) > maxIDLen || !idPattern.MatchString(v)):
			bad("%s %q: want up to %d letters, digits or . _ @ : -", name, Clip(v), maxIDLen)
		}
	}
	checkID("station", r.Station, true)
	checkID("officer", r.Officer, false)
	checkID("traveler_id", r.TravelerID, false)
	if r.Flight != "" && (len(r.Flight) > maxFlightLen || !flightPat.MatchString(r.Flight)) {
		bad("flight %q: want a designator such as UA123", Clip(r.Flight))
	}
	if r.Time.IsZero() {
		bad("time missing")
	}
	if !outcomes[r.Outcome] {
		bad("outcome %q: want match, no-match, ambiguous, opt-out or none", Clip(r.Outcome))
	}
	if !categories[r.Category] {
		bad("category %q: want us-citizen, exempt, in-scope, lpr or unknown", Clip(r.Category))
	}
	checkUnit := func(name string, v *float64, hi float64) {
		if v != nil && (math.IsNaN(*v) || *v < 0 || *v > hi) {
			bad("%s %v out of [0, %g]", name, *v, hi)
		}
	}
	checkUnit("distance", r.Distance, 4)
	if r.Version >= Version2 {
		r.validateV2(bad, checkID, checkUnit)
	}
	switch {
	case r.Version < Version3 && (r.ExemptionReason != "" || r.RuleSet != ""):
		bad("exemption_reason and rule_set need version 3")
	case r.ExemptionReason != "" && r.Category != "exempt":
		bad("exemption_reason %q given for category %q: only an exempt traveler has one", Clip(r.ExemptionReason), Clip(r.Category))
	}
	checkID("exemption_reason", r.ExemptionReason, false)
	checkID("rule_set", r.RuleSet, false)
	switch {
	case r.Version < Version4 && r.Engine != "":
		bad("engine needs version 4")
	case r.Engine != "" && !engines[r.Engine]:
		bad("engine %q: want dlib or sface", Clip(r.Engine))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", ErrBadResult, strings.Join(errs, "; "))
	}
	return nil
}

func (r *Result) validateV2(bad func(string, ...any), checkID func(string, string, bool),
	checkUnit func(string, *float64, float64)) {
	if r.StartedAt.IsZero() {
		bad("started_at missing")
	} else if !r.Time.IsZero() && r.StartedAt.After(r.Time) {
		bad("started_at after time")
	}
	if r.DecisionMS != nil && (*r.DecisionMS < 0 || *r.DecisionMS > maxDecisionMS) {
		bad("decision_ms %d out of [0, %d]", *r.DecisionMS, maxDecisionMS)
	}
	if !finals[r.Final] {
		bad("final %q: want cleared, referred, opted-out, manual-verified or interrupted", Clip(r.Final))
	}
	if q := r.Quality; q != nil {
		checkUnit("quality.score", &q.Score, 1)
		if len(q.Failed) > maxFailed {
			bad("quality.failed lists %d measures, at most %d", len(q.Failed), maxFailed)
		}
		for _, f := range q.Failed {
			checkID("quality.failed", f, true)
		}
	}
	if m := r.ManualCheck; m != nil {
		if m.At.IsZero() {
			bad("manual_check.at missing")
		}
		if !manualOuts[m.Outcome] {
			bad("manual_check.outcome %q: want verified, referred or pending", Clip(m.Outcome))
		}
		checkID("manual_check.reason", m.Reason, false)
	}
	checkUnit("threshold", r.Threshold, 4)
	checkID("gallery_id", r.GalleryID, false)
	checkID("gallery_version", r.GalleryVersion, false)
	if r.AuditSeq < 0 {
		bad("audit_seq %d is negative", r.AuditSeq)
	}
	if r.AuditHash != "" && (len(r.AuditHash) > maxHashLen || !hashPattern.MatchString(r.AuditHash)) {
		bad("audit_hash: want lower-case hex, at most %d digits", maxHashLen)
	}
}

// ValidateAt is Validate plus every time of r within w around now.
func (r *Result) ValidateAt(now time.Time, w Window) error {
	if err := r.Validate(); err != nil {
		return err
	}
	lo, hi := now.Add(-w.Past), now.Add(w.Future)
	times := []struct {
		name string
		t    time.Time
	}{{"time", r.Time}, {"started_at", r.StartedAt}, {"captured_at", r.CapturedAt}, {"decided_at", r.DecidedAt}}
	if r.ManualCheck != nil {
		times = append(times, struct {
			name string
			t    time.Time
		}{"manual_check.at", r.ManualCheck.At})
	}
	for _, x := range times {
		if !x.t.IsZero() && (x.t.Before(lo) || x.t.After(hi)) {
			return fmt.Errorf("%w: %w: %s %s is outside the accepted window %s .. %s of the receiver's clock",
				ErrBadResult, ErrOutsideWindow, x.name, x.t.UTC().Format(time.RFC3339), lo.UTC().Format(time.RFC3339), hi.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// Clip bounds a value quoted in an error message or a log line.
func Clip(s string) string {
	const n = 48
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// ValidID reports whether s is a well-formed id (station, officer,
// traveler, gallery, reason code): up to 64 letters, digits or . _ @ : -,
// starting with a letter or digit.
func ValidID(s string) bool { return s != "" && len(s) <= maxIDLen && idPattern.MatchString(s) }
