// Package pgtest runs a throw-away PostgreSQL server for tests and
// benchmarks: initdb and pg_ctl (the Debian postgresql package) on a
// temporary folder, listening only on a Unix socket in that folder, stopped
// and removed at the end. PostgreSQL refuses to run as root, so as root the
// server runs as the unprivileged "postgres" user (runuser).
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// ErrNoPostgres means the PostgreSQL server binaries are not installed.
var ErrNoPostgres = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package (make setup)")

// Options tune the server.
type Options struct {
	// Durable keeps fsync on (benchmarks); tests run without it. Commits
	// are always synchronous, so a server killed and restarted (Restart)
	// keeps every acknowledged commit.
	Durable bool
}

// Server is one running throw-away PostgreSQL server.
type Server struct {
	dir, data, bin string
	runAs          string // "" or the user the server runs as
	mu             sync.Mutex
	n              int
}

// BinDir finds the folder of initdb and pg_ctl: $PG_BIN, then the newest
// /usr/lib/postgresql/*/bin, then $PATH.
func BinDir() (string, error) {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoPostgres
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start makes a cluster in a new temporary folder and starts it.
func Start(o Options) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "veriport-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, data: filepath.Join(dir, "data"), bin: bin}
	if os.Geteuid() == 0 {
		s.runAs = "postgres"
		u, err := user.Lookup(s.runAs)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("PostgreSQL cannot run as root and there is no %q user: %w", s.runAs, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("hand the PostgreSQL folder to %s: %w", s.runAs, err)
		}
	}
	if out, err := s.run("initdb", "-D", s.data, "-U", "veriport", "--auth=trust", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	conf := []string{"listen_addresses = ''", "unix_socket_directories = '" + dir + "'",
		"max_connections = 200", "shared_buffers = 128MB", "log_min_messages = warning"}
	if !o.Durable {
		conf = append(conf, "fsync = off", "full_page_writes = off")
	}
	f, err := os.OpenFile(filepath.Join(s.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString("\n" + strings.Join(conf, "\n") + "\n")
		f.Close()
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("configure PostgreSQL: %w", err)
	}
	if err := s.startServer(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) run(tool string, args ...string) (string, error) {
	name := filepath.Join(s.bin, tool)
	if s.runAs != "" {
		args = append([]string{"-u", s.runAs, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (s *Server) startServer() error {
	if out, err := s.run("pg_ctl", "-D", s.data, "-l", filepath.Join(s.dir, "server.log"), "-w", "-t", "60",
		"start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
		return fmt.Errorf("pg_ctl start: %w: %s %s", err, out, log)
	}
	return nil
}

// Stop stops the server (fast shutdown) and removes its folder.
func (s *Server) Stop() error {
	var err error
	if _, serr := os.Stat(filepath.Join(s.data, "postmaster.pid")); serr == nil {
		var out string
		if out, err = s.run("pg_ctl", "-D", s.data, "-m", "fast", "-w", "stop"); err != nil {
			err = fmt.Errorf("pg_ctl stop: %w: %s", err, out)
		}
	}
	os.RemoveAll(s.dir)
	return err
}

// Restart stops the server (immediate: connections are cut as a crash
// would) and starts it again on the same data.
func (s *Server) Restart() error {
	if out, err := s.run("pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	return s.startServer()
}

// DSN is a postgres:// URL of database name on the server, over the Unix
// socket.
func (s *Server) DSN(name string) string {
	q := url.Values{"host": {s.dir}, "user": {"veriport"}, "sslmode": {"disable"}}
	return "postgres:///" + name + "?" + q.Encode()
}

// NewDatabase creates a fresh database and returns its DSN.
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	s.mu.Lock()
	s.n++
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.n)
	s.mu.Unlock()
	db, err := sql.Open("pgx", s.DSN("postgres"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return s.DSN(name), nil
}
