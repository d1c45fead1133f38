package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"veriport/record"
	"veriport/retention"
)

// ErrRange means the report's time range is empty or reversed.
var ErrRange = errors.New("report range: from must be before to")

// Filter selects the encounters of a report: started in [From, To), and, when
// set, at one station, by one officer, for one flight.
type Filter struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Station string    `json:"station,omitempty"`
	Officer string    `json:"officer,omitempty"`
	Flight  string    `json:"flight,omitempty"`
}

// Options are the settings a report reads besides its filter.
type Options struct {
	// Now is the report's clock; zero means time.Now. Status figures
	// (overdue purges, outbox backlog) are taken at min(To, Now).
	Now time.Time
	// BacklogWarn is the age past which an undelivered result counts in the
	// outbox backlog (config transmit.backlog_warn).
	BacklogWarn time.Duration
	// TopReasons is how many capture-failure reasons to keep; 0 means 5.
	TopReasons int
	// Demo says the records are the demo profile's: the scope line and
	// every export say DEMO, so no demo figure passes for a real shift.
	Demo bool
}

// Outcomes counts encounters by biometric outcome and by how they ended.
type Outcomes struct {
	Match          int `json:"match"`
	NoMatch        int `json:"no_match"`
	Ambiguous      int `json:"ambiguous"`
	OptOut         int `json:"opt_out"`
	NoDecision     int `json:"no_decision"` // manual check without a biometric decision
	Cleared        int `json:"cleared"`     // match, no manual check
	ManualVerified int `json:"manual_verified"`
	Referred       int `json:"referred"`
	// Interrupted: the workstation stopped after the decision and before
	// Next; the next start-up closed the encounter keeping its outcome.
	Interrupted int `json:"interrupted"`
}

// ReasonCount is one capture-failure reason and the encounters it failed.
type ReasonCount struct {
	Reason string `json:"reason"`
	Label  string `json:"label"`
	Count  int    `json:"count"`
}

// Capture is how often a capture attempt produced a probe photo. Every
// encounter that was not an opt-out is an attempt; it succeeded when a photo
// was captured (captured_at set).
type Capture struct {
	Attempts    int           `json:"attempts"`
	Captured    int           `json:"captured"`
	Failed      int           `json:"failed"`
	SuccessRate float64       `json:"success_rate"`
	TopReasons  []ReasonCount `json:"top_failure_reasons"`
}

// Bucket is one bar of the time-to-decision histogram: [FromMS, ToMS).
type Bucket struct {
	FromMS int64 `json:"from_ms"`
	ToMS   int64 `json:"to_ms"`
	Count  int   `json:"count"`
}

// Decision is the distribution of time to decision (traveler steps up to
// decision shown), nearest-rank percentiles.
type Decision struct {
	Count     int      `json:"count"`
	MedianMS  int64    `json:"median_ms"`
	P95MS     int64    `json:"p95_ms"`
	Histogram []Bucket `json:"histogram"`
}

// Hour is the outcomes of encounters started in one UTC hour.
type Hour struct {
	Start      time.Time `json:"start"`
	Match      int       `json:"match"`
	NoMatch    int       `json:"no_match"`
	Ambiguous  int       `json:"ambiguous"`
	OptOut     int       `json:"opt_out"`
	NoDecision int       `json:"no_decision"`
}

// Total is the encounters of the hour.
func (h Hour) Total() int { return h.Match + h.NoMatch + h.Ambiguous + h.OptOut + h.NoDecision }

// Accuracy is the operational accuracy the manual checks reveal.
//
// Rule: a no-match or ambiguous encounter whose manual check ended
// "verified" is a false non-match: the officer confirmed the document
// belongs to the holder and the holder is on the flight (a traveler not on
// the manifest is referred "not-on-manifest"), so the holder was in the
// flight gallery and face matching missed them. A match that the officer
// referred anyway is a possible false match. Mated searches are the
// travelers confirmed genuine: cleared matches plus false non-matches;
// FNIR = false non-matches / mated searches.
type Accuracy struct {
	FalseNonMatch          int     `json:"false_non_match"`
	FalseNonMatchAmbiguous int     `json:"false_non_match_ambiguous"` // of FalseNonMatch, those decided ambiguous
	PossibleFalseMatch     int     `json:"possible_false_match"`
	MatedSearches          int     `json:"mated_searches"`
	FNIR                   float64 `json:"fnir"`
	Basis                  string  `json:"basis"`
}

