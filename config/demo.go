package config

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
)

// DemoDirName is the demo profile's data folder inside the data folder.
const DemoDirName = "demo"

// DemoProfile is c for the demo profile (the demo video standing in for a
// camera, the demo officer, the demo gallery): the same settings on a data
// folder of its own, <data>/demo, with its own database, vault, master key
// and gallery cache, so that demo credentials and demo encounters never
// reach the operational store. Nothing of the operational back end stays:
// the gallery service, client certificate, CA, pinned issuer keys, the
// back end's result store and photo key are cleared, so the demo profile
// trusts only the demo issuer and its own cached demo bundles. Only
// gallery.demo_service (a reference service on this machine) is kept, and
// the caller pairs it with the demo certificates (DemoCertsDir).
func (c Config) DemoProfile() Config {
	d := c
	d.Demo = true
	d.Paths.DataDir = filepath.Join(c.Paths.DataDir, DemoDirName)
	d.Paths.Database = filepath.Join(d.Paths.DataDir, filepath.Base(c.Paths.Database))
	d.Retention.MasterKeyFile = "" // master.key in the demo folder, never the operational key
	d.Gallery = Gallery{Grace: c.Gallery.Grace, DemoService: c.Gallery.DemoService, Service: c.Gallery.DemoService}
	d.Backend = Backend{}
	d.Transmit.IncludePhoto, d.Transmit.PhotoKey = false, ""
	return d
}

// Operational reports whether c names an operational back end: a gallery
// service, or the back end's result store. A workstation so configured
// never enters the demo profile on its own (only with demo = true).
func (c Config) Operational() bool {
	return c.Gallery.Service != "" || c.Backend.ResultsDB != ""
}

// DemoCertsDir is the folder of the demo certificates (`veriport gallery
// demo`): the only client certificates the demo profile presents.
func (p Paths) DemoCertsDir() string { return filepath.Join(p.DemoGallery(), "certs") }

// validateDemoService: the demo service is a reference service on this
// machine (https on a loopback address), never an operational one.
func validateDemoService(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" {
		return fmt.Errorf("gallery.demo_service %q must be an https:// URL", s)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("gallery.demo_service %q must be on this machine (127.0.0.1, ::1 or localhost): the demo profile never reaches an operational service", s)
	}
	return nil
}
