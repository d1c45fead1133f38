package pgtest

import (
	"context"
	"sync"
	"testing"
)

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared is the package's server, started on first use; TestMain calls
// StopShared after the tests.
func Shared() (*Server, error) {
	shared.once.Do(func() { shared.srv, shared.err = Start(Options{}) })
	return shared.srv, shared.err
}

// Database is a fresh database on the shared server. When PostgreSQL cannot
// be started the test fails: it never skips.
func Database(t testing.TB) string {
	t.Helper()
	srv, err := Shared()
	if err != nil {
		t.Fatalf("throw-away PostgreSQL server: %v", err)
	}
	dsn, err := srv.NewDatabase(context.Background())
	if err != nil {
		t.Fatalf("throw-away PostgreSQL database: %v", err)
	}
	return dsn
}

// Main runs the tests of m and stops the shared server if one started:
// call it from TestMain as os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared.srv != nil {
		if err := shared.srv.Stop(); err != nil {
			println("pgtest: " + err.Error())
		}
	}
	return code
}
