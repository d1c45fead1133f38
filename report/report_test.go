package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"veriport/quality"
	"veriport/record"
)

// jsonPath reads a dotted path ("outcomes.match", "hourly.3.opt_out") from
// decoded JSON.
func jsonPath(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			var i int
			fmt.Sscan(k, &i)
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func reportJSON(t *testing.T, f Filter) map[string]any {
	t.Helper()
	s := openStore(t)
	fillKnown(t, s)
	r, err := Compute(context.Background(), s.DB, f, Options{Now: shiftEnd.Add(time.Hour), BacklogWarn: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestKnownShiftJSON(t *testing.T) {
	m := reportJSON(t, Filter{From: shiftStart, To: shiftEnd})
	want := map[string]any{
		"processed": 12.0, "outcomes.match": 5.0, "outcomes.no_match": 2.0, "outcomes.ambiguous": 1.0,
		"outcomes.opt_out": 1.0, "outcomes.no_decision": 3.0, "outcomes.cleared": 4.0,
		"outcomes.manual_verified": 5.0, "outcomes.referred": 3.0,
		"match_rate": 0.625, "manual_checks": 8.0, "manual_check_share": 8.0 / 12,
		"travelers_per_hour": 1.5,
		"capture.attempts":   11.0, "capture.captured": 8.0, "capture.failed": 3.0, "capture.success_rate": 8.0 / 11,
		"capture.top_failure_reasons.0.reason": "sharpness", "capture.top_failure_reasons.0.count": 2.0,
		"capture.top_failure_reasons.0.label":  "Sharpness",
		"capture.top_failure_reasons.1.reason": "unrecorded", "capture.top_failure_reasons.1.count": 1.0,
		"capture.top_failure_reasons.2.reason": "yaw", "capture.top_failure_reasons.2.count": 1.0,
		"time_to_decision.count": 8.0, "time_to_decision.median_ms": 4000.0, "time_to_decision.p95_ms": 8000.0,
		"time_to_decision.histogram.0.count": 0.0, "time_to_decision.histogram.1.from_ms": 1000.0,
		"time_to_decision.histogram.1.count": 1.0, "time_to_decision.histogram.8.count": 1.0,
		"time_to_decision.histogram.9.count": 0.0, "time_to_decision.histogram.15.to_ms": -1.0,
		"hourly.0.match": 2.0, "hourly.1.match": 2.0, "hourly.2.no_match": 2.0, "hourly.3.ambiguous": 1.0,
		"hourly.3.opt_out": 1.0, "hourly.4.no_decision": 3.0, "hourly.5.match": 1.0, "hourly.7.match": 0.0,
		"hourly.0.start":           "2026-03-01T06:00:00Z",
		"accuracy.false_non_match": 2.0, "accuracy.false_non_match_ambiguous": 1.0,
		"accuracy.possible_false_match": 1.0, "accuracy.mated_searches": 6.0, "accuracy.fnir": 2.0 / 6,
		"purges.due": 2.0, "purges.done": 1.0, "purges.logged": 1.0, "purges.log_failures": 0.0, "purges.overdue": 1.0,
		"audit.intact": true, "audit.entries": 3.0, "audit.in_range": 2.0,
		"outbox.pending": 2.0, "outbox.backlog": 1.0, "outbox.backlog_warn_s": 900.0, "outbox.oldest_pending_age_s": 1200.0,
		"at": "2026-03-01T14:00:00Z",
	}
	for path, v := range want {
		if got := jsonPath(m, path); got != v {
			t.Errorf("%s = %v, want %v", path, got, v)
		}
	}
	if n := len(jsonPath(m, "hourly").([]any)); n != 8 {
		t.Errorf("%d hours, want 8", n)
	}
	if n := len(jsonPath(m, "time_to_decision.histogram").([]any)); n != histogramBars {
		t.Errorf("%d histogram bars, want %d", n, histogramBars)
	}
}

func TestFilters(t *testing.T) {
	for _, tc := range []struct {
		name    string
		f       Filter
		want    float64
		matches float64
	}{
		{"station", Filter{Station: "booth-1"}, 11, 4},
		{"officer", Filter{Officer: "o.b"}, 1, 1},
		{"flight", Filter{Flight: "VP2"}, 1, 1},
		{"nobody", Filter{Flight: "ZZ9"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.From, tc.f.To = shiftStart, shiftEnd
			m := reportJSON(t, tc.f)
			if got := jsonPath(m, "processed"); got != tc.want {
				t.Errorf("processed = %v, want %v", got, tc.want)
			}
			if got := jsonPath(m, "outcomes.match"); got != tc.matches {
				t.Errorf("matches = %v, want %v", got, tc.matches)
			}
		})
	}
}

func TestRangeRefused(t *testing.T) {
	s := openStore(t)
	_, err := Compute(context.Background(), s.DB, Filter{From: shiftEnd, To: shiftStart}, Options{})
	if !errors.Is(err, ErrRange) {
		t.Fatalf("reversed range: %v, want ErrRange", err)
	}
}

func TestOverduePurgeShows(t *testing.T) {
	s := openStore(t)
	fillKnown(t, s)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		clean   bool
		overdue int
	}{{"overdue", false, 1}, {"all purged", true, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.clean {
				if _, err := s.DB.Exec(`UPDATE encounters SET photo_state = 'purged', purged_at = ? WHERE photo_state = 'stored'`,
					"2026-03-01T07:00:30.000000000Z"); err != nil {
					t.Fatal(err)
				}
			}
			r, err := Compute(ctx, s.DB, Filter{From: shiftStart, To: shiftEnd}, Options{Now: shiftEnd})
			if err != nil {
				t.Fatal(err)
			}
			if r.Purges.Overdue != tc.overdue {
				t.Fatalf("overdue = %d, want %d", r.Purges.Overdue, tc.overdue)
			}
			var fig Figure
			for _, f := range Figures(r) {
				if f.Label == "Overdue purges" {
					fig = f
				}
			}
			if fig.Value != fmt.Sprint(tc.overdue) || fig.Alert != (tc.overdue > 0) {
				t.Fatalf("overdue figure %+v", fig)
			}
		})
	}
}

func TestFailureReasons(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"", "unrecorded"},
		{"not json", "unreadable"},
		{`{"captured":false,"failed":["yaw","sharpness","yaw"]}`, "sharpness,yaw"},
		{`{"captured":false}`, "unrecorded"},
		{`{"Measures":[{"Name":"yaw","Verdict":"fail","Mandatory":true},{"Name":"roll","Verdict":"warn","Mandatory":false},{"Name":"luminance","Verdict":"pass","Mandatory":true}]}`, "yaw"},
		{`{"Measures":"x"}`, "unreadable"},
	} {
		if got := strings.Join(FailureReasons(tc.in), ","); got != tc.want {
			t.Errorf("FailureReasons(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzFailureReasons(f *testing.F) {
	for _, s := range []string{"", "{}", `{"failed":["a"]}`, `{"Measures":[{"Name":"x","Verdict":"fail","Mandatory":true}]}`, "[1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs := FailureReasons(s)
		if len(rs) == 0 {
			t.Fatalf("no reason for %q", s)
		}
		for _, r := range rs {
			if r == "" {
				t.Fatalf("empty reason for %q", s)
			}
		}
	})
}

func TestSummarizeRoundTrips(t *testing.T) {
	rep := quality.QualityReport{Score: 0.4567, Measures: []quality.Measure{
		{Name: quality.MeasureYaw, Verdict: quality.VerdictFail, Mandatory: true},
		{Name: quality.MeasureSharpness, Verdict: quality.VerdictUnknown, Mandatory: true},
		{Name: quality.MeasureRoll, Verdict: quality.VerdictFail, Mandatory: false},
		{Name: quality.MeasureLuminance, Verdict: quality.VerdictPass, Mandatory: true},
	}}
	s := Summarize(rep, false, true)
	if s != `{"captured":false,"score":0.457,"failed":["yaw","sharpness"]}` {
		t.Fatalf("summary %s", s)
	}
	if got := strings.Join(FailureReasons(s), ","); got != "sharpness,yaw" {
		t.Fatalf("reasons %q", got)
	}
	if got := strings.Join(FailureReasons(Summarize(quality.QualityReport{}, false, false)), ","); got != "face_count" {
		t.Fatalf("no frame analysed: %q", got)
	}
}

// TestTimeToDecisionExcludesOptOutWaits: the time-to-decision figures
// count biometric decisions only; an opt-out's minute over the form does
// not enter the median or p95.
func TestTimeToDecisionExcludesOptOutWaits(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if err := record.InsertOfficer(ctx, s.DB, record.Officer{ID: "o.a", Name: "Officer A", Role: "officer"}); err != nil {
		t.Fatal(err)
	}
	for i, k := range []struct {
		outcome string
		ms      int64
	}{{"match", 1000}, {"match", 1000}, {"no-match", 2000}, {"opt-out", 60000}, {"opt-out", 90000}} {
		start := at(7, i)
		d := time.Duration(k.ms) * time.Millisecond
		e := record.Encounter{Station: "booth-1", OfficerID: "o.a", Flight: "VP1", StartedAt: start, Category: "in-scope",
			Outcome: k.outcome, Result: "verified", DecidedAt: start.Add(d), DecisionTime: d, DoneAt: start.Add(2 * time.Minute)}
		if err := record.InsertEncounter(ctx, s.DB, &e); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Compute(ctx, s.DB, Filter{From: shiftStart, To: shiftEnd}, Options{Now: shiftEnd})
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Decision; d.Count != 3 || d.P95MS != 2000 || d.MedianMS != 1000 {
		t.Fatalf("time to decision %+v: want 3 biometric decisions, p95 2000 ms", d)
	}
}
