package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"veriport/camera"
	"veriport/quality"
	"veriport/verify"
)

// demoVideoCmd is `veriport demo video`.
func demoVideoCmd(env *Env) *cobra.Command {
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
			faces, err := demoFaces(cfg.Paths.ModelsDir, files)
			if err != nil {
				return err
			}
			spec := camera.DemoSpec{Portraits: files, Faces: faces, Out: out, Width: 1280, Height: 720, FPS: 25, Seconds: seconds}
			if err := camera.WriteDemoVideo(spec); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "wrote %s (%d portraits, %.0f s each)\n", out, len(files), seconds)
			return nil
		},
	}
	video.Flags().StringVar(&portraits, "portraits", "", "folder of portrait images (default: the cache's portraits)")
	video.Flags().StringVar(&out, "out", "", "output .avi file (default: the cache's demo video)")
	video.Flags().Float64Var(&seconds, "seconds", 10, "seconds per portrait")
	return video
}

// demoPathCmd is `veriport demo path`.
func demoPathCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print where the demo video is expected (its name carries its version)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, cfg.Paths.DemoVideo())
			return nil
		},
	}
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

// demoFaces finds the face in each portrait with the face engine, so the
// demo clip can bring it close to the camera.
func demoFaces(models string, files []string) ([]camera.DemoFace, error) {
	e, err := verify.Open(models)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	faces := make([]camera.DemoFace, len(files))
	for i, f := range files {
		img, err := verify.LoadImage(f)
		if err != nil {
			return nil, err
		}
		face, err := e.Single(img)
		if err != nil {
			return nil, fmt.Errorf("demo portrait %s: %w", f, err)
		}
		p, ok := quality.PoseFromLandmarks(face.Landmarks)
		if !ok {
			return nil, fmt.Errorf("demo portrait %s: no eye landmarks", f)
		}
		faces[i] = camera.DemoFace{EyeX: (p.Eyes[0].X + p.Eyes[1].X) / 2, EyeY: (p.Eyes[0].Y + p.Eyes[1].Y) / 2, InterEye: p.InterEye}
	}
	return faces, nil
}