// Purges is retention compliance for photos whose deadline fell in the
// range (whole store: purges are not per officer or flight).
type Purges struct {
	Due         int `json:"due"`          // photos whose purge deadline is in the range
	DonePurged  int `json:"done"`         // of those, purged
	Logged      int `json:"logged"`       // photo purge-log entries written in the range
	LogFailures int `json:"log_failures"` // of those, failed deletions
	Overdue     int `json:"overdue"`      // photos still held past deadline + grace at the report time
}

// Audit is the audit chain's status.
type Audit struct {
	Intact      bool   `json:"intact"`
	Entries     int    `json:"entries"`
	InRange     int    `json:"in_range"`
	FirstBroken int64  `json:"first_broken,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// Outbox is the transmittal backlog at the report time.
type Outbox struct {
	Pending       int     `json:"pending"`
	Backlog       int     `json:"backlog"` // pending longer than BacklogWarnS
	BacklogWarnS  float64 `json:"backlog_warn_s"`
	OldestPending float64 `json:"oldest_pending_age_s"`
}

// Report is one supervisor report.
type Report struct {
	Filter           Filter    `json:"filter"`
	Demo             bool      `json:"demo,omitempty"` // the demo profile's records (Options.Demo)
	At               time.Time `json:"at"`             // status time: min(To, now)
	Processed        int       `json:"processed"`
	Outcomes         Outcomes  `json:"outcomes"`
	MatchRate        float64   `json:"match_rate"` // match / biometric decisions
	Capture          Capture   `json:"capture"`
	Decision         Decision  `json:"time_to_decision"`
	TravelersPerHour float64   `json:"travelers_per_hour"`
	ManualChecks     int       `json:"manual_checks"`
	ManualCheckShare float64   `json:"manual_check_share"`
	Hourly           []Hour    `json:"hourly"`
	Accuracy         Accuracy  `json:"accuracy"`
	Purges           Purges    `json:"purges"`
	Audit            Audit     `json:"audit"`
	Outbox           Outbox    `json:"outbox"`
	// Terminal marks a report from the back end's results across every
	// booth: purges, audit chain, outbox and fairness warnings are each
	// booth's own and are not in it.
	Terminal bool `json:"terminal,omitempty"`
	// Stations and Officers break the encounters down, busiest first.
	Stations []Breakdown `json:"stations"`
	Officers []Breakdown `json:"officers"`
	// Fairness lists the flights whose gallery raised the fairness warning
	// (calibrated threshold far below the configured one).
	Fairness []FairnessFlight `json:"fairness_warnings"`
	// Exemptions counts the exempt travelers by reason and rule set.
	Exemptions []ExemptionCount `json:"exemptions"`
	// Engines counts the biometric decisions by the face engine that made
	// them, with the thresholds they were decided against.
	Engines []EngineCount `json:"engines"`
}

// ExemptionCount is how many exempt travelers of the range were exempt
// for one reason under one rule set.
type ExemptionCount struct {
	Reason  string `json:"reason"` // code; "" on records made before reasons were kept
	Label   string `json:"label"`
	RuleSet string `json:"rule_set"`
	Count   int    `json:"count"`
}

// FairnessFlight is a flight of the range whose gallery raised the
// fairness warning: the engine separates its travelers poorly, so its
// threshold was lowered and many travelers went to the manual check.
type FairnessFlight struct {
	Flight           string  `json:"flight"`
	Threshold        float64 `json:"threshold"` // lowest threshold recorded on the flight
	Encounters       int     `json:"encounters"`
	ManualChecks     int     `json:"manual_checks"`
	ManualCheckShare float64 `json:"manual_check_share"`
}

// where renders f as a SQL condition on the encounters of src.
func (f Filter) where(src source) (string, []any) {
	conds := []string{"started_at >= ?", "started_at < ?"}
	args := []any{src.time(f.From), src.time(f.To)}
	for _, c := range []struct{ col, v string }{{"station", f.Station}, {"officer_id", f.Officer}, {"flight", f.Flight}} {
		if c.v != "" {
			conds = append(conds, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	return strings.Join(conds, " AND "), args
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Compute builds the report of f from the store behind q. The encounter
// figures are SQL aggregates over the started_at index; only the quality
// summaries of failed captures are read row by row.
func Compute(ctx context.Context, q record.DBTX, f Filter, o Options) (*Report, error) {
	r, err := start(f, o)
	if err != nil {
		return nil, err
	}
	return r, compute(ctx, boothSource(q), r, o, encounterSteps, purges, audit, outbox, fairness)
}

// step computes some of a report's figures from src.
type step func(context.Context, source, *Report, Options) error

// encounterSteps are the figures read from encounters alone: a booth's
// store and the back end's hold them alike.
var encounterSteps = []step{totals, decisionTimes, hourly, captureFailures, breakdowns, exemptions, engines}

func compute(ctx context.Context, src source, r *Report, o Options, steps []step, more ...step) error {
	for _, st := range append(append([]step{}, steps...), more...) {
		if err := st(ctx, src, r, o); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}

// start fills a report's filter and status time.
func start(f Filter, o Options) (*Report, error) {
	if !f.From.Before(f.To) {
		return nil, fmt.Errorf("%w (from %s, to %s)", ErrRange, f.From.Format(time.RFC3339), f.To.Format(time.RFC3339))
	}
	f.From, f.To = f.From.UTC(), f.To.UTC()
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	r := &Report{Filter: f, At: f.To, Demo: o.Demo}
	if now.Before(f.To) {
		r.At = now.UTC()
	}
	return r, nil
}

// totals is the one-pass aggregate over the encounters of the range.
func totals(ctx context.Context, src source, r *Report, _ Options) error {
	where, args := r.Filter.where(src)
	var t tally
	if err := src.q.QueryRowContext(ctx, src.sql(`SELECT `+tallyColumns+` FROM {encounters} WHERE `+where),
		args...).Scan(t.fields()...); err != nil {
		return fmt.Errorf("count encounters: %w", err)
	}
	r.applyTotals(t)
	return nil
}

// tally is the counts of a group of encounters that the report's totals
// and breakdowns are made of, in tallyColumns' order.
type tally struct {
	processed, match, noMatch, ambiguous, optOut, noDecision, cleared, verified, referred, interrupted int
	manual, attempts, captured, falseNonMatch, falseNonMatchAmb, possibleFalseMatch                    int
}

// tallyColumns are the SQL aggregates of a tally, the same in SQLite and
// PostgreSQL.
var tallyColumns = `COUNT(*),
	` + count("outcome = 'match'") + `, ` + count("outcome = 'no-match'") + `,
	` + count("outcome = 'ambiguous'") + `, ` + count("outcome = 'opt-out'") + `,
	` + count("outcome NOT IN ('match', 'no-match', 'ambiguous', 'opt-out')") + `,
	` + count("result = 'cleared'") + `, ` + count("result = 'verified'") + `,
	` + count("result = 'referred'") + `, ` + count("result = 'interrupted'") + `,
	` + count("manual_check_at IS NOT NULL") + `, ` + count("outcome <> 'opt-out'") + `,
	` + count("outcome <> 'opt-out' AND captured_at IS NOT NULL") + `,
	` + count("outcome IN ('no-match', 'ambiguous') AND result = 'verified'") + `,
	` + count("outcome = 'ambiguous' AND result = 'verified'") + `,
	` + count("outcome = 'match' AND result = 'referred'")

// fields are t's scan targets in tallyColumns' order.
func (t *tally) fields() []any {
	return []any{&t.processed, &t.match, &t.noMatch, &t.ambiguous, &t.optOut, &t.noDecision, &t.cleared,
		&t.verified, &t.referred, &t.interrupted, &t.manual, &t.attempts, &t.captured, &t.falseNonMatch,
		&t.falseNonMatchAmb, &t.possibleFalseMatch}
}

// add adds u's counts to t.
func (t *tally) add(u tally) {
	t.processed += u.processed
	t.match += u.match
	t.noMatch += u.noMatch
	t.ambiguous += u.ambiguous
	t.optOut += u.optOut
	t.noDecision += u.noDecision
	t.cleared += u.cleared
	t.verified += u.verified
	t.referred += u.referred
	t.interrupted += u.interrupted
	t.manual += u.manual
	t.attempts += u.attempts
	t.captured += u.captured
	t.falseNonMatch += u.falseNonMatch
	t.falseNonMatchAmb += u.falseNonMatchAmb
	t.possibleFalseMatch += u.possibleFalseMatch
}

// applyTotals fills r's totals, outcomes, capture and accuracy from the
// tally of every encounter of its range.
func (r *Report) applyTotals(t tally) {
	r.Processed, r.ManualChecks = t.processed, t.manual
	r.Outcomes = Outcomes{Match: t.match, NoMatch: t.noMatch, Ambiguous: t.ambiguous, OptOut: t.optOut,
		NoDecision: t.noDecision, Cleared: t.cleared, ManualVerified: t.verified, Referred: t.referred,
		Interrupted: t.interrupted}
	o := &r.Outcomes
	r.MatchRate = ratio(o.Match, o.Match+o.NoMatch+o.Ambiguous)
	r.ManualCheckShare = ratio(r.ManualChecks, r.Processed)
	r.TravelersPerHour = float64(r.Processed) / r.Filter.To.Sub(r.Filter.From).Hours()
	r.Capture = Capture{Attempts: t.attempts, Captured: t.captured, Failed: t.attempts - t.captured,
		SuccessRate: ratio(t.captured, t.attempts), TopReasons: []ReasonCount{}}
	a := &r.Accuracy
	fnm := t.falseNonMatch
	a.FalseNonMatch, a.FalseNonMatchAmbiguous, a.PossibleFalseMatch = fnm, t.falseNonMatchAmb, t.possibleFalseMatch
	a.MatedSearches = o.Cleared + fnm
	a.FNIR = ratio(fnm, a.MatedSearches)
	a.Basis = fmt.Sprintf("%d false non-matches (no-match or ambiguous, verified at manual check) of %d mated searches (%d cleared matches + %d false non-matches)",
		fnm, a.MatedSearches, o.Cleared, fnm)
}

// decisionTimes takes nearest-rank percentiles and the histogram in SQL.
func decisionTimes(ctx context.Context, src source, r *Report, _ Options) error {
	q := src.q
	where, args := r.Filter.where(src)
	// Biometric decisions only: an opt-out's "decision" is the time the
	// officer took over the form, not the camera's and matcher's.
	where += " AND decision_ms IS NOT NULL AND outcome IN ('match', 'no-match', 'ambiguous')"
	d := &r.Decision
	d.Histogram = []Bucket{}
	if err := src.percentiles(ctx, where, args, d); err != nil {
		return err
	}
	if d.Count == 0 {
		return nil
	}
	width := bucketWidth(d.P95MS)
	const last = histogramBars - 1
	rows, err := q.QueryContext(ctx, src.sql(`SELECT `+src.least("decision_ms / ?", "?")+` AS b, COUNT(*) FROM {encounters} WHERE `+
		where+` GROUP BY b ORDER BY b`), append([]any{width, last}, args...)...)
	if err != nil {
		return fmt.Errorf("time-to-decision histogram: %w", err)
	}
	defer rows.Close()
	counts := make([]int, histogramBars)
	for rows.Next() {
		var b int64
		var n int
		if err := rows.Scan(&b, &n); err != nil {
			return fmt.Errorf("time-to-decision histogram: %w", err)
		}
		counts[max(0, min(int(b), last))] += n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("time-to-decision histogram: %w", err)
	}
	d.setBars(counts, width)
	return nil
}

// setBars makes d's histogram of the counts per bar of width ms (the last
// bar is open).
func (d *Decision) setBars(counts []int, width int64) {
	d.Histogram = []Bucket{}
	for i, n := range counts {
		b := Bucket{FromMS: int64(i) * width, ToMS: int64(i+1) * width, Count: n}
		if i == len(counts)-1 {
			b.ToMS = -1 // open: everything slower
		}
		d.Histogram = append(d.Histogram, b)
	}
}

// histogramBars is the number of time-to-decision bars; the last is open.
const histogramBars = 16

// bucketWidth is a round bar width (ms) so that p95 falls in the first
// three quarters of the bars.
func bucketWidth(p95 int64) int64 {
	target := float64(p95) / float64(histogramBars*3/4)
	for _, w := range []int64{50, 100, 250, 500, 1000, 2000, 2500, 5000, 10000, 15000, 30000, 60000} {
		if float64(w) >= target {
			return w
		}
	}
	return 120000
}

// hourly groups outcomes by the UTC hour the encounter started.
func hourly(ctx context.Context, src source, r *Report, _ Options) error {
	where, args := r.Filter.where(src)
	key, group := src.hour()
	rows, err := src.q.QueryContext(ctx, src.sql(`SELECT `+key+` AS h,
		`+count("outcome = 'match'")+`, `+count("outcome = 'no-match'")+`,
		`+count("outcome = 'ambiguous'")+`, `+count("outcome = 'opt-out'")+`,
		`+count("outcome NOT IN ('match', 'no-match', 'ambiguous', 'opt-out')")+`
		FROM {encounters} WHERE `+where+` GROUP BY `+group+` ORDER BY h`), args...)
	if err != nil {
		return fmt.Errorf("outcomes per hour: %w", err)
	}
	defer rows.Close()
	got := map[time.Time]Hour{}
	for rows.Next() {
		var h Hour
		var key string
		if err := rows.Scan(&key, &h.Match, &h.NoMatch, &h.Ambiguous, &h.OptOut, &h.NoDecision); err != nil {
			return fmt.Errorf("outcomes per hour: %w", err)
		}
		if h.Start, err = time.Parse("2006-01-02T15", key); err != nil {
			return fmt.Errorf("outcomes per hour: %w", err)
		}
		got[h.Start] = h
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("outcomes per hour: %w", err)
	}
	r.Hourly = []Hour{}
	for h := r.Filter.From.Truncate(time.Hour); h.Before(r.Filter.To); h = h.Add(time.Hour) {
		v := got[h]
		v.Start = h
		r.Hourly = append(r.Hourly, v)
		if len(r.Hourly) > maxHours {
			break
		}
	}
	return nil
}

// maxHours bounds the hourly series (a 31-day range).
const maxHours = 31 * 24

// captureFailures reads the quality summaries of attempts without a photo.
func captureFailures(ctx context.Context, src source, r *Report, o Options) error {
	if r.Capture.Failed == 0 {
		return nil
	}
	where, args := r.Filter.where(src)
	rows, err := src.q.QueryContext(ctx, src.sql(`SELECT quality FROM {encounters} WHERE `+where+
		` AND outcome <> 'opt-out' AND captured_at IS NULL`), args...)
	if err != nil {
		return fmt.Errorf("capture failures: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("capture failures: %w", err)
		}
		for _, reason := range FailureReasons(s) {
			counts[reason]++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("capture failures: %w", err)
	}
	for reason, n := range counts {
		r.Capture.TopReasons = append(r.Capture.TopReasons, ReasonCount{reason, ReasonLabel(reason), n})
	}
	sort.Slice(r.Capture.TopReasons, func(i, j int) bool {
		a, b := r.Capture.TopReasons[i], r.Capture.TopReasons[j]
		return a.Count > b.Count || a.Count == b.Count && a.Reason < b.Reason
	})
	top := o.TopReasons
	if top <= 0 {
		top = 5
	}
	if len(r.Capture.TopReasons) > top {
		r.Capture.TopReasons = r.Capture.TopReasons[:top]
	}
	return nil
}

// purges counts due, done and overdue photo purges.
func purges(ctx context.Context, src source, r *Report, _ Options) error {
	q := src.q
	from, to := record.FormatTime(r.Filter.From), record.FormatTime(r.Filter.To)
	p := &r.Purges
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(photo_state = 'purged'), 0)
		FROM encounters WHERE photo_state IN ('stored', 'purging', 'purged')
		AND purge_deadline >= ? AND purge_deadline < ?`, from, to).Scan(&p.Due, &p.DonePurged)
	if err != nil {
		return fmt.Errorf("purges due: %w", err)
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(result = ?), 0) FROM purge_log
		WHERE kind = ? AND purged_at >= ? AND purged_at < ?`,
		record.ResultFailed, record.PurgeKindPhoto, from, to).Scan(&p.Logged, &p.LogFailures)
	if err != nil {
		return fmt.Errorf("purge log: %w", err)
	}
	if p.Overdue, err = retention.OverdueCount(ctx, q, r.At); err != nil {
		return err
	}
	return nil
}

// audit verifies the chain and counts its entries in the range.
func audit(ctx context.Context, src source, r *Report, _ Options) error {
	q := src.q
	rep, err := record.VerifyAudit(ctx, q)
	if err != nil {
		return fmt.Errorf("verify audit chain: %w", err)
	}
	r.Audit = Audit{Intact: rep.Intact, Entries: rep.Entries, FirstBroken: rep.FirstBroken, Reason: rep.Reason}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE at >= ? AND at < ?`,
		record.FormatTime(r.Filter.From), record.FormatTime(r.Filter.To)).Scan(&r.Audit.InRange)
	if err != nil {
		return fmt.Errorf("count audit entries: %w", err)
	}
	return nil
}

