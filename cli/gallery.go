package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/gallery"
	"veriport/verify"
)

// Exit codes of `veriport gallery verify` and `fetch`, one per refusal reason.
var refusalCodes = []struct {
	err  error
	code int
}{
	{gallery.ErrSignature, 2},
	{gallery.ErrUnknownKey, 3},
	{gallery.ErrExpired, 4},
	{gallery.ErrTruncated, 5},
	{gallery.ErrMalformed, 6},
	{gallery.ErrWrongFlight, 7},
}

// refusal wraps err in an ExitError whose code names the reason.
func refusal(err error) error {
	for _, r := range refusalCodes {
		if errors.Is(err, r.err) {
			return &ExitError{Code: r.code, Err: err}
		}
	}
	return err
}

func galleryKeygen(env *Env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keygen --out NAME",
		Short: "Make an issuer key pair: NAME.key (mode 0600) and NAME.pub",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pub, err := gallery.WriteKeyPair(out)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "wrote %s.key and %s.pub (key id %s)\n", out, out, gallery.KeyID(pub))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "path and base name of the key files")
	cmd.MarkFlagRequired("out")
	return cmd
}

// galleryBuildArgs are the flags of `veriport gallery build`.
type galleryBuildArgs struct {
	flight, date, departure, origin, dest, categories, keyFile, out string
	templates                                                       []string
}

// galleryBuild is `veriport gallery build`: a signed flight gallery from
// template files.
func galleryBuild(env *Env) *cobra.Command {
	var a galleryBuildArgs
	cmd := &cobra.Command{
		Use:   "build --flight CARRIER+NUMBER --date YYYY-MM-DD --departure RFC3339 --origin IATA --destination IATA --templates G.jsonl [--templates G-sface.jsonl] [--categories C.csv] --key NAME.key --out FILE",
		Short: "Build and sign a flight gallery from a template file",
		Long: "Build and sign a flight gallery. Templates with one subject become one traveler with several\n" +
			"templates. The categories CSV has a header row with subject and category (us-citizen, lpr,\n" +
			"in-scope, exempt), optionally reason (the exemption) and display columns; without it every\n" +
			"traveler is in-scope. The bundle expires at departure plus the configured grace. Give one\n" +
			"--templates file per face engine (dlib, sface) to make a gallery booths can decide with either;\n" +
			"each traveler should then have templates of every engine.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.run(env) },
	}
	f := cmd.Flags()
	f.StringVar(&a.flight, "flight", "", "flight designator, carrier and number, e.g. UA123")
	f.StringVar(&a.date, "date", "", "scheduled departure date, YYYY-MM-DD")
	f.StringVar(&a.departure, "departure", "", "scheduled departure time, RFC 3339")
	f.StringVar(&a.origin, "origin", "", "origin airport, IATA code")
	f.StringVar(&a.dest, "destination", "", "destination airport, IATA code")
	f.StringArrayVar(&a.templates, "templates", nil, "template file (JSONL), one per face engine; repeat for several")
	f.StringVar(&a.categories, "categories", "", "categories CSV (subject,category[,reason][,display columns...])")
	f.StringVar(&a.keyFile, "key", "", "issuer private key (NAME.key)")
	f.StringVar(&a.out, "out", "", "bundle file to write")
	for _, n := range []string{"flight", "date", "departure", "origin", "destination", "templates", "key", "out"} {
		cmd.MarkFlagRequired(n)
	}
	return cmd
}

// flightHeader is the bundle's flight, from --flight, --date, --departure,
// --origin and --destination.
func (a *galleryBuildArgs) flightHeader() (gallery.Header, error) {
	carrier, number, err := gallery.ParseFlight(a.flight)
	if err != nil {
		return gallery.Header{}, err
	}
	dep, err := time.Parse(time.RFC3339, a.departure)
	if err != nil {
		return gallery.Header{}, fmt.Errorf("--departure: %w", err)
	}
	return gallery.Header{Flight: gallery.Flight{Carrier: carrier, Number: number, Date: a.date, Origin: a.origin,
		Destination: a.dest, Departure: dep.UTC()}}, nil
}

// inputs reads the template files and the categories CSV (none: a
// warning, and every traveler's category unknown).
func (a *galleryBuildArgs) inputs(env *Env) ([]verify.Enrolled, map[string]gallery.Standing, error) {
	var enrolled []verify.Enrolled
	for _, path := range a.templates {
		es, err := verifyReadTemplates(path, "templates")
		if err != nil {
			return nil, nil, err
		}
		enrolled = append(enrolled, es...)
	}
	if a.categories == "" {
		fmt.Fprintln(env.Stderr, "warning: no --categories file: every traveler's category is unknown,"+
			" so photos get the shortest retention rule and no exemption is shown")
		return enrolled, nil, nil
	}
	cf, err := os.Open(a.categories)
	if err != nil {
		return nil, nil, err
	}
	defer cf.Close()
	standings, err := gallery.ReadStandings(cf)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", a.categories, err)
	}
	return enrolled, standings, nil
}

