package record

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ErrNotFound means no row has the id asked for.
var ErrNotFound = errors.New("not found")

// DBTX is what the typed functions need: the *sql.DB itself or a *sql.Tx, so
// that callers can write several things in one transaction. With one
// connection, never use the *sql.DB while a *sql.Tx of it is open.
type DBTX interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Photo states of an encounter (column photo_state).
const (
	PhotoNone    = "none"    // no photo was taken (opt-out, manual check only)
	PhotoStored  = "stored"  // the photo is in the vault until its deadline
	PhotoPurging = "purging" // a purge run has started deleting it
	PhotoPurged  = "purged"  // deleted, and the purge log says so
	PhotoFailed  = "failed"  // could not be stored (disk full...); not on disk
	PhotoLost    = "lost"    // recorded as stored, but the start-up check found no file
)

// Encounter is one traveler at the booth. Zero times mean "not (yet) known".
type Encounter struct {
	ID         string // UUID; InsertEncounter fills it when empty
	Station    string
	OfficerID  string // "" when no officer is logged in (demos, tests)
	Flight     string
	StartedAt  time.Time // traveler steps up
	CapturedAt time.Time // probe photo taken
	DecidedAt  time.Time // decision shown
	VerifiedAt time.Time // identity verified (match, or manual check verified)
	// ManualCheckAt is when a manual document check began; DoneAt when the
	// encounter ended.
	ManualCheckAt time.Time
	DoneAt        time.Time
	// AcknowledgedAt is when the back end acknowledged the result.
	AcknowledgedAt time.Time
	TravelerID     string // matched traveler id; "" without a match
	Category       string // us-citizen, exempt, in-scope, lpr, or unknown
	Outcome        string // biometric outcome: match, no-match, ambiguous, or opt-out
	Result         string // how it ended: cleared, verified, referred ("" until done)
	Referral       string // referral reason code, when referred
	Distance       *float64
	Quality        string        // quality summary (JSON), never the image
	DecisionTime   time.Duration // time to decision
	// Threshold is the decision threshold of the flight's gallery (nil
	// without one); ThresholdCalibrated says it was calibrated for that
	// gallery, PoorSeparation that the fairness warning was raised.
	Threshold           *float64
	ThresholdCalibrated bool
	PoorSeparation      bool
	// ExemptionReason is why an exempt traveler was exempt (an exemption
	// code of the rule set: age-under, canadian-b-visitor...); RuleSet the
	// id of the rule set the category was decided under ("" when no rule
	// was applied: a biometric match alone).
	ExemptionReason string
	RuleSet         string
	// Engine is the face engine (dlib or sface) that made Distance and
	// whose threshold Threshold is: the engines' distances are on different
	// scales. "" without a gallery, and on records made before it was kept
	// (all dlib).
	Engine string

	// Photo fields are managed by the retention package.
	PhotoState    string
	PurgeDeadline time.Time
	VaultBucket   string
	PurgedAt      time.Time
	RulesVersion  string
}

const encounterCols = `id, station, officer_id, flight, started_at, captured_at, decided_at,
 verified_at, manual_check_at, done_at, acknowledged_at, traveler_id, category, outcome, result,
 referral, distance, quality, decision_ms, photo_state, purge_deadline, vault_bucket, purged_at,
 rules_version, threshold, threshold_calibrated, poor_separation, exemption_reason, rule_set, engine`

