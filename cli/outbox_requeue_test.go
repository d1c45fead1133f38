package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"veriport/config"
	"veriport/record"
	"veriport/retention"
)

// TestOutboxRequeue: `veriport outbox requeue ID...` puts the named dead
// letters back in the outbox, each with an audit entry; `--all` the rest;
// an id that is not a dead letter, or no id and no --all, changes nothing.
// The requeued results go out again in their own place (by sequence).
func TestOutboxRequeue(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var ids []string
	for i := 0; i < 4; i++ {
		id := uuid.NewString()
		if err := record.Enqueue(ctx, st.DB, id, []byte(`{"version":2}`), nil, now); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for i := 0; i < 3; i++ { // the first three were refused (a clock error, before the fix)
		head, err := st.OutboxHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.MarkDead(ctx, head.Seq, "result refused by the back end: back end answered 422", now); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	audits := func() int {
		t.Helper()
		s, err := record.Open(ctx, cfg.Paths.Database)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var n int
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE kind = ?`,
			record.AuditOutboxRequeued).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	stats := func() record.OutboxStats {
		t.Helper()
		s, err := record.Open(ctx, cfg.Paths.Database)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ob, err := s.OutboxStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ob
	}

	for _, args := range [][]string{{}, {"--all", ids[0]}, {ids[0], ids[3]}, {uuid.NewString()}} {
		code, _, errs := run(t, append([]string{"--data-dir", dir, "outbox", "requeue"}, args...)...)
		if code == 0 {
			t.Errorf("requeue %v: exit 0 (%s)", args, errs)
		}
	}
	if ob := stats(); ob.Dead != 3 || ob.Pending != 1 || audits() != 0 {
		t.Fatalf("a refused requeue changed something: %+v, %d audit entries", ob, audits())
	}

	code, out, errs := run(t, "--data-dir", dir, "outbox", "requeue", ids[1])
	if code != 0 || !strings.Contains(out, ids[1]) {
		t.Fatalf("requeue %s: exit %d: %s %s", ids[1], code, out, errs)
	}
	if ob := stats(); ob.Dead != 2 || ob.Pending != 2 || audits() != 1 {
		t.Fatalf("after requeue of one: %+v, %d audit entries", ob, audits())
	}
	code, out, errs = run(t, "--data-dir", dir, "outbox", "requeue", "--all")
	if code != 0 || !strings.Contains(out, ids[0]) || !strings.Contains(out, ids[2]) {
		t.Fatalf("requeue --all: exit %d: %s %s", code, out, errs)
	}
	if ob := stats(); ob.Dead != 0 || ob.Pending != 4 || audits() != 3 {
		t.Fatalf("after requeue --all: %+v, %d audit entries", ob, audits())
	}
	s, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	head, err := s.OutboxHead(ctx)
	if err != nil || head.EncounterID != ids[0] || !head.NextAttempt.IsZero() {
		t.Errorf("head after requeue: %s (next %v), want %s to go first at once: %v", head.EncounterID, head.NextAttempt, ids[0], err)
	}
	if rep, err := record.VerifyAudit(ctx, s.DB); err != nil || !rep.Intact {
		t.Errorf("audit chain after requeue: %+v %v", rep, err)
	}
	if code, _, _ := run(t, "--data-dir", dir, "audit", "verify"); code != 0 {
		t.Error("veriport audit verify fails after requeue")
	}
}
