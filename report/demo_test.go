package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestDemoReportMarked: a report of the demo profile says DEMO in its
// scope line and in every export (PDF, CSV, JSON), and a CSV so marked
// still reads back; a report of a real station says nothing of the kind.
func TestDemoReportMarked(t *testing.T) {
	s, _ := knownReport(t)
	ctx := context.Background()
	f := Filter{From: shiftStart, To: shiftEnd}
	for _, demo := range []bool{true, false} {
		o := Options{Now: shiftEnd, BacklogWarn: 15 * time.Minute, Demo: demo}
		r, err := Compute(ctx, s.DB, f, o)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(Scope(r), "DEMO"); got != demo {
			t.Errorf("demo %v: scope %q", demo, Scope(r))
		}
		for _, format := range []string{FormatPDF, FormatCSV, FormatJSON} {
			var buf bytes.Buffer
			if err := Write(ctx, s.DB, f, o, format, &buf); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			text := buf.String()
			switch format {
			case FormatPDF:
				text = pdfText(t, buf.Bytes())
			case FormatCSV:
				rows, err := ReadCSV(bytes.NewReader(buf.Bytes()))
				if err != nil || len(rows) == 0 {
					t.Errorf("demo %v: the CSV does not read back: %d rows, %v", demo, len(rows), err)
				}
			}
			marked := strings.Contains(text, "DEMO")
			if format == FormatJSON {
				marked = strings.Contains(text, `"demo": true`)
			}
			if marked != demo {
				t.Errorf("demo %v: %s export marked DEMO: %v\n%.300s", demo, format, marked, text)
			}
		}
	}
}
