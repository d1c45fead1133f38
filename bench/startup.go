package bench

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"veriport/app"
	"veriport/booth"
	"veriport/config"
	"veriport/gallery"
	"veriport/verify"
)

// Start-up and memory figures of the workstation itself: startup_ms is
// from starting the process (`veriport --camera <demo video>`, a fresh data
// folder, under a private Xvfb when no display is set) to its first live
// frame (the "live view started" log line). rss_mb_42k is its resident
// memory once the face models are loaded and the live view runs, plus what
// a 42,000-template flight gallery adds when loaded into a decider (the
// workstation loads galleries only after an officer picks a flight).
func benchStartup(ctx context.Context, env *Env, out map[string]any) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	display := os.Getenv("DISPLAY")
	if display == "" {
		d, stop, err := privateXvfb(ctx)
		if err != nil {
			return fmt.Errorf("no display and no Xvfb: %w", err)
		}
		defer stop()
		display = d
	}
	var starts []float64
	var rssMB float64
	for i := range 3 {
		st, rss, err := startWorkstation(ctx, self, display, cfg.Paths.DemoVideo(), i == 0)
		if err != nil {
			return err
		}
		starts = append(starts, st)
		if i == 0 {
			rssMB = rss
		}
	}
	galleryMB, err := galleryRSS(42000)
	if err != nil {
		return err
	}
	sfaceMB, sfaceCropMB, err := sfaceRSS(cfg)
	if err != nil {
		return err
	}
	out["startup_ms"] = round3(verify.Percentile(starts, 50))
	out["rss_mb_42k"] = round3(rssMB + galleryMB + sfaceMB)
	out["rss_mb_sface"] = round3(sfaceMB)
	out["rss_mb_sface_crop"] = round3(sfaceCropMB)
	fmt.Fprintf(env.Stderr, "bench: start-up to first live frame %v ms (median of 3); workstation %.0f MB with dlib's models, "+
		"42,000-template gallery %.0f MB, sface engine (loaded with the first gallery that has its templates) %.0f MB "+
		"after templates from the tracked crop and a whole-frame fallback (%.0f MB before the fallback) (load %s)\n",
		starts, rssMB, galleryMB, sfaceMB, sfaceCropMB, loadAverage())
	return nil
}

// settledRSS is this process's resident memory in MB after a collection
// that returns freed memory to the system.
func settledRSS() (float64, error) {
	runtime.GC()
	debug.FreeOSMemory()
	return app.ResidentMB(os.Getpid())
}

// sfaceRSS is the resident memory the sface engine adds in the booth, in
// MB: opened (its warm-up included) and making templates as the capture
// path does, from the tracked crop (SingleNear), then once more after the
// crop's fallback (a tracked box on no face: the whole frame is searched,
// as the live benchmark's whole_frame_fallbacks count). crop is the figure
// before the fallback.
func sfaceRSS(cfg config.Config) (all, crop float64, err error) {
	img, err := verify.LoadImage(filepath.Join(cfg.Paths.Portraits(), "obama.jpg"))
	if err != nil {
		return 0, 0, fmt.Errorf("%w (run make setup)", err)
	}
	box, closeDlib, err := sfaceBox(img, cfg.Paths.ModelsDir)
	if err != nil {
		return 0, 0, err
	}
	defer closeDlib()
	before, err := settledRSS()
	if err != nil {
		return 0, 0, err
	}
	sf, err := verify.OpenSFace(cfg.Paths.ModelsDir)
	if err != nil {
		return 0, 0, err
	}
	defer sf.Close()
	ctx := context.Background()
	for range 3 {
		if _, found, err := sf.SingleNear(ctx, img, box, verify.Live); err != nil || !found {
			return 0, 0, fmt.Errorf("sface template from the tracked crop: found %v: %v", found, err)
		}
	}
	afterCrop, err := settledRSS()
	if err != nil {
		return 0, 0, err
	}
	nothing := image.Rect(0, 0, box.Dx()/2, box.Dy()/2) // a tracked box on no face
	if nothing.Overlaps(box) {
		return 0, 0, fmt.Errorf("the portrait's face %v leaves no empty corner", box)
	}
	if _, found, err := sf.SingleNear(ctx, img, nothing, verify.Live); err != nil || found {
		return 0, 0, fmt.Errorf("sface whole-frame fallback: found on the crop %v: %v", found, err)
	}
	afterFallback, err := settledRSS()
	return afterFallback - before, afterCrop - before, err
}

// sfaceBox is the face's box in img, as the live tracker would give it,
// found by the dlib engine, which the workstation has loaded before sface
// (the caller closes it after measuring). sface itself is opened only
// once, as in the workstation: its first opening in a process also sets
// up OpenCV's DNN module, which a second one would not count.
func sfaceBox(img image.Image, models string) (image.Rectangle, func(), error) {
	e, err := verify.Open(models)
	if err != nil {
		return image.Rectangle{}, nil, err
	}
	f, err := e.SingleAt(context.Background(), img, verify.Live)
	if err != nil {
		e.Close()
		return image.Rectangle{}, nil, err
	}
	return f.Box, e.Close, nil
}

// startWorkstation starts the workstation on the demo video and returns the
// milliseconds to its first live frame; with rss it also waits for the
// models and returns its resident memory in MB.
func startWorkstation(ctx context.Context, self, display, video string, rss bool) (float64, float64, error) {
	dir, err := os.MkdirTemp("", "veriport-bench-startup-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, self, "--data-dir", dir, "--camera", video)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8")
	logs, err := cmd.StderrPipe()
	if err != nil {
		return 0, 0, err
	}
	cmd.Stdout = nil
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
	}()
	wait := func(what string) (time.Duration, error) {
		timeout := time.After(60 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return 0, fmt.Errorf("workstation exited before %q", what)
				}
				if strings.Contains(l, what) {
					return time.Since(start), nil
				}
			case <-timeout:
				return 0, fmt.Errorf("no %q within 60 s", what)
			}
		}
	}
	first, err := wait("live view started")
	if err != nil {
		return 0, 0, err
	}
	if !rss {
		return ms(first), 0, nil
	}
	if _, err := wait("face models loaded"); err != nil {
		return 0, 0, err
	}
	time.Sleep(3 * time.Second) // the live pipeline settles with landmarks
	mb, err := app.ResidentMB(cmd.Process.Pid)
	return ms(first), mb, err
}

// galleryRSS is what loading an n-template gallery into a decider adds to
// this process's resident memory, in MB.
func galleryRSS(n int) (float64, error) {
	before, err := settledRSS()
	if err != nil {
		return 0, err
	}
	b := &gallery.Bundle{Entries: make([]gallery.Entry, n)}
	syn := verify.NewSynth(42)
	for i := range b.Entries {
		b.Entries[i] = gallery.Entry{Traveler: fmt.Sprintf("SYN-%06d", i), Category: gallery.CategoryInScope,
			Templates: []gallery.Template{{Template: syn.Subject()}}}
	}
	d := booth.NewGalleryDecider(nil, b, verify.Policy{Threshold: 0.5})
	b = nil
	after, err := settledRSS()
	runtime.KeepAlive(d)
	return after - before, err
}

// privateXvfb starts Xvfb on a free display number and returns it.
func privateXvfb(ctx context.Context) (string, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	cmd := exec.CommandContext(ctx, "Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		w.Close()
		return "", nil, err
	}
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return "", nil, fmt.Errorf("Xvfb display number: %w", err)
	}
	return ":" + strings.TrimSpace(line), func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
}
