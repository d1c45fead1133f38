package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"veriport/camera"
)

func init() {
	register(func(env *Env) *cobra.Command {
		demo := &cobra.Command{Use: "demo", Short: "Make the demo assets used when no camera is present"}
		var portraits, out string
		var seconds float64
		video := &cobra.Command{
			Use:   "video",
			Short: "Render the demo video from the test portraits",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := env.Config()
				if err != nil {
					return err
				}
				if portraits == "" {
					portraits = cfg.Paths.Portraits()
				}
				if out == "" {
					out = cfg.Paths.DemoVideo()
				}
				files, err := demoPortraits(portraits)
				if err != nil {
					return err
				}
				spec := camera.DemoSpec{Portraits: files, Out: out, Width: 1280, Height: 720, FPS: 25, Seconds: seconds}
				if err := camera.WriteDemoVideo(spec); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "wrote %s (%d portraits, %.0f s each)\n", out, len(files), seconds)
				return nil
			},
		}
		video.Flags().StringVar(&portraits, "portraits", "", "folder of portrait images (default: the cache's portraits)")
		video.Flags().StringVar(&out, "out", "", "output .avi file (default: the cache's demo video)")
		video.Flags().Float64Var(&seconds, "seconds", 4, "seconds per portrait")
		demo.AddCommand(video)
		return demo
	})
}

// demoPortraits lists the whole-face portraits in dir, sorted.
func demoPortraits(dir string) ([]string, error) {
	var files []string
	for _, name := range []string{"obama.jpg", "biden.jpg", "obama2.jpg"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			files = append(files, p)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no portraits in %s (run make setup)", dir)
	}
	sort.Strings(files)
	return files, nil
}
