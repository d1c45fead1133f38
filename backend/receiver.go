package backend

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"time"

	"veriport/transmit"
)

// maxResultBytes bounds one result message (a partner photo included).
const maxResultBytes = 8 << 20

// Certificate roles: a booth certificate names its station in the subject's
// common name; a certificate whose organizational unit is RoleSupervisor or
// RoleAuditor reads every station's results and files none.
const (
	RoleBooth      = "booth"
	RoleSupervisor = "supervisor"
	RoleAuditor    = "auditor"
)

// ErrIdentity means the client certificate does not say who the client is.
var ErrIdentity = errors.New("client certificate does not name a station or role")

// Identity is who a client certificate says the client is.
type Identity struct {
	Role    string // RoleBooth, RoleSupervisor or RoleAuditor
	Station string // the booth's station id (booths only)
}

// PeerIdentity reads the identity of the verified client certificate of cs.
func PeerIdentity(cs *tls.ConnectionState) (Identity, error) {
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return Identity{}, fmt.Errorf("%w: no client certificate", ErrIdentity)
	}
	sub := cs.PeerCertificates[0].Subject
	for _, role := range []string{RoleSupervisor, RoleAuditor} {
		if slices.Contains(sub.OrganizationalUnit, role) {
			return Identity{Role: role}, nil
		}
	}
	cn := sub.CommonName
	if !transmit.ValidID(cn) {
		return Identity{}, fmt.Errorf("%w: common name %q is not a station id", ErrIdentity, transmit.Clip(cn))
	}
	return Identity{Role: RoleBooth, Station: cn}, nil
}

// Receiver is the reference back end's results endpoint: it checks each
// result against the message schema and the client certificate, stores it
// once (Store), acknowledges it, and acknowledges a duplicate (the same
// result sent again) without storing it again. Mount it at ResultsPath.
//
// Refusals are 4xx and final (the booth sets the message aside, it does not
// retry): 400 malformed, 403 station not the certificate's, 405 method,
// 409 a different result already stored under the encounter id, 413 too
// large (announced too large: answered before the body is read, so a
// client that asked "Expect: 100-continue" sends nothing), 415 not JSON,
// 422 unknown version or a field out of the schema. A store failure is
// 503: the booth retries.
type Receiver struct {
	store *Store
	log   *slog.Logger
	// Window is the span of accepted result times around Now
	// (DefaultWindow when zero).
	Window transmit.Window
	// Now is the receiver's clock (time.Now when nil).
	Now func() time.Time
	// BeforeAck, if set, runs after a result is stored and before the answer
	// is written (tests use it to drop the connection at that moment).
	BeforeAck func(w http.ResponseWriter, r *http.Request)
}

// NewReceiver receives results into st.
func NewReceiver(st *Store, log *slog.Logger) *Receiver {
	if log == nil {
		log = slog.Default()
	}
	return &Receiver{store: st, log: log}
}

// OpenReceiver opens (creating and migrating) the result store dsn names
// (postgres://… or a SQLite file path) and receives into it.
func OpenReceiver(ctx context.Context, dsn string, log *slog.Logger) (*Receiver, error) {
	st, err := OpenStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return NewReceiver(st, log), nil
}

// Store is the receiver's result store.
func (rc *Receiver) Store() *Store { return rc.store }

// Close closes the store.
func (rc *Receiver) Close() error { return rc.store.Close() }

func (rc *Receiver) now() time.Time {
	if rc.Now != nil {
		return rc.Now()
	}
	return time.Now()
}

