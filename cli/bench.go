package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"veriport/record"
)

// BenchFunc measures one capability and adds its figures to out under the
// keys its issue names. It logs progress to env.Stderr, never to stdout.
type BenchFunc func(ctx context.Context, env *Env, out map[string]any) error

type benchEntry struct {
	name string
	fn   BenchFunc
}

var benches []benchEntry

// registerBench adds a measurement to `veriport bench`; called from init.
func registerBench(name string, fn BenchFunc) { benches = append(benches, benchEntry{name, fn}) }

func init() {
	register(func(env *Env) *cobra.Command {
		var asJSON bool
		var only []string
		cmd := &cobra.Command{
			Use:   "bench",
			Short: "Run the performance measurements and print their figures",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				out := map[string]any{}
				sort.Slice(benches, func(i, j int) bool { return benches[i].name < benches[j].name })
				sel, err := benchSelection(only)
				if err != nil {
					return &ExitError{Code: 2, Err: err}
				}
				for _, b := range benches {
					if len(sel) > 0 && !sel[b.name] {
						continue
					}
					fmt.Fprintf(env.Stderr, "bench: %s…\n", b.name)
					if err := b.fn(cmd.Context(), env, out); err != nil {
						return fmt.Errorf("bench %s: %w", b.name, err)
					}
				}
				// The BLAS dlib's network runs on changes its figures.
				out["blas"] = loadedBLAS()
				if asJSON {
					return env.PrintJSON(out)
				}
				keys := make([]string, 0, len(out))
				for k := range out {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					fmt.Fprintf(env.Stdout, "%-24s %v\n", k, out[k])
				}
				return nil
			},
		}
		cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
		cmd.Flags().StringSliceVar(&only, "only", nil, "run only these measurements (comma-separated; an unknown name lists the known ones)")
		return cmd
	})
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

// benchSelection checks the --only names against the registered
// measurements; an unknown name is an error listing the known ones.
func benchSelection(only []string) (map[string]bool, error) {
	known := map[string]bool{}
	names := make([]string, len(benches))
	for i, b := range benches {
		known[b.name], names[i] = true, b.name
	}
	sel := map[string]bool{}
	var unknown []string
	for _, o := range only {
		if !known[o] {
			unknown = append(unknown, o)
		}
		sel[o] = true
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("bench --only: unknown measurement %s; known: %s",
			strings.Join(unknown, ", "), strings.Join(names, ", "))
	}
	return sel, nil
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
