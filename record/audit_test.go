package record

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func fillAudit(t *testing.T, s *Store, n int) {
	t.Helper()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	kinds := []string{AuditLogin, AuditCapture, AuditMatch, AuditManualCheck, AuditOptOut, AuditPurge, AuditSettingChange}
	for i := range n {
		if err := s.Audit(context.Background(), AuditEvent{At: at.Add(time.Duration(i) * time.Second),
			Kind: kinds[i%len(kinds)], Actor: "o-1", Subject: "enc-" + string(rune('a'+i)), Detail: `{"n":1}`}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditChainDetectsEdits(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		tamper string
		broken int64
		reason string
	}{
		{"intact", ``, 0, ""},
		{"detail edited", `UPDATE audit_log SET detail = '{"n":2}' WHERE seq = 4`, 4, "edited"},
		{"kind edited", `UPDATE audit_log SET kind = 'login' WHERE seq = 6`, 6, "edited"},
		{"hash edited", `UPDATE audit_log SET hash = 'ab' WHERE seq = 3`, 3, "edited"},
		{"row edited and rehashed", "rehash", 4, "prev_hash"},
		{"row deleted", `DELETE FROM audit_log WHERE seq = 5`, 5, "missing"},
		{"first row edited", `UPDATE audit_log SET actor = 'x' WHERE seq = 1`, 1, "edited"},
		{"genesis replaced", `UPDATE audit_log SET prev_hash = 'ff' WHERE seq = 1`, 1, "prev_hash"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := openTest(t)
			fillAudit(t, s, 8)
			if c.tamper == "rehash" { // edit entry 3 and recompute its own hash
				var e AuditEntry
				s.DB.QueryRow(`SELECT seq, at, kind, actor, subject, detail, prev_hash FROM audit_log WHERE seq = 3`).Scan(
					&e.Seq, &e.At, &e.Kind, &e.Actor, &e.Subject, &e.Detail, &e.PrevHash)
				e.Detail = `{"n":99}`
				if _, err := s.DB.Exec(`UPDATE audit_log SET detail = ?, hash = ? WHERE seq = 3`, e.Detail, e.ComputeHash()); err != nil {
					t.Fatal(err)
				}
			} else if c.tamper != "" {
				if _, err := s.DB.Exec(c.tamper); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := VerifyAudit(ctx, s.DB)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Intact != (c.broken == 0) || rep.FirstBroken != c.broken || !strings.Contains(rep.Reason, c.reason) {
				t.Fatalf("report %+v, want first broken %d (%s)", rep, c.broken, c.reason)
			}
			// The exported file verifies the same way.
			var buf bytes.Buffer
			if _, err := ExportAudit(ctx, s.DB, &buf); err != nil {
				t.Fatal(err)
			}
			frep, err := VerifyAuditJSONL(&buf)
			if err != nil || frep.Intact != rep.Intact || frep.FirstBroken != rep.FirstBroken {
				t.Fatalf("export verifies as %+v (%v), database as %+v", frep, err, rep)
			}
		})
	}
}

func TestAuditExportEditedLineDetected(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	fillAudit(t, s, 5)
	var buf bytes.Buffer
	n, err := ExportAudit(ctx, s.DB, &buf)
	head, _ := s.AuditHead(ctx)
	if err != nil || n != 5 || head.Seq != 5 || strings.Count(buf.String(), "\n") != 6 ||
		!strings.HasPrefix(buf.String(), `{"audit_head":{"seq":5,"hash":"`+head.Hash+`"}}`) {
		t.Fatalf("export: %d entries, head %v, %v", n, head, err)
	}
	edited := strings.Replace(buf.String(), `"actor":"o-1"`, `"actor":"o-2"`, 1)
	rep, err := VerifyAuditJSONL(strings.NewReader(edited))
	if err != nil || rep.Intact || rep.FirstBroken != 1 {
		t.Fatalf("edited export: %+v %v", rep, err)
	}
	first := strings.SplitAfter(buf.String(), "\n")[1]
	if _, err := VerifyAuditJSONL(strings.NewReader(first + "not json\n")); err == nil ||
		!strings.Contains(err.Error(), "line 2") {
		t.Fatalf("malformed line: %v", err)
	}
}

func FuzzVerifyAuditJSONL(f *testing.F) {
	e := AuditEntry{Seq: 1, At: "2026-03-02T09:00:00.000000000Z", Kind: "login", PrevHash: GenesisHash}
	e.Hash = e.ComputeHash()
	var buf bytes.Buffer
	buf.WriteString(`{"seq":1,"at":"2026-03-02T09:00:00.000000000Z","kind":"login","actor":"","subject":"","detail":"","prev_hash":"` + GenesisHash + `","hash":"` + e.Hash + "\"}\n")
	f.Add(buf.Bytes())
	f.Add([]byte("{}\n{}\n"))
	f.Add([]byte("\n\n{\"seq\":2}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := VerifyAuditJSONL(bytes.NewReader(data))
		if err == nil && !rep.Intact && rep.Reason == "" {
			t.Fatalf("broken without a reason: %+v", rep)
		}
		if rep.Intact && rep.FirstBroken != 0 {
			t.Fatalf("intact but names entry %d", rep.FirstBroken)
		}
	})
}

func TestAppendAuditRequiresKind(t *testing.T) {
	s := openTest(t)
	if err := s.Audit(context.Background(), AuditEvent{}); err == nil {
		t.Fatal("empty kind accepted")
	}
	if rep, _ := VerifyAudit(context.Background(), s.DB); rep.Entries != 0 {
		t.Fatalf("entries %d", rep.Entries)
	}
}
