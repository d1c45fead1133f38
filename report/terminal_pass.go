package report

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
)

// terminalSteps compute a terminal report from PostgreSQL in two passes over
// the range's results where the booth's steps take six: tallies counts
// every (station, officer, engine) group at once, from which the totals,
// both breakdowns and the engines are summed; decisionHistograms counts decision times per pair
// by the millisecond, from which every median, the percentiles and the
// histogram are read exactly (nearest rank, as
// percentile_disc and the booth's ordered lookups give them). Over ten
// million results a percentile_disc per group sorted the whole range for
// each breakdown. The figures are the booth's to the last digit
// (TestTerminalReportEqualsBoothReports).
var terminalSteps = []step{tallies, decisionHistograms, hourly, captureFailures, exemptions}

// tallies fills the totals, the station and officer breakdowns (but their
// medians) and the engines from one GROUP BY over (station, officer,
// engine).
func tallies(ctx context.Context, src source, r *Report, _ Options) error {
	where, args := r.Filter.where(src)
	const biometric = "outcome IN ('match', 'no-match', 'ambiguous')"
	rows, err := src.q.QueryContext(ctx, src.sql(`SELECT station, COALESCE(officer_id, ''), engine, `+tallyColumns+`,
		`+count(biometric)+`, MIN(CASE WHEN `+biometric+` THEN threshold END),
		MAX(CASE WHEN `+biometric+` THEN threshold END)
		FROM {encounters} WHERE `+where+` GROUP BY station, COALESCE(officer_id, ''), engine`), args...)
	if err != nil {
		return fmt.Errorf("count encounters: %w", err)
	}
	defer rows.Close()
	var all tally
	stations, officers := map[string]*tally{}, map[string]*tally{}
	engines := map[string]*engineTally{}
	for rows.Next() {
		var station, officer, engine string
		var t tally
		var decisions int
		var lo, hi sql.NullFloat64
		if err := rows.Scan(append(append([]any{&station, &officer, &engine}, t.fields()...),
			&decisions, &lo, &hi)...); err != nil {
			return fmt.Errorf("count encounters: %w", err)
		}
		all.add(t)
		for _, g := range []struct {
			m   map[string]*tally
			key string
		}{{stations, station}, {officers, officer}} {
			if g.m[g.key] == nil {
				g.m[g.key] = &tally{}
			}
			g.m[g.key].add(t)
		}
		if decisions > 0 {
			addEngine(engines, engine, decisions, t.match, lo, hi)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count encounters: %w", err)
	}
	r.applyTotals(all)
	r.Stations, r.Officers = breakdownOf(stations), breakdownOf(officers)
	r.Engines = enginesOf(engines)
	return nil
}

// engineTally is one engine's biometric decisions, matches and threshold
// range (NULL thresholds ignored, as MIN and MAX do).
type engineTally struct {
	EngineCount
	lo, hi sql.NullFloat64
}

// addEngine counts one group's decisions under its engine.
func addEngine(m map[string]*engineTally, engine string, decisions, matches int, lo, hi sql.NullFloat64) {
	x := m[engine]
	if x == nil {
		x = &engineTally{EngineCount: EngineCount{Engine: engine, Label: EngineLabel(engine)}}
		m[engine] = x
	}
	x.Decisions += decisions
	x.Matches += matches
	if lo.Valid && (!x.lo.Valid || lo.Float64 < x.lo.Float64) {
		x.lo = lo
	}
	if hi.Valid && (!x.hi.Valid || hi.Float64 > x.hi.Float64) {
		x.hi = hi
	}
}

// enginesOf lists the engines, the most frequent first (as engines does).
func enginesOf(m map[string]*engineTally) []EngineCount {
	out := make([]EngineCount, 0, len(m))
	for _, x := range m {
		c := x.EngineCount
		c.ThresholdMin, c.ThresholdMax = x.lo.Float64, x.hi.Float64 // 0 when none was recorded
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b EngineCount) int {
		return cmp.Or(cmp.Compare(b.Decisions, a.Decisions), cmp.Compare(a.Engine, b.Engine))
	})
	return out
}

