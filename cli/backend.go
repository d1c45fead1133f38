package cli

import (
	"crypto/tls"

	"github.com/spf13/pflag"

	"veriport/config"
	"veriport/gallery"
)

// backendFlags are the back end's address and this booth's mutual-TLS
// material, shared by every command that talks to the back end (gallery
// fetch, results list). Empty flags fall back to the [gallery] settings,
// then to the demo files setup makes.
type backendFlags struct {
	server, cert, key, ca string
}

func (b *backendFlags) add(f *pflag.FlagSet, what string) {
	f.StringVar(&b.server, "server", "", what+" URL (default: gallery.service)")
	f.StringVar(&b.cert, "cert", "", "client certificate (PEM)")
	f.StringVar(&b.key, "key", "", "client private key (PEM)")
	f.StringVar(&b.ca, "ca", "", "CA of the service's certificate (PEM)")
}

// resolve fills the empty flags from the settings and the demo files, and
// builds the client TLS configuration.
func (b *backendFlags) resolve(cfg config.Config) (*tls.Config, error) {
	g, dc := cfg.Gallery, demoCerts(cfg)
	b.server = orDefault(orDefault(b.server, g.Service), "https://127.0.0.1:8443")
	b.cert = orDefault(orDefault(b.cert, g.ClientCert), dc.ClientCert)
	b.key = orDefault(orDefault(b.key, g.ClientKey), dc.ClientKey)
	b.ca = orDefault(orDefault(b.ca, g.CA), dc.CA)
	return gallery.ClientTLS(b.cert, b.key, b.ca)
}
