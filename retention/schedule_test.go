package retention

import (
	"context"
	"errors"
	"testing"
	"time"

	"veriport/record"
)

func TestDeadlineBoundaries(t *testing.T) {
	ver := t0.Add(20 * time.Minute) // verified 20 minutes after capture
	cases := []struct {
		name     string
		category string
		verified time.Time
		deadline time.Time
	}{
		{"us-citizen from verification", CategoryUSCitizen, ver, ver.Add(12 * time.Hour)},
		{"exempt from verification", CategoryExempt, ver, ver.Add(12 * time.Hour)},
		{"us-citizen not yet verified: from capture", CategoryUSCitizen, time.Time{}, t0.Add(12 * time.Hour)},
		{"in-scope from capture", CategoryInScope, ver, t0.Add(14 * 24 * time.Hour)},
		{"lpr from capture", CategoryLPR, ver, t0.Add(14 * 24 * time.Hour)},
		{"unknown: the shortest rule", CategoryUnknown, ver, ver.Add(12 * time.Hour)},
		{"unlisted category: the shortest rule", "diplomat?", time.Time{}, t0.Add(12 * time.Hour)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, "", Options{}, nil)
			ctx := context.Background()
			e := f.add(t, c.category, t0, c.verified, photo(1000))
			if !e.PurgeDeadline.Equal(c.deadline) {
				t.Fatalf("deadline %s, want %s", e.PurgeDeadline, c.deadline)
			}
			if e.RulesVersion != "seed-2018" {
				t.Errorf("rules version %q", e.RulesVersion)
			}
			// One minute before: kept. One minute after: purged and logged.
			f.clock.Set(c.deadline.Add(-time.Minute))
			if rep, err := f.keep.Purge(ctx, false); err != nil || rep.Deleted != 0 {
				t.Fatalf("at deadline-1m: deleted %d, %v", rep.Deleted, err)
			}
			if _, err := f.keep.Photo(ctx, e.ID, "o.test", "test"); err != nil {
				t.Fatalf("photo gone before its deadline: %v", err)
			}
			f.clock.Set(c.deadline.Add(time.Minute))
			rep, err := f.keep.Purge(ctx, false)
			if err != nil || rep.Deleted != 1 || rep.KeysDestroyed != 1 {
				t.Fatalf("at deadline+1m: %+v, %v", rep, err)
			}
			if _, err := f.keep.Photo(ctx, e.ID, "o.test", "test"); !errors.Is(err, ErrNoPhoto) {
				t.Fatalf("photo still readable after purge: %v", err)
			}
			log, _ := record.ListPurges(ctx, f.store.DB, record.PurgeKindPhoto)
			if len(log) != 1 || log[0].SubjectID != e.ID || !log[0].Deadline.Equal(c.deadline) ||
				log[0].Category != c.category || !log[0].CapturedAt.Equal(t0) || log[0].Result != record.ResultDeleted {
				t.Fatalf("purge log %+v", log)
			}
		})
	}
}

// The 11h59 / 12h01 boundary the issue names, on the wall clock.
func TestUSCitizenKeptAt11h59PurgedAt12h01(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	e := f.add(t, CategoryUSCitizen, t0, t0, photo(500))
	f.clock.Set(t0.Add(11*time.Hour + 59*time.Minute))
	if rep, _ := f.keep.Purge(ctx, false); rep.Deleted != 0 {
		t.Fatal("purged at 11h59")
	}
	f.clock.Set(t0.Add(12*time.Hour + time.Minute))
	if rep, _ := f.keep.Purge(ctx, false); rep.Deleted != 1 || rep.Items[0].EncounterID != e.ID {
		t.Fatalf("not purged at 12h01: %+v", rep)
	}
}

func TestPartnerPurgedOnAcknowledgment(t *testing.T) {
	f := newFixture(t, "", Options{Mode: ModePartner}, nil)
	ctx := context.Background()
	e := f.add(t, CategoryInScope, t0, t0.Add(time.Second), photo(800))
	if want := t0.Add(14 * 24 * time.Hour); !e.PurgeDeadline.Equal(want) {
		t.Fatalf("backstop deadline %s, want %s", e.PurgeDeadline, want)
	}
	f.clock.Set(t0.Add(time.Hour))
	if rep, _ := f.keep.Purge(ctx, false); rep.Deleted != 0 {
		t.Fatal("purged before acknowledgment")
	}
	ack := t0.Add(time.Hour)
	if err := f.keep.MarkAcknowledged(ctx, e.ID, ack); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t, e.ID); !got.PurgeDeadline.Equal(ack) || !got.AcknowledgedAt.Equal(ack) {
		t.Fatalf("after ack: deadline %s ack %s", got.PurgeDeadline, got.AcknowledgedAt)
	}
	select {
	case <-f.keep.kick:
	default:
		t.Error("acknowledgment did not wake the purge job")
	}
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Deleted != 1 {
		t.Fatalf("after ack: %+v %v", rep, err)
	}
}

