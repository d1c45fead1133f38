package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"veriport/report"
	"veriport/version"
)

// devSeedCmd is `veriport dev seed`: synthetic encounters for the reports.
func devSeedCmd(env *Env) *cobra.Command {
	var n int
	var from string
	var every time.Duration
	var seed uint64
	seedCmd := &cobra.Command{
		Use:   "seed",
		Short: "Add synthetic encounters (no photos, no names) to the record store",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n <= 0 || every <= 0 {
				return &ExitError{Code: 2, Err: fmt.Errorf("--encounters and --every must be positive")}
			}
			start := time.Now().Add(-time.Duration(n) * every)
			if from != "" {
				t, err := time.Parse(time.RFC3339, from)
				if err != nil {
					return &ExitError{Code: 2, Err: fmt.Errorf("--from %q is not an RFC 3339 time: %w", from, err)}
				}
				start = t
			}
			_, store, err := env.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			if err := report.Generate(cmd.Context(), store.DB, report.GenOptions{N: n, From: start, Every: every, Seed: seed,
				Officers: []string{"o.gen1", "o.gen2"}}); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "dev seed: %d encounters from %s, one every %s\n", n, start.UTC().Format(time.RFC3339), every)
			return nil
		},
	}
	fl := seedCmd.Flags()
	fl.IntVar(&n, "encounters", 500, "how many encounters")
	fl.StringVar(&from, "from", "", "first encounter, RFC 3339 (default: so that the last ends now)")
	fl.DurationVar(&every, "every", 20*time.Second, "time between travelers")
	fl.Uint64Var(&seed, "seed", 1, "random seed (same seed, same data)")
	return seedCmd
}

// devMan writes the man pages, one per visible command, generated from the
// command tree (the Debian package ships them).
func devMan() *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write veriport.1 and one man page per subcommand into DIR",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			hdr := &doc.GenManHeader{Title: "VERIPORT", Section: "1", Source: "Veriport " + version.Get().Version,
				Manual: "Veriport Manual"}
			if err := doc.GenManTree(root, hdr, args[0]); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			return nil
		},
	}
}
