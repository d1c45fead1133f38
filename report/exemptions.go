package report

import (
	"context"
	"fmt"
)

// exemptionLabels say each exemption code of the rule sets in words.
var exemptionLabels = map[string]string{
	"age-under":          "Younger than the rule set's age limit",
	"age-over":           "Older than the rule set's age limit",
	"canadian-b-visitor": "Canadian B visitor without a visa",
	"diplomatic-visa":    "A-1, A-2, G or NATO visa",
	"c3-visa":            "C-3 visa",
	"taiwan-e1":          "Taiwan official with an E-1 visa",
	"secretaries":        "Individually exempted by the Secretaries",
	"":                   "Reason not recorded",
}

// ExemptionLabel is an exemption code in words (the code itself when the
// report does not know it).
func ExemptionLabel(code string) string {
	if l, ok := exemptionLabels[code]; ok {
		return l
	}
	return code
}

// exemptions counts the exempt travelers of the range by reason and rule
// set, the most frequent first.
func exemptions(ctx context.Context, src source, r *Report, _ Options) error {
	where, args := r.Filter.where(src)
	r.Exemptions = []ExemptionCount{}
	rows, err := src.q.QueryContext(ctx, src.sql(`SELECT exemption_reason, rule_set, COUNT(*) FROM {encounters}
		WHERE `+where+` AND category = 'exempt' GROUP BY exemption_reason, rule_set
		ORDER BY COUNT(*) DESC, exemption_reason, rule_set`), args...)
	if err != nil {
		return fmt.Errorf("exemptions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x ExemptionCount
		if err := rows.Scan(&x.Reason, &x.RuleSet, &x.Count); err != nil {
			return fmt.Errorf("exemptions: %w", err)
		}
		x.Label = ExemptionLabel(x.Reason)
		r.Exemptions = append(r.Exemptions, x)
	}
	return rows.Err()
}

// exemptionFigures are the report lines of the exemptions: the total, then
// one per reason and rule set.
func exemptionFigures(r *Report) []Figure {
	total := 0
	for _, x := range r.Exemptions {
		total += x.Count
	}
	fs := []Figure{{Section: "Exemptions", Label: "Exempt travelers", Value: fmt.Sprint(total)}}
	for _, x := range r.Exemptions {
		rules := x.RuleSet
		if rules == "" {
			rules = "not recorded"
		}
		fs = append(fs, Figure{Section: "Exemptions", Label: x.Label,
			Value: fmt.Sprintf("%d (rule set %s)", x.Count, rules)})
	}
	return fs
}
