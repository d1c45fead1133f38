package report

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
)

// PDFOptions tune the PDF export.
type PDFOptions struct {
	// Uncompressed writes the page streams as plain text (for inspection).
	Uncompressed bool
	// Generated is the time printed in the footer; zero means now.
	Generated time.Time
}

// WritePDF writes the report as an A4 PDF: scope, figures (alerts in red)
// and the charts.
func WritePDF(w io.Writer, r *Report, charts []Chart, o PDFOptions) error {
	if o.Generated.IsZero() {
		o.Generated = time.Now()
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(!o.Uncompressed)
	title := "Veriport shift report"
	if r.Demo {
		title += " - DEMO"
	}
	pdf.SetTitle(title, true)
	pdf.SetCreator("Veriport", true)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		foot := fmt.Sprintf("Generated %s UTC - page %d", o.Generated.UTC().Format("2006-01-02 15:04"), pdf.PageNo())
		if r.Demo {
			foot = "DEMO - " + foot
		}
		pdf.CellFormat(0, 5, foot, "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 9, title, "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(0, 6, Scope(r), "", 1, "L", false, 0, "")
	pdf.Ln(2)
	section := ""
	for _, f := range Figures(r) {
		if f.Section != section {
			section = f.Section
			pdf.Ln(1)
			pdf.SetFont("Helvetica", "B", 11)
			pdf.CellFormat(0, 6, section, "B", 1, "L", false, 0, "")
		}
		pdf.SetFont("Helvetica", "", 10)
		pdf.SetTextColor(0, 0, 0)
		pdf.CellFormat(70, 5.5, f.Label, "", 0, "L", false, 0, "")
		if f.Alert {
			pdf.SetTextColor(0xc6, 0x28, 0x28)
			pdf.SetFont("Helvetica", "B", 10)
		}
		pdf.CellFormat(0, 5.5, f.Value, "", 1, "L", false, 0, "")
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "", 8)
	pdf.Ln(1)
	pdf.MultiCell(0, 4, "FNIR basis: "+r.Accuracy.Basis+".", "", "L", false)
	if r.Terminal || len(r.Stations) > 1 {
		breakdownTable(pdf, "By station", r.Stations)
		breakdownTable(pdf, "By officer", r.Officers)
	}
	for _, c := range charts {
		if pdf.GetY() > 200 {
			pdf.AddPage()
		}
		pdf.Ln(3)
		opt := fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
		pdf.RegisterImageOptionsReader(c.Name, opt, bytes.NewReader(c.PNG))
		pdf.ImageOptions(c.Name, 15, pdf.GetY(), 180, 0, true, opt, 0, "")
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report pdf: %w", err)
	}
	return nil
}

// breakdownTable writes one row per station or officer.
func breakdownTable(pdf *fpdf.Fpdf, title string, rows []Breakdown) {
	if pdf.GetY() > 230 {
		pdf.AddPage()
	}
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(0, 6, title, "B", 1, "L", false, 0, "")
	head := []string{"", "Processed", "Match", "No match", "Ambig.", "Opt-out", "Referred", "Manual", "Match rate", "Median"}
	widths := []float64{34, 18, 16, 17, 15, 16, 17, 16, 20, 17}
	pdf.SetFont("Helvetica", "B", 8.5)
	for i, h := range head {
		pdf.CellFormat(widths[i], 5, h, "", 0, "R", false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 8.5)
	for _, b := range rows {
		if pdf.GetY() > 270 {
			pdf.AddPage()
		}
		key := b.Key
		if key == "" {
			key = "(none)"
		}
		cells := []string{key, fmt.Sprint(b.Processed), fmt.Sprint(b.Match), fmt.Sprint(b.NoMatch), fmt.Sprint(b.Ambiguous),
			fmt.Sprint(b.OptOut), fmt.Sprint(b.Referred), fmt.Sprint(b.ManualChecks), pct(b.MatchRate), secs(b.MedianMS)}
		for i, c := range cells {
			align := "R"
			if i == 0 {
				align = "L"
			}
			pdf.CellFormat(widths[i], 4.8, c, "", 0, align, false, 0, "")
		}
		pdf.Ln(-1)
	}
}
