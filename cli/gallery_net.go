package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/backend"
	"veriport/backend/galleryservice"
	"veriport/config"
	"veriport/gallery"
	"veriport/record"
	"veriport/retention"
)

// demoCerts are the dev certificates `gallery demo` / `gallery certs` make.
func demoCerts(cfg config.Config) backend.DevCerts {
	return backend.DevCertFiles(cfg.Paths.DemoCertsDir())
}

func galleryServe(env *Env) *cobra.Command {
	var dir, addr, cert, key, clientCA, resultsDB string
	cmd := &cobra.Command{
		Use:   "serve --dir DIR --addr HOST:PORT --tls-cert FILE --tls-key FILE --client-ca FILE",
		Short: "Run the reference gallery service over HTTPS, client certificates required",
		Long: "Serves the signed bundles in DIR: GET /v1/flights?date=YYYY-MM-DD lists a date's flights\n" +
			"(by each bundle's own header), GET /v1/flights/DATE/FLIGHT/gallery serves a bundle with Range\n" +
			"support. Certificates default to the demo ones that `veriport gallery demo` makes.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			dc := demoCerts(cfg)
			if dir == "" {
				dir = filepath.Join(cfg.Paths.DemoGallery(), "bundles")
			}
			cert, key, clientCA = orDefault(cert, dc.ServerCert), orDefault(key, dc.ServerKey), orDefault(clientCA, dc.CA)
			tlsCfg, err := backend.ServerTLS(cert, key, clientCA)
			if err != nil {
				return err
			}
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return fmt.Errorf("--dir %s is not a folder", dir)
			}
			// The store first: a service that cannot store results does
			// not listen at all.
			resultsDB = orDefault(orDefault(resultsDB, cfg.Backend.ResultsDB), filepath.Join(cfg.Paths.DataDir, "backend", "results.db"))
			recv, err := backend.OpenReceiver(cmd.Context(), resultsDB, env.Log)
			if err != nil {
				return err
			}
			defer recv.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			env.Log.Info("gallery service listening", "url", "https://"+ln.Addr().String(), "dir", dir,
				"results_db", recv.Store().Where)
			return (&galleryservice.Server{Dir: dir, Log: env.Log, Results: recv}).Serve(cmd.Context(), ln, tlsCfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "folder of signed bundles (default: the demo bundles)")
	f.StringVar(&resultsDB, "results-db", "", "where received results are stored: postgres://… or a SQLite file (default: backend.results_db, else DATA/backend/results.db)")
	f.StringVar(&addr, "addr", "127.0.0.1:8443", "address to listen on")
	f.StringVar(&cert, "tls-cert", "", "server certificate (PEM)")
	f.StringVar(&key, "tls-key", "", "server private key (PEM)")
	f.StringVar(&clientCA, "client-ca", "", "CA that client certificates must chain to (PEM)")
	return cmd
}

func orDefault(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

func galleryFetch(env *Env) *cobra.Command {
	var date, flight string
	var be backendFlags
	var pubs []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "fetch --server URL --date YYYY-MM-DD --flight FLIGHT --cert FILE --key FILE --ca FILE --pub NAME.pub",
		Short: "Download a flight's gallery, verify it and store it in the encrypted cache",
		Long: "Downloads with a progress bar, resuming after a dropped connection and retrying with backoff,\n" +
			"then checks signature, issuer key, expiry and flight before storing. A refused bundle leaves\n" +
			"the last good one in the cache and exits with the reason (codes as for verify).\n" +
			"Defaults come from the [gallery] settings, then from the demo files setup makes.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			keys, err := app.IssuerKeys(env.Stderr, cfg, pubs, cfg.Demo)
			if err != nil {
				return err
			}
			tlsCfg, err := be.resolve(cfg)
			if err != nil {
				return err
			}
			cache, err := gallery.OpenCache(cfg.Paths.GalleryCache())
			if err != nil {
				return err
			}
			if err := purgeGalleries(cmd.Context(), env, cfg, cache); err != nil {
				env.Log.Warn("gallery purge", "err", err)
			}
			progress, finish := fetchProgress(env, "gallery "+flight+" "+date)
			client := gallery.NewClient(be.server, tlsCfg, keys)
			client.Grace = cfg.Gallery.Grace
			rec, err := client.Fetch(cmd.Context(), cache, date, flight, progress)
			finish()
			return printFetched(env, cache, rec, err, asJSON)
		},
	}
	f := cmd.Flags()
	be.add(f, "gallery service")
	f.StringVar(&date, "date", time.Now().UTC().Format(time.DateOnly), "departure date, YYYY-MM-DD")
	f.StringVar(&flight, "flight", "", "flight designator, e.g. UA123")
	f.StringSliceVar(&pubs, "pub", nil, "pinned issuer public key(s) (default: gallery.issuer_keys)")
	f.BoolVar(&asJSON, "json", false, "print the cache record as JSON")
	cmd.MarkFlagRequired("flight")
	return cmd
}