// TestPartnerPurgeOnAckWithoutVerification: a partner keeps no photo taken
// for the service past transmittal, whatever the outcome: a referred
// (no-match, never verified) traveler's photo is due at acknowledgment and
// purged by the run the acknowledgment wakes.
func TestPartnerPurgeOnAckWithoutVerification(t *testing.T) {
	f := newFixture(t, "", Options{Mode: ModePartner}, nil)
	ctx := context.Background()
	e := &record.Encounter{Station: "t", StartedAt: t0, CapturedAt: t0, Category: CategoryInScope,
		Outcome: "no-match", Result: "referred", Referral: "no-match"}
	if err := f.keep.RecordEncounter(ctx, e, photo(800), nil); err != nil {
		t.Fatal(err)
	}
	ack := t0.Add(time.Minute)
	f.clock.Set(ack)
	if err := f.keep.MarkAcknowledged(ctx, e.ID, ack); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t, e.ID); !got.PurgeDeadline.Equal(ack) {
		t.Fatalf("referred partner photo due %s after acknowledgment at %s; want due at acknowledgment",
			got.PurgeDeadline, ack)
	}
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Deleted != 1 || rep.Items[0].Rule != RuleOnAcknowledgment {
		t.Fatalf("referred partner photo not purged on acknowledgment: %+v %v", rep, err)
	}
	// An unacknowledged partner photo keeps its category backstop.
	e2 := f.add(t, CategoryUSCitizen, ack, time.Time{}, photo(800))
	if got := f.state(t, e2.ID); !got.PurgeDeadline.Equal(ack.Add(12 * time.Hour)) {
		t.Fatalf("unacknowledged partner photo deadline %s", got.PurgeDeadline)
	}
}

func TestAgencyAcknowledgmentKeepsCategoryRule(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	e := f.add(t, CategoryInScope, t0, t0, photo(100))
	if err := f.keep.MarkAcknowledged(context.Background(), e.ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t, e.ID); !got.PurgeDeadline.Equal(t0.Add(14 * 24 * time.Hour)) {
		t.Fatalf("agency deadline moved on ack: %s", got.PurgeDeadline)
	}
}

const twoVersions = `
[[ruleset]]
version = "v2"
effective = 2030-01-01T00:00:00Z
partner_keep = "5m"
  [[ruleset.rule]]
  category = "in-scope"
  anchor = "captured"
  keep = "72h"
[[ruleset]]
version = "v1"
effective = 2020-01-01T00:00:00Z
  [[ruleset.rule]]
  category = "in-scope"
  anchor = "captured"
  keep = "336h"
  [[ruleset.rule]]
  category = "us-citizen"
  anchor = "verified"
  keep = "12h"
`

func TestScheduleVersionByEffectiveDate(t *testing.T) {
	s, err := ParseSchedule([]byte(twoVersions))
	if err != nil {
		t.Fatal(err)
	}
	cut := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		captured time.Time
		mode     string
		ack      time.Time
		want     time.Time
		version  string
	}{
		{cut.Add(-time.Second), ModeAgency, time.Time{}, cut.Add(-time.Second + 336*time.Hour), "v1"},
		{cut, ModeAgency, time.Time{}, cut.Add(72 * time.Hour), "v2"},
		{time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), ModeAgency, time.Time{}, time.Date(2010, 1, 15, 0, 0, 0, 0, time.UTC), "v1"},
		{cut, ModePartner, cut.Add(time.Hour), cut.Add(time.Hour + 5*time.Minute), "v2"},
	} {
		e := record.Encounter{Category: CategoryInScope, CapturedAt: c.captured, VerifiedAt: c.captured, AcknowledgedAt: c.ack}
		d, v := s.Deadline(c.mode, e)
		if !d.Equal(c.want) || v != c.version {
			t.Errorf("captured %s %s: %s %s, want %s %s", c.captured, c.mode, d, v, c.want, c.version)
		}
	}
}

