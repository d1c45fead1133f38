package ui

import (
	"fmt"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"veriport/quality"
)

// checklist is the compact list of quality measures beside the live view,
// one line each, coloured by verdict. UI thread only.
type checklist struct {
	box   *fyne.Container
	lines map[string]*widget.Label
}

// checklistOrder is the order and the set of measures listed.
var checklistOrder = []string{
	quality.MeasureFaceCount, quality.MeasureInterEye, quality.MeasureMargins, quality.MeasureCentring,
	quality.MeasureLuminance, quality.MeasureUnderExpose, quality.MeasureOverExpose, quality.MeasureDynamic,
	quality.MeasureUniformity, quality.MeasureYaw, quality.MeasurePitch, quality.MeasureRoll,
	quality.MeasureSharpness, quality.MeasureEyesOpen,
}

func newChecklist() *checklist {
	c := &checklist{box: container.NewVBox(), lines: map[string]*widget.Label{}}
	for _, name := range checklistOrder {
		l := widget.NewLabel(fmt.Sprintf("· %-18s %8s", quality.MeasureLabels[name], "—"))
		l.Importance = widget.LowImportance
		l.TextStyle = fyne.TextStyle{Monospace: true}
		c.lines[name] = l
		c.box.Add(l)
	}
	return c
}

// set shows the measures of r.
func (c *checklist) set(r quality.QualityReport) {
	for _, m := range r.Measures {
		l, ok := c.lines[m.Name]
		if !ok {
			continue
		}
		mark := map[quality.Verdict]string{quality.VerdictPass: "✓", quality.VerdictWarn: "!",
			quality.VerdictFail: "✗", quality.VerdictUnknown: "·"}[m.Verdict]
		text := fmt.Sprintf("%s %-18s %8s", mark, m.Label, checkValue(m))
		imp := verdictImportance(m.Verdict)
		if l.Text != text || l.Importance != imp {
			l.Text, l.Importance = text, imp
			l.Refresh()
		}
	}
}

// checkValue is a measure as an officer reads it: the value with a unit
// an officer knows (pixels, degrees, per cent, a count in the singular
// or the plural), or else the verdict in a word ("pass", "fail"), never
// a bare ratio ("Head in frame 0.12") or a grey level.
func checkValue(m quality.Measure) string {
	if math.IsNaN(m.Value) {
		return "—"
	}
	switch m.Unit {
	case "px", "deg", "%":
		return m.Text()
	case "faces", "eyes":
		n := int(math.Round(m.Value))
		unit := strings.TrimSuffix(m.Unit, "s")
		if n != 1 {
			unit = m.Unit
		}
		return fmt.Sprintf("%d %s", n, unit)
	}
	return map[quality.Verdict]string{quality.VerdictPass: "pass", quality.VerdictWarn: "check",
		quality.VerdictFail: "fail", quality.VerdictUnknown: "—"}[m.Verdict]
}