// fetchProgress is a download's progress bar on stderr: progress sets it,
// finish ends its line.
func fetchProgress(env *Env, label string) (progress func(done, total int64), finish func()) {
	bar := progressbar.NewOptions64(-1, progressbar.OptionSetWriter(env.Stderr),
		progressbar.OptionSetDescription(label), progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(), progressbar.OptionUseANSICodes(false))
	progress = func(done, total int64) {
		if total > 0 && bar.GetMax64() != total {
			bar.ChangeMax64(total)
		}
		bar.Set64(done)
	}
	return progress, func() { bar.Finish(); fmt.Fprintln(env.Stderr) }
}

// printFetched says what fetch stored, or why it refused the bundle (and
// which good one it kept); the refusal's exit code names the reason.
func printFetched(env *Env, cache *gallery.Cache, rec gallery.Record, err error, asJSON bool) error {
	if err != nil {
		if rec.Good {
			fmt.Fprintf(env.Stderr, "keeping the last good gallery, issued %s, expires %s\n",
				rec.IssuedAt.Format(time.RFC3339), rec.ExpiresAt.Format(time.RFC3339))
		}
		if asJSON {
			env.PrintJSON(rec)
		}
		return refusal(err)
	}
	if asJSON {
		return env.PrintJSON(rec)
	}
	fmt.Fprintf(env.Stdout, "stored %s %s %s-%s: %d travelers, %d templates, %d bytes, expires %s, in %s\n",
		rec.Flight.ID(), rec.Flight.Date, rec.Flight.Origin, rec.Flight.Destination, rec.Entries,
		rec.Templates, rec.Size, rec.ExpiresAt.Format(time.RFC3339), cache.Dir())
	return nil
}

var _ gallery.PurgeLogger = retention.PurgeLogger{}

// purgeGalleries deletes the cached galleries past departure plus grace and
// writes each deletion to the record store's purge log (and audit chain).
func purgeGalleries(ctx context.Context, env *Env, cfg config.Config, cache *gallery.Cache) error {
	if err := cfg.Paths.EnsureDataDir(); err != nil {
		return err
	}
	store, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := app.CheckMasterKey(ctx, cfg, store); err != nil {
		return err
	}
	done, err := cache.Purge(ctx, time.Now(), cfg.Gallery.Grace, retention.PurgeLogger{Store: store})
	for _, r := range done {
		env.Log.Info("gallery purged", "flight", r.Flight.ID(), "date", r.Flight.Date)
	}
	return err
}

func galleryCerts(env *Env) *cobra.Command {
	var out string
	var days int
	cmd := &cobra.Command{
		Use:   "certs --out DIR",
		Short: "Make throw-away TLS certificates for the demo service (CA, server for localhost, client)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			out = orDefault(out, filepath.Join(cfg.Paths.DemoGallery(), "certs"))
			dc, err := backend.WriteDevCerts(out, time.Duration(days)*24*time.Hour)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "wrote %s, %s, %s (demo only)\n", dc.CA, dc.ServerCert, dc.ClientCert)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "folder for the certificate files (default: the demo gallery's certs)")
	cmd.Flags().IntVar(&days, "days", 30, "validity in days")
	return cmd
}

func galleryList(env *Env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the flights in the local gallery cache with their state, after purging what is due",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			cache, err := gallery.OpenCache(cfg.Paths.GalleryCache())
			if err != nil {
				return err
			}
			now := time.Now()
			perr := purgeGalleries(cmd.Context(), env, cfg, cache)
			recs, err := cache.Records()
			if err != nil {
				return errors.Join(err, perr)
			}
			if asJSON {
				return errors.Join(env.PrintJSON(recs), perr)
			}
			for _, r := range recs {
				st := gallery.Status{Flight: r.Flight, Record: &r}
				fmt.Fprintf(env.Stdout, "%-8s %s %s-%s %5d travelers  %s\n", r.Flight.ID(), r.Flight.Date,
					r.Flight.Origin, r.Flight.Destination, r.Entries, st.State(now))
			}
			return perr
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the cache records as JSON")
	return cmd
}
