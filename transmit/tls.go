package transmit

import (
	"crypto/tls"
	"net/http"
	"time"
)

// HTTPClient is an HTTP client over a mutual-TLS configuration (built with
// gallery.ClientTLS: the same trust setup as gallery downloads). It keeps
// the back end's session tickets (unless cfg has its own cache), so a new
// connection after an idle timeout or a back-end restart resumes the
// session instead of a full handshake.
func HTTPClient(cfg *tls.Config, timeout time.Duration) *http.Client {
	if cfg != nil && cfg.ClientSessionCache == nil {
		cfg = cfg.Clone()
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(16)
	}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		TLSClientConfig: cfg, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second,
	}}
}
