package cli

import (
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"veriport/bench"
)

// benchCmd is `veriport bench`: the measurements live in package bench
// (which alone links Fyne's test driver, for the headless live view); the
// command only parses its flags and prints the figures.
func benchCmd(env *Env) *cobra.Command {
	var asJSON bool
	var only []string
	var scale time.Duration
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Run the performance measurements and print their figures",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sel, err := bench.Select(only)
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			out, err := bench.Run(cmd.Context(), &bench.Env{Config: env.Config, Stderr: env.Stderr, Log: env.Log,
				ScaleDuration: scale}, sel)
			if err != nil {
				return err
			}
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
	cmd.Flags().DurationVar(&scale, "scale-duration", bench.DefaultScaleDuration,
		"how long the 200 booths of backend-scale send (10m for the full scale run)")
	return cmd
}
