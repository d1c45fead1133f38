package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"veriport/verify"
)

// enrollSkip is an image enroll left out, with the reason.
type enrollSkip struct {
	Image  string `json:"image"`
	Reason string `json:"reason"`
}

// enrollReport is what enroll prints.
type enrollReport struct {
	Out      string            `json:"out"`
	Engine   verify.EngineName `json:"engine"`
	Images   int               `json:"images"`
	Enrolled int               `json:"enrolled"`
	Subjects int               `json:"subjects"`
	Skipped  []enrollSkip      `json:"skipped"`
}

// enrollFile is one candidate image and the subject it belongs to.
type enrollFile struct{ path, rel, subject string }

// enrollCmd is `veriport enroll`: a template file from photos.
func enrollCmd(env *Env) *cobra.Command {
	var dir, out, engine string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "enroll --images DIR --out G.jsonl [--engine dlib|sface]",
		Short: "Make a template file from photos (subject = sub-folder name, else file-name stem)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			name, err := verify.ParseEngine(engine)
			if err != nil {
				return err
			}
			rep, err := runEnroll(cmd.Context(), env, dir, out, name)
			if err != nil {
				return err
			}
			if asJSON {
				if err := env.PrintJSON(rep); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(env.Stdout, "enrolled %d of %d images (%d subjects) into %s\n",
					rep.Enrolled, rep.Images, rep.Subjects, rep.Out)
				for _, s := range rep.Skipped {
					fmt.Fprintf(env.Stdout, "skipped %s: %s\n", s.Image, s.Reason)
				}
			}
			if rep.Enrolled == 0 {
				return &ExitError{Code: 1, Err: fmt.Errorf("no image in %s gave a template; %s not written", dir, out)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "images", "", "folder of photos: loose files, or one sub-folder per subject")
	cmd.Flags().StringVar(&out, "out", "", "template file to write (JSONL)")
	cmd.Flags().StringVar(&engine, "engine", string(verify.EngineDlib), "face engine making the templates: dlib or sface")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// runEnroll computes a template per image on every recognizer of the pool
// and writes the file whole. This process has no live capture, so the work
// runs at Live priority: Background would leave one recognizer idle (the
// workstation's own enrolment, beside a camera, uses Background).
func runEnroll(ctx context.Context, env *Env, dir, out string, name verify.EngineName) (enrollReport, error) {
	if dir == "" || out == "" {
		return enrollReport{}, errors.New("--images and --out are required")
	}
	files, err := enrollFiles(dir)
	if err != nil {
		return enrollReport{}, err
	}
	cfg, err := env.Config()
	if err != nil {
		return enrollReport{}, err
	}
	engine, err := verify.OpenEngine(name, cfg.Paths.ModelsDir)
	if err != nil {
		return enrollReport{}, err
	}
	defer engine.Close()
	workers := 1 // sface runs one network at a time
	if e, ok := engine.(interface{ Size() int }); ok {
		workers = e.Size()
	}

	results := make([]verify.Enrolled, len(files))
	reasons := make([]string, len(files))
	bar := enrollBar(env, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i], reasons[i] = enrollOne(ctx, engine, files[i])
				if bar != nil {
					_ = bar.Add(1)
				}
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if bar != nil {
		_ = bar.Finish()
	}
	if err := ctx.Err(); err != nil {
		return enrollReport{}, err
	}

	rep := enrollReport{Out: out, Engine: name, Images: len(files), Skipped: []enrollSkip{}}
	var ok []verify.Enrolled
	subjects := map[string]bool{}
	for i, f := range files {
		if reasons[i] != "" {
			rep.Skipped = append(rep.Skipped, enrollSkip{Image: f.rel, Reason: reasons[i]})
			continue
		}
		ok = append(ok, results[i])
		subjects[f.subject] = true
	}
	rep.Enrolled, rep.Subjects = len(ok), len(subjects)
	env.Log.Info("enrolment done", "images", rep.Images, "enrolled", rep.Enrolled, "skipped", len(rep.Skipped))
	if len(ok) > 0 {
		if err := writeTemplateFile(out, ok); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// enrollOne is one image's template, or the reason it was skipped.
func enrollOne(ctx context.Context, e verify.FaceEngine, f enrollFile) (verify.Enrolled, string) {
	img, err := verify.LoadImage(f.path)
	if errors.Is(err, verify.ErrNotImage) {
		return verify.Enrolled{}, "not a JPEG or PNG image"
	} else if err != nil {
		return verify.Enrolled{}, err.Error()
	}
	faces, err := e.FacesAt(ctx, img, verify.Live)
	switch {
	case err != nil:
		return verify.Enrolled{}, err.Error()
	case len(faces) == 0:
		return verify.Enrolled{}, "no face found"
	case len(faces) > 1:
		return verify.Enrolled{}, fmt.Sprintf("%d faces found, want exactly one", len(faces))
	}
	face := faces[0]
	return verify.Enrolled{Subject: f.subject, Template: face.Template, Engine: e.Name(), Source: "enroll", Image: f.rel}, ""
}

// enrollFiles lists the candidate images of dir: loose files (subject =
// file-name stem) and files anywhere under a sub-folder (subject = the
// sub-folder's name). Hidden files and folders are ignored.
func enrollFiles(dir string) ([]enrollFile, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("images folder %s: not found", dir)
	} else if err != nil {
		return nil, fmt.Errorf("images folder %s: %w", dir, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("images folder %s: not a folder", dir)
	}
	var files []enrollFile
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		subject := parts[0]
		if len(parts) == 1 {
			subject = strings.TrimSuffix(d.Name(), filepath.Ext(d.Name()))
		}
		files = append(files, enrollFile{path: path, rel: filepath.ToSlash(rel), subject: subject})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("images folder %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("images folder %s: no files", dir)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, nil
}

// writeTemplateFile writes es to path through a temporary file, so a failed
// write never leaves a half file behind.
func writeTemplateFile(path string, es []verify.Enrolled) error {
	if d := filepath.Dir(path); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".enroll-*.jsonl")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	for _, e := range es {
		if err := verify.WriteTemplate(tmp, e); err != nil {
			tmp.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// terminal is stderr when it is a terminal (for progress bars), else nil.
func (e *Env) terminal() *os.File {
	f, ok := e.Stderr.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}

// enrollBar is a progress bar on a terminal's stderr, else nil.
func enrollBar(env *Env, n int) *progressbar.ProgressBar {
	f := env.terminal()
	if f == nil {
		return nil
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("enrolling"),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
}