func TestParseScheduleRejects(t *testing.T) {
	for name, src := range map[string]string{
		"empty":          ``,
		"no rules":       `[[ruleset]]` + "\nversion=\"a\"\neffective=2020-01-01T00:00:00Z\n",
		"bad anchor":     "[[ruleset]]\nversion=\"a\"\neffective=2020-01-01T00:00:00Z\n[[ruleset.rule]]\ncategory=\"x\"\nanchor=\"birth\"\nkeep=\"1h\"\n",
		"negative keep":  "[[ruleset]]\nversion=\"a\"\neffective=2020-01-01T00:00:00Z\n[[ruleset.rule]]\ncategory=\"x\"\nanchor=\"captured\"\nkeep=\"-1h\"\n",
		"unknown key":    "[[ruleset]]\nversion=\"a\"\neffective=2020-01-01T00:00:00Z\nkep=1\n[[ruleset.rule]]\ncategory=\"x\"\nanchor=\"captured\"\nkeep=\"1h\"\n",
		"repeated cat":   "[[ruleset]]\nversion=\"a\"\neffective=2020-01-01T00:00:00Z\n[[ruleset.rule]]\ncategory=\"x\"\nanchor=\"captured\"\nkeep=\"1h\"\n[[ruleset.rule]]\ncategory=\"x\"\nanchor=\"captured\"\nkeep=\"2h\"\n",
		"reserved cat":   "[[ruleset]]\nversion=\"a\"\neffective=2020-01-01T00:00:00Z\n[[ruleset.rule]]\ncategory=\"unknown\"\nanchor=\"captured\"\nkeep=\"1h\"\n",
		"no effective":   "[[ruleset]]\nversion=\"a\"\n[[ruleset.rule]]\ncategory=\"x\"\nanchor=\"captured\"\nkeep=\"1h\"\n",
		"not toml":       "ruleset = [",
		"same effective": twoVersions + "[[ruleset]]\nversion=\"v3\"\neffective=2030-01-01T00:00:00Z\n[[ruleset.rule]]\ncategory=\"x\"\nanchor=\"captured\"\nkeep=\"1h\"\n",
	} {
		if _, err := ParseSchedule([]byte(src)); !errors.Is(err, ErrSchedule) {
			t.Errorf("%s: err %v, want ErrSchedule", name, err)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	f.Add(defaultScheduleTOML)
	f.Add([]byte(twoVersions))
	f.Add([]byte("[[ruleset]]\nversion=\"a\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSchedule(data)
		if err != nil {
			if !errors.Is(err, ErrSchedule) {
				t.Fatalf("error not ErrSchedule: %v", err)
			}
			return
		}
		// A valid schedule gives every category a deadline not before capture.
		for _, cat := range []string{CategoryUSCitizen, CategoryInScope, CategoryUnknown} {
			d, v := s.Deadline(ModePartner, record.Encounter{Category: cat, CapturedAt: t0, VerifiedAt: t0, AcknowledgedAt: t0})
			if d.Before(t0) || v == "" {
				t.Fatalf("deadline %s (%q) before capture", d, v)
			}
		}
	})
}

func TestAuditKindsPerEncounter(t *testing.T) {
	for _, c := range []struct {
		e     record.Encounter
		photo bool
		want  string
	}{
		{record.Encounter{Outcome: "match", Result: "cleared"}, true, "capture match"},
		{record.Encounter{Outcome: "no-match", Result: "verified", ManualCheckAt: t0}, true, "capture match manual-check"},
		{record.Encounter{Outcome: "opt-out", Result: "verified", ManualCheckAt: t0}, false, "opt-out manual-check"},
		{record.Encounter{Outcome: "ambiguous", Result: "referred"}, true, "capture match manual-check"},
		{record.Encounter{Outcome: ""}, false, "capture"},
	} {
		got := ""
		for i, k := range auditKinds(&c.e, c.photo) {
			if i > 0 {
				got += " "
			}
			got += k
		}
		if got != c.want {
			t.Errorf("%+v photo=%v: %q, want %q", c.e.Outcome, c.photo, got, c.want)
		}
	}
}

func TestReclassifyNeverExtends(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	a := f.add(t, CategoryInScope, t0, t0, photo(100))
	if err := f.keep.Reclassify(ctx, a.ID, CategoryExempt); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t, a.ID); got.Category != CategoryExempt || !got.PurgeDeadline.Equal(t0.Add(12*time.Hour)) {
		t.Fatalf("in-scope -> exempt: %s %s", got.Category, got.PurgeDeadline)
	}
	if err := f.keep.Reclassify(ctx, a.ID, CategoryLPR); err != nil {
		t.Fatal(err)
	}
	if got := f.state(t, a.ID); got.Category != CategoryLPR || !got.PurgeDeadline.Equal(t0.Add(12*time.Hour)) {
		t.Fatalf("exempt -> lpr extended the deadline: %s", got.PurgeDeadline)
	}
	if err := f.keep.Reclassify(ctx, "missing", CategoryLPR); !errors.Is(err, record.ErrNotFound) {
		t.Fatalf("missing encounter: %v", err)
	}
}

func TestPhotoNeedsUUID(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	e := &record.Encounter{ID: "../../escape", Station: "t", StartedAt: t0, Category: CategoryExempt, Outcome: "match"}
	if err := f.keep.RecordEncounter(context.Background(), e, photo(10), nil); err == nil {
		t.Fatal("path-like encounter id accepted for a photo")
	}
	if _, err := record.GetEncounter(context.Background(), f.store.DB, e.ID); !errors.Is(err, record.ErrNotFound) {
		t.Fatalf("refused encounter was recorded: %v", err)
	}
}
