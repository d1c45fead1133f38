package report

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"veriport/record"
)

// ErrCSV means a CSV file is not an encounter export.
var ErrCSV = errors.New("not an encounter CSV")

// CSVColumns are the columns of the encounter export, in order. There is
// no photo, template, name or quality summary: ids, times and decisions.
var CSVColumns = []string{"id", "station", "officer_id", "flight", "started_at", "captured_at",
	"decided_at", "verified_at", "manual_check_at", "done_at", "acknowledged_at", "traveler_id",
	"category", "outcome", "result", "referral", "distance", "decision_ms", "photo_state",
	"purge_deadline", "purged_at", "exemption_reason", "rule_set", "engine"}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return record.FormatTime(t)
}

// csvRow renders e in CSVColumns order.
func csvRow(e record.Encounter) []string {
	dist, ms := "", ""
	if e.Distance != nil {
		dist = strconv.FormatFloat(*e.Distance, 'g', -1, 64)
	}
	if e.DecisionTime > 0 {
		ms = strconv.FormatInt(e.DecisionTime.Milliseconds(), 10)
	}
	return []string{e.ID, e.Station, e.OfficerID, e.Flight, csvTime(e.StartedAt), csvTime(e.CapturedAt),
		csvTime(e.DecidedAt), csvTime(e.VerifiedAt), csvTime(e.ManualCheckAt), csvTime(e.DoneAt),
		csvTime(e.AcknowledgedAt), e.TravelerID, e.Category, e.Outcome, e.Result, e.Referral, dist, ms,
		e.PhotoState, csvTime(e.PurgeDeadline), csvTime(e.PurgedAt), e.ExemptionReason, e.RuleSet, e.Engine}
}

// WriteCSV writes the encounters of f, oldest first, with a header row.
// It returns how many rows it wrote.
func WriteCSV(ctx context.Context, q record.DBTX, f Filter, w io.Writer) (int, error) {
	if !f.From.Before(f.To) {
		return 0, ErrRange
	}
	rows, err := record.ListEncounters(ctx, q, record.EncounterFilter{From: f.From, To: f.To,
		Station: f.Station, Officer: f.Officer, Flight: f.Flight})
	if err != nil {
		return 0, fmt.Errorf("report csv: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return 0, fmt.Errorf("report csv: %w", err)
	}
	for _, e := range rows {
		if err := cw.Write(csvRow(e)); err != nil {
			return 0, fmt.Errorf("report csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return 0, fmt.Errorf("report csv: %w", err)
	}
	return len(rows), nil
}

// csvColumnsV1 is how many columns exports had before the exemption
// reason and rule set, csvColumnsV2 before the engine: such files still
// read back (without them).
const (
	csvColumnsV1 = 21
	csvColumnsV2 = 23
)

// ReadCSV reads an encounter export back (the fields it holds), this
// version's or an earlier one without the exemption or engine columns.
func ReadCSV(r io.Reader) ([]record.Encounter, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // every row as long as the header
	cr.Comment = '#'       // the demo profile's mark
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrCSV, err)
	}
	if len(head) != len(CSVColumns) && len(head) != csvColumnsV1 && len(head) != csvColumnsV2 {
		return nil, fmt.Errorf("%w: %d columns, want %d", ErrCSV, len(head), len(CSVColumns))
	}
	for i, c := range CSVColumns[:len(head)] {
		if head[i] != c {
			return nil, fmt.Errorf("%w: column %d is %q, want %q", ErrCSV, i+1, head[i], c)
		}
	}
	var out []record.Encounter
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCSV, err)
		}
		e, err := parseRow(rec)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrCSV, line, err)
		}
		out = append(out, e)
	}
}

func parseRow(c []string) (record.Encounter, error) {
	e := record.Encounter{ID: c[0], Station: c[1], OfficerID: c[2], Flight: c[3], TravelerID: c[11],
		Category: c[12], Outcome: c[13], Result: c[14], Referral: c[15], PhotoState: c[18]}
	if len(c) > csvColumnsV1 {
		e.ExemptionReason, e.RuleSet = c[21], c[22]
	}
	if len(c) > csvColumnsV2 {
		e.Engine = c[23]
	}
	times := []struct {
		dst *time.Time
		col int
	}{{&e.StartedAt, 4}, {&e.CapturedAt, 5}, {&e.DecidedAt, 6}, {&e.VerifiedAt, 7}, {&e.ManualCheckAt, 8},
		{&e.DoneAt, 9}, {&e.AcknowledgedAt, 10}, {&e.PurgeDeadline, 19}, {&e.PurgedAt, 20}}
	for _, t := range times {
		if c[t.col] == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339Nano, c[t.col])
		if err != nil {
			return e, fmt.Errorf("%s: %w", CSVColumns[t.col], err)
		}
		*t.dst = v.UTC()
	}
	if c[16] != "" {
		d, err := strconv.ParseFloat(c[16], 64)
		if err != nil {
			return e, fmt.Errorf("distance: %w", err)
		}
		e.Distance = &d
	}
	if c[17] != "" {
		ms, err := strconv.ParseInt(c[17], 10, 64)
		if err != nil || ms < 0 {
			return e, fmt.Errorf("decision_ms %q: not a count of milliseconds", c[17])
		}
		e.DecisionTime = time.Duration(ms) * time.Millisecond
	}
	return e, nil
}
