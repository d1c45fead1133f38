package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"veriport/record"
)

// GenOptions shape a generated data set: synthetic encounters for
// benchmarks, demos and tests. No photo, template or name is generated;
// traveler ids are opaque ("T000123").
type GenOptions struct {
	N        int           // encounters
	From     time.Time     // first traveler steps up
	Every    time.Duration // between travelers; 0 means 20 s
	Seed     uint64        // same seed, same data
	Stations []string      // default {"booth-1"}
	Officers []string      // officer ids, created when missing; default {"o.demo"}
	Flights  []string      // default {"VP101", "VP202", "VP303"}
}

// genReasons are the quality measures a generated failed capture names.
var genReasons = []string{"sharpness", "yaw", "luminance", "eyes_open", "face_count", "inter_eye"}

// Generate writes o.N synthetic encounters (and the officers they name) in
// one transaction. Outcomes follow a plausible booth mix: about 90 % match,
// 5 % no-match, 2 % ambiguous, 2 % opt-out, 1 % manual check without a
// photo; some no-matches are verified at the manual check and a few matches
// referred. Photos are never stored (photo_state none), so generated rows
// have no purge deadline.
func Generate(ctx context.Context, db *sql.DB, o GenOptions) error {
	if o.Every <= 0 {
		o.Every = 20 * time.Second
	}
	if len(o.Stations) == 0 {
		o.Stations = []string{"booth-1"}
	}
	if len(o.Officers) == 0 {
		o.Officers = []string{"o.demo"}
	}
	if len(o.Flights) == 0 {
		o.Flights = []string{"VP101", "VP202", "VP303"}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	defer tx.Rollback()
	for i, id := range o.Officers {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO officers (id, name, role, created_at)
			VALUES (?, ?, 'officer', ?)`, id, fmt.Sprintf("Generated officer %d", i+1), record.FormatTime(o.From)); err != nil {
			return fmt.Errorf("generate officer: %w", err)
		}
	}
	st := &stmtCache{tx: tx, stmts: map[string]*sql.Stmt{}}
	defer st.close()
	for i := 0; i < o.N; i++ {
		e := genEncounter(rng, o, i)
		if err := record.InsertEncounter(ctx, st, &e); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return nil
}

// genEncounter is the i-th generated encounter.
func genEncounter(rng *rand.Rand, o GenOptions, i int) record.Encounter {
	start := o.From.Add(time.Duration(i) * o.Every)
	decision := time.Duration(1500+rng.IntN(2500)+int(rng.ExpFloat64()*800)) * time.Millisecond
	e := record.Encounter{Station: o.Stations[i%len(o.Stations)], OfficerID: o.Officers[(i/7)%len(o.Officers)],
		Flight: o.Flights[(i/50)%len(o.Flights)], StartedAt: start, Category: "in-scope",
		RulesVersion: "generated"}
	captured := start.Add(decision - 300*time.Millisecond)
	decided := start.Add(decision)
	dist := 0.3 + 0.5*rng.Float64()
	q := QualitySummary{Captured: true, Auto: true, Score: 0.7 + 0.3*rng.Float64()}
	switch p := rng.IntN(100); {
	case p < 90:
		e.Outcome, e.TravelerID = "match", fmt.Sprintf("T%06d", i)
		dist = 0.2 + 0.3*rng.Float64()
		e.VerifiedAt, e.DoneAt = decided, decided.Add(2*time.Second)
		e.Result = "cleared"
		if rng.IntN(200) == 0 { // officer overrides the match
			e.ManualCheckAt, e.DoneAt = decided.Add(time.Second), decided.Add(40*time.Second)
			e.Result, e.Referral, e.VerifiedAt = "referred", "officer-judgement", time.Time{}
		}
	case p < 95, p < 97:
		e.Outcome = "no-match"
		if p >= 95 {
			e.Outcome = "ambiguous"
		}
		e.ManualCheckAt, e.DoneAt = decided.Add(time.Second), decided.Add(45*time.Second)
		e.Result = "verified"
		e.VerifiedAt = e.DoneAt
		if rng.IntN(4) == 0 {
			e.Result, e.Referral, e.VerifiedAt = "referred", "document-mismatch", time.Time{}
		}
	case p < 99:
		e.Outcome, e.Result, e.VerifiedAt = "opt-out", "verified", decided.Add(30*time.Second)
		e.ManualCheckAt, e.DoneAt = decided, e.VerifiedAt
		e.DecisionTime, e.Quality = 0, ""
		return e
	default: // capture failed: manual check without a photo
		e.Outcome, e.Result = "none", "verified"
		e.ManualCheckAt, e.DoneAt = start.Add(30*time.Second), start.Add(70*time.Second)
		e.VerifiedAt = e.DoneAt
		q = QualitySummary{Failed: []string{genReasons[rng.IntN(len(genReasons))]}}
		if rng.IntN(3) == 0 {
			q.Failed = append(q.Failed, genReasons[rng.IntN(len(genReasons))])
		}
		b, _ := json.Marshal(q)
		e.Quality = string(b)
		return e
	}
	e.CapturedAt, e.DecidedAt, e.DecisionTime, e.Distance = captured, decided, decision, &dist
	b, _ := json.Marshal(q)
	e.Quality = string(b)
	return e
}

// stmtCache is a record.DBTX over a transaction that prepares each distinct
// statement once: bulk inserts without re-parsing the SQL each row.
type stmtCache struct {
	tx    *sql.Tx
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	s, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = s
	return s, nil
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.tx.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.tx.QueryRowContext(ctx, query, args...)
}

func (c *stmtCache) close() {
	for _, s := range c.stmts {
		s.Close()
	}
}
