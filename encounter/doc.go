// Package encounter is the pure logic of one traveler encounter at the booth:
// the state machine an officer drives (step up, capture, decision, opt-out,
// manual document check, done), the exemption and opt-out policy kept as
// versioned rule sets, and the ICAO 9303 TD3 machine-readable zone parser
// the manual check uses. It has no GUI, no storage and no logging: the
// caller (ui, record) decides what to show and what to keep, and must never
// log names or document numbers taken from an MRZ.
package encounter
