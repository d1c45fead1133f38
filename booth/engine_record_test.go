package booth

import (
	"context"
	"strings"
	"testing"
	"time"

	"veriport/encounter"
	"veriport/gallery"
	"veriport/record"
	"veriport/report"
	"veriport/retention"
	"veriport/transmit"
	"veriport/verify"
)

// TestEngineOnRecord: the face engine that made an encounter's distance
// and whose threshold it was decided against is on the record, in the
// result message queued for the back end and in the shift report: a
// decision made with sface says sface, one made with dlib says dlib (the
// two engines' distances are on different scales).
func TestEngineOnRecord(t *testing.T) {
	ctx := context.Background()
	st, k, _ := keeperStore(t, retention.ModeAgency)
	if err := record.InsertOfficer(ctx, st.DB, record.Officer{ID: "o1", Name: "Officer One", Role: "officer"}); err != nil {
		t.Fatal(err)
	}
	p, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	s, err := NewShift(ctx, "o1", Config{Station: "B1", Policy: p, Recorder: &StoreRecorder{Store: st, Keeper: k, Outbox: true}})
	if err != nil {
		t.Fatal(err)
	}
	sf, load := sfaceDecider(t)
	s.SetGallery("ZZ420", sf)
	if d, err := decideAndRecord(ctx, s, load("obama2.jpg")); err != nil || d.Outcome != encounter.OutcomeMatch {
		t.Fatalf("sface decision %+v %v", d, err)
	}
	if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	// A dlib gallery on the next flight (a fake face finder: dlib).
	dl := NewGalleryDecider(fakeFaces{t: tpl(0.1)}, bundleOf(entry("T-1", gallery.CategoryInScope, tpl(0))),
		verify.Policy{Threshold: 0.5, Margin: 0.05})
	s.SetGallery("ZZ421", dl)
	if d, err := decideAndRecord(ctx, s, img); err != nil || d.Outcome != encounter.OutcomeMatch {
		t.Fatalf("dlib decision %+v %v", d, err)
	}
	if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}

	rows, err := record.ListEncounters(ctx, st.DB, record.EncounterFilter{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("encounters %d %v", len(rows), err)
	}
	want := []string{"sface", "dlib"}
	for i, e := range rows {
		if e.Engine != want[i] || e.Threshold == nil || e.Distance == nil {
			t.Errorf("record %d (flight %s): engine %q, threshold and distance recorded %v %v; want engine %s with both",
				i, e.Flight, e.Engine, e.Threshold != nil, e.Distance != nil, want[i])
		}
	}
	if th := rows[0].Threshold; th != nil && *th <= 0.6 {
		t.Errorf("sface record's threshold %.3f is on dlib's scale", *th)
	}

	for i := range rows {
		item, err := st.OutboxHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := transmit.Decode(item.Payload)
		if err != nil {
			t.Fatalf("queued result does not decode: %v", err)
		}
		if res.Engine != want[i] || res.Version != transmit.CurrentVersion {
			t.Errorf("result message %d: version %d engine %q; want version %d, engine %s",
				i, res.Version, res.Engine, transmit.CurrentVersion, want[i])
		}
		if err := res.Validate(); err != nil {
			t.Errorf("result message %d: %v", i, err)
		}
		if err := st.MarkDelivered(ctx, item.Seq, res.EncounterID, time.Now()); err != nil {
			t.Fatal(err)
		}
	}

	now := time.Now()
	r, err := report.Compute(ctx, st.DB, report.Filter{From: now.Add(-time.Hour), To: now.Add(time.Hour)}, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, x := range r.Engines {
		got[x.Engine] = x.Decisions
	}
	if got["sface"] != 1 || got["dlib"] != 1 || len(got) != 2 {
		t.Errorf("report engines %+v; want one sface and one dlib decision", r.Engines)
	}
	var lines []string
	for _, f := range report.Figures(r) {
		if f.Section == "Engines" {
			lines = append(lines, f.Label+": "+f.Value)
		}
	}
	if text := strings.Join(lines, "\n"); !strings.Contains(text, "sface") || !strings.Contains(text, "dlib") ||
		!strings.Contains(text, "threshold") {
		t.Errorf("report figures under Engines:\n%s\nwant each engine with its decisions and threshold", text)
	}
}
