package report

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"veriport/record"
)

func knownReport(t *testing.T) (*record.Store, *Report) {
	t.Helper()
	s := openStore(t)
	fillKnown(t, s)
	r, err := Compute(context.Background(), s.DB, Filter{From: shiftStart, To: shiftEnd},
		Options{Now: shiftEnd, BacklogWarn: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return s, r
}

// pdfText extracts the plain text of a PDF with a PDF reader.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	rd, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("read pdf: %v", err)
	}
	var sb strings.Builder
	for i := 1; i <= rd.NumPage(); i++ {
		p := rd.Page(i)
		if p.V.IsNull() {
			continue
		}
		rows, err := p.GetTextByRow()
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		for _, row := range rows {
			for _, w := range row.Content {
				sb.WriteString(w.S)
			}
			sb.WriteString("\n")
		}
	}
	return sb.String()
}

func TestPDFHoldsFiguresAndCharts(t *testing.T) {
	_, r := knownReport(t)
	charts, err := Charts(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 3 {
		t.Fatalf("%d charts, want 3", len(charts))
	}
	for _, c := range charts {
		img, err := png.Decode(bytes.NewReader(c.PNG))
		if err != nil {
			t.Fatalf("chart %s: %v", c.Name, err)
		}
		if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 250 {
			t.Errorf("chart %s is %v", c.Name, b)
		}
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, r, charts, PDFOptions{Generated: shiftEnd}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{
		"Veriport shift report", "2026-03-01 06:00 to 2026-03-01 14:00 UTC",
		"Travelers processed", "12", "Match rate", "62.5 %", "Median time to decision", "4.00 s",
		"P95 time to decision", "8.00 s", "Capture success rate", "72.7 % (8 of 11)",
		"Sharpness (2)", "Estimated FNIR", "0.3333 (2 / 6)", "Possible false matches",
		"Purges done / due", "1 / 2", "Overdue purges", "intact (3 entries, 2 in range)",
		"1 (of 2 pending, older than 15m0s)", "Manual-check share", "66.7 % (8)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if n := bytes.Count(buf.Bytes(), []byte("/Subtype /Image")); n != 3 {
		t.Errorf("PDF embeds %d images, want 3", n)
	}
	if t.Failed() {
		t.Logf("PDF text:\n%s", text)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	s, _ := knownReport(t)
	ctx := context.Background()
	f := Filter{From: shiftStart, To: shiftEnd}
	var buf bytes.Buffer
	n, err := WriteCSV(ctx, s.DB, f, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != 12 {
		t.Fatalf("%d rows, want 12", n)
	}
	if strings.Contains(buf.String(), "sharpness") || strings.Contains(buf.String(), "Officer o.a") {
		t.Fatal("CSV holds a quality summary or a name")
	}
	got, err := ReadCSV(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want, err := record.ListEncounters(ctx, s.DB, record.EncounterFilter{From: f.From, To: f.To})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		want[i].Quality, want[i].VaultBucket, want[i].RulesVersion = "", "", ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CSV round trip differs:\n got %+v\nwant %+v", got, want)
	}
	var again bytes.Buffer
	cw := buf.String()
	if _, err := WriteCSV(ctx, s.DB, f, &again); err != nil || again.String() != cw {
		t.Fatalf("second export differs (%v)", err)
	}
}

func TestReadCSVRefusesOtherFiles(t *testing.T) {
	head := strings.Join(CSVColumns, ",")
	row := func(ms string) string {
		return head + "\nid,s,o,f,2026-03-01T06:00:00Z,,,,,,,,in-scope,match,cleared,,0.5," + ms + ",none,,,,,sface\n"
	}
	for name, in := range map[string]string{
		"empty":        "",
		"other file":   "a,b,c\n1,2,3\n",
		"bad ms":       row("-3"),
		"bad time":     strings.Replace(row("5"), "2026-03-01T06:00:00Z", "yesterday", 1),
		"short row":    head + "\nid,s\n",
		"bad distance": strings.Replace(row("5"), "0.5", "far", 1),
	} {
		if _, err := ReadCSV(strings.NewReader(in)); !errors.Is(err, ErrCSV) {
			t.Errorf("%s: %v, want ErrCSV", name, err)
		}
	}
	if got, err := ReadCSV(strings.NewReader(row("5"))); err != nil || len(got) != 1 || got[0].DecisionTime != 5*time.Millisecond ||
		got[0].Engine != "sface" {
		t.Errorf("good row: %v %+v", err, got)
	}
	// An export made before the exemption columns still reads back.
	earlier := strings.Join(CSVColumns[:csvColumnsV1], ",") +
		"\nid,s,o,f,2026-03-01T06:00:00Z,,,,,,,,in-scope,match,cleared,,0.5,5,none,,\n"
	if got, err := ReadCSV(strings.NewReader(earlier)); err != nil || len(got) != 1 || got[0].Category != "in-scope" {
		t.Errorf("earlier export: %v %+v", err, got)
	}
	// And one made before the engine column.
	v2 := strings.Join(CSVColumns[:csvColumnsV2], ",") +
		"\nid,s,o,f,2026-03-01T06:00:00Z,,,,,,,,exempt,opt-out,verified,,,5,none,,,age-under,seed\n"
	if got, err := ReadCSV(strings.NewReader(v2)); err != nil || len(got) != 1 || got[0].RuleSet != "seed" || got[0].Engine != "" {
		t.Errorf("export without the engine column: %v %+v", err, got)
	}
}

func FuzzReadCSV(f *testing.F) {
	head := strings.Join(CSVColumns, ",")
	f.Add(head + "\nid,s,o,f,2026-03-01T06:00:00Z,,,,,,,,in-scope,match,cleared,,0.5,5,none,,,,,dlib\n")
	f.Add("")
	f.Add(head + "\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ReadCSV(strings.NewReader(s))
		if err != nil && !errors.Is(err, ErrCSV) {
			t.Fatalf("error not ErrCSV: %v", err)
		}
		for _, e := range rows {
			if e.DecisionTime < 0 {
				t.Fatalf("negative decision time from %q", s)
			}
		}
	})
}

func TestWriteFormats(t *testing.T) {
	s, _ := knownReport(t)
	ctx := context.Background()
	f := Filter{From: shiftStart, To: shiftEnd}
	o := Options{Now: shiftEnd, BacklogWarn: 15 * time.Minute}
	for _, tc := range []struct{ in, want, prefix string }{
		{"PDF", FormatPDF, "%PDF-"}, {" csv", FormatCSV, "id,station,"}, {"json", FormatJSON, "{"},
	} {
		got, err := ParseFormat(tc.in)
		if err != nil || got != tc.want {
			t.Fatalf("ParseFormat(%q) = %q, %v", tc.in, got, err)
		}
		var buf bytes.Buffer
		if err := Write(ctx, s.DB, f, o, got, &buf); err != nil || !strings.HasPrefix(buf.String(), tc.prefix) {
			t.Fatalf("Write %s: %v, starts %.10q", got, err, buf.String())
		}
	}
	if _, err := ParseFormat("xlsx"); !errors.Is(err, ErrFormat) {
		t.Fatalf("ParseFormat(xlsx): %v", err)
	}
	if err := Write(ctx, s.DB, f, o, "xlsx", io.Discard); !errors.Is(err, ErrFormat) {
		t.Fatalf("Write xlsx: %v", err)
	}
}
