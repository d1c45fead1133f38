package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"veriport/backend"
	"veriport/pgtest"
	"veriport/record"
	"veriport/transmit"
)

// TestExemptionsOnTheBackEnd: a v3 result carries the exemption's reason and
// rule set into the back end's store (SQLite and PostgreSQL) and its
// terminal report; v1 and v2 results are still accepted (their reason shows
// as not recorded), and a v2 message cannot carry the v3 fields.
func TestExemptionsOnTheBackEnd(t *testing.T) {
	ctx := context.Background()
	from := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)
	enc := func(i int, category, reason, rules string) record.Encounter {
		start := from.Add(time.Duration(i) * time.Minute)
		return record.Encounter{ID: pgtestID(i), Station: "booth-1", OfficerID: "o.ana", Flight: "VP202",
			StartedAt: start, ManualCheckAt: start.Add(20 * time.Second), DoneAt: start.Add(time.Minute),
			Category: category, Outcome: "opt-out", Result: "verified", ExemptionReason: reason, RuleSet: rules}
	}
	v3 := transmit.FromEncounter(enc(1, "exempt", "canadian-b-visitor", "seed"))
	v2 := transmit.FromEncounter(enc(2, "exempt", "", ""))
	v2.Version = transmit.Version2
	v1 := transmit.FromEncounter(enc(3, "us-citizen", "", ""))
	v1 = transmit.Result{Version: transmit.Version1, EncounterID: v1.EncounterID, Station: v1.Station,
		Officer: v1.Officer, Flight: v1.Flight, Time: v1.Time, Outcome: v1.Outcome, Category: v1.Category}
	if v3.Version < transmit.Version3 {
		t.Fatalf("booths send version %d, want 3 or later", v3.Version)
	}
	v3.Version = transmit.Version3 // what booths sent before the engine was kept: still accepted
	bad := v2
	bad.ExemptionReason = "age-under"
	if body, _ := json.Marshal(bad); true {
		if _, err := transmit.Decode(body); !errors.Is(err, transmit.ErrBadResult) {
			t.Errorf("a v2 message with exemption_reason decoded: %v", err)
		}
	}
	wrong := v3
	wrong.Category = "in-scope"
	if err := wrong.Validate(); !errors.Is(err, transmit.ErrBadResult) {
		t.Errorf("an exemption reason for an in-scope traveler accepted: %v", err)
	}

	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "results.db")
			if kind == "postgres" {
				dsn = pgtest.Database(t)
			}
			st, err := backend.OpenStore(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for _, m := range []transmit.Result{v3, v2, v1} {
				body, _ := json.Marshal(m)
				got, err := transmit.Decode(body)
				if err != nil {
					t.Fatalf("v%d message refused: %v", m.Version, err)
				}
				if err := got.ValidateAt(time.Now(), transmit.DefaultWindow); err != nil {
					t.Fatalf("v%d message invalid: %v", m.Version, err)
				}
				if _, err := st.Put(ctx, &got, body, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			var reason, rules string
			err = st.DB.QueryRowContext(ctx, st.Rebind(`SELECT exemption_reason, rule_set FROM results WHERE encounter_id = ?`),
				v3.EncounterID).Scan(&reason, &rules)
			if err != nil || reason != "canadian-b-visitor" || rules != "seed" {
				t.Fatalf("stored v3 result: reason %q rule set %q %v", reason, rules, err)
			}
			r, err := ComputeTerminal(ctx, st, Filter{From: from.Add(-time.Hour), To: time.Now().Add(time.Hour)}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, x := range r.Exemptions {
				got[x.Reason+"/"+x.RuleSet] = x.Count
			}
			if got["canadian-b-visitor/seed"] != 1 || got["/"] != 1 || len(got) != 2 {
				t.Fatalf("terminal report exemptions %+v; want the Canadian B visitor (seed) and one not recorded", r.Exemptions)
			}
			var csvOut bytes.Buffer
			if _, err := WriteTerminalCSV(ctx, st, Filter{From: from.Add(-time.Hour), To: time.Now().Add(time.Hour)}, &csvOut); err != nil {
				t.Fatal(err)
			}
			assertCSVExemption(t, csvOut.Bytes(), v3.EncounterID)
		})
	}
}

// pgtestID is a fixed encounter id for test i.
func pgtestID(i int) string {
	return "7c9e6679-7425-40de-944b-e07fc1f9000" + string(rune('0'+i))
}

// assertCSVExemption reads an encounter export back and finds id's reason
// and rule set in it.
func assertCSVExemption(t *testing.T, csvText []byte, id string) {
	t.Helper()
	rows, err := ReadCSV(bytes.NewReader(csvText))
	if err != nil {
		t.Fatalf("export does not read back: %v", err)
	}
	for _, e := range rows {
		if e.ID == id {
			if e.ExemptionReason != "canadian-b-visitor" || e.RuleSet != "seed" {
				t.Fatalf("export row of %s: reason %q rule set %q; want canadian-b-visitor, seed", id, e.ExemptionReason, e.RuleSet)
			}
			return
		}
	}
	t.Fatalf("export has no row for %s", id)
}

// TestCSVExportKeepsExemption: the booth's encounter export has the
// exemption reason and rule set of each encounter.
func TestCSVExportKeepsExemption(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	start := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	e := record.Encounter{ID: pgtestID(4), Station: "booth-1", StartedAt: start, DoneAt: start.Add(time.Minute),
		Category: "exempt", Outcome: "opt-out", Result: "verified", ExemptionReason: "canadian-b-visitor", RuleSet: "seed"}
	if err := record.InsertEncounter(ctx, st.DB, &e); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := WriteCSV(ctx, st.DB, Filter{From: start.Add(-time.Hour), To: start.Add(time.Hour)}, &out); err != nil {
		t.Fatal(err)
	}
	assertCSVExemption(t, out.Bytes(), e.ID)
}
