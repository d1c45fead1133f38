package report

import (
	"encoding/json"
	"math"
	"sort"
	"strings"

	"veriport/quality"
)

// QualitySummary is the quality JSON kept with an encounter (column
// encounters.quality): never the image, only the capture attempt's verdict.
// Failed names the mandatory measures (quality.Measure* names) that did not
// pass when the attempt ended; on a capture that failed they are the reasons
// capture failed.
type QualitySummary struct {
	Captured bool     `json:"captured"`
	Auto     bool     `json:"auto,omitempty"`
	Score    float64  `json:"score,omitempty"`
	Failed   []string `json:"failed,omitempty"`
}

// Reasons without a summary to read them from.
const (
	ReasonUnrecorded = "unrecorded" // no quality summary kept with the encounter
	ReasonUnreadable = "unreadable" // a summary that is not JSON of a known shape
)

// reportShape is quality.QualityReport as encoding/json writes it, for a
// recorder that stores the last frame's report itself.
type reportShape struct {
	Measures []struct {
		Name      string
		Verdict   string
		Mandatory bool
	}
}

// FailureReasons returns the measures a stored quality summary names as
// failing, each once, sorted. It reads a QualitySummary or a serialised
// quality.QualityReport (mandatory measures that did not pass).
func FailureReasons(summary string) []string {
	s := strings.TrimSpace(summary)
	if s == "" {
		return []string{ReasonUnrecorded}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return []string{ReasonUnreadable}
	}
	var names []string
	if _, ok := raw["Measures"]; ok {
		var r reportShape
		if json.Unmarshal([]byte(s), &r) != nil {
			return []string{ReasonUnreadable}
		}
		for _, m := range r.Measures {
			if m.Mandatory && m.Verdict != string(quality.VerdictPass) && m.Name != "" {
				names = append(names, m.Name)
			}
		}
	} else {
		var q QualitySummary
		if json.Unmarshal([]byte(s), &q) != nil {
			return []string{ReasonUnreadable}
		}
		names = q.Failed
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	if len(out) == 0 {
		return []string{ReasonUnrecorded}
	}
	sort.Strings(out)
	return out
}

// ReasonLabel is the readable name of a failure reason: the checklist label
// of a quality measure, else the reason itself.
func ReasonLabel(reason string) string {
	if l, ok := quality.MeasureLabels[reason]; ok {
		return l
	}
	switch reason {
	case ReasonUnrecorded:
		return "Not recorded"
	case ReasonUnreadable:
		return "Unreadable summary"
	}
	return reason
}

// Summarize is the quality summary to keep with an encounter (column
// encounters.quality) from the last quality report of its capture attempt:
// whether a photo was captured, automatically or not, the composite score,
// and the mandatory measures that did not pass. It holds no image data.
func Summarize(r quality.QualityReport, captured, auto bool) string {
	q := QualitySummary{Captured: captured, Auto: auto && captured, Score: math.Round(r.Score*1000) / 1000}
	if math.IsNaN(q.Score) {
		q.Score = 0
	}
	for _, m := range r.Measures {
		if m.Mandatory && m.Verdict != quality.VerdictPass {
			q.Failed = append(q.Failed, m.Name)
		}
	}
	if len(r.Measures) == 0 && !captured {
		q.Failed = []string{quality.MeasureFaceCount} // no face analysed at all
	}
	b, _ := json.Marshal(q)
	return string(b)
}
