// Package traveler holds what the booth says to the traveler: the text of
// the traveler's screen in each language (one data file per language under
// lang/, with the notice of the right to decline for each rule set), the
// choice of a language from a passport's nationality, the mapping of the
// capture guidance to message keys, and the right-to-left line order the
// screen needs. It knows nothing of Fyne: ui draws what it returns.
package traveler
