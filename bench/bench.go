// Package bench is Veriport's performance measurements, what `veriport
// bench` runs: each measures one capability in the units its target is set
// in and adds its figures to one map. The live view is measured headless on
// Fyne's test driver, which is linked from here (and from tests) only, never
// from ui.
package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"veriport/config"
	"veriport/record"
)

// Env is what a measurement gets: the settings and where to log progress.
type Env struct {
	// Config loads the settings (with the command line's overrides).
	Config func() (config.Config, error)
	Stderr io.Writer // progress lines, never figures
	Log    *slog.Logger
	// ScaleDuration is how long backend-scale's booths send
	// (DefaultScaleDuration when zero).
	ScaleDuration time.Duration
}

// Func measures one capability and adds its figures to out under the
// keys its issue names. It logs progress to env.Stderr, never to stdout.
type Func func(ctx context.Context, env *Env, out map[string]any) error

// Measurement is one named measurement of `veriport bench`.
type Measurement struct {
	Name string
	Run  Func
}

// all is every measurement, by name.
var all = []Measurement{
	{"backend", benchBackend},
	{"backend-report", benchBackendReport},
	{"backend-report-10m", benchBackendReport10M},
	{"backend-scale", benchBackendScale},
	{"capture", benchCapture},
	{"gallery", benchGallery},
	{"gallery-calibrate", benchCalibrate},
	{"live", benchLive},
	{"purge", benchPurge},
	{"report", benchReport},
	{"startup", benchStartup},
	{"verify-search", benchSearch},
	{"verify-template", benchTemplate},
}

// Names are the measurements' names, in the order Run runs them.
func Names() []string {
	names := make([]string, len(all))
	for i, m := range all {
		names[i] = m.Name
	}
	return names
}

// Select is the measurements named in only, all of them when only is
// empty; an unknown name is an error listing the known ones.
func Select(only []string) ([]Measurement, error) {
	if len(only) == 0 {
		return all, nil
	}
	sel := map[string]bool{}
	var unknown []string
	for _, o := range only {
		sel[o] = true
		if !known(o) {
			unknown = append(unknown, o)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("bench --only: unknown measurement %s; known: %s",
			strings.Join(unknown, ", "), strings.Join(Names(), ", "))
	}
	var out []Measurement
	for _, m := range all {
		if sel[m.Name] {
			out = append(out, m)
		}
	}
	return out, nil
}

func known(name string) bool {
	for _, m := range all {
		if m.Name == name {
			return true
		}
	}
	return false
}

// Run runs the measurements in order and returns their figures, with the
// BLAS library the process runs on (dlib's network figures depend on it).
func Run(ctx context.Context, env *Env, ms []Measurement) (map[string]any, error) {
	out := map[string]any{}
	for _, m := range ms {
		fmt.Fprintf(env.Stderr, "bench: %s…\n", m.Name)
		if err := m.Run(ctx, env, out); err != nil {
			return nil, fmt.Errorf("bench %s: %w", m.Name, err)
		}
	}
	out["blas"] = loadedBLAS()
	return out, nil
}

// benchStore opens a throw-away record store in a new temporary folder;
// cleanup closes it and removes the folder.
func benchStore(ctx context.Context, name string) (store *record.Store, dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "veriport-bench-"+name+"-")
	if err != nil {
		return nil, "", nil, err
	}
	store, err = record.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", nil, err
	}
	return store, dir, func() { store.Close(); os.RemoveAll(dir) }, nil
}

// loadedBLAS names the BLAS library this process runs on (from its memory
// map: Debian chooses libblas.so.3 by its alternatives), or "unknown".
func loadedBLAS() string {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(maps), "\n") {
		f := strings.Fields(l)
		if len(f) < 6 || !strings.Contains(filepath.Base(f[5]), "blas") {
			continue
		}
		switch p := f[5]; {
		case strings.Contains(p, "openblas"):
			return "openblas (" + p + ")"
		case strings.Contains(p, "atlas"):
			return "atlas (" + p + ")"
		default:
			return p
		}
	}
	return "unknown"
}
