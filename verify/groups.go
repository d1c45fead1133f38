package verify

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrBadGroups marks a groups file that cannot be read.
var ErrBadGroups = errors.New("malformed groups file")

// ReadGroups reads a subject -> group CSV (two columns; a first line
// "subject,group" is a header). A line with another number of fields, an
// empty subject or group, or a subject given twice is an error naming the
// line.
func ReadGroups(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	out := map[string]string{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w: %v", line, ErrBadGroups, err)
		}
		if len(rec) != 2 {
			return nil, fmt.Errorf("line %d: %w: %d fields, want subject,group", line, ErrBadGroups, len(rec))
		}
		subject, group := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if line == 1 && strings.EqualFold(subject, "subject") && strings.EqualFold(group, "group") {
			continue
		}
		if subject == "" || group == "" {
			return nil, fmt.Errorf("line %d: %w: empty subject or group", line, ErrBadGroups)
		}
		if _, dup := out[subject]; dup {
			return nil, fmt.Errorf("line %d: %w: subject given twice", line, ErrBadGroups)
		}
		out[subject] = group
	}
	return out, nil
}
