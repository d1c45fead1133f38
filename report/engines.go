package report

import (
	"context"
	"fmt"
)

// EngineCount is the biometric decisions (match, no match, ambiguous) of
// the range made by one face engine, and the range of the thresholds they
// were decided against: the engines' distances and thresholds are on
// different scales, so they are never pooled.
type EngineCount struct {
	Engine       string  `json:"engine"` // dlib, sface; "" on records made before the engine was kept
	Label        string  `json:"label"`
	Decisions    int     `json:"decisions"`
	Matches      int     `json:"matches"`
	ThresholdMin float64 `json:"threshold_min,omitempty"` // 0: no threshold recorded
	ThresholdMax float64 `json:"threshold_max,omitempty"`
}

// engineLabels say each engine in words.
var engineLabels = map[string]string{
	"dlib":  "dlib ResNet",
	"sface": "SFace",
	"":      "Engine not recorded",
}

// EngineLabel is an engine's name in words (the name itself when the
// report does not know it).
func EngineLabel(engine string) string {
	if l, ok := engineLabels[engine]; ok {
		return l
	}
	return engine
}

// engines counts the biometric decisions of the range by engine, the most
// frequent first.
func engines(ctx context.Context, src source, r *Report, _ Options) error {
	where, args := r.Filter.where(src)
	r.Engines = []EngineCount{}
	rows, err := src.q.QueryContext(ctx, src.sql(`SELECT engine, COUNT(*), `+count("outcome = 'match'")+`,
		COALESCE(MIN(threshold), 0), COALESCE(MAX(threshold), 0) FROM {encounters}
		WHERE `+where+` AND outcome IN ('match', 'no-match', 'ambiguous') GROUP BY engine
		ORDER BY COUNT(*) DESC, engine`), args...)
	if err != nil {
		return fmt.Errorf("engines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x EngineCount
		if err := rows.Scan(&x.Engine, &x.Decisions, &x.Matches, &x.ThresholdMin, &x.ThresholdMax); err != nil {
			return fmt.Errorf("engines: %w", err)
		}
		x.Label = EngineLabel(x.Engine)
		r.Engines = append(r.Engines, x)
	}
	return rows.Err()
}

// engineFigures are the report lines of the engines: one per engine with
// its decisions, matches and thresholds.
func engineFigures(r *Report) []Figure {
	var fs []Figure
	for _, x := range r.Engines {
		v := fmt.Sprintf("%d decisions, %d matches", x.Decisions, x.Matches)
		switch {
		case x.ThresholdMax == 0:
			v += ", no threshold recorded"
		case x.ThresholdMin == x.ThresholdMax:
			v += fmt.Sprintf(", threshold %.2f", x.ThresholdMin)
		default:
			v += fmt.Sprintf(", threshold %.2f to %.2f", x.ThresholdMin, x.ThresholdMax)
		}
		label := x.Label
		if x.Engine != "" {
			label += " (" + x.Engine + ")"
		}
		fs = append(fs, Figure{Section: "Engines", Label: label, Value: v})
	}
	return fs
}
