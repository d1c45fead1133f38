package report

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"veriport/backend"
	"veriport/record"
)

// source is where a report's encounter figures come from: a booth's
// encounters table (SQLite) or the back end's results table (SQLite or
// PostgreSQL), which has the same columns for them.
type source struct {
	q      record.DBTX
	table  string
	pg     bool
	rebind func(string) string
}

func boothSource(q record.DBTX) source {
	return source{q: q, table: "encounters", rebind: func(s string) string { return s }}
}

func backendSource(st *backend.Store) source {
	return source{q: st.DB, table: "results", pg: st.Postgres(), rebind: st.Rebind}
}

// sql names the table and writes the placeholders of the dialect.
func (s source) sql(q string) string {
	return s.rebind(strings.ReplaceAll(q, "{encounters}", s.table))
}

// time is t as the source compares times.
func (s source) time(t time.Time) any {
	if s.pg {
		return t.UTC()
	}
	return record.FormatTime(t)
}

// hour is the SQL for the UTC hour an encounter started, "2006-01-02T15",
// and what to group by for it (PostgreSQL formats once per group).
func (s source) hour() (key, group string) {
	if s.pg {
		// date_bin: whole hours from a UTC midnight, without converting
		// each row to a time zone (4.3 s over ten million results, 2.6 s).
		return `to_char(date_trunc('hour', MIN(started_at) AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24')`,
			`date_bin('1 hour', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`
	}
	return "substr(started_at, 1, 13)", "h"
}

// percentiles fills d's count, median and p95 (nearest rank: the
// ceil(p n)-th smallest) of the decision times matching where: with
// PostgreSQL's percentile_disc in one sort, else with two ordered lookups.
func (s source) percentiles(ctx context.Context, where string, args []any, d *Decision) error {
	if s.pg {
		var med, p95 *int64
		err := s.q.QueryRowContext(ctx, s.sql(`SELECT n, p[1], p[2] FROM (SELECT COUNT(*) AS n,
			percentile_disc(ARRAY[0.5, 0.95]::float8[]) WITHIN GROUP (ORDER BY decision_ms) AS p
			FROM {encounters} WHERE `+where+`) x`), args...).Scan(&d.Count, &med, &p95)
		if err != nil {
			return fmt.Errorf("time to decision percentiles: %w", err)
		}
		if med != nil && p95 != nil {
			d.MedianMS, d.P95MS = *med, *p95
		}
		return nil
	}
	if err := s.q.QueryRowContext(ctx, s.sql(`SELECT COUNT(*) FROM {encounters} WHERE `+where), args...).Scan(&d.Count); err != nil {
		return fmt.Errorf("count decisions: %w", err)
	}
	if d.Count == 0 {
		return nil
	}
	rank := func(p float64) (int64, error) {
		k := int(math.Ceil(p*float64(d.Count))) - 1
		k = max(0, min(k, d.Count-1))
		var v int64
		err := s.q.QueryRowContext(ctx, s.sql(`SELECT decision_ms FROM {encounters} WHERE `+where+
			` ORDER BY decision_ms LIMIT 1 OFFSET ?`), append(args, k)...).Scan(&v)
		return v, err
	}
	var err error
	if d.MedianMS, err = rank(0.5); err != nil {
		return fmt.Errorf("median time to decision: %w", err)
	}
	if d.P95MS, err = rank(0.95); err != nil {
		return fmt.Errorf("p95 time to decision: %w", err)
	}
	return nil
}

// least is the SQL for the smaller of a and b.
func (s source) least(a, b string) string {
	if s.pg {
		return "LEAST(" + a + ", " + b + ")"
	}
	return "MIN(" + a + ", " + b + ")"
}

// count is the SQL aggregate of the rows where cond holds (0 on none), the
// same in SQLite and PostgreSQL.
func count(cond string) string { return "COUNT(CASE WHEN " + cond + " THEN 1 END)" }

