package report

import (
	"veriport/backend"
	"veriport/record"
)

// Local is a booth's record store as a report reads it: the *sql.DB of a
// record.Store, or a transaction on it.
type Local = record.DBTX

// Backend is the back end's result store a terminal-wide report reads
// (ComputeTerminal, WriteTerminal).
type Backend = backend.Store
