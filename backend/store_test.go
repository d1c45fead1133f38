package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"veriport/backend/testpki"
	"veriport/pgtest"
	"veriport/transmit"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// eachStore runs fn against a fresh SQLite store and a fresh PostgreSQL
// store: both must pass the same suite.
func eachStore(t *testing.T, fn func(t *testing.T, st *Store)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "results.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := OpenStore(context.Background(), pgtest.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if !st.Postgres() {
			t.Fatal("a postgres:// DSN opened a SQLite store")
		}
		fn(t, st)
	})
}

// recentResult is a v2 result of station at a time the receiver accepts.
func recentResult(station string, i int) transmit.Result {
	end := time.Now().UTC().Add(-time.Hour).Add(time.Duration(i) * time.Second).Truncate(time.Millisecond)
	d, th, ms := 0.31, 0.6, int64(2100)
	return transmit.Result{Version: transmit.Version2, EncounterID: uuid.NewString(), Station: station, Officer: "o-17",
		Flight: "VP123", Time: end, Outcome: "match", TravelerID: fmt.Sprintf("T%04d", i),
		Category: "in-scope", Distance: &d, StartedAt: end.Add(-4 * time.Second),
		CapturedAt: end.Add(-2500 * time.Millisecond), DecidedAt: end.Add(-1900 * time.Millisecond),
		DecisionMS: &ms, Final: transmit.FinalCleared, Quality: &transmit.Quality{Captured: true, Auto: true, Score: 0.91},
		Threshold: &th, ThresholdCalibrated: true, GalleryID: "2026-11-26_VP123", GalleryVersion: "2026-11-26T08:00:00Z"}
}

// post sends body to the receiver with client and returns status and answer.
func post(t *testing.T, c *http.Client, url string, body []byte, ctype string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+transmit.ResultsPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStoreSuite(t *testing.T) {
	eachStore(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		pki := testpki.New(t)
		srv := pki.Serve(t, NewReceiver(st, nil))
		booth := pki.HTTPClient()

		t.Run("idempotent insert", func(t *testing.T) {
			r := recentResult("booth-1", 0)
			body := mustJSON(t, r)
			for i, wantDup := range []bool{false, true, true} {
				code, ans := post(t, booth, srv.URL, body, "application/json")
				var ack transmit.Ack
				if code != http.StatusOK || json.Unmarshal([]byte(ans), &ack) != nil {
					t.Fatalf("post %d: %d %s", i, code, ans)
				}
				if ack.Duplicate != wantDup || ack.EncounterID != r.EncounterID {
					t.Fatalf("post %d: ack %+v, want duplicate=%v", i, ack, wantDup)
				}
			}
		})

		t.Run("ordering, v1 and v2", func(t *testing.T) {
			base, _ := st.Count(ctx)
			var ids []string
			for i := 1; i <= 6; i++ {
				r := recentResult("booth-1", i)
				if i%2 == 1 { // a version 1 message: the fields booths sent before v2
					r = transmit.Result{EncounterID: r.EncounterID, Station: r.Station, Officer: r.Officer, Flight: r.Flight,
						Time: r.Time, Outcome: "no-match", Category: "lpr"}
				}
				if code, ans := post(t, booth, srv.URL, mustJSON(t, r), "application/json; charset=utf-8"); code != http.StatusOK {
					t.Fatalf("result %d: %d %s", i, code, ans)
				}
				ids = append(ids, r.EncounterID)
			}
			n, _ := st.Count(ctx)
			if n != base+len(ids) {
				t.Fatalf("store holds %d, want %d", n, base+len(ids))
			}
			got, err := st.ListStation(ctx, "booth-1")
			if err != nil {
				t.Fatal(err)
			}
			got = got[len(got)-len(ids):]
			for i, g := range got {
				if g.EncounterID != ids[i] {
					t.Fatalf("position %d holds %s, want %s: arrival order lost", i, g.EncounterID, ids[i])
				}
				if i > 0 && g.Seq <= got[i-1].Seq {
					t.Fatalf("seq not increasing: %d after %d", g.Seq, got[i-1].Seq)
				}
			}
			if got[0].Version != 0 || got[1].Version != transmit.Version2 || got[1].Quality == nil || got[1].Quality.Score != 0.91 {
				t.Fatalf("versions or v2 fields not kept: %+v / %+v", got[0].Result, got[1].Result)
			}
			var final, res string
			var ms *int64
			err = st.DB.QueryRowContext(ctx, st.Rebind(`SELECT final, result, decision_ms FROM results WHERE encounter_id = ?`),
				ids[1]).Scan(&final, &res, &ms)
			if err != nil || final != transmit.FinalCleared || res != "cleared" || ms == nil || *ms != 2100 {
				t.Fatalf("v2 columns: final %q result %q decision_ms %v err %v", final, res, ms, err)
			}
			var threshold *float64
			var calibrated bool
			if err := st.DB.QueryRowContext(ctx, st.Rebind(`SELECT threshold, threshold_calibrated FROM results WHERE encounter_id = ?`),
				ids[1]).Scan(&threshold, &calibrated); err != nil || threshold == nil || *threshold != 0.6 || !calibrated {
				t.Fatalf("threshold %v calibrated %v err %v, want 0.6 true", threshold, calibrated, err)
			}
			var started any
			if err := st.DB.QueryRowContext(ctx, st.Rebind(`SELECT started_at FROM results WHERE encounter_id = ?`),
				ids[0]).Scan(&started); err != nil || started == nil {
				t.Fatalf("v1 row without started_at: %v %v", started, err)
			}
		})

		t.Run("malformed or unknown version refused", func(t *testing.T) {
			before, _ := st.Count(ctx)
			r := recentResult("booth-1", 50)
			v5 := strings.Replace(string(mustJSON(t, r)), `"version":2`, `"version":5`, 1)
			cases := []struct {
				name, body string
				want       int
			}{
				{"unknown version", v5, http.StatusUnprocessableEntity},
				{"version not a number", strings.Replace(v5, `"version":5`, `"version":"two"`, 1), http.StatusUnprocessableEntity},
				{"truncated", string(mustJSON(t, r))[:40], http.StatusBadRequest},
				{"not an object", `["a"]`, http.StatusBadRequest},
				{"two objects", string(mustJSON(t, r)) + `{}`, http.StatusBadRequest},
			}
			for _, c := range cases {
				code, ans := post(t, booth, srv.URL, []byte(c.body), "application/json")
				if code != c.want {
					t.Errorf("%s: status %d (%s), want %d", c.name, code, ans, c.want)
				}
				if c.name == "unknown version" && !strings.Contains(ans, "unknown result message version") {
					t.Errorf("unknown version: answer %q does not say why", ans)
				}
			}
			if n, _ := st.Count(ctx); n != before {
				t.Fatalf("refused messages were stored: %d -> %d", before, n)
			}
		})
	})
}

