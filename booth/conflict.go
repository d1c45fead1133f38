package booth

import "veriport/encounter"

// CategoryConflict reports whether a MATCH contradicts what the officer
// established from the document (the policy decision of a refused
// opt-out): the gallery says one category, the document another (a
// gallery without the category contradicts nothing). Such a match is not
// cleared by Next: the document is checked by hand first.
func CategoryConflict(d *Decision, policy *encounter.Decision) bool {
	return d != nil && d.Outcome == encounter.OutcomeMatch && d.Category != "" && policy != nil &&
		policy.Category != "" && policy.Category != d.Category
}
