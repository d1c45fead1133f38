package transmit

import (
	"crypto/tls"
	"net/http"
	"time"
)

// HTTPClient is an HTTP client over a mutual-TLS configuration (built with
// gallery.ClientTLS: the same trust setup as gallery downloads).
func HTTPClient(cfg *tls.Config, timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		TLSClientConfig: cfg, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second,
	}}
}
