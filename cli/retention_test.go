package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/config"
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
