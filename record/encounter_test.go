package record

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestEncounterRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.FixedZone("X", 3600))
	if err := InsertOfficer(ctx, s.DB, Officer{ID: "o-1", Name: "Officer One", Role: RoleOfficer}); err != nil {
		t.Fatal(err)
	}
	if err := InsertOfficer(ctx, s.DB, Officer{ID: "o-1", Name: "Again", Role: RoleOfficer}); err == nil {
		t.Fatal("duplicate officer accepted")
	}
	if err := InsertOfficer(ctx, s.DB, Officer{ID: "o-2", Name: "Bad", Role: "admin"}); err == nil {
		t.Fatal("unknown role accepted")
	}
	d := 0.4213
	in := Encounter{Station: "booth-1", OfficerID: "o-1", Flight: "AA100", StartedAt: at,
		CapturedAt: at.Add(time.Second), DecidedAt: at.Add(1200 * time.Millisecond), VerifiedAt: at.Add(2 * time.Second),
		ManualCheckAt: at.Add(3 * time.Second), DoneAt: at.Add(time.Minute), Result: "referred", Referral: "not-on-manifest",
		TravelerID: "T-9", Category: "in-scope", Outcome: "match", Distance: &d, Quality: `{"sharpness":0.9}`,
		DecisionTime: 180 * time.Millisecond}
	if err := InsertEncounter(ctx, s.DB, &in); err != nil {
		t.Fatal(err)
	}
	if len(in.ID) != 36 || in.PhotoState != PhotoNone {
		t.Fatalf("id %q state %q", in.ID, in.PhotoState)
	}
	out, err := GetEncounter(ctx, s.DB, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !out.StartedAt.Equal(at) || !out.VerifiedAt.Equal(in.VerifiedAt) || out.Distance == nil || *out.Distance != d ||
		out.DecisionTime != in.DecisionTime || out.OfficerID != "o-1" || out.Quality != in.Quality ||
		!out.AcknowledgedAt.IsZero() || out.TravelerID != "T-9" || out.Result != "referred" ||
		out.Referral != "not-on-manifest" || !out.ManualCheckAt.Equal(in.ManualCheckAt) || !out.DoneAt.Equal(in.DoneAt) {
		t.Fatalf("round trip:\n in %+v\nout %+v", in, out)
	}
	opt := Encounter{Station: "booth-1", StartedAt: at.Add(time.Minute), Category: "us-citizen", Outcome: "opt-out"}
	if err := InsertEncounter(ctx, s.DB, &opt); err != nil {
		t.Fatal(err)
	}
	if bad := (Encounter{Station: "b", StartedAt: at, OfficerID: "nobody", Category: "x", Outcome: "y"}); InsertEncounter(ctx, s.DB, &bad) == nil {
		t.Fatal("unknown officer accepted (foreign key)")
	}
	list, err := ListEncounters(ctx, s.DB, EncounterFilter{From: at, To: at.Add(time.Hour), Station: "booth-1"})
	if err != nil || len(list) != 2 || list[0].ID != in.ID || list[1].Distance != nil {
		t.Fatalf("list: %d, %v", len(list), err)
	}
	if l, _ := ListEncounters(ctx, s.DB, EncounterFilter{Flight: "AA100"}); len(l) != 1 {
		t.Fatalf("by flight: %d", len(l))
	}
	if _, err := GetEncounter(ctx, s.DB, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	lock := at.Add(time.Hour)
	if err := UpdateOfficerLogin(ctx, s.DB, "o-1", 5, lock, 12345); err != nil {
		t.Fatal(err)
	}
	if err := UpdateOfficerLogin(ctx, s.DB, "nobody", 1, lock, 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown officer: %v", err)
	}
	o, err := GetOfficer(ctx, s.DB, "o-1")
	if err != nil || o.Name != "Officer One" || o.CreatedAt.IsZero() || o.FailedLogins != 5 ||
		!o.LockedUntil.Equal(lock) || o.LastTOTPCounter != 12345 {
		t.Fatalf("officer %+v %v", o, err)
	}
}

func TestTimeFormatSortsAsTime(t *testing.T) {
	a := time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC)
	b := a.Add(500 * time.Millisecond)
	c := time.Date(2026, 1, 1, 2, 0, 5, 0, time.FixedZone("E", 2*3600)) // 00:00:05Z, same as a
	if !(FormatTime(a) < FormatTime(b)) || FormatTime(a) != FormatTime(c) || len(FormatTime(a)) != len(FormatTime(b)) {
		t.Fatalf("%s %s %s", FormatTime(a), FormatTime(b), FormatTime(c))
	}
}
