package report

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"veriport/backend"
	"veriport/pgtest"
	"veriport/record"
	"veriport/transmit"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// sendAll puts every encounter of booth into the back end store as the
// booth's sender would deliver it (the v2 message of each encounter).
func sendAll(t testing.TB, booth *record.Store, st *backend.Store) []record.Encounter {
	t.Helper()
	ctx := context.Background()
	all, err := record.ListEncounters(ctx, booth.DB, record.EncounterFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		res := transmit.FromEncounter(e)
		if err := res.Validate(); err != nil {
			t.Fatalf("encounter %s: %v", e.ID, err)
		}
		body, _ := json.Marshal(res)
		if _, err := st.Put(ctx, &res, body, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return all
}

// boothOnly blanks what a terminal report does not hold (each booth's own
// purges, audit chain and outbox).
func boothOnly(r *Report) *Report {
	c := *r
	c.Purges, c.Audit, c.Outbox, c.Terminal = Purges{}, Audit{}, Outbox{}, false
	return &c
}

func sameReport(t *testing.T, what string, booth, terminal *Report) {
	t.Helper()
	if !terminal.Terminal {
		t.Fatalf("%s: terminal report not marked terminal", what)
	}
	b, tr := boothOnly(booth), boothOnly(terminal)
	if !reflect.DeepEqual(b, tr) {
		bj, _ := json.MarshalIndent(b, "", " ")
		tj, _ := json.MarshalIndent(tr, "", " ")
		t.Fatalf("%s: the back end's report differs from the booth's\nbooth:    %s\nback end: %s", what, bj, tj)
	}
}

// Two booths record a shift each; their results go to the back end. The
// back end's report of each station equals that booth's own report, and
// its terminal-wide report equals the report of one store holding both
// booths' encounters. On SQLite and on PostgreSQL.
func TestTerminalReportEqualsBoothReports(t *testing.T) {
	ctx := context.Background()
	from := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	f := Filter{From: from, To: from.Add(8 * time.Hour)}
	o := Options{Now: from.Add(9 * time.Hour), BacklogWarn: 15 * time.Minute}
	b1, b2, both := openStore(t), openStore(t), openStore(t)
	gen := []struct {
		store *record.Store
		opt   GenOptions
	}{
		{b1, GenOptions{N: 700, From: from, Every: 40 * time.Second, Seed: 1, Stations: []string{"booth-1"},
			Officers: []string{"o.ana", "o.ben"}}},
		{b2, GenOptions{N: 500, From: from.Add(7 * time.Minute), Every: 55 * time.Second, Seed: 2,
			Stations: []string{"booth-2"}, Officers: []string{"o.cem", "o.ana"}}},
	}
	for _, g := range gen {
		if err := Generate(ctx, g.store.DB, g.opt); err != nil {
			t.Fatal(err)
		}
	}
	if err := Generate(ctx, both.DB, GenOptions{From: from, Officers: []string{"o.ana", "o.ben", "o.cem"}}); err != nil {
		t.Fatal(err)
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
			for _, b := range []*record.Store{b1, b2} {
				for _, e := range sendAll(t, b, st) {
					if kind == "sqlite" { // the combined booth store, once
						if err := record.InsertEncounter(ctx, both.DB, &e); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			for _, c := range []struct {
				name  string
				booth *record.Store
				f     Filter
			}{
				{"booth-1", b1, Filter{From: f.From, To: f.To, Station: "booth-1"}},
				{"booth-2", b2, Filter{From: f.From, To: f.To, Station: "booth-2"}},
				{"all booths", both, f},
				{"officer across booths", both, Filter{From: f.From, To: f.To, Officer: "o.ana"}},
				{"flight, two hours", both, Filter{From: from.Add(time.Hour), To: from.Add(3 * time.Hour), Flight: "VP202"}},
			} {
				want, err := Compute(ctx, c.booth.DB, c.f, o)
				if err != nil {
					t.Fatal(err)
				}
				got, err := ComputeTerminal(ctx, st, c.f, o)
				if err != nil {
					t.Fatal(err)
				}
				if want.Processed == 0 {
					t.Fatalf("%s: empty report proves nothing", c.name)
				}
				sameReport(t, c.name, want, got)
			}
			all, _ := ComputeTerminal(ctx, st, f, o)
			if len(all.Stations) != 2 || len(all.Officers) != 3 || all.Capture.Failed == 0 || all.Accuracy.FalseNonMatch == 0 {
				t.Fatalf("terminal report lacks breakdowns or failure cases: %d stations, %d officers, %+v",
					len(all.Stations), len(all.Officers), all.Accuracy)
			}
		})
	}
}
