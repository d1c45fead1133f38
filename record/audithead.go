package record

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// AuditHead is the sequence and hash of the audit chain's last entry, kept
// outside the chain (table audit_head, results sent to the back end, audit
// exports): a chain that no longer reaches a head kept elsewhere was cut.
type AuditHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// String is the head as SEQ:HASH, the form `audit verify --head` takes.
func (h AuditHead) String() string { return fmt.Sprintf("%d:%s", h.Seq, h.Hash) }

var hashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ParseAuditHead reads SEQ:HASH (a positive sequence, a hex SHA-256).
func ParseAuditHead(s string) (AuditHead, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 || !hashPattern.MatchString(hash) {
		return AuditHead{}, fmt.Errorf("audit head %q: want SEQ:HASH (a positive sequence and 64 hex digits)", s)
	}
	return AuditHead{Seq: n, Hash: hash}, nil
}

// AuditHead returns the recorded head of the audit chain; the zero head
// when the chain is empty.
func (s *Store) AuditHead(ctx context.Context) (AuditHead, error) {
	return readAuditHead(ctx, s.DB)
}

func readAuditHead(ctx context.Context, q DBTX) (AuditHead, error) {
	var h AuditHead
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return AuditHead{}, nil
	}
	if err != nil {
		return AuditHead{}, fmt.Errorf("read audit head: %w", err)
	}
	return h, nil
}

// saveAuditHead records e as the chain's head, in the transaction that
// appends it.
func saveAuditHead(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, e.Seq, e.Hash)
	if err != nil {
		return fmt.Errorf("audit %s: record head: %w", e.Kind, err)
	}
	return nil
}
