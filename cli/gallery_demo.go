package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/csv"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/backend"
	"veriport/config"
	"veriport/gallery"
	"veriport/verify"
)

// The demo flight: a fictitious carrier code (its 420 travelers:
// app.DemoTravelers).
const (
	demoFlight      = "ZZ420"
	demoPortraitTag = "public-domain test portrait (face_recognition test images)"
)

// demoFiles are the files `gallery demo` keeps in the demo gallery folder.
type demoFiles struct {
	dir, key, pub, templates, sfaceTemplates, categories, bundles string
}

func demoLayout(cfg config.Config) demoFiles {
	d := cfg.Paths.DemoGallery()
	return demoFiles{dir: d, key: filepath.Join(d, "issuer.key"), pub: filepath.Join(d, "issuer.pub"),
		templates: filepath.Join(d, "templates.jsonl"), sfaceTemplates: filepath.Join(d, "templates-sface.jsonl"), categories: filepath.Join(d, "categories.csv"),
		bundles: filepath.Join(d, "bundles")}
}

func galleryDemo(env *Env) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Make the signed demo gallery (test portraits plus synthetic travelers) and cache it",
		Long: "Writes into the cache's demo/gallery folder: a demo issuer key, throw-away TLS certificates,\n" +
			"templates.jsonl and categories.csv (the inputs of `gallery build`), and bundles/ with a signed\n" +
			"gallery for flight " + demoFlight + " departing within a day: the public-domain test portraits\n" +
			"(templates computed with the face engine) plus synthetic travelers marked SYNTHETIC, 420 in\n" +
			"all. The bundle is also stored in the demo profile's encrypted gallery cache (<data>/demo).\n" +
			"Nothing is redone while the current demo gallery is good for more than 12 hours, unless --force.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			return makeDemoGallery(env, cfg, force, time.Now().UTC())
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "rebuild even if the demo gallery is still good")
	return cmd
}

func makeDemoGallery(env *Env, cfg config.Config, force bool, now time.Time) error {
	df := demoLayout(cfg)
	if err := os.MkdirAll(df.bundles, 0o700); err != nil {
		return err
	}
	priv, err := gallery.ReadPrivateKey(df.key)
	if errors.Is(err, fs.ErrNotExist) {
		if _, err = gallery.WriteKeyPair(filepath.Join(df.dir, "issuer")); err == nil {
			priv, err = gallery.ReadPrivateKey(df.key)
		}
	}
	if err != nil {
		return fmt.Errorf("demo issuer key: %w", err)
	}
	keys, err := gallery.LoadKeyring(df.pub)
	if err != nil {
		return err
	}
	dc := demoCerts(cfg)
	if force || certExpiresWithin(dc.ServerCert, now, 48*time.Hour) || certExpiresWithin(dc.ClientCert, now, 48*time.Hour) ||
		certExpiresWithin(dc.SupervisorCert, now, 48*time.Hour) || certSubject(dc.ClientCert) != backend.DevStations[0] {
		if _, err := backend.WriteDevCerts(filepath.Dir(dc.CA), 30*24*time.Hour); err != nil {
			return fmt.Errorf("demo certificates: %w", err)
		}
		fmt.Fprintf(env.Stdout, "demo gallery: certificates in %s\n", filepath.Dir(dc.CA))
	}
	cache, err := gallery.OpenCache(cfg.DemoProfile().Paths.GalleryCache()) // the demo profile's own cache
	if err != nil {
		return err
	}
	data, b, err := currentDemoBundle(df, keys, now, sfaceAvailable(cfg.Paths.ModelsDir))
	built := err != nil || force
	if !built {
		fmt.Fprintf(env.Stdout, "demo gallery: present (%s %s, expires %s)\n", b.Flight.ID(), b.Flight.Date,
			b.ExpiresAt.Format(time.RFC3339))
		_, err = cache.Put(data, b, now)
		// The demo profile's cache holds one issued later (by a demo
		// gallery of another assets cache): make a newer one of ours.
		built = errors.Is(err, gallery.ErrRollback)
		if built {
			fmt.Fprintln(env.Stdout, "demo gallery: the demo profile's cache holds a later one; making a new one")
		} else if err != nil {
			return err
		}
	}
	if built {
		if data, b, err = buildDemoBundle(env, cfg, df, priv, now); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "demo gallery: built %s %s, %d travelers (test portraits plus synthetic), issuer key %s\n",
			b.Flight.ID(), b.Flight.Date, len(b.Entries), b.KeyID)
		if _, err := cache.Put(data, b, now); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "demo gallery: stored in the encrypted cache %s\n", cache.Dir())
	return nil
}

