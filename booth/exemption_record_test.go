package booth

import (
	"context"
	"strings"
	"testing"
	"time"

	"veriport/encounter"
	"veriport/record"
	"veriport/report"
	"veriport/retention"
	"veriport/transmit"
)

// TestExemptionReasonRecorded: why a traveler was exempt (the exemption's
// reason) and under which rule set is on the record, in the result message
// for the back end, and in the shift report, for an opt-out (a Canadian B
// visitor) and for a manual check whose document made the traveler exempt
// (a child under 14).
func TestExemptionReasonRecorded(t *testing.T) {
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
	d, err := s.OptOut(ctx, encounter.Traveler{Nationality: "CAN",
		Flags: []encounter.Flag{encounter.FlagBVisitorWithoutVisa}})
	if err != nil || !d.MayOptOut || d.Reason != "canadian-b-visitor" {
		t.Fatalf("opt-out of a Canadian B visitor: %+v %v", d, err)
	}
	if err := s.CompleteManualCheck(ctx, encounter.ManualResult{Verified: true, Attested: true}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.BeginManualCheck(time.Time{}); err != nil {
		t.Fatal(err)
	}
	child, err := s.DecideTraveler(encounter.Traveler{Nationality: "FRA", BirthDate: time.Now().AddDate(-9, 0, 0)})
	if err != nil || child.Reason != encounter.ReasonYoungerThan {
		t.Fatalf("decision for a child: %+v %v", child, err)
	}
	if err := s.CompleteManualCheck(ctx, encounter.ManualResult{Verified: true, Attested: true, Policy: &child}, nil); err != nil {
		t.Fatal(err)
	}

	rows, err := record.ListEncounters(ctx, st.DB, record.EncounterFilter{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("encounters %d %v", len(rows), err)
	}
	want := []string{"canadian-b-visitor", "age-under"}
	for i, e := range rows {
		if e.Category != "exempt" || e.ExemptionReason != want[i] || e.RuleSet != encounter.SeedRuleSet {
			t.Errorf("record %d: category %q reason %q rule set %q; want exempt, %s, %s",
				i, e.Category, e.ExemptionReason, e.RuleSet, want[i], encounter.SeedRuleSet)
		}
	}

	// The result messages queued for the back end say the same.
	for i := range rows {
		item, err := st.OutboxHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := transmit.Decode(item.Payload)
		if err != nil {
			t.Fatalf("queued result does not decode: %v", err)
		}
		if res.ExemptionReason != want[i] || res.RuleSet != encounter.SeedRuleSet {
			t.Errorf("result message %d: version %d reason %q rule set %q; want %s, %s",
				i, res.Version, res.ExemptionReason, res.RuleSet, want[i], encounter.SeedRuleSet)
		}
		if err := res.Validate(); err != nil {
			t.Errorf("result message %d: %v", i, err)
		}
		if err := st.MarkDelivered(ctx, item.Seq, res.EncounterID, time.Now()); err != nil {
			t.Fatal(err)
		}
	}

	// The shift report shows each reason with its rule set.
	now := time.Now()
	r, err := report.Compute(ctx, st.DB, report.Filter{From: now.Add(-time.Hour), To: now.Add(time.Hour)}, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, x := range r.Exemptions {
		got[x.Reason+"/"+x.RuleSet] = x.Count
	}
	if got["canadian-b-visitor/seed"] != 1 || got["age-under/seed"] != 1 || len(got) != 2 {
		t.Errorf("report exemptions %+v; want one Canadian B visitor and one under-age, rule set seed", r.Exemptions)
	}
	var lines []string
	for _, f := range report.Figures(r) {
		if f.Section == "Exemptions" {
			lines = append(lines, f.Label+": "+f.Value)
		}
	}
	text := strings.Join(lines, "\n")
	if !strings.Contains(text, "Canadian B visitor") || !strings.Contains(text, "Younger than") ||
		!strings.Contains(text, "seed") {
		t.Errorf("report figures under Exemptions:\n%s\nwant each reason in words with its rule set", text)
	}
}
