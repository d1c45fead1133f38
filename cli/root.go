// Package cli is Veriport's command line: the global flags, the GUI command
// and one file per subcommand group. The whole command tree is one explicit
// table, commands in root.go; no command adds itself.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"veriport/config"
	"veriport/version"
)

// Env is what every command gets: the global flags and the output streams.
type Env struct {
	Overrides config.Overrides
	Stdout    io.Writer
	Stderr    io.Writer
	Log       *slog.Logger
	// HeapProfileDir: the workstation writes a Go heap profile there every
	// minute (--heap-profile-dir, hidden: for the soak run).
	HeapProfileDir string
	// TravelerDisplay overrides [workflow] traveler_display when >= 0
	// (--traveler-display).
	TravelerDisplay int
}

// Config loads the settings with the global flags applied.
func (e *Env) Config() (config.Config, error) { return config.Load(e.Overrides) }

// PrintJSON writes v as one JSON object on stdout.
func (e *Env) PrintJSON(v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ExitError carries a process exit code with its message.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// NewRoot builds the command tree.
func NewRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "veriport",
		Short: "Face verification workstation for inspection booths and boarding gates",
		Long: "Veriport confirms a traveler's identity by face against the flight gallery.\n" +
			"Without a subcommand it opens the workstation window.",
		Version:       version.Get().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGUI(cmd.Context(), env)
		},
	}
	root.SetVersionTemplate("veriport {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.StringVar(&env.Overrides.DataDir, "data-dir", "", "put settings, database and vault of this run under one folder")
	pf.StringVar(&env.Overrides.Models, "models", "", "folder of the dlib model files (default $XDG_CACHE_HOME/veriport/models)")
	pf.StringVar(&env.Overrides.Camera, "camera", "", "camera device index or video file (default: device 0, else the demo video)")
	pf.StringVar(&env.HeapProfileDir, "heap-profile-dir", "", "write a Go heap profile to this folder every minute (soak runs)")
	_ = pf.MarkHidden("heap-profile-dir")
	root.Flags().IntVar(&env.TravelerDisplay, "traveler-display", -1,
		"monitor (1 the first) of the traveler's full-screen window; 0: one screen (default: [workflow] traveler_display)")
	root.AddCommand(commands(env)...)
	return root
}

// commands is the whole command tree below `veriport`, in one table: every
// command and subcommand by name, each made by a function of the file that
// holds its code. Groups (gallery, officer, ...) list their subcommands.
func commands(env *Env) []*cobra.Command {
	return []*cobra.Command{
		runCmd(env),
		setupModelsCmd(env),
		group(&cobra.Command{Use: "demo", Short: "Make the demo assets used when no camera is present"},
			demoVideoCmd(env),
			demoPathCmd(env)),
		group(&cobra.Command{Use: "gallery", Short: "Flight galleries: keys, signed bundles, the reference service, download"},
			galleryKeygen(env),
			galleryBuild(env),
			galleryVerify(env),
			galleryDemo(env),
			galleryServe(env),
			galleryFetch(env),
			galleryCerts(env),
			galleryList(env)),
		group(&cobra.Command{Use: "officer", Short: "Manage the officers who log in at this station"},
			officerAddCmd(env),
			officerListCmd(env),
			officerUnlockCmd(env),
			officerDisableCmd(env),
			officerEnableCmd(env),
			officerResetPINCmd(env),
			officerResetTOTPCmd(env)),
		group(outboxCmd(env),
			outboxRequeue(env)),
		purgeCmd(env),
		group(&cobra.Command{Use: "audit", Short: "Check or export the hash-chained audit log"},
			auditVerifyCmd(env),
			auditExportCmd(env)),
		reportCmd(env),
		group(&cobra.Command{Use: "results", Short: "Read results back from the back end (tests and demos)"},
			resultsListCmd(env),
			resultsKeygen(env)),
		enrollCmd(env),
		identifyCmd(env),
		evalCmd(env),
		calibrateCmd(env),
		benchCmd(env),
		group(&cobra.Command{Use: "dev", Short: "Developer tools (synthetic data)", Hidden: true, Args: cobra.NoArgs},
			devSeedCmd(env),
			devLookAlikes(env),
			devMan()),
	}
}

// group is parent with its subcommands added.
func group(parent *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	parent.AddCommand(subs...)
	return parent
}

// Execute runs the command line and returns the process exit code.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &Env{Stdout: stdout, Stderr: stderr,
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	slog.SetDefault(env.Log)
	root := NewRoot(env)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "veriport:", err)
		var ee *ExitError
		if errors.As(err, &ee) {
			return ee.Code
		}
		return 1
	}
	return 0
}

// Main is Execute on the process's own arguments and streams.
func Main(ctx context.Context) int { return Execute(ctx, os.Args[1:], os.Stdout, os.Stderr) }
