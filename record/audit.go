package record

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Audit event kinds: the security-relevant events that enter the chain.
const (
	AuditLogin         = "login"
	AuditLogout        = "logout"
	AuditCapture       = "capture"
	AuditMatch         = "match"
	AuditManualCheck   = "manual-check"
	AuditOptOut        = "opt-out"
	AuditPurge         = "purge"
	AuditSettingChange = "setting-change"
	AuditKeyDestroyed  = "key-destroyed"
	// AuditPhotoRead is a decryption of a photo from the vault: the actor,
	// the encounter, and the purpose in the detail.
	AuditPhotoRead = "photo-read"
	// AuditInterrupted: an encounter a crash left open was closed at
	// start-up (result "interrupted").
	AuditInterrupted = "encounter-interrupted"
)

// GenesisHash is the prev_hash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ErrAuditBroken means the audit chain does not verify.
var ErrAuditBroken = errors.New("audit chain broken")

// AuditEvent is what a caller appends. Detail is short text or JSON: ids and
// counts, never a photo, template or traveler name.
type AuditEvent struct {
	At      time.Time
	Kind    string
	Actor   string // officer id, "system"...
	Subject string // encounter id, setting key...
	Detail  string
}

// AuditEntry is one stored link of the chain, as exported for an auditor.
type AuditEntry struct {
	Seq      int64  `json:"seq"`
	At       string `json:"at"`
	Kind     string `json:"kind"`
	Actor    string `json:"actor"`
	Subject  string `json:"subject"`
	Detail   string `json:"detail"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// ComputeHash is the entry's hash: SHA-256 over the previous hash and the
// JSON of the entry's other fields, hex-encoded.
func (e AuditEntry) ComputeHash() string {
	body, _ := json.Marshal(struct {
		Seq                              int64
		At, Kind, Actor, Subject, Detail string
	}{e.Seq, e.At, e.Kind, e.Actor, e.Subject, e.Detail})
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write([]byte{'\n'})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// AppendAudit adds ev to the chain inside tx (the transaction makes reading
// the last hash and writing the new entry one step).
func AppendAudit(ctx context.Context, tx *sql.Tx, ev AuditEvent) (AuditEntry, error) {
	es, err := AppendAudits(ctx, tx, []AuditEvent{ev})
	if len(es) == 0 {
		return AuditEntry{}, err
	}
	return es[0], err
}

// AppendAudits adds evs to the chain inside tx, in order: the head is read
// once, the entries are inserted through one prepared statement and the head
// is recorded once, so a batch of thousands costs little more than its
// inserts. The chain is the one AppendAudit builds one event at a time.
func AppendAudits(ctx context.Context, tx *sql.Tx, evs []AuditEvent) ([]AuditEntry, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	for _, ev := range evs {
		if ev.Kind == "" {
			return nil, fmt.Errorf("audit: event kind is required")
		}
	}
	// The next entry follows the recorded head, not the last row: entries
	// cut off the tail leave a gap the next verify reports.
	head, err := readAuditHead(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", evs[0].Kind, err)
	}
	prev := AuditEntry{Seq: 0, Hash: GenesisHash}
	if head.Seq > 0 {
		prev.Seq, prev.Hash = head.Seq, head.Hash
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO audit_log (seq, at, kind, actor, subject, detail, prev_hash, hash)
		VALUES (?,?,?,?,?,?,?,?)`)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", evs[0].Kind, err)
	}
	defer ins.Close()
	out := make([]AuditEntry, 0, len(evs))
	for _, ev := range evs {
		if ev.At.IsZero() {
			ev.At = time.Now()
		}
		e := AuditEntry{Seq: prev.Seq + 1, At: FormatTime(ev.At), Kind: ev.Kind, Actor: ev.Actor,
			Subject: ev.Subject, Detail: ev.Detail, PrevHash: prev.Hash}
		e.Hash = e.ComputeHash()
		if _, err := ins.ExecContext(ctx, e.Seq, e.At, e.Kind, e.Actor, e.Subject, e.Detail, e.PrevHash, e.Hash); err != nil {
			return out, fmt.Errorf("audit %s: %w", ev.Kind, err)
		}
		out = append(out, e)
		prev = e
	}
	return out, saveAuditHead(ctx, tx, prev)
}

// Audit appends ev to the chain in a transaction of its own.
func (s *Store) Audit(ctx context.Context, ev AuditEvent) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit %s: %w", ev.Kind, err)
	}
	defer tx.Rollback()
	if _, err := AppendAudit(ctx, tx, ev); err != nil {
		return err
	}
	return tx.Commit()
}

// AuditReport is the outcome of verifying the chain.
type AuditReport struct {
	Entries     int    `json:"entries"`
	Intact      bool   `json:"intact"`
	FirstBroken int64  `json:"first_broken,omitempty"` // seq of the first entry that fails
	Reason      string `json:"reason,omitempty"`
	HeadSeq     int64  `json:"head_seq,omitempty"` // the last entry that verified
	HeadHash    string `json:"head_hash,omitempty"`
}

// chainChecker verifies entries one at a time, in order, and that the
// chain reaches every head kept outside it.
type chainChecker struct {
	rep   AuditReport
	prev  AuditEntry
	heads []AuditHead
}

