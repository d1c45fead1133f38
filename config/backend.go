package config

import "regexp"

// stationPattern is what a station id may be: the back end binds it to the
// booth's client certificate and prints it in listings.
var stationPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$`)

// Backend is the [backend] section: the back end's result store. The
// reference back end (`veriport gallery serve`) stores results there, and
// terminal-wide reports (`veriport report --backend-db`, the supervisor
// screen's "All booths" source) read it.
type Backend struct {
	// ResultsDB is a PostgreSQL URL (postgres://user@host/db) or a SQLite
	// file path; empty means DATA/backend/results.db for gallery serve and
	// no terminal-wide source in the supervisor screen.
	ResultsDB string `toml:"results_db"`
}
