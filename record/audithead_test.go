package record

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestAuditTailTruncationDetected: entries cut off the end of the chain
// leave a shorter chain that still links; the head kept outside the chain
// (the audit_head row, a head the back end or an auditor holds, the head
// line of an export) shows the cut.
func TestAuditTailTruncationDetected(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	fillAudit(t, s, 6)
	head, err := s.AuditHead(ctx)
	if err != nil || head.Seq != 6 {
		t.Fatalf("head %v %v", head, err)
	}
	if rep, err := VerifyAudit(ctx, s.DB, head); err != nil || !rep.Intact || rep.HeadSeq != 6 || rep.HeadHash != head.Hash {
		t.Fatalf("intact chain against its own head: %+v %v", rep, err)
	}
	var exported bytes.Buffer
	if _, err := ExportAudit(ctx, s.DB, &exported); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`DELETE FROM audit_log WHERE seq > 4`); err != nil {
		t.Fatal(err)
	}
	rep, err := VerifyAudit(ctx, s.DB)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Intact || rep.FirstBroken != 5 || !strings.Contains(rep.Reason, "cut off the tail") {
		t.Fatalf("two entries cut off the tail: %+v", rep)
	}
	// An export made after the cut carries the recorded head and fails too.
	var cut bytes.Buffer
	if _, err := ExportAudit(ctx, s.DB, &cut); err != nil {
		t.Fatal(err)
	}
	if rep, err := VerifyAuditJSONL(bytes.NewReader(cut.Bytes())); err != nil || rep.Intact || rep.FirstBroken != 5 {
		t.Fatalf("export after the cut: %+v %v", rep, err)
	}
	// Whoever cut the tail may also rewrite the recorded head; the head kept
	// off the station still shows it.
	var h4 string
	s.DB.QueryRow(`SELECT hash FROM audit_log WHERE seq = 4`).Scan(&h4)
	if _, err := s.DB.Exec(`UPDATE audit_head SET seq = 4, hash = ?`, h4); err != nil {
		t.Fatal(err)
	}
	if rep, _ := VerifyAudit(ctx, s.DB); !rep.Intact {
		t.Fatalf("fixture: the rewritten local head should hide the cut locally: %+v", rep)
	}
	if rep, err := VerifyAudit(ctx, s.DB, head); err != nil || rep.Intact || rep.FirstBroken != 5 {
		t.Fatalf("against the head kept elsewhere: %+v %v", rep, err)
	}
	// The cut tail rewritten with other entries does not match the head either.
	fillAudit(t, s, 2)
	if rep, _ := VerifyAudit(ctx, s.DB, head); rep.Intact || rep.FirstBroken != 6 || !strings.Contains(rep.Reason, "head") {
		t.Fatalf("tail rewritten: %+v", rep)
	}
	// The export taken before the cut still verifies on its own.
	if rep, err := VerifyAuditJSONL(bytes.NewReader(exported.Bytes()), head); err != nil || !rep.Intact || rep.Entries != 6 {
		t.Fatalf("export before the cut: %+v %v", rep, err)
	}
}

// TestAuditAppendFollowsRecordedHead: after the tail is cut, the next entry
// follows the recorded head, so the gap stays visible.
func TestAuditAppendFollowsRecordedHead(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	fillAudit(t, s, 5)
	s.DB.Exec(`DELETE FROM audit_log WHERE seq = 5`)
	if err := s.Audit(ctx, AuditEvent{At: time.Now(), Kind: AuditLogin, Actor: "o-1"}); err != nil {
		t.Fatal(err)
	}
	rep, _ := VerifyAudit(ctx, s.DB)
	if rep.Intact || rep.FirstBroken != 5 || !strings.Contains(rep.Reason, "missing") {
		t.Fatalf("gap after a cut and an append: %+v", rep)
	}
}

func TestParseAuditHead(t *testing.T) {
	h := AuditHead{Seq: 42, Hash: strings.Repeat("ab", 32)}
	if got, err := ParseAuditHead(h.String()); err != nil || got != h {
		t.Fatalf("round trip %v %v", got, err)
	}
	for _, bad := range []string{"", "42", "0:" + h.Hash, "-1:" + h.Hash, "42:xyz", "42:" + strings.ToUpper(h.Hash), "x:" + h.Hash} {
		if _, err := ParseAuditHead(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
