// Package galleryservice is the reference gallery service: it lists a
// date's flights and serves their signed bundles over mutual TLS, and
// mounts the results receiver (package backend) beside them. It is the
// back end of demos, tests and the load test; a booth never links it.
package galleryservice

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"veriport/gallery"
)

// Server is the reference gallery service: it offers the signed bundles
// found in Dir. It lists a date's flights by what each bundle's header says,
// so a bundle is never offered for a date it was not built for.
type Server struct {
	Dir string
	Log *slog.Logger
	// Results, when set, receives encounter results at /results (the
	// reference back end's other half: backend.Receiver).
	Results http.Handler
	// Timeouts once a connection is accepted (defaults when zero): the
	// whole request including its body, writing the response, and an idle
	// keep-alive connection.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxConnsPerClient bounds the open connections of one client
	// certificate (DefaultMaxConnsPerClient when zero); more are closed.
	MaxConnsPerClient int
}

// Connection defaults of Server.
const (
	DefaultReadTimeout       = 10 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxConnsPerClient = 8
)

type served struct {
	gallery.Listing
	file string
	mod  time.Time
}

// Handler routes GET /v1/flights and GET /v1/flights/{date}/{flight}/gallery,
// and /results to the Results handler when one is set.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/flights", s.onList)
	mux.HandleFunc("GET /v1/flights/{date}/{flight}/gallery", s.onBundle)
	if s.Results != nil {
		mux.Handle("/results", s.Results)
	}
	return mux
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// scan reads the header of every bundle in Dir; the newest issue of each
// flight and date wins. Files that are not bundles are skipped.
func (s *Server) scan() (map[string]served, error) {
	ents, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	out := map[string]served{}
	buf := make([]byte, 4096)
	for _, de := range ents {
		if !de.Type().IsRegular() {
			continue
		}
		path := filepath.Join(s.Dir, de.Name())
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		n, _ := io.ReadFull(f, buf)
		st, serr := f.Stat()
		f.Close()
		h, err := gallery.ReadHeader(buf[:n])
		if err != nil || serr != nil {
			continue
		}
		fl := h.Flight
		l := gallery.Listing{Flight: fl.ID(), Carrier: fl.Carrier, Number: fl.Number, Date: fl.Date,
			Origin: fl.Origin, Destination: fl.Destination, Departure: fl.Departure,
			IssuedAt: h.IssuedAt, ExpiresAt: h.ExpiresAt, KeyID: h.KeyID, Entries: h.Entries,
			Size: st.Size(), Path: gallery.BundlePath(fl.Date, fl.ID())}
		if old, ok := out[fl.Key()]; ok && !h.IssuedAt.After(old.IssuedAt) {
			continue
		}
		out[fl.Key()] = served{Listing: l, file: path, mod: st.ModTime()}
	}
	return out, nil
}

func (s *Server) onList(w http.ResponseWriter, r *http.Request) {
	date := r.URL.Query().Get("date")
	if !gallery.ValidDate(date) {
		http.Error(w, "date must be YYYY-MM-DD", http.StatusBadRequest)
		return
	}
	all, err := s.scan()
	if err != nil {
		s.log().Error("gallery service: scan", "err", err)
		http.Error(w, "gallery folder unreadable", http.StatusInternalServerError)
		return
	}
	list := gallery.FlightList{Date: date, Flights: []gallery.Listing{}}
	for _, sv := range all {
		if sv.Date == date {
			list.Flights = append(list.Flights, sv.Listing)
		}
	}
	sort.Slice(list.Flights, func(i, j int) bool { return list.Flights[i].Flight < list.Flights[j].Flight })
	writeJSON(w, list)
}

func (s *Server) onBundle(w http.ResponseWriter, r *http.Request) {
	date, flight := r.PathValue("date"), r.PathValue("flight")
	all, err := s.scan()
	if err != nil {
		http.Error(w, "gallery folder unreadable", http.StatusInternalServerError)
		return
	}
	sv, ok := all[date+"_"+flight]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(sv.file)
	if err != nil {
		http.Error(w, "bundle unreadable", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/vnd.veriport.gallery")
	w.Header().Set("ETag", fmt.Sprintf(`"%x-%x-%x"`, sv.IssuedAt.Unix(), sv.Size, sv.mod.UnixNano()))
	s.log().Info("gallery service: serving", "flight", flight, "date", date, "range", rangeSummary(r.Header.Get("Range")))
	http.ServeContent(w, r, "", sv.mod, f) // handles Range and If-Range
}

// rangeSummary is a bounded, printable account of a Range header for logs.
func rangeSummary(h string) string {
	const keep = 40
	if h == "" {
		return ""
	}
	n := strings.Count(h, ",") + 1
	head := h
	if len(head) > keep {
		head = head[:keep]
	}
	head = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, head)
	if len(h) > keep {
		return fmt.Sprintf("%s… (%d bytes, %d ranges)", head, len(h), n)
	}
	return head
}

// Serve runs the service on ln with cfg until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener, cfg *tls.Config) error {
	limit := &connLimit{max: orInt(s.MaxConnsPerClient, DefaultMaxConnsPerClient), open: map[string]int{},
		conns: map[net.Conn]string{}, over: map[net.Conn]bool{}, log: s.log()}
	srv := &http.Server{Handler: limit.guard(s.Handler()),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, connKey{}, c) }, TLSConfig: cfg, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:    orDur(s.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:   orDur(s.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:    orDur(s.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes: 16 << 10, ConnState: limit.track,
		ErrorLog: slog.NewLogLogger(s.log().Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	err := srv.Serve(tls.NewListener(ln, cfg))
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func orDur(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}

func orInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// connLimit counts the open connections of each client certificate and
// closes those beyond max.
type connLimit struct {
	max   int
	log   *slog.Logger
	mu    sync.Mutex
	open  map[string]int      // certificate -> open connections
	conns map[net.Conn]string // counted connection -> its certificate
	over  map[net.Conn]bool   // connections beyond the limit
}

type connKey struct{}

// guard answers 429 and closes the connection on a connection beyond the
// client's limit.
func (l *connLimit) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Context().Value(connKey{}).(net.Conn)
		l.mu.Lock()
		over := l.over[c]
		l.mu.Unlock()
		if over {
			w.Header().Set("Connection", "close")
			http.Error(w, "too many connections from this client", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// track is the http.Server's ConnState hook. A connection is counted when
// it becomes active: the TLS handshake is done and the certificate known.
func (l *connLimit) track(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch st {
	case http.StateActive:
		if _, ok := l.conns[c]; ok {
			return
		}
		tc, ok := c.(*tls.Conn)
		if !ok {
			return
		}
		cs := tc.ConnectionState()
		if len(cs.PeerCertificates) == 0 {
			return
		}
		leaf := cs.PeerCertificates[0]
		key := string(leaf.RawIssuer) + "/" + leaf.SerialNumber.String()
		if l.open[key] >= l.max {
			if !l.over[c] {
				l.log.Warn("gallery service: too many connections from one client; refusing one",
					"max", l.max)
			}
			l.over[c] = true
			return
		}
		l.open[key]++
		l.conns[c] = key
	case http.StateClosed, http.StateHijacked:
		delete(l.over, c)
		if key, ok := l.conns[c]; ok {
			delete(l.conns, c)
			if l.open[key]--; l.open[key] <= 0 {
				delete(l.open, key)
			}
		}
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Default().Warn("gallery service: write response", "err", err)
	}
}