// currentDemoBundle returns the demo bundle if it verifies, stays good for
// more than 12 hours and, with wantSFace, has sface templates.
func currentDemoBundle(df demoFiles, keys gallery.Keyring, now time.Time, wantSFace bool) ([]byte, *gallery.Bundle, error) {
	files, _ := filepath.Glob(filepath.Join(df.bundles, "*.bundle"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		b, err := gallery.Open(data, keys, now.Add(12*time.Hour))
		if err == nil && b.Flight.ID() == demoFlight && b.Flight.Departure.After(now.Add(12*time.Hour)) &&
			(!wantSFace || slices.Contains(b.Engines(), verify.EngineSFace)) {
			return data, b, nil
		}
	}
	return nil, nil, errors.New("no current demo gallery")
}

// sfaceAvailable reports whether the sface models are in dir (setup
// fetches and folds them).
func sfaceAvailable(dir string) bool { return verify.CheckSFaceModels(dir) == nil }

// demoEngines opens the engines the demo gallery is built with: dlib, and
// sface when its models are there.
func demoEngines(dir string) ([]verify.FaceEngine, error) {
	dlib, err := verify.Open(dir)
	if err != nil {
		return nil, err
	}
	engines := []verify.FaceEngine{dlib}
	if sfaceAvailable(dir) {
		sf, err := verify.OpenSFace(dir)
		if err != nil {
			dlib.Close()
			return nil, err
		}
		engines = append(engines, sf)
	}
	return engines, nil
}

func buildDemoBundle(env *Env, cfg config.Config, df demoFiles, priv ed25519.PrivateKey, now time.Time) ([]byte, *gallery.Bundle, error) {
	engines, err := demoEngines(cfg.Paths.ModelsDir)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		for _, e := range engines {
			e.Close()
		}
	}()
	var enrolled []gallery.Enrolled
	standings := map[string]gallery.Standing{}
	for _, engine := range engines {
		for _, p := range app.DemoPortraits {
			img, err := verify.LoadImage(filepath.Join(cfg.Paths.Portraits(), p.File))
			if err != nil {
				return nil, nil, fmt.Errorf("demo portrait (run make setup): %w", err)
			}
			face, err := engine.SingleAt(context.Background(), img, verify.Live)
			if err != nil {
				return nil, nil, fmt.Errorf("demo portrait %s (%s): %w", p.File, engine.Name(), err)
			}
			enrolled = append(enrolled, gallery.Enrolled{Subject: p.Subject, Template: face.Template,
				Engine: engine.Name(), Source: p.Source, Image: p.File})
			standings[p.Subject] = gallery.Standing{Category: gallery.CategoryUSCitizen,
				Display: []gallery.Field{{Key: "name", Value: p.Name}, {Key: "note", Value: demoPortraitTag}}}
		}
	}
	rng := rand.New(rand.NewPCG(420, 7))
	for _, e := range gallery.SyntheticEntries(app.DemoTravelers-len(standings), 420) {
		for _, t := range e.Templates {
			enrolled = append(enrolled, gallery.Enrolled{Subject: e.Traveler, Template: t.Template,
				Engine: verify.EngineDlib, Source: t.Source.String()})
			if len(engines) > 1 {
				enrolled = append(enrolled, gallery.Enrolled{Subject: e.Traveler, Template: app.SyntheticSFace(rng),
					Engine: verify.EngineSFace, Source: t.Source.String()})
			}
		}
		standings[e.Traveler] = gallery.Standing{Category: e.Category, Exemption: e.Exemption, Display: e.Display}
	}
	if err := writeDemoInputs(df, enrolled, standings); err != nil {
		return nil, nil, err
	}
	dep := now.Add(20 * time.Hour).Truncate(time.Hour)
	carrier, number, _ := gallery.ParseFlight(demoFlight)
	h := gallery.Header{
		Flight: gallery.Flight{Carrier: carrier, Number: number, Date: dep.Format(time.DateOnly),
			Origin: "IAD", Destination: "LHR", Departure: dep},
		IssuedAt: now.Truncate(time.Second), ExpiresAt: dep.Add(cfg.Gallery.Grace),
	}
	b, err := gallery.Build(h, enrolled, standings)
	if err != nil {
		return nil, nil, err
	}
	data, err := gallery.Sign(b, priv)
	if err != nil {
		return nil, nil, err
	}
	old, _ := filepath.Glob(filepath.Join(df.bundles, "*.bundle"))
	for _, f := range old {
		os.Remove(f)
	}
	out := filepath.Join(df.bundles, b.Flight.Key()+".bundle")
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return nil, nil, err
	}
	env.Log.Info("demo gallery written", "file", out, "bytes", len(data))
	return data, b, nil
}

// writeDemoInputs writes templates.jsonl (dlib), templates-sface.jsonl
// (when there are sface templates) and categories.csv, the inputs `gallery
// build` takes, so the build command can be tried on demo data.
func writeDemoInputs(df demoFiles, enrolled []gallery.Enrolled, standings map[string]gallery.Standing) error {
	os.Remove(df.sfaceTemplates)
	for path, engine := range map[string]verify.EngineName{df.templates: verify.EngineDlib, df.sfaceTemplates: verify.EngineSFace} {
		var es []verify.Enrolled
		for _, e := range enrolled {
			if e.Engine == engine {
				es = append(es, e)
			}
		}
		if len(es) > 0 {
			if err := writeTemplateFile(path, es); err != nil {
				return err
			}
		}
	}
	cf, err := os.Create(df.categories)
	if err != nil {
		return err
	}
	w := csv.NewWriter(cf)
	w.Write([]string{"subject", "category", "reason", "name", "note", "seat"})
	seen := map[string]bool{}
	for _, e := range enrolled {
		if seen[e.Subject] {
			continue
		}
		seen[e.Subject] = true
		s := standings[e.Subject]
		row := []string{e.Subject, s.Category.String(), s.Exemption, "", "", ""}
		for _, f := range s.Display {
			switch f.Key {
			case "name":
				row[3] = f.Value
			case "note":
				row[4] = f.Value
			case "seat":
				row[5] = f.Value
			}
		}
		w.Write(row)
	}
	w.Flush()
	return errors.Join(w.Error(), cf.Close())
}

// certSubject is the common name of the PEM certificate at path ("" when
// unreadable): dev client certificates name their station there.
func certSubject(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	blk, _ := pem.Decode(raw)
	if blk == nil {
		return ""
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return ""
	}
	return c.Subject.CommonName
}

// certExpiresWithin reports whether the PEM certificate at path is missing,
// unreadable or expires within d of now.
func certExpiresWithin(path string, now time.Time, d time.Duration) bool {
	raw, err := os.ReadFile(path)
	if err != nil {
		return true
	}
	blk, _ := pem.Decode(raw)
	if blk == nil {
		return true
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	return err != nil || c.NotAfter.Before(now.Add(d))
}
