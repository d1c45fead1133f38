// Package booth is the officer's shift at the booth as a service the GUI
// calls: it drives one encounter.Encounter per traveler, asks a Decider for
// the biometric decision on a captured image, applies the opt-out policy,
// and records every finished encounter (timings, outcome, category, the
// photo with its retention deadline) and the audit entries through a
// Recorder. It has no GUI: tests run it without Fyne or face models.
package booth