func TestStationBoundToClientCert(t *testing.T) {
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pki := testpki.New(t)
	srv := pki.Serve(t, NewReceiver(st, nil))
	b1, b2 := pki.HTTPClient(), pki.ClientWith(pki.ClientFor("booth-2", ""))
	sup := pki.ClientWith(pki.ClientFor("Shift supervisor", RoleSupervisor))

	// booth-1's certificate files a result as booth-2: refused, not stored.
	forged := recentResult("booth-2", 1)
	if code, ans := post(t, b1, srv.URL, mustJSON(t, forged), "application/json"); code != http.StatusForbidden {
		t.Fatalf("booth-1 filing as booth-2: %d %s, want 403", code, ans)
	}
	if code, ans := post(t, sup, srv.URL, mustJSON(t, forged), "application/json"); code != http.StatusForbidden {
		t.Fatalf("supervisor filing a result: %d %s, want 403", code, ans)
	}
	if n, _ := st.Count(context.Background()); n != 0 {
		t.Fatalf("%d forged results stored", n)
	}
	own1, own2 := recentResult("booth-1", 2), recentResult("booth-2", 3)
	if code, ans := post(t, b1, srv.URL, mustJSON(t, own1), "application/json"); code != http.StatusOK {
		t.Fatalf("booth-1 own result: %d %s", code, ans)
	}
	if code, ans := post(t, b2, srv.URL, mustJSON(t, own2), "application/json"); code != http.StatusOK {
		t.Fatalf("booth-2 own result: %d %s", code, ans)
	}
	list := func(c *http.Client, query string) (int, []transmit.Stored) {
		resp, err := c.Get(srv.URL + transmit.ResultsPath + "?date=" + own1.Time.Format(time.DateOnly) + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got []transmit.Stored
		json.NewDecoder(resp.Body).Decode(&got)
		return resp.StatusCode, got
	}
	if code, got := list(b2, ""); code != http.StatusOK || len(got) != 1 || got[0].Station != "booth-2" {
		t.Fatalf("booth-2 reads %d %+v, want only its own result", code, got)
	}
	if code, _ := list(b2, "&station=booth-1"); code != http.StatusForbidden {
		t.Fatalf("booth-2 asking for booth-1's results: %d, want 403", code)
	}
	if code, got := list(sup, ""); code != http.StatusOK || len(got) != 2 {
		t.Fatalf("supervisor reads %d %d results, want 2", code, len(got))
	}
	aud := pki.ClientWith(pki.ClientFor("Auditor", RoleAuditor))
	if code, got := list(aud, "&station=booth-1"); code != http.StatusOK || len(got) != 1 || got[0].Station != "booth-1" {
		t.Fatalf("auditor reading booth-1: %d %+v", code, got)
	}
}

func TestEncounterIDCanonical(t *testing.T) {
	eachStore(t, func(t *testing.T, st *Store) {
		pki := testpki.New(t)
		srv := pki.Serve(t, NewReceiver(st, nil))
		r := recentResult("booth-1", 0)
		id := r.EncounterID
		forms := []string{id, strings.ToUpper(id), "{" + id + "}", "urn:uuid:" + id, strings.ReplaceAll(id, "-", ""),
			"{" + strings.ToUpper(id) + "}"}
		for i, form := range forms {
			r.EncounterID = form
			code, ans := post(t, pki.HTTPClient(), srv.URL, mustJSON(t, r), "application/json")
			var ack transmit.Ack
			if code != http.StatusOK || json.Unmarshal([]byte(ans), &ack) != nil {
				t.Fatalf("%q: %d %s", form, code, ans)
			}
			if ack.EncounterID != id || ack.Duplicate != (i > 0) {
				t.Fatalf("%q: ack %+v, want %s duplicate=%v", form, ack, id, i > 0)
			}
		}
		got, err := st.ListStation(context.Background(), "booth-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].EncounterID != id {
			t.Fatalf("store holds %d results for one encounter: %+v", len(got), got)
		}
	})
}

func TestResultFieldValidation(t *testing.T) {
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pki := testpki.New(t)
	srv := pki.Serve(t, NewReceiver(st, nil))
	c := pki.HTTPClient()
	good := recentResult("booth-1", 0)
	with := func(edit func(r *transmit.Result)) string {
		r := good
		r.EncounterID = uuid.NewString()
		edit(&r)
		return string(mustJSON(t, r))
	}
	raw := func(edit func(m map[string]any)) string {
		var m map[string]any
		json.Unmarshal([]byte(with(func(*transmit.Result) {})), &m)
		edit(m)
		return string(mustJSON(t, m))
	}
	cases := []struct {
		name, body, ctype string
		want              int
	}{
		{"bogus outcome", with(func(r *transmit.Result) { r.Outcome = "TOTALLY_BOGUS" }), "", 422},
		{"time in 1970", with(func(r *transmit.Result) {
			r.Time = time.Unix(0, 0).UTC()
			r.StartedAt = r.Time.Add(-time.Second)
		}), "", 422},
		{"time in 9999", with(func(r *transmit.Result) { r.Time = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) }), "", 422},
		{"100 kB officer", with(func(r *transmit.Result) { r.Officer = strings.Repeat("o", 100<<10) }), "", 422},
		{"station with newline", with(func(r *transmit.Result) { r.Station = "booth-1\n2026-11-26T00:00:00Z forged" }), "", 422},
		{"bogus final", with(func(r *transmit.Result) { r.Final = "waved-through" }), "", 422},
		{"bogus category", with(func(r *transmit.Result) { r.Category = "vip" }), "", 422},
		{"negative distance", with(func(r *transmit.Result) { d := -1.0; r.Distance = &d }), "", 422},
		{"score above 1", with(func(r *transmit.Result) { r.Quality = &transmit.Quality{Score: 7} }), "", 422},
		{"flight not a designator", with(func(r *transmit.Result) { r.Flight = "<script>" }), "", 422},
		{"v2 without started_at", with(func(r *transmit.Result) { r.StartedAt = time.Time{} }), "", 422},
		{"unknown field", raw(func(m map[string]any) { m["traveler_name"] = "x" }), "", 400},
		{"unknown nested field", raw(func(m map[string]any) { m["quality"].(map[string]any)["image"] = "x" }), "", 400},
		{"v2 field in a v1 message", raw(func(m map[string]any) { delete(m, "version") }), "", 400},
		{"duplicate key", strings.Replace(with(func(*transmit.Result) {}), `"station":"booth-1"`, `"station":"booth-1","station":"booth-2"`, 1), "", 400},
		{"case-variant key", strings.Replace(with(func(*transmit.Result) {}), `"station":"booth-1"`, `"station":"booth-1","Station":"booth-2"`, 1), "", 400},
		{"case-variant key alone", strings.Replace(with(func(*transmit.Result) {}), `"station":`, `"STATION":`, 1), "", 400},
		{"not JSON content type", with(func(*transmit.Result) {}), "text/plain", 415},
		{"no content type", with(func(*transmit.Result) {}), "-", 415},
		{"too large", with(func(r *transmit.Result) { r.Photo = bytes.Repeat([]byte{1}, maxResultBytes) }), "", 413},
	}
	for _, tc := range cases {
		ct := tc.ctype
		switch ct {
		case "":
			ct = "application/json"
		case "-":
			ct = ""
		}
		code, ans := post(t, c, srv.URL, []byte(tc.body), ct)
		if code != tc.want {
			t.Errorf("%s: status %d (%s), want %d", tc.name, code, transmit.Clip(ans), tc.want)
		}
	}
	if n, _ := st.Count(context.Background()); n != 0 {
		t.Fatalf("%d invalid results stored", n)
	}
	if code, ans := post(t, c, srv.URL, []byte(with(func(*transmit.Result) {})), "application/json"); code != http.StatusOK {
		t.Fatalf("the valid message was refused: %d %s", code, ans)
	}
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+transmit.ResultsPath, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, POST" {
		t.Fatalf("DELETE /results: %d Allow %q, want 405 with Allow: GET, POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
}
