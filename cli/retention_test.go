package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/app"
	"veriport/config"
	"veriport/gallery"
	"veriport/record"
	"veriport/retention"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestPurgeAndAuditCommands(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	dir := t.TempDir()
	ctx := context.Background()
	// One photo 13 hours past verification (due), one in-scope (kept).
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	store, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		t.Fatal(err)
	}
	k, err := retention.Open(store, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-13 * time.Hour)
	due := &record.Encounter{Station: "s", StartedAt: then, CapturedAt: then, VerifiedAt: then,
		Category: retention.CategoryUSCitizen, Outcome: "match"}
	kept := &record.Encounter{Station: "s", StartedAt: then, CapturedAt: then, VerifiedAt: then,
		Category: retention.CategoryInScope, Outcome: "match"}
	for _, e := range []*record.Encounter{due, kept} {
		if err := k.RecordEncounter(ctx, e, []byte("not really a jpeg"), nil); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()

	code, out, errs := run(t, "--data-dir", dir, "purge", "--dry-run", "--json")
	var rep retention.PurgeReport
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Due != 1 || rep.Deleted != 0 ||
		len(rep.Items) != 1 || rep.Items[0].EncounterID != due.ID || !rep.Items[0].Overdue {
		t.Fatalf("dry run: exit %d %s %s", code, out, errs)
	}
	code, out, _ = run(t, "--data-dir", dir, "purge", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Deleted != 1 || rep.KeysDestroyed != 1 {
		t.Fatalf("purge: exit %d %s", code, out)
	}
	code, out, _ = run(t, "--data-dir", dir, "purge")
	if code != 0 || !strings.Contains(out, "due 0") {
		t.Fatalf("second purge: exit %d %s", code, out)
	}
	code, out, _ = run(t, "--data-dir", dir, "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact: 7 entries") {
		t.Fatalf("verify: exit %d %q", code, out)
	}
	export := filepath.Join(t.TempDir(), "audit.jsonl")
	if code, _, errs := run(t, "--data-dir", dir, "audit", "export", "--out", export); code != 0 {
		t.Fatalf("export: exit %d %s", code, errs)
	}
	data, _ := os.ReadFile(export)
	if strings.Count(string(data), "\n") != 8 || strings.Contains(string(data), "not really") { // the head line, 7 entries
		t.Fatalf("export:\n%s", data)
	}
	if code, _, _ := run(t, "--data-dir", dir, "audit", "verify", "--file", export); code != 0 {
		t.Fatalf("verify export: exit %d", code)
	}
	// Edit one row behind the program's back: verify fails and names it.
	store, _ = record.Open(ctx, cfg.Paths.Database)
	store.DB.Exec(`UPDATE audit_log SET actor = 'intruder' WHERE seq = 2`)
	store.Close()
	code, _, errs = run(t, "--data-dir", dir, "audit", "verify")
	if code != 1 || !strings.Contains(errs, "entry 2") {
		t.Fatalf("tampered verify: exit %d %q", code, errs)
	}
}

// putGallery stores a signed synthetic gallery of flight ZZ<number>
// departing at dep in the data folder's gallery cache.
func putGallery(t *testing.T, data, number string, dep, now time.Time) gallery.Flight {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(nil)
	b := &gallery.Bundle{Header: gallery.Header{Flight: gallery.Flight{Carrier: "ZZ", Number: number,
		Date: dep.Format(time.DateOnly), Origin: "IAD", Destination: "LHR", Departure: dep},
		IssuedAt: dep.Add(-time.Hour), ExpiresAt: dep.Add(13 * time.Hour)}, Entries: gallery.SyntheticEntries(2, 1)}
	raw, err := gallery.Sign(b, priv)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := gallery.OpenCache(filepath.Join(data, "galleries"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Put(raw, b, now); err != nil {
		t.Fatal(err)
	}
	return b.Flight
}

// TestWorkstationPurgesExpiredGalleries: the workstation's purge job (the
// one runGUI starts) deletes a flight gallery past departure plus grace at
// start-up, logs it as deleted in the purge log, and `purge --dry-run
// --json` lists it beside the photos.
func TestWorkstationPurgesExpiredGalleries(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	t.Setenv("VERIPORT_CACHE", t.TempDir())
	data := t.TempDir()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	expired := putGallery(t, data, "7", now.Add(-12*time.Hour-time.Minute), now)
	kept := putGallery(t, data, "8", now.Add(2*time.Hour), now)

	code, out, errs := run(t, "--data-dir", data, "purge", "--dry-run", "--json")
	var rep retention.PurgeReport
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Galleries) != 1 ||
		rep.Galleries[0].Key != expired.Key() || rep.Galleries[0].Result != record.ResultDryRun {
		t.Fatalf("dry run lists no expired gallery: exit %d %s %s", code, out, errs)
	}

	env := &Env{Overrides: config.Overrides{DataDir: data}, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
		Log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))}
	cfg, err := env.Config()
	if err != nil {
		t.Fatal(err)
	}
	store, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, stop, err := app.StartPurgeJob(ctx, env.Log, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var log []record.PurgeEntry
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if log, err = record.ListPurges(ctx, store.DB, record.PurgeKindGallery); err != nil || len(log) > 0 {
			break
		}
		if time.Now().After(end) {
			break
		}
	}
	stop()
	if err != nil || len(log) != 1 || log[0].SubjectID != expired.Key() || log[0].Result != record.ResultDeleted {
		t.Fatalf("the workstation's purge job logged %+v (%v); want %s deleted", log, err, expired.Key())
	}
	cache, err := gallery.OpenCache(filepath.Join(data, "galleries"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Record(expired.Key()); !errors.Is(err, gallery.ErrNotCached) {
		t.Fatalf("expired gallery still cached: %v", err)
	}
	if _, err := cache.Record(kept.Key()); err != nil {
		t.Fatalf("gallery not yet due was removed: %v", err)
	}
}