// ServeHTTP accepts POST (one result) and GET ?date=YYYY-MM-DD (a listing).
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := PeerIdentity(r.TLS)
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	switch r.Method {
	case http.MethodPost:
		rc.receive(w, r, id)
	case http.MethodGet:
		rc.list(w, r, id)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// refusalStatus maps a decode or validation error to its status code.
func refusalStatus(err error) int {
	switch {
	case errors.Is(err, transmit.ErrUnknownVersion):
		return http.StatusUnprocessableEntity
	case errors.Is(err, transmit.ErrBadResult):
		return http.StatusBadRequest
	}
	return http.StatusBadRequest
}

func (rc *Receiver) receive(w http.ResponseWriter, r *http.Request, id Identity) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		http.Error(w, "Content-Type must be application/json", http.StatusUnsupportedMediaType)
		return
	}
	if id.Role != RoleBooth {
		http.Error(w, "a "+id.Role+" certificate files no results", http.StatusForbidden)
		return
	}
	if r.ContentLength > maxResultBytes {
		// Before the first read: Go's server sends "100 Continue" only
		// when the handler reads the body.
		w.Header().Set(transmit.RefusalHeader, transmit.CauseMessage.String())
		http.Error(w, fmt.Sprintf("result message larger than %d bytes", maxResultBytes), http.StatusRequestEntityTooLarge)
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("result message larger than %d bytes", maxResultBytes), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	res, err := transmit.Decode(body)
	if err != nil {
		cause := transmit.CauseMessage
		if errors.Is(err, transmit.ErrUnknownVersion) {
			cause = transmit.CauseConfig // the booth speaks a version this back end does not know yet
		}
		w.Header().Set(transmit.RefusalHeader, cause.String())
		http.Error(w, err.Error(), refusalStatus(err))
		return
	}
	win := rc.Window
	if win == (transmit.Window{}) {
		win = transmit.DefaultWindow
	}
	now := rc.now().UTC()
	if err := res.ValidateAt(now, win); err != nil {
		cause := transmit.CauseMessage
		if errors.Is(err, transmit.ErrOutsideWindow) {
			cause = transmit.CauseClock
		}
		w.Header().Set(transmit.RefusalHeader, cause.String())
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	if res.Station != id.Station {
		w.Header().Set(transmit.RefusalHeader, transmit.CauseConfig.String())
		rc.log.Warn("result refused: station is not the certificate's", "cert_station", id.Station,
			"station", transmit.Clip(res.Station))
		http.Error(w, fmt.Sprintf("station %q is not the station of this client certificate", res.Station), http.StatusForbidden)
		return
	}
	dup, err := rc.store.Put(r.Context(), &res, body, now)
	if errors.Is(err, ErrConflict) {
		rc.log.Warn("result refused: a different result is stored under its encounter id",
			"station", id.Station, "encounter", res.EncounterID)
		w.Header().Set(transmit.RefusalHeader, transmit.CauseMessage.String()) // resending it cannot help: dead-letter it
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	if err != nil {
		rc.log.Error("store result", "err", err)
		http.Error(w, "could not store result", http.StatusServiceUnavailable)
		return
	}
	if rc.BeforeAck != nil {
		rc.BeforeAck(w, r)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(transmit.Ack{EncounterID: res.EncounterID, Duplicate: dup, ReceivedAt: now})
}

// readBody reads at most maxResultBytes (a *http.MaxBytesError beyond).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxResultBytes))
}

func (rc *Receiver) list(w http.ResponseWriter, r *http.Request, id Identity) {
	date := r.URL.Query().Get("date")
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		http.Error(w, "date must be YYYY-MM-DD", http.StatusBadRequest)
		return
	}
	station := r.URL.Query().Get("station")
	if id.Role == RoleBooth {
		if station != "" && station != id.Station {
			http.Error(w, "a booth certificate reads only its own station's results", http.StatusForbidden)
			return
		}
		station = id.Station
	}
	list, err := rc.store.List(r.Context(), date, station)
	if err != nil {
		rc.log.Error("list results", "err", err)
		http.Error(w, "could not list results", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(list)
}

// List returns the results of a date (UTC, of the encounter), in arrival
// order, of every station.
func (rc *Receiver) List(ctx context.Context, date string) ([]transmit.Stored, error) {
	return rc.store.List(ctx, date, "")
}

// Count is the number of results stored.
func (rc *Receiver) Count(ctx context.Context) (int, error) { return rc.store.Count(ctx) }