// InsertEncounter records e (filling e.ID with a new UUID when empty and
// e.PhotoState with PhotoNone). The photo itself is stored by retention.
func InsertEncounter(ctx context.Context, q DBTX, e *Encounter) error {
	if e.ID == "" {
		e.ID = uuid.NewString()
	}
	if e.PhotoState == "" {
		e.PhotoState = PhotoNone
	}
	if e.StartedAt.IsZero() {
		return fmt.Errorf("insert encounter %s: started-at is required", e.ID)
	}
	var officer, dist, ms any
	if e.OfficerID != "" {
		officer = e.OfficerID
	}
	if e.Distance != nil {
		dist = *e.Distance
	}
	if e.DecisionTime > 0 {
		ms = e.DecisionTime.Milliseconds()
	}
	var thr any
	if e.Threshold != nil {
		thr = *e.Threshold
	}
	var bucket any
	if e.VaultBucket != "" {
		bucket = e.VaultBucket
	}
	_, err := q.ExecContext(ctx, `INSERT INTO encounters (`+encounterCols+`)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.ID, e.Station, officer, e.Flight, FormatTime(e.StartedAt), nullTime(e.CapturedAt),
		nullTime(e.DecidedAt), nullTime(e.VerifiedAt), nullTime(e.ManualCheckAt), nullTime(e.DoneAt),
		nullTime(e.AcknowledgedAt), e.TravelerID, e.Category, e.Outcome, e.Result, e.Referral,
		dist, e.Quality, ms, e.PhotoState, nullTime(e.PurgeDeadline),
		bucket, nullTime(e.PurgedAt), e.RulesVersion, thr, e.ThresholdCalibrated, e.PoorSeparation,
		e.ExemptionReason, e.RuleSet, e.Engine)
	if err != nil {
		return fmt.Errorf("insert encounter %s: %w", e.ID, err)
	}
	return nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanEncounter(r rowScanner) (Encounter, error) {
	var e Encounter
	var officer, bucket sql.NullString
	var started, captured, decided, verified, manual, done, acked, deadline, purged sql.NullString
	var dist, thr sql.NullFloat64
	var ms sql.NullInt64
	err := r.Scan(&e.ID, &e.Station, &officer, &e.Flight, &started, &captured, &decided,
		&verified, &manual, &done, &acked, &e.TravelerID, &e.Category, &e.Outcome, &e.Result,
		&e.Referral, &dist, &e.Quality, &ms, &e.PhotoState, &deadline, &bucket, &purged, &e.RulesVersion,
		&thr, &e.ThresholdCalibrated, &e.PoorSeparation, &e.ExemptionReason, &e.RuleSet, &e.Engine)
	if err != nil {
		return e, err
	}
	if thr.Valid {
		t := thr.Float64
		e.Threshold = &t
	}
	e.OfficerID, e.VaultBucket = officer.String, bucket.String
	if dist.Valid {
		d := dist.Float64
		e.Distance = &d
	}
	if ms.Valid {
		e.DecisionTime = time.Duration(ms.Int64) * time.Millisecond
	}
	for _, p := range []struct {
		dst *time.Time
		src sql.NullString
	}{{&e.StartedAt, started}, {&e.CapturedAt, captured}, {&e.DecidedAt, decided},
		{&e.VerifiedAt, verified}, {&e.ManualCheckAt, manual}, {&e.DoneAt, done}, {&e.AcknowledgedAt, acked}, {&e.PurgeDeadline, deadline},
		{&e.PurgedAt, purged}} {
		if *p.dst, err = scanTime(p.src); err != nil {
			return e, fmt.Errorf("encounter %s: %w", e.ID, err)
		}
	}
	return e, nil
}

// GetEncounter reads one encounter; ErrNotFound when there is none.
func GetEncounter(ctx context.Context, q DBTX, id string) (Encounter, error) {
	e, err := scanEncounter(q.QueryRowContext(ctx,
		`SELECT `+encounterCols+` FROM encounters WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("encounter %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("read encounter %s: %w", id, err)
	}
	return e, nil
}

// EncounterFilter selects encounters for ListEncounters; zero fields match all.
type EncounterFilter struct {
	From, To time.Time // started-at in [From, To)
	Station  string
	Flight   string
	Officer  string
	Limit    int // 0: no limit
}

// ListEncounters returns the encounters matching f, oldest first.
func ListEncounters(ctx context.Context, q DBTX, f EncounterFilter) ([]Encounter, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if !f.From.IsZero() {
		add("started_at >= ?", FormatTime(f.From))
	}
	if !f.To.IsZero() {
		add("started_at < ?", FormatTime(f.To))
	}
	if f.Station != "" {
		add("station = ?", f.Station)
	}
	if f.Flight != "" {
		add("flight = ?", f.Flight)
	}
	if f.Officer != "" {
		add("officer_id = ?", f.Officer)
	}
	query := `SELECT ` + encounterCols + ` FROM encounters`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY started_at, id"
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list encounters: %w", err)
	}
	defer rows.Close()
	var out []Encounter
	for rows.Next() {
		e, err := scanEncounter(rows)
		if err != nil {
			return nil, fmt.Errorf("list encounters: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
