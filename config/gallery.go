package config

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Gallery configures the flight-gallery client: the service it downloads
// from over mutual TLS, the issuer keys it trusts, and how long a gallery
// is kept after departure.
type Gallery struct {
	// Service is the gallery service's HTTPS URL; empty means offline
	// (galleries come from the cache only).
	Service string `toml:"service"`
	// ClientCert and ClientKey are this workstation's TLS client certificate
	// and key (PEM); CA is the certificate that signed the service's.
	ClientCert string `toml:"client_cert"`
	ClientKey  string `toml:"client_key"`
	CA         string `toml:"ca"`
	// IssuerKeys are the pinned issuer public keys (.pub files); a bundle
	// signed by any other key is refused.
	IssuerKeys []string `toml:"issuer_keys"`
	// Grace is how long after scheduled departure a flight's gallery stays
	// in the cache, as a Go duration ("12h").
	Grace time.Duration `toml:"grace"`
	// DemoService is the reference service on this machine (https on a
	// loopback address) the demo profile may download demo bundles from and
	// send demo results to, with the demo certificates and the demo issuer
	// only; empty means the demo profile works from its cache alone.
	DemoService string `toml:"demo_service"`
}

func defaultGallery() Gallery { return Gallery{Grace: 12 * time.Hour} }

func (g Gallery) validate() error {
	switch {
	case g.Service != "" && !strings.HasPrefix(g.Service, "https://"):
		return fmt.Errorf("gallery.service %q must be an https:// URL", g.Service)
	case g.Grace < 0 || g.Grace > 7*24*time.Hour:
		return fmt.Errorf("gallery.grace %s is outside [0, 168h]", g.Grace)
	case (g.ClientCert == "") != (g.ClientKey == ""):
		return fmt.Errorf("gallery.client_cert and gallery.client_key go together")
	}
	return validateDemoService(g.DemoService)
}

// GalleryCache is the folder of the encrypted flight-gallery cache.
func (p Paths) GalleryCache() string { return filepath.Join(p.DataDir, "galleries") }

// DemoGallery is the folder where setup puts the demo gallery, its issuer
// key and the demo service's certificates.
func (p Paths) DemoGallery() string { return filepath.Join(p.CacheDir, "demo", "gallery") }
