package booth

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"path/filepath"
	"testing"
	"time"

	"veriport/encounter"
	"veriport/record"
	"veriport/retention"
	"veriport/transmit"
)

func TestStoreRecorderKeepsEncountersPhotosAuditAndOutbox(t *testing.T) {
	ctx := context.Background()
	st, k, _ := keeperStore(t, retention.ModeAgency)
	if err := record.InsertOfficer(ctx, st.DB, record.Officer{ID: "o1", Name: "Officer One", Role: "officer"}); err != nil {
		t.Fatal(err)
	}
	rec := &StoreRecorder{Store: st, Keeper: k, Outbox: true}
	p, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	s, err := NewShift(ctx, "o1", Config{Station: "B1", Policy: p, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	s.SetGallery("VP9", fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-3",
		Category: encounter.CategoryUSCitizen, Distance: 0.28}))
	photo := image.NewRGBA(image.Rect(0, 0, 40, 30))
	photo.Set(3, 3, color.RGBA{R: 200, A: 255})
	if _, err := decideRated(ctx, s, photo, `{"score":0.91}`); err != nil {
		t.Fatal(err)
	}
	if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	// an opt-out: recorded without a photo
	if _, err := s.OptOut(ctx, encounter.Traveler{Nationality: "USA"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteManualCheck(ctx, encounter.ManualResult{Verified: true, Attested: true}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.End(ctx, "test"); err != nil {
		t.Fatal(err)
	}

	rows, err := record.ListEncounters(ctx, st.DB, record.EncounterFilter{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("encounters %d %v", len(rows), err)
	}
	m, o := rows[0], rows[1]
	if m.Outcome != "match" || m.Result != "cleared" || m.TravelerID != "T-3" || m.Category != "us-citizen" ||
		m.PhotoState != record.PhotoStored || m.Quality != `{"score":0.91}` || m.PurgeDeadline.IsZero() || m.OfficerID != "o1" || m.Flight != "VP9" {
		t.Errorf("match row %+v", m)
	}
	if d := m.PurgeDeadline.Sub(m.VerifiedAt); d <= 0 || d > 12*time.Hour {
		t.Errorf("citizen photo deadline %v after verification, want at most 12 h", d)
	}
	if got, err := k.Photo(ctx, m.ID, "o.test", "test"); err != nil || len(got) == 0 {
		t.Errorf("photo from the vault: %d bytes, %v", len(got), err)
	}
	if o.Outcome != OutcomeOptOut || o.Result != "verified" || o.PhotoState != record.PhotoNone || !o.CapturedAt.IsZero() {
		t.Errorf("opt-out row %+v", o)
	}
	rep, err := record.VerifyAudit(ctx, st.DB)
	if err != nil || !rep.Intact {
		t.Fatalf("audit chain %+v %v", rep, err)
	}
	kinds := map[string]int{}
	_, _ = record.ExportAudit(ctx, st.DB, &auditKinds{kinds})
	for _, k := range []string{record.AuditLogin, record.AuditCapture, record.AuditMatch, record.AuditOptOut,
		record.AuditManualCheck, record.AuditLogout} {
		if kinds[k] == 0 {
			t.Errorf("no %s audit entry (have %v)", k, kinds)
		}
	}
	stats, err := st.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Pending != 2 {
		t.Errorf("outbox %+v, want 2 pending results", stats)
	}
}

// auditKinds counts the kinds in an audit export (JSON lines).
type auditKinds struct{ n map[string]int }

func (a *auditKinds) Write(p []byte) (int, error) {
	for _, line := range bytes.Split(p, []byte("\n")) {
		if i := bytes.Index(line, []byte(`"kind":"`)); i >= 0 {
			rest := line[i+8:]
			a.n[string(rest[:bytes.IndexByte(rest, '"')])]++
		}
	}
	return len(p), nil
}

// With SealPhoto set (partner mode, include_photo), the result queued with
// a captured encounter carries the photo sealed to the back end's key; an
// opt-out carries none.
func TestStoreRecorderSealsThePhotoForTheBackEnd(t *testing.T) {
	ctx := context.Background()
	st, k, dir := keeperStore(t, retention.ModePartner)
	keyName := filepath.Join(dir, "backend")
	pub, err := transmit.WritePhotoKeyPair(keyName)
	if err != nil {
		t.Fatal(err)
	}
	var plain []byte
	rec := &StoreRecorder{Store: st, Keeper: k, Outbox: true, SealPhoto: func(p []byte) ([]byte, error) {
		plain = append([]byte(nil), p...)
		return transmit.SealPhoto(p, pub)
	}}
	p, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	s, err := NewShift(ctx, "", Config{Station: "B1", Policy: p, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	s.SetGallery("VP9", fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-3",
		Category: encounter.CategoryInScope, Distance: 0.28}))
	if _, err := decideRated(ctx, s, image.NewRGBA(image.Rect(0, 0, 40, 30)), `{}`); err != nil {
		t.Fatal(err)
	}
	if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	head, err := st.OutboxHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := transmit.LoadPhotoKey(keyName + ".key")
	if err != nil {
		t.Fatal(err)
	}
	opened, err := transmit.OpenPhoto(head.Photo, pub, priv)
	if err != nil || len(plain) == 0 || !bytes.Equal(opened, plain) {
		t.Fatalf("queued photo does not open to the captured photo: %v", err)
	}
}

// keeperStore is a record store and retention keeper in a temporary folder.
func keeperStore(t *testing.T, mode string) (*record.Store, *retention.Keeper, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := record.Open(context.Background(), filepath.Join(dir, "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, err := retention.NewVault(filepath.Join(dir, "vault"), bytes.Repeat([]byte{7}, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	return st, retention.New(st, v, retention.Options{Mode: mode}), dir
}

// TestEncounterRecordedAtDecision: an encounter is on the record as soon as
// its decision is shown (a workstation that dies after "MATCH" loses
// nothing), and Next updates that same record rather than adding one; the
// result goes to the outbox once the encounter ends.
func TestEncounterRecordedAtDecision(t *testing.T) {
	ctx := context.Background()
	t.Run("memory", func(t *testing.T) {
		s, rec := newTestShift(t, fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-7",
			Category: encounter.CategoryInScope, Distance: 0.3}))
		if _, err := decideAndRecord(ctx, s, img); err != nil {
			t.Fatal(err)
		}
		rs := rec.Records()
		if len(rs) != 1 {
			t.Fatalf("MATCH shown with %d encounters on the record; want it recorded at the decision", len(rs))
		}
		if r := rs[0]; r.Outcome != "match" || r.TravelerID != "T-7" || !r.DoneAt.IsZero() || r.DecidedAt.IsZero() ||
			rec.PhotoSize(r.ID) == 0 {
			t.Fatalf("record at the decision %+v (photo %d bytes)", r, rec.PhotoSize(r.ID))
		}
		if err := s.Next(ctx); err != nil {
			t.Fatal(err)
		}
		if rs = rec.Records(); len(rs) != 1 || rs[0].Result != encounter.ResultCleared || rs[0].DoneAt.IsZero() {
			t.Fatalf("after Next: %+v; want the one record updated as cleared", rs)
		}
	})
	t.Run("store", func(t *testing.T) {
		st, k, _ := keeperStore(t, retention.ModeAgency)
		rec := &StoreRecorder{Store: st, Keeper: k, Outbox: true}
		p, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
		s, err := NewShift(ctx, "", Config{Station: "B1", Policy: p, Recorder: rec})
		if err != nil {
			t.Fatal(err)
		}
		s.SetGallery("VP9", fixed(Decision{Outcome: encounter.OutcomeNoMatch, Distance: 0.8}))
		if _, err := decideAndRecord(ctx, s, img); err != nil {
			t.Fatal(err)
		}
		rows, err := record.ListEncounters(ctx, st.DB, record.EncounterFilter{})
		if err != nil || len(rows) != 1 {
			t.Fatalf("NO MATCH shown with %d encounters in the store (%v); want it recorded at the decision", len(rows), err)
		}
		if r := rows[0]; r.Outcome != "no-match" || r.Result != "" || r.PhotoState != record.PhotoStored {
			t.Fatalf("row at the decision %+v", r)
		}
		if ob, _ := st.OutboxStats(ctx); ob.Pending != 0 {
			t.Fatalf("result queued before the encounter ended: %+v", ob)
		}
		if err := s.BeginManualCheck(time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := s.CompleteManualCheck(ctx, encounter.ManualResult{Verified: true, Attested: true,
			Policy: &encounter.Decision{Category: encounter.CategoryInScope}}, nil); err != nil {
			t.Fatal(err)
		}
		rows, _ = record.ListEncounters(ctx, st.DB, record.EncounterFilter{})
		if len(rows) != 1 || rows[0].Result != "verified" || rows[0].DoneAt.IsZero() || rows[0].Category != "in-scope" {
			t.Fatalf("after the manual check: %+v", rows)
		}
		if d := rows[0].PurgeDeadline.Sub(rows[0].CapturedAt); d < 13*24*time.Hour {
			t.Fatalf("in-scope photo due %v after capture; want the in-scope rule", d)
		}
		if ob, _ := st.OutboxStats(ctx); ob.Pending != 1 {
			t.Fatalf("outbox %+v, want the one result", ob)
		}
		rep, err := record.VerifyAudit(ctx, st.DB)
		if err != nil || !rep.Intact {
			t.Fatalf("audit %+v %v", rep, err)
		}
	})
}
