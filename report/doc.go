// Package report computes supervisor shift reports from the record store:
// travelers processed, outcomes, match and capture rates, time to decision,
// operational accuracy, purge compliance, audit-chain status and the outbox
// backlog, for a time range filtered by station, officer and flight. It
// renders the report's charts (gonum/plot) and exports it as PDF (fpdf),
// CSV (encounter rows: no photo, template or name) and JSON. It has no
// Fyne: the supervisor screen in ui/ shows what this package computes.
package report