// breakdownOf is the breakdown of the tallies by key, the busiest first.
func breakdownOf(m map[string]*tally) []Breakdown {
	out := make([]Breakdown, 0, len(m))
	for k, t := range m {
		out = append(out, Breakdown{Key: k, Processed: t.processed, Match: t.match, NoMatch: t.noMatch,
			Ambiguous: t.ambiguous, OptOut: t.optOut, Referred: t.referred, ManualChecks: t.manual,
			MatchRate: ratio(t.match, t.match+t.noMatch+t.ambiguous)})
	}
	sortBreakdown(out)
	return out
}

// msCount is how many decisions took ms milliseconds.
type msCount struct {
	ms int64
	n  int
}

// nearestRank is the ceil(p n)-th smallest of the n decisions counted in h
// (ascending by ms): the booth's and percentile_disc's percentile.
func nearestRank(h []msCount, n int, p float64) int64 {
	k := max(1, min(int(math.Ceil(p*float64(n))), n))
	seen := 0
	for _, c := range h {
		if seen += c.n; seen >= k {
			return c.ms
		}
	}
	return 0
}

// decisionHistograms reads the decision times counted per millisecond for
// each (station, officer) pair (one GROUP BY, which PostgreSQL runs in
// parallel; grouping sets by station and by officer would not be) and
// fills the breakdowns' medians (every decision time) and the report's
// time-to-decision figures (biometric decisions: match, no-match,
// ambiguous). Runs after tallies.
func decisionHistograms(ctx context.Context, src source, r *Report, _ Options) error {
	where, args := r.Filter.where(src)
	rows, err := src.q.QueryContext(ctx, src.sql(`SELECT station, COALESCE(officer_id, ''), decision_ms,
		COUNT(*), `+count("outcome IN ('match', 'no-match', 'ambiguous')")+`
		FROM {encounters} WHERE `+where+` AND decision_ms IS NOT NULL
		GROUP BY station, COALESCE(officer_id, ''), decision_ms`), args...)
	if err != nil {
		return fmt.Errorf("decision times: %w", err)
	}
	defer rows.Close()
	stations, officers := map[string]map[int64]int{}, map[string]map[int64]int{}
	biometric := map[int64]int{}
	for rows.Next() {
		var station, officer string
		var ms int64
		var n, bio int
		if err := rows.Scan(&station, &officer, &ms, &n, &bio); err != nil {
			return fmt.Errorf("decision times: %w", err)
		}
		for _, g := range []struct {
			m   map[string]map[int64]int
			key string
		}{{stations, station}, {officers, officer}} {
			if g.m[g.key] == nil {
				g.m[g.key] = map[int64]int{}
			}
			g.m[g.key][ms] += n
		}
		if bio > 0 {
			biometric[ms] += bio
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("decision times: %w", err)
	}
	for _, g := range []struct {
		bs []Breakdown
		m  map[string]map[int64]int
	}{{r.Stations, stations}, {r.Officers, officers}} {
		for i := range g.bs {
			if h, n := histogramOf(g.m[g.bs[i].Key]); n > 0 {
				g.bs[i].MedianMS = nearestRank(h, n, 0.5)
			}
		}
	}
	r.Decision.setTimes(biometric)
	return nil
}

// histogramOf is perMS ascending by ms, and the count of all its decisions.
func histogramOf(perMS map[int64]int) ([]msCount, int) {
	h := make([]msCount, 0, len(perMS))
	n := 0
	for ms, c := range perMS {
		h = append(h, msCount{ms, c})
		n += c
	}
	slices.SortFunc(h, func(a, b msCount) int { return cmp.Compare(a.ms, b.ms) })
	return h, n
}

// setTimes fills d from the biometric decisions counted per millisecond:
// count, median, p95 and the histogram.
func (d *Decision) setTimes(perMS map[int64]int) {
	h, n := histogramOf(perMS)
	d.Count, d.Histogram = n, []Bucket{}
	if n == 0 {
		return
	}
	d.MedianMS, d.P95MS = nearestRank(h, n, 0.5), nearestRank(h, n, 0.95)
	width := bucketWidth(d.P95MS)
	counts := make([]int, histogramBars)
	for _, c := range h {
		counts[max(0, min(int(c.ms/width), histogramBars-1))] += c.n
	}
	d.setBars(counts, width)
}
