// Package backend is the reference back end's results half and its
// certificates: the receiver that checks and stores each result a booth
// sends (Receiver), the result store (SQLite or PostgreSQL, with group
// commit), the service's TLS configuration, and the throw-away
// certificates of demos and tests (WriteDevCerts). The gallery service is
// in backend/galleryservice. Booth-side packages never import it: the
// booth speaks to it over HTTPS only.
package backend