// run builds, signs and writes the bundle and prints its summary.
func (a *galleryBuildArgs) run(env *Env) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	h, err := a.flightHeader()
	if err != nil {
		return err
	}
	priv, err := gallery.ReadPrivateKey(a.keyFile)
	if err != nil {
		return err
	}
	enrolled, standings, err := a.inputs(env)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	h.IssuedAt, h.ExpiresAt = now, h.Flight.Departure.Add(cfg.Gallery.Grace)
	if !h.ExpiresAt.After(now) {
		return fmt.Errorf("departure %s plus grace %s is already past: the bundle would be expired", a.departure, cfg.Gallery.Grace)
	}
	b, err := gallery.Build(h, enrolled, standings)
	if err != nil {
		return err
	}
	data, err := gallery.Sign(b, priv)
	if err != nil {
		return err
	}
	if err := os.WriteFile(a.out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %s %s %s-%s, %d travelers, %d templates, engines %s, key %s, expires %s\n",
		a.out, b.Flight.ID(), b.Flight.Date, a.origin, a.dest, len(b.Entries), len(enrolled), engineNames(b.Engines()), b.KeyID,
		b.ExpiresAt.Format(time.RFC3339))
	if len(a.templates) > 1 && len(b.Engines()) < len(a.templates) {
		fmt.Fprintln(env.Stderr, "warning: not every traveler has templates of every engine; booths decide"+
			" this flight with "+engineNames(b.Engines()))
	}
	return nil
}

// bundleSummary is what verify and fetch print about a good bundle.
type bundleSummary struct {
	Valid       bool      `json:"valid"`
	Reason      string    `json:"reason,omitempty"`
	Flight      string    `json:"flight,omitempty"`
	Date        string    `json:"date,omitempty"`
	Origin      string    `json:"origin,omitempty"`
	Destination string    `json:"destination,omitempty"`
	Departure   time.Time `json:"departure,omitzero"`
	IssuedAt    time.Time `json:"issued_at,omitzero"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	KeyID       string    `json:"key_id,omitempty"`
	Travelers   int       `json:"travelers,omitempty"`
	Templates   int       `json:"templates,omitempty"`
	// Engines are the face engines the flight can be decided with (every
	// traveler has their templates), best first.
	Engines []verify.EngineName `json:"engines,omitempty"`
}

func summarize(b *gallery.Bundle) bundleSummary {
	n := 0
	for i := range b.Entries {
		n += len(b.Entries[i].Templates)
	}
	f := b.Flight
	return bundleSummary{Valid: true, Flight: f.ID(), Date: f.Date, Origin: f.Origin, Destination: f.Destination,
		Departure: f.Departure, IssuedAt: b.IssuedAt, ExpiresAt: b.ExpiresAt, KeyID: b.KeyID,
		Travelers: len(b.Entries), Templates: n, Engines: b.Engines()}
}

// String is the one-line summary verify prints for a valid bundle.
func (s bundleSummary) String() string {
	return fmt.Sprintf("%s %s %s-%s departs %s: %d travelers, %d templates (%s), issuer key %s, expires %s",
		s.Flight, s.Date, s.Origin, s.Destination, s.Departure.Format(time.RFC3339), s.Travelers, s.Templates,
		engineNames(s.Engines), s.KeyID, s.ExpiresAt.Format(time.RFC3339))
}

// engineNames lists engines for the officer ("sface, dlib").
func engineNames(ns []verify.EngineName) string {
	if len(ns) == 0 {
		return "no engine with templates of every traveler"
	}
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = string(n)
	}
	return strings.Join(out, ", ")
}

func galleryVerify(env *Env) *cobra.Command {
	var pubs []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify --pub NAME.pub FILE",
		Short: "Check a bundle's signature, issuer key, expiry and structure",
		Long: "Exit status: 0 valid; 2 bad signature; 3 unknown issuer key; 4 expired; 5 truncated;\n" +
			"6 malformed; 1 for any other failure (e.g. an unreadable file).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			keys, err := app.IssuerKeys(env.Stderr, cfg, pubs, cfg.Demo)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			b, err := gallery.Open(data, keys, time.Now())
			if err != nil {
				if asJSON {
					env.PrintJSON(bundleSummary{Reason: err.Error()})
				}
				return refusal(fmt.Errorf("%s refused: %w", args[0], err))
			}
			s := summarize(b)
			if asJSON {
				return env.PrintJSON(s)
			}
			fmt.Fprintf(env.Stdout, "valid: %s\n", s)
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&pubs, "pub", nil, "pinned issuer public key(s) (default: gallery.issuer_keys)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
