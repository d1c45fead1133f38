package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Chart is one rendered chart: a PNG in memory.
type Chart struct {
	Name  string // file-safe name: outcomes, decision, reasons
	Title string
	PNG   []byte
}

// Chart size (PNG at gonum's 96 dpi default).
const (
	chartW = 7 * vg.Inch
	chartH = 3 * vg.Inch
)

// Outcome colours, shared by the legend and the bars.
var (
	colMatch     = color.RGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	colNoMatch   = color.RGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	colAmbiguous = color.RGBA{R: 0xef, G: 0x6c, B: 0x00, A: 0xff}
	colOptOut    = color.RGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff}
	colNone      = color.RGBA{R: 0x75, G: 0x75, B: 0x75, A: 0xff}
)

// Charts renders the report's three charts: outcomes per hour (stacked),
// the time-to-decision distribution and the capture-failure reasons.
func Charts(r *Report) ([]Chart, error) {
	var out []Chart
	for _, c := range []struct {
		name, title string
		build       func(*Report) (*plot.Plot, error)
	}{
		{"outcomes", "Outcomes per hour (UTC)", outcomesChart},
		{"decision", "Time to decision", decisionChart},
		{"reasons", "Capture failure reasons", reasonsChart},
	} {
		p, err := c.build(r)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.name, err)
		}
		p.Title.Text = c.title
		png, err := renderPNG(p)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.name, err)
		}
		out = append(out, Chart{Name: c.name, Title: c.title, PNG: png})
	}
	return out, nil
}

func renderPNG(p *plot.Plot) ([]byte, error) {
	w, err := p.WriterTo(chartW, chartH, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// barWidth fits n bars in the chart's width.
func barWidth(n int) vg.Length {
	w := (chartW - vg.Inch) / vg.Length(max(n, 1)) * 0.8
	return min(w, vg.Points(30))
}

func outcomesChart(r *Report) (*plot.Plot, error) {
	p := plot.New()
	p.Y.Label.Text = "travelers"
	n := len(r.Hourly)
	series := []struct {
		label string
		col   color.Color
		get   func(Hour) int
	}{
		{"match", colMatch, func(h Hour) int { return h.Match }},
		{"no match", colNoMatch, func(h Hour) int { return h.NoMatch }},
		{"ambiguous", colAmbiguous, func(h Hour) int { return h.Ambiguous }},
		{"opt-out", colOptOut, func(h Hour) int { return h.OptOut }},
		{"no decision", colNone, func(h Hour) int { return h.NoDecision }},
	}
	var below *plotter.BarChart
	for _, s := range series {
		vals := make(plotter.Values, n)
		for i, h := range r.Hourly {
			vals[i] = float64(s.get(h))
		}
		if n == 0 {
			vals = plotter.Values{0}
		}
		b, err := plotter.NewBarChart(vals, barWidth(n))
		if err != nil {
			return nil, err
		}
		b.Color, b.LineStyle.Width = s.col, 0
		if below != nil {
			b.StackOn(below)
		}
		below = b
		p.Add(b)
		p.Legend.Add(s.label, b)
	}
	// Headroom above the tallest bar for the legend (top right).
	most := 1
	for _, h := range r.Hourly {
		most = max(most, h.Total())
	}
	p.Y.Min, p.Y.Max = 0, float64(most)/0.58
	p.Legend.Top = true
	names := make([]string, n)
	step := max(1, n/12)
	for i, h := range r.Hourly {
		if i%step == 0 {
			names[i] = h.Start.Format("15:00")
		}
	}
	p.NominalX(names...)
	return p, nil
}

func decisionChart(r *Report) (*plot.Plot, error) {
	p := plot.New()
	p.Y.Label.Text = "decisions"
	p.X.Label.Text = fmt.Sprintf("seconds (median %.1f s, p95 %.1f s)",
		float64(r.Decision.MedianMS)/1000, float64(r.Decision.P95MS)/1000)
	h := r.Decision.Histogram
	vals := make(plotter.Values, len(h))
	names := make([]string, len(h))
	for i, b := range h {
		vals[i] = float64(b.Count)
		if b.ToMS < 0 {
			names[i] = fmt.Sprintf(">=%.4g", float64(b.FromMS)/1000)
		} else if i%2 == 0 {
			names[i] = fmt.Sprintf("%.4g", float64(b.FromMS)/1000)
		}
	}
	if len(vals) == 0 {
		vals, names = plotter.Values{0}, []string{"no decisions"}
	}
	b, err := plotter.NewBarChart(vals, barWidth(len(vals)))
	if err != nil {
		return nil, err
	}
	b.Color, b.LineStyle.Width = colOptOut, 0
	p.Add(b)
	p.NominalX(names...)
	return p, nil
}

func reasonsChart(r *Report) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = fmt.Sprintf("failed captures (%d of %d attempts)", r.Capture.Failed, r.Capture.Attempts)
	rs := r.Capture.TopReasons
	vals := make(plotter.Values, len(rs))
	names := make([]string, len(rs))
	for i, rc := range rs { // most frequent at the top
		vals[len(rs)-1-i] = float64(rc.Count)
		names[len(rs)-1-i] = rc.Label
	}
	if len(vals) == 0 {
		vals, names = plotter.Values{0}, []string{"no failed captures"}
	}
	b, err := plotter.NewBarChart(vals, min(barWidth(len(vals)), vg.Points(18)))
	if err != nil {
		return nil, err
	}
	b.Horizontal = true
	b.Color, b.LineStyle.Width = colNoMatch, 0
	p.Add(b)
	p.X.Min, p.X.Max = 0, math.Max(1, floats.Max(vals)*1.1)
	p.NominalY(names...)
	return p, nil
}