// Breakdown is the encounters of one station or officer.
type Breakdown struct {
	Key          string  `json:"key"`
	Processed    int     `json:"processed"`
	Match        int     `json:"match"`
	NoMatch      int     `json:"no_match"`
	Ambiguous    int     `json:"ambiguous"`
	OptOut       int     `json:"opt_out"`
	Referred     int     `json:"referred"`
	ManualChecks int     `json:"manual_checks"`
	MatchRate    float64 `json:"match_rate"`
	MedianMS     int64   `json:"median_ms"` // median time to decision
}

// breakdowns groups the encounters by station and by officer.
func breakdowns(ctx context.Context, src source, r *Report, _ Options) error {
	var err error
	if r.Stations, err = breakdown(ctx, src, r, "station"); err != nil {
		return err
	}
	r.Officers, err = breakdown(ctx, src, r, "COALESCE(officer_id, '')")
	return err
}

func breakdown(ctx context.Context, src source, r *Report, key string) ([]Breakdown, error) {
	where, args := r.Filter.where(src)
	median := "0" // SQLite: below, with a window
	if src.pg {   // nearest rank, in the same pass (NULLs are ignored)
		median = "COALESCE(percentile_disc(0.5) WITHIN GROUP (ORDER BY decision_ms), 0)"
	}
	rows, err := src.q.QueryContext(ctx, src.sql(`SELECT `+key+` AS k, COUNT(*),
		`+count("outcome = 'match'")+`, `+count("outcome = 'no-match'")+`,
		`+count("outcome = 'ambiguous'")+`, `+count("outcome = 'opt-out'")+`,
		`+count("result = 'referred'")+`, `+count("manual_check_at IS NOT NULL")+`, `+median+`
		FROM {encounters} WHERE `+where+` GROUP BY `+key), args...)
	if err != nil {
		return nil, fmt.Errorf("breakdown by %s: %w", key, err)
	}
	out := []Breakdown{}
	for rows.Next() {
		var b Breakdown
		if err := rows.Scan(&b.Key, &b.Processed, &b.Match, &b.NoMatch, &b.Ambiguous, &b.OptOut, &b.Referred,
			&b.ManualChecks, &b.MedianMS); err != nil {
			rows.Close()
			return nil, fmt.Errorf("breakdown by %s: %w", key, err)
		}
		b.MatchRate = ratio(b.Match, b.Match+b.NoMatch+b.Ambiguous)
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("breakdown by %s: %w", key, err)
	}
	if src.pg {
		sortBreakdown(out)
		return out, nil
	}
	// Medians per group: the nearest-rank median, ceil(n/2)-th smallest.
	medQuery := `SELECT k, decision_ms FROM (SELECT ` + key + ` AS k, decision_ms,
		ROW_NUMBER() OVER (PARTITION BY ` + key + ` ORDER BY decision_ms) AS rn,
		COUNT(*) OVER (PARTITION BY ` + key + `) AS n
		FROM {encounters} WHERE ` + where + ` AND decision_ms IS NOT NULL) ranked WHERE rn = (n + 1) / 2`
	med, err := src.q.QueryContext(ctx, src.sql(medQuery), args...)
	if err != nil {
		return nil, fmt.Errorf("median per %s: %w", key, err)
	}
	medians := map[string]int64{}
	for med.Next() {
		var k string
		var ms int64
		if err := med.Scan(&k, &ms); err != nil {
			med.Close()
			return nil, fmt.Errorf("median per %s: %w", key, err)
		}
		medians[k] = ms
	}
	med.Close()
	if err := med.Err(); err != nil {
		return nil, fmt.Errorf("median per %s: %w", key, err)
	}
	for i := range out {
		out[i].MedianMS = medians[out[i].Key]
	}
	sortBreakdown(out)
	return out, nil
}

// sortBreakdown puts the busiest first, then by key.
func sortBreakdown(out []Breakdown) {
	sort.Slice(out, func(i, j int) bool {
		return out[i].Processed > out[j].Processed || out[i].Processed == out[j].Processed && out[i].Key < out[j].Key
	})
}