func (c *chainChecker) check(e AuditEntry) bool {
	c.rep.Entries++
	wantSeq, wantPrev := int64(1), GenesisHash
	if c.rep.Entries > 1 {
		wantSeq, wantPrev = c.prev.Seq+1, c.prev.Hash
	}
	switch {
	case e.Seq != wantSeq:
		c.fail(wantSeq, fmt.Sprintf("entry %d missing (found %d next)", wantSeq, e.Seq))
	case e.PrevHash != wantPrev:
		c.fail(e.Seq, "prev_hash does not match the hash of the entry before")
	case e.Hash != e.ComputeHash():
		c.fail(e.Seq, "content does not match its hash (edited)")
	case !c.headMatches(e):
		c.fail(e.Seq, "hash differs from the audit head kept outside the chain (rewritten)")
	default:
		c.prev = e
		c.rep.HeadSeq, c.rep.HeadHash = e.Seq, e.Hash
		return true
	}
	return false
}

func (c *chainChecker) headMatches(e AuditEntry) bool {
	for _, h := range c.heads {
		if h.Seq == e.Seq && h.Hash != e.Hash {
			return false
		}
	}
	return true
}

func (c *chainChecker) fail(seq int64, why string) {
	c.rep.FirstBroken, c.rep.Reason = seq, why
}

func (c *chainChecker) report() AuditReport {
	if c.rep.Reason == "" {
		for _, h := range c.heads {
			if h.Seq > c.rep.HeadSeq {
				c.fail(c.rep.HeadSeq+1, fmt.Sprintf("chain ends at entry %d, but the audit head kept outside it "+
					"is entry %d: entries were cut off the tail", c.rep.HeadSeq, h.Seq))
				break
			}
		}
	}
	c.rep.Intact = c.rep.Reason == ""
	return c.rep
}

// VerifyAudit walks the stored chain and reports the first broken entry. A
// broken chain is reported in AuditReport, not as an error. Besides every
// link it checks that the chain reaches the head recorded outside it
// (audit_head) and each head given (SEQ:HASH kept by an auditor or the back
// end): the chain is unkeyed, so a head kept off the station is what shows
// a rewritten or truncated tail.
func VerifyAudit(ctx context.Context, q DBTX, heads ...AuditHead) (AuditReport, error) {
	recorded, err := readAuditHead(ctx, q)
	if err != nil {
		return AuditReport{}, err
	}
	c := chainChecker{heads: heads}
	if recorded.Seq > 0 {
		c.heads = append(c.heads, recorded)
	}
	err = eachAudit(ctx, q, func(e AuditEntry) bool { return c.check(e) })
	return c.report(), err
}

// headLine is the first line of an export: the head recorded outside the
// chain when the export began.
type headLine struct {
	AuditHead *AuditHead `json:"audit_head"`
}

// ExportAudit writes the chain as JSONL: a first line {"audit_head":
// {"seq":N,"hash":H}} with the head recorded outside the chain (absent for
// an empty chain), then one AuditEntry a line. It returns the number of
// entries written.
func ExportAudit(ctx context.Context, q DBTX, w io.Writer) (int, error) {
	enc := json.NewEncoder(w)
	head, err := readAuditHead(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("export audit: %w", err)
	}
	if head.Seq > 0 {
		if err := enc.Encode(headLine{&head}); err != nil {
			return 0, fmt.Errorf("export audit: %w", err)
		}
	}
	n := 0
	var werr error
	err = eachAudit(ctx, q, func(e AuditEntry) bool {
		if werr = enc.Encode(e); werr != nil {
			return false
		}
		n++
		return true
	})
	if werr != nil {
		return n, fmt.Errorf("export audit: %w", werr)
	}
	return n, err
}

func eachAudit(ctx context.Context, q DBTX, fn func(AuditEntry) bool) error {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, kind, actor, subject, detail, prev_hash, hash
		FROM audit_log ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.Kind, &e.Actor, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		if !fn(e) {
			break
		}
	}
	return rows.Err()
}

// VerifyAuditJSONL verifies an exported chain (ExportAudit's output),
// against the head line the export starts with and each head given. A
// malformed line is an error naming its line number.
func VerifyAuditJSONL(r io.Reader, heads ...AuditHead) (AuditReport, error) {
	c := chainChecker{heads: heads}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, `{"audit_head"`) && c.rep.Entries == 0 {
			var h headLine
			if err := json.Unmarshal([]byte(text), &h); err != nil || h.AuditHead == nil {
				return c.report(), fmt.Errorf("audit export line %d: malformed head line", line)
			}
			c.heads = append(c.heads, *h.AuditHead)
			continue
		}
		var e AuditEntry
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return c.report(), fmt.Errorf("audit export line %d: %w", line, err)
		}
		if !c.check(e) {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return c.report(), fmt.Errorf("audit export line %d: %w", line+1, err)
	}
	return c.report(), nil
}

// LastAuditDetail is the detail of the latest audit entry of kind about
// subject, "" when there is none.
func LastAuditDetail(ctx context.Context, q DBTX, kind, subject string) (string, error) {
	var detail string
	err := q.QueryRowContext(ctx, `SELECT detail FROM audit_log WHERE kind = ? AND subject = ?
		ORDER BY seq DESC LIMIT 1`, kind, subject).Scan(&detail)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("last audit entry %s %s: %w", kind, subject, err)
	}
	return detail, nil
}
