package record

import (
	"database/sql"
	"fmt"
	"time"
)

// TimeFormat is how every time column in this store is written: UTC, fixed
// width, so that comparing the text compares the times.
const TimeFormat = "2006-01-02T15:04:05.000000000Z"

// FormatTime renders t for a time column.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// nullTime is FormatTime, or NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return FormatTime(t)
}

// scanTime parses a nullable time column; NULL is the zero time.
func scanTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("time column %q: %w", s.String, err)
	}
	return t.UTC(), nil
}
