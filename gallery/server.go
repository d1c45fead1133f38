package gallery

import (
	"context"
	"crypto/tls"
	"crypto/x509"
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
	"time"
)

// Listing is one flight the service offers on a date.
type Listing struct {
	Flight      string    `json:"flight"` // designator, e.g. "UA123"
	Carrier     string    `json:"carrier"`
	Number      string    `json:"number"`
	Date        string    `json:"date"`
	Origin      string    `json:"origin"`
	Destination string    `json:"destination"`
	Departure   time.Time `json:"departure"`
	IssuedAt    time.Time `json:"issued_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	KeyID       string    `json:"key_id"`
	Entries     int       `json:"entries"`
	Size        int64     `json:"size"`
	Path        string    `json:"path"` // URL path of the bundle on the service
}

// FlightList is the body of GET /v1/flights?date=YYYY-MM-DD.
type FlightList struct {
	Date    string    `json:"date"`
	Flights []Listing `json:"flights"`
}

// BundlePath is the URL path of a flight's bundle on the service.
func BundlePath(date, flight string) string {
	return "/v1/flights/" + date + "/" + flight + "/gallery"
}

// Server is the reference gallery service: it offers the signed bundles
// found in Dir. It lists a date's flights by what each bundle's header says,
// so a bundle is never offered for a date it was not built for.
type Server struct {
	Dir string
	Log *slog.Logger
	// Results, when set, receives encounter results at /results (the
	// reference back end's other half; see package transmit).
	Results http.Handler
}

type served struct {
	Listing
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
		h, err := ReadHeader(buf[:n])
		if err != nil || serr != nil {
			continue
		}
		fl := h.Flight
		l := Listing{Flight: fl.ID(), Carrier: fl.Carrier, Number: fl.Number, Date: fl.Date,
			Origin: fl.Origin, Destination: fl.Destination, Departure: fl.Departure,
			IssuedAt: h.IssuedAt, ExpiresAt: h.ExpiresAt, KeyID: h.KeyID, Entries: h.Entries,
			Size: st.Size(), Path: BundlePath(fl.Date, fl.ID())}
		if old, ok := out[fl.Key()]; ok && !h.IssuedAt.After(old.IssuedAt) {
			continue
		}
		out[fl.Key()] = served{Listing: l, file: path, mod: st.ModTime()}
	}
	return out, nil
}

func (s *Server) onList(w http.ResponseWriter, r *http.Request) {
	date := r.URL.Query().Get("date")
	if !ValidDate(date) {
		http.Error(w, "date must be YYYY-MM-DD", http.StatusBadRequest)
		return
	}
	all, err := s.scan()
	if err != nil {
		s.log().Error("gallery service: scan", "err", err)
		http.Error(w, "gallery folder unreadable", http.StatusInternalServerError)
		return
	}
	list := FlightList{Date: date, Flights: []Listing{}}
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
	s.log().Info("gallery service: serving", "flight", flight, "date", date, "range", r.Header.Get("Range"))
	http.ServeContent(w, r, "", sv.mod, f) // handles Range and If-Range
}

// ServerTLS is the service's TLS configuration: its certificate, and client
// certificates required and verified against the client CA.
func ServerTLS(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("server certificate: %w", err)
	}
	pool, err := loadPool(clientCAFile)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
		MinVersion:   tls.VersionTLS12,
	}, nil
}

func loadPool(caFile string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA certificate %s holds no PEM certificate", caFile)
	}
	return pool, nil
}

// Serve runs the service on ln with cfg until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener, cfg *tls.Config) error {
	srv := &http.Server{Handler: s.Handler(), TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second,
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

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Default().Warn("gallery service: write response", "err", err)
	}
}
