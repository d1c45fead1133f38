package backend

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ErrInsecureDSN means a PostgreSQL DSN reaches another host without
// verifying its certificate and name (sslmode=verify-full): the results
// and the credentials would cross the network open to a man in the middle.
var ErrInsecureDSN = errors.New("results database DSN does not verify the server (sslmode=verify-full)")

// CheckDSN refuses a PostgreSQL DSN to a host other than this machine
// (a Unix socket, localhost or a loopback address) unless it says
// sslmode=verify-full. SQLite paths pass.
func CheckDSN(dsn string) error {
	if !IsPostgresDSN(dsn) {
		return nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("results database DSN %s is not a URL", redactDSN(dsn))
	}
	q := u.Query()
	if q.Get("sslmode") == "verify-full" {
		return nil
	}
	hosts := strings.Split(u.Host, ",")
	if h := q.Get("host"); h != "" {
		hosts = strings.Split(h, ",")
	}
	for _, h := range hosts {
		if hh, _, err := net.SplitHostPort(h); err == nil {
			h = hh
		}
		h = strings.Trim(h, "[]")
		ip := net.ParseIP(h)
		if h == "" || strings.HasPrefix(h, "/") || h == "localhost" || (ip != nil && ip.IsLoopback()) {
			continue
		}
		return fmt.Errorf("%w: %s reaches %s with sslmode=%q; add sslmode=verify-full (and sslrootcert)",
			ErrInsecureDSN, redactDSN(dsn), h, q.Get("sslmode"))
	}
	return nil
}

// OpenReadOnly opens the result store dsn names for reading only (the
// terminal report): no migration runs, a SQLite file is opened read-only
// and a PostgreSQL session is read-only (default_transaction_read_only);
// give it a role that may only read as well.
func OpenReadOnly(ctx context.Context, dsn string) (*Store, error) {
	if err := CheckDSN(dsn); err != nil {
		return nil, err
	}
	s := &Store{pg: IsPostgresDSN(dsn), Where: redactDSN(dsn)}
	var err error
	if s.pg {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		s.DB, err = sql.Open("pgx", dsn+sep+"default_transaction_read_only=on")
	} else {
		s.DB, err = sql.Open("sqlite3", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?mode=ro&_busy_timeout=5000")
	}
	if err != nil {
		return nil, fmt.Errorf("open results database %s: %w", s.Where, err)
	}
	if err := s.DB.PingContext(ctx); err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("open results database %s: %w", s.Where, err)
	}
	return s, nil
}