// outbox counts results pending at the report time, and those pending
// longer than the backlog warning. The outbox writes RFC 3339 times of
// varying width, so they are compared as julian days.
func outbox(ctx context.Context, src source, r *Report, o Options) error {
	q := src.q
	at := record.FormatTime(r.At)
	warn := r.At.Add(-o.BacklogWarn)
	r.Outbox.BacklogWarnS = o.BacklogWarn.Seconds()
	var oldest *float64
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(julianday(created_at) < julianday(?)), 0),
		(julianday(?) - MIN(julianday(created_at))) * 86400
		FROM outbox WHERE julianday(created_at) <= julianday(?)
		AND (delivered_at IS NULL OR julianday(delivered_at) > julianday(?))`,
		record.FormatTime(warn), at, at, at).Scan(&r.Outbox.Pending, &r.Outbox.Backlog, &oldest)
	if err != nil {
		return fmt.Errorf("outbox backlog: %w", err)
	}
	if oldest != nil {
		r.Outbox.OldestPending = math.Round(*oldest*1000) / 1000
	}
	return nil
}

// fairness lists the flights with an encounter under the fairness warning
// and the manual-check share of all their encounters in the range.
func fairness(ctx context.Context, src source, r *Report, _ Options) error {
	q := src.q
	where, args := r.Filter.where(src)
	r.Fairness = []FairnessFlight{}
	rows, err := q.QueryContext(ctx, `SELECT flight, COALESCE(MIN(CASE WHEN poor_separation = 1 THEN threshold END), 0),
		COUNT(*), COALESCE(SUM(manual_check_at IS NOT NULL), 0)
		FROM encounters WHERE `+where+` GROUP BY flight HAVING MAX(poor_separation) = 1 ORDER BY flight`, args...)
	if err != nil {
		return fmt.Errorf("fairness flights: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f FairnessFlight
		if err := rows.Scan(&f.Flight, &f.Threshold, &f.Encounters, &f.ManualChecks); err != nil {
			return fmt.Errorf("fairness flights: %w", err)
		}
		f.ManualCheckShare = ratio(f.ManualChecks, f.Encounters)
		r.Fairness = append(r.Fairness, f)
	}
	return rows.Err()
}
