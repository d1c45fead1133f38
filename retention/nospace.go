package retention

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// IsNoSpace reports whether err means the data disk is full: ErrNoSpace,
// ENOSPC or EDQUOT from a file operation, or SQLite's "database or disk is
// full" (or an I/O error caused by ENOSPC).
func IsNoSpace(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrNoSpace) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrFull || se.SystemErrno == syscall.ENOSPC || se.SystemErrno == syscall.EDQUOT
	}
	return false
}

// noSpace marks a full-disk error of the record store as ErrNoSpace too, so
// that callers can keep what could not be written and retry.
func noSpace(err error) error {
	if err == nil || errors.Is(err, ErrNoSpace) || !IsNoSpace(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrNoSpace, err)
}
