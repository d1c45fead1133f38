package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"veriport/transmit"
)

// resultsListCmd is `veriport results list`: what the back end received.
func resultsListCmd(env *Env) *cobra.Command {
	var date string
	var be backendFlags
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List the results the back end received for a date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := time.Parse(time.DateOnly, date); err != nil {
				return fmt.Errorf("--date %q: want YYYY-MM-DD", date)
			}
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			tlsCfg, err := be.resolve(cfg)
			if err != nil {
				return err
			}
			u := strings.TrimSuffix(be.server, "/") + transmit.ResultsPath + "?date=" + url.QueryEscape(date)
			req, err := http.NewRequestWithContext(cmd.Context(), http.MethodGet, u, nil)
			if err != nil {
				return fmt.Errorf("--server %q: %w", be.server, err)
			}
			resp, err := transmit.HTTPClient(tlsCfg, 30*time.Second).Do(req)
			if err != nil {
				return fmt.Errorf("list results: %w", err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("back end answered %s: %s", resp.Status, strings.TrimSpace(string(body)))
			}
			var got []transmit.Stored
			if err := json.Unmarshal(body, &got); err != nil {
				return fmt.Errorf("back end listing is not JSON: %w", err)
			}
			if asJSON {
				return env.PrintJSON(map[string]any{"date": date, "count": len(got), "results": got})
			}
			for _, r := range got {
				fmt.Fprintf(env.Stdout, "%s  %s  %-10s %-9s %s\n", r.Time.Format(time.RFC3339), escaped(r.EncounterID),
					escaped(r.Outcome), escaped(r.Flight), escaped(r.Station))
			}
			fmt.Fprintf(env.Stdout, "%d results on %s\n", len(got), date)
			return nil
		},
	}
	f := list.Flags()
	be.add(f, "back end")
	f.StringVar(&date, "date", time.Now().UTC().Format(time.DateOnly), "date of the encounters (UTC)")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return list
}

// escaped is s for a text listing: as is when every rune is printable and
// not a space other than ' ', else Go-quoted without the quotes (\n, \x1b,
// \u2028…), so a stored string can neither forge a line nor drive the
// terminal.
func escaped(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) || (unicode.IsSpace(r) && r != ' ') || r == '\\' {
			q := strconv.QuoteToASCII(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}

// resultsKeygen makes the back end's photo key pair for partner deployments
// that send the probe photo (transmit.include_photo, transmit.photo_key).
func resultsKeygen(env *Env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keygen --out NAME",
		Short: "Make the back end's photo key pair: NAME.key (mode 0600, back end only) and NAME.pub (booths)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--out NAME is required")
			}
			if _, err := transmit.WritePhotoKeyPair(out); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "wrote %s.key (keep it on the back end) and %s.pub (transmit.photo_key on booths)\n", out, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file name stem for the key pair")
	return cmd
}
