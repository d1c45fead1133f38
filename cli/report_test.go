package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/report"
)

func TestReportCommandWritesEveryFormat(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "--data-dir", dir, "dev", "seed", "--encounters", "300",
		"--from", "2026-03-01T06:00:00Z", "--every", "30s"); code != 0 {
		t.Fatalf("seed: exit %d: %s", code, errs)
	}
	rng := []string{"--from", "2026-03-01T06:00:00Z", "--to", "2026-03-01T14:00:00Z"}
	for _, format := range []string{"json", "csv", "pdf"} {
		out := filepath.Join(dir, "shift."+format)
		args := append([]string{"--data-dir", dir, "report", "--format", format, "--out", out}, rng...)
		if code, _, errs := run(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
			t.Errorf("%s written with mode %v", out, st.Mode().Perm())
		}
		switch format {
		case "json":
			var r report.Report
			if err := json.Unmarshal(b, &r); err != nil || r.Processed != 300 {
				t.Fatalf("json report: %v, processed %d", err, r.Processed)
			}
		case "csv":
			rows, err := report.ReadCSV(bytes.NewReader(b))
			if err != nil || len(rows) != 300 {
				t.Fatalf("csv: %v, %d rows", err, len(rows))
			}
		case "pdf":
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatalf("pdf starts %q", b[:8])
			}
		}
	}
	// Filters narrow the report; stdout is the default output.
	code, out, errs := run(t, append([]string{"--data-dir", dir, "report", "--officer", "o.gen2"}, rng...)...)
	var r report.Report
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Processed == 0 || r.Processed >= 300 {
		t.Fatalf("officer filter: exit %d, processed %d: %s", code, r.Processed, errs)
	}
}

func TestReportCommandRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep.pdf")
	if err := os.WriteFile(keep, []byte("earlier report"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "yesterday"}, "--from"},
		{[]string{"--to", "2026-13-01T00:00:00Z"}, "--to"},
		{[]string{"--from", "2026-03-01T14:00:00Z", "--to", "2026-03-01T06:00:00Z"}, "before"},
		{[]string{"--format", "xls"}, "pdf, csv or json"},
		{[]string{"--format", "pdf"}, "--out"},
		{[]string{"--format", "pdf", "--out", keep, "--from", "bad"}, "--from"},
	} {
		code, _, errs := run(t, append([]string{"--data-dir", dir, "report"}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q (want 2 and %q)", tc.args, code, errs, tc.want)
		}
	}
	if b, _ := os.ReadFile(keep); string(b) != "earlier report" {
		t.Fatal("a refused export touched the existing file")
	}
}
