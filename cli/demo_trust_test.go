package cli

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/app"
	"veriport/backend"
	"veriport/camera"
	"veriport/config"
	"veriport/gallery"
	"veriport/retention"
)

// operationalConfig is a workstation's settings with the operational back
// end configured: gallery service, client certificate, CA, a pinned issuer
// key and the back end's result store. The certificate files are real (dev
// certificates), so a client would be built from them.
func operationalConfig(t *testing.T, dir string) config.Config {
	t.Helper()
	certs, err := backend.WriteDevCerts(filepath.Join(dir, "ops-certs"), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gallery.WriteKeyPair(filepath.Join(dir, "ops-issuer")); err != nil {
		t.Fatal(err)
	}
	toml := "[gallery]\nservice = \"https://gallery.agency.example:8443\"\n" +
		"client_cert = \"" + certs.ClientCert + "\"\nclient_key = \"" + certs.ClientKey + "\"\n" +
		"ca = \"" + certs.CA + "\"\nissuer_keys = [\"" + filepath.Join(dir, "ops-issuer.pub") + "\"]\n" +
		"[backend]\nresults_db = \"" + filepath.Join(dir, "central.db") + "\"\n"
	if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestDemoProfileHasNoOperationalBackend: the demo profile keeps nothing of
// the operational back end: no gallery service, client certificate, CA,
// pinned issuer key or result store; the flight picker it builds has no
// download client and trusts the demo issuer only; no result sender runs.
func TestDemoProfileHasNoOperationalBackend(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	cache := t.TempDir()
	t.Setenv("VERIPORT_CACHE", cache)
	ctx := context.Background()
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	dir := t.TempDir()
	cfg := operationalConfig(t, dir)
	if err := os.MkdirAll(cfg.Paths.DemoGallery(), 0o700); err != nil {
		t.Fatal(err)
	}
	demoPub, err := gallery.WriteKeyPair(filepath.Join(cfg.Paths.DemoGallery(), "issuer"))
	if err != nil {
		t.Fatal(err)
	}

	dcfg, st, err := openProfile(ctx, env, cfg, true) // as runGUI does on the demo video
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := dcfg.Gallery
	if g.Service != "" || g.ClientCert != "" || g.ClientKey != "" || g.CA != "" || len(g.IssuerKeys) != 0 {
		t.Errorf("demo profile keeps the operational gallery settings: %+v", g)
	}
	if dcfg.Backend.ResultsDB != "" {
		t.Errorf("demo profile keeps the back end's result store %q", dcfg.Backend.ResultsDB)
	}
	m, err := app.GalleryManager(app.Options{Log: env.Log, Stderr: env.Stderr}, dcfg, true)
	if err != nil || m == nil {
		t.Fatalf("demo flight picker: %v %v", m, err)
	}
	if m.Client != nil {
		t.Error("demo flight picker downloads from the operational gallery service")
	}
	if len(m.Keys) != 1 || m.Keys[gallery.KeyID(demoPub)] == nil {
		t.Errorf("demo flight picker trusts %d keys, want the demo issuer %s only", len(m.Keys), gallery.KeyID(demoPub))
	}
	k, err := retention.Open(st, dcfg, env.Log)
	if err != nil {
		t.Fatal(err)
	}
	sender, stop, err := app.StartSender(ctx, env.Log, st, k, dcfg)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if sender != nil {
		t.Error("demo profile sends results to the operational back end")
	}

	// A demo service on this machine is used with the demo certificates
	// of this station only; one elsewhere is refused.
	if _, err := backend.WriteDevCerts(cfg.Paths.DemoCertsDir(), 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	cfg.Gallery.DemoService = "https://127.0.0.1:8443"
	d := demoProfile(cfg)
	dc := demoCerts(cfg)
	if d.Gallery.Service != cfg.Gallery.DemoService || d.Gallery.ClientCert != dc.ClientCert || d.Gallery.CA != dc.CA {
		t.Errorf("demo service not paired with the demo certificates: %+v", d.Gallery)
	}
	cfg.Gallery.DemoService = "https://gallery.agency.example:8443"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "demo_service") {
		t.Errorf("a demo service off this machine accepted: %v", err)
	}
}

// writeDemoClip writes a short clip where the settings look for the demo
// video.
func writeDemoClip(t *testing.T, cfg config.Config) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 200, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 200; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	pic := filepath.Join(t.TempDir(), "synthetic.png")
	f, err := os.Create(pic)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.MkdirAll(filepath.Dir(cfg.Paths.DemoVideo()), 0o700); err != nil {
		t.Fatal(err)
	}
	err = camera.WriteDemoVideo(camera.DemoSpec{Portraits: []string{pic}, Out: cfg.Paths.DemoVideo(),
		Width: 320, Height: 240, FPS: 25, Seconds: 0.2})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoAutoDemoWhenServiceConfigured: with no camera and the demo video
// present, a workstation set up for the gallery service does not slip into
// the demo profile: it starts with no source (Camera offline, still
// watching device 0) and a note on screen saying why. Without a service,
// or with demo = true, the demo video stands in as before.
func TestNoAutoDemoWhenServiceConfigured(t *testing.T) {
	if _, err := os.Stat("/dev/video0"); err == nil {
		t.Skip("a camera is attached: the demo video is never chosen")
	}
	t.Setenv("VERIPORT_CACHE", t.TempDir())
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cfg := operationalConfig(t, t.TempDir())
	writeDemoClip(t, cfg)

	choice, note, err := app.ChooseCamera(env.Log, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if choice.Source != nil {
		choice.Source.Close()
	}
	if choice.Demo || choice.Source != nil {
		t.Fatalf("a workstation with a gallery service entered the demo profile on its own (demo %v)", choice.Demo)
	}
	if choice.Reopen == nil || !strings.Contains(note, "gallery.service") || !strings.Contains(note, "demo = true") {
		t.Errorf("no reconnect or no reason on screen: reopen %v, note %q", choice.Reopen != nil, note)
	}

	// Named explicitly, the demo video is refused on such a workstation.
	named := cfg
	named.Camera.Source = cfg.Paths.DemoVideo()
	if c, _, err := app.ChooseCamera(env.Log, named); err == nil || !strings.Contains(err.Error(), "demo = true") {
		if c.Source != nil {
			c.Source.Close()
		}
		t.Errorf("the demo video named with --camera: %v", err)
	}

	for name, c := range map[string]config.Config{"no service": config.Config{Paths: cfg.Paths, Camera: cfg.Camera},
		"demo = true": func() config.Config { d := cfg; d.Demo = true; return d }()} {
		choice, note, err := app.ChooseCamera(env.Log, c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if choice.Source == nil || !choice.Demo || note != "" {
			t.Errorf("%s: the demo video does not stand in (demo %v, note %q)", name, choice.Demo, note)
		}
		if choice.Source != nil {
			choice.Source.Close()
		}
	}
}
