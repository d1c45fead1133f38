package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"veriport/record"
)

// Export formats.
const (
	FormatPDF  = "pdf"
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// ErrFormat means an export format this package does not write.
var ErrFormat = errors.New("unknown report format")

// ParseFormat accepts "pdf", "csv" or "json" in any case.
func ParseFormat(s string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(s))
	switch f {
	case FormatPDF, FormatCSV, FormatJSON:
		return f, nil
	}
	return "", fmt.Errorf("%w %q: want pdf, csv or json", ErrFormat, s)
}

// Write exports the report of f in format to w: the PDF with its figures
// and charts, the CSV of encounter rows, or the JSON of every figure.
func Write(ctx context.Context, q record.DBTX, f Filter, o Options, format string, w io.Writer) error {
	return writeAs(format, w, o,
		func() error { _, err := WriteCSV(ctx, q, f, w); return err },
		func() (*Report, error) { return Compute(ctx, q, f, o) })
}

// writeAs exports in format to w: csv writes the rows; compute gives the
// report that the JSON and the PDF (figures and charts) are made of.
func writeAs(format string, w io.Writer, o Options, csv func() error, compute func() (*Report, error)) error {
	switch format {
	case FormatCSV:
		if o.Demo { // a comment line: ReadCSV skips it, a reader sees it first
			if _, err := fmt.Fprintf(w, "# %s\n", DemoMark); err != nil {
				return fmt.Errorf("report csv: %w", err)
			}
		}
		return csv()
	case FormatJSON, FormatPDF:
	default:
		return fmt.Errorf("%w %q", ErrFormat, format)
	}
	r, err := compute()
	if err != nil {
		return err
	}
	if format == FormatJSON {
		return WriteJSON(w, r)
	}
	charts, err := Charts(r)
	if err != nil {
		return err
	}
	return WritePDF(w, r, charts, PDFOptions{Generated: o.Now})
}
