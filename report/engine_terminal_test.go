package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/backend"
	"veriport/pgtest"
	"veriport/record"
	"veriport/transmit"
)

// TestEnginesOnTheBackEnd: a v4 result names the engine that made its
// distance; the back end stores it (SQLite and PostgreSQL), the terminal
// report counts decisions per engine with their thresholds and the export
// has an engine column. A v3 result (no engine) is still accepted and
// counted as not recorded; an engine other than dlib or sface, or an
// engine in a v3 message, is refused.
func TestEnginesOnTheBackEnd(t *testing.T) {
	ctx := context.Background()
	from := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)
	enc := func(i int, engine string, dist, thr float64) record.Encounter {
		start := from.Add(time.Duration(i) * time.Minute)
		return record.Encounter{ID: pgtestID(i), Station: "booth-1", OfficerID: "o.ana", Flight: "VP202",
			StartedAt: start, CapturedAt: start.Add(time.Second), DecidedAt: start.Add(2 * time.Second),
			DoneAt: start.Add(time.Minute), Category: "in-scope", Outcome: "match", Result: "cleared",
			TravelerID: "T-1", Distance: &dist, Threshold: &thr, Engine: engine}
	}
	sface := transmit.FromEncounter(enc(1, "sface", 0.81, 1.1287))
	dlib := transmit.FromEncounter(enc(2, "dlib", 0.38, 0.5512))
	old := transmit.FromEncounter(enc(3, "", 0.41, 0.6))
	old.Version = transmit.Version3

	for _, c := range []struct {
		name   string
		mutate func(*transmit.Result)
	}{
		{"unknown engine", func(r *transmit.Result) { r.Engine = "arcface" }},
		{"engine in a v3 message", func(r *transmit.Result) { r.Version = transmit.Version3 }},
	} {
		bad := sface
		c.mutate(&bad)
		body, _ := json.Marshal(bad)
		r, err := transmit.Decode(body)
		if err == nil {
			err = r.Validate()
		}
		if !errors.Is(err, transmit.ErrBadResult) {
			t.Errorf("%s: accepted (%v)", c.name, err)
		}
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
			for _, m := range []transmit.Result{sface, dlib, old} {
				body, _ := json.Marshal(m)
				got, err := transmit.Decode(body)
				if err != nil {
					t.Fatalf("v%d message (engine %q) refused: %v", m.Version, m.Engine, err)
				}
				if err := got.ValidateAt(time.Now(), transmit.DefaultWindow); err != nil {
					t.Fatalf("v%d message (engine %q) invalid: %v", m.Version, m.Engine, err)
				}
				if _, err := st.Put(ctx, &got, body, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			var engine string
			err = st.DB.QueryRowContext(ctx, st.Rebind(`SELECT engine FROM results WHERE encounter_id = ?`),
				sface.EncounterID).Scan(&engine)
			if err != nil || engine != "sface" {
				t.Fatalf("stored v4 result: engine %q %v", engine, err)
			}
			f := Filter{From: from.Add(-time.Hour), To: time.Now().Add(time.Hour)}
			r, err := ComputeTerminal(ctx, st, f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]EngineCount{}
			for _, x := range r.Engines {
				got[x.Engine] = x
			}
			if len(got) != 3 || got["sface"].Decisions != 1 || got["sface"].ThresholdMax != 1.1287 ||
				got["dlib"].Decisions != 1 || got["dlib"].ThresholdMax != 0.5512 || got[""].Decisions != 1 {
				t.Fatalf("terminal report engines %+v; want sface (1.1287), dlib (0.5512) and one not recorded", r.Engines)
			}
			var lines []string
			for _, fig := range Figures(r) {
				if fig.Section == "Engines" {
					lines = append(lines, fig.Label+": "+fig.Value)
				}
			}
			if text := strings.Join(lines, "\n"); !strings.Contains(text, "SFace (sface): 1 decisions, 1 matches, threshold 1.13") {
				t.Errorf("terminal report figures under Engines:\n%s", text)
			}
			var csvOut bytes.Buffer
			if _, err := WriteTerminalCSV(ctx, st, f, &csvOut); err != nil {
				t.Fatal(err)
			}
			rows, err := ReadCSV(bytes.NewReader(csvOut.Bytes()))
			if err != nil {
				t.Fatalf("export does not read back: %v", err)
			}
			engines := map[string]string{}
			for _, e := range rows {
				engines[e.ID] = e.Engine
			}
			if engines[sface.EncounterID] != "sface" || engines[dlib.EncounterID] != "dlib" || engines[old.EncounterID] != "" {
				t.Errorf("export engines %v", engines)
			}
		})
	}
}