// ComputeTerminal builds the terminal-wide report of f from the back end's
// result store, across every station (or the one f names): the same
// encounter figures as Compute computes from a booth's store, with
// per-station and per-officer breakdowns. Purges, the audit chain and the
// outbox are each booth's own and are left out (Terminal is set).
func ComputeTerminal(ctx context.Context, st *backend.Store, f Filter, o Options) (*Report, error) {
	r, err := start(f, o)
	if err != nil {
		return nil, err
	}
	r.Terminal = true
	r.Audit.Intact = true // not checked here: each booth verifies its own chain
	r.Fairness = []FairnessFlight{}
	src := backendSource(st)
	if !src.pg {
		return r, compute(ctx, src, r, o, encounterSteps)
	}
	// One read-only transaction: one snapshot for every figure. The
	// session's work_mem stays: with more, PostgreSQL plans the decision
	// times' GROUP BY as a sort of every row (18.9 s over ten million
	// results at 64 MB, 3.6 s hashed at the default 4 MB).
	tx, err := st.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	defer tx.Rollback()
	src.q = tx
	if err := compute(ctx, src, r, o, terminalSteps); err != nil {
		return nil, err
	}
	return r, tx.Commit()
}

// WriteTerminal exports the terminal-wide report of f from the back end's
// store st in format to w, as Write does for a booth's store.
func WriteTerminal(ctx context.Context, st *backend.Store, f Filter, o Options, format string, w io.Writer) error {
	return writeAs(format, w, o,
		func() error { _, err := WriteTerminalCSV(ctx, st, f, w); return err },
		func() (*Report, error) { return ComputeTerminal(ctx, st, f, o) })
}

// WriteTerminalCSV writes the results of f held by the back end, oldest
// first, in the booth export's columns (the photo and purge columns stay
// empty: the back end holds neither; acknowledged_at is when it received
// the result).
func WriteTerminalCSV(ctx context.Context, st *backend.Store, f Filter, w io.Writer) (int, error) {
	if !f.From.Before(f.To) {
		return 0, ErrRange
	}
	src := backendSource(st)
	where, args := f.where(src)
	rows, err := st.DB.QueryContext(ctx, src.sql(`SELECT encounter_id, station, officer_id, flight, started_at,
		captured_at, decided_at, manual_check_at, done_at, received_at, traveler_id, category, outcome, result,
		referral, distance, decision_ms, exemption_reason, rule_set, engine FROM {encounters} WHERE `+where+`
		ORDER BY started_at, encounter_id`), args...)
	if err != nil {
		return 0, fmt.Errorf("report csv: %w", err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return 0, fmt.Errorf("report csv: %w", err)
	}
	n := 0
	for rows.Next() {
		var e record.Encounter
		var ts [6]any
		var ms *int64
		if err := rows.Scan(&e.ID, &e.Station, &e.OfficerID, &e.Flight, &ts[0], &ts[1], &ts[2], &ts[3], &ts[4], &ts[5],
			&e.TravelerID, &e.Category, &e.Outcome, &e.Result, &e.Referral, &e.Distance, &ms,
			&e.ExemptionReason, &e.RuleSet, &e.Engine); err != nil {
			return n, fmt.Errorf("report csv: %w", err)
		}
		for i, dst := range []*time.Time{&e.StartedAt, &e.CapturedAt, &e.DecidedAt, &e.ManualCheckAt, &e.DoneAt, &e.AcknowledgedAt} {
			*dst = anyTime(ts[i])
		}
		if e.Result == "cleared" || e.Result == "verified" {
			e.VerifiedAt = e.DoneAt
		}
		if ms != nil {
			e.DecisionTime = time.Duration(*ms) * time.Millisecond
		}
		row := csvRow(e)
		row[7], row[18] = "", "" // verified_at is not sent; the back end holds no photo
		if err := cw.Write(row); err != nil {
			return n, fmt.Errorf("report csv: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("report csv: %w", err)
	}
	cw.Flush()
	return n, cw.Error()
}

// anyTime reads a time column: a timestamp (PostgreSQL) or fixed-width text
// (SQLite); zero when NULL.
func anyTime(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t.UTC()
	case string:
		p, _ := time.Parse(time.RFC3339Nano, t)
		return p
	case []byte:
		p, _ := time.Parse(time.RFC3339Nano, string(t))
		return p
	}
	return time.Time{}
}
