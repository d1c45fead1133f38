package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"veriport/retention"
)

// purgeCmd is `veriport purge`: one retention purge of the data folder, or
// one every --every until stopped. The packaged systemd user timer
// (veriport-purge.timer) runs it with --if-exists, window open or not.
func purgeCmd(env *Env) *cobra.Command {
	var dryRun, asJSON, ifExists, demoProfile bool
	var every time.Duration
	cmd := &cobra.Command{
		Use:   "purge",
		Short: "Delete the photos and flight galleries whose retention deadline has passed, and log each deletion",
		Long: "Purge runs the retention purge once: it deletes every photo past its deadline and\n" +
			"every cached flight gallery past departure plus grace, writes one purge-log row per\n" +
			"deletion, destroys the keys of emptied buckets and checkpoints the database.\n" +
			"--dry-run only lists what is due. It is safe beside a running workstation.\n" +
			"The package's systemd user timer (veriport-purge.timer) runs it every 10 minutes\n" +
			"whether the window is open or not; from a checkout, `make purge-timer` installs the\n" +
			"same timer for bin/veriport, or `bin/veriport purge --every 10m` runs it in the foreground.\n" +
			"Photos purged past their deadline are logged as an error; photos still overdue\n" +
			"after the run also give exit code 3.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env.Config()
			if err != nil {
				return err
			}
			if demoProfile {
				cfg = cfg.DemoProfile()
			}
			if ifExists {
				if _, err := os.Stat(cfg.Paths.Database); errors.Is(err, fs.ErrNotExist) {
					return nil // no store here: nothing to purge, nothing created
				}
			}
			store, k, _, err := openRetentionAt(cmd.Context(), env, cfg)
			if err != nil {
				return err
			}
			defer store.Close()
			if every <= 0 {
				return purgeOnce(cmd.Context(), env, k, dryRun, asJSON)
			}
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				if err := purgeOnce(cmd.Context(), env, k, dryRun, asJSON); err != nil {
					env.Log.Error("retention: purge run failed; retrying next run", "err", err)
				}
				select {
				case <-cmd.Context().Done():
					return nil
				case <-t.C:
				}
			}
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what is due without deleting anything")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().BoolVar(&ifExists, "if-exists", false, "do nothing when the data folder holds no database (the timer's mode)")
	cmd.Flags().BoolVar(&demoProfile, "demo-profile", false, "purge the demo profile's data folder (<data>/demo)")
	cmd.Flags().DurationVar(&every, "every", 0, "purge again every interval until stopped (0: once)")
	return cmd
}

// purgeOnce runs one purge with k and prints its report. Photos it purged
// past their deadline raise the alarm (an error log line); photos still
// overdue after it also give exit code 3.
func purgeOnce(ctx context.Context, env *Env, k *retention.Keeper, dryRun, asJSON bool) error {
	rep, err := k.Purge(ctx, dryRun)
	if err != nil {
		return err
	}
	if asJSON {
		if err := env.PrintJSON(rep); err != nil {
			return err
		}
	} else {
		verb := "deleted"
		if dryRun {
			verb = "would delete"
		}
		for _, it := range rep.Items {
			fmt.Fprintf(env.Stdout, "%s  %-10s deadline %s  %s\n", it.EncounterID, it.Category,
				it.Deadline.Format("2006-01-02 15:04Z"), it.Result)
		}
		for _, g := range rep.Galleries {
			fmt.Fprintf(env.Stdout, "gallery %s  deadline %s  %s\n", g.Key,
				g.Deadline.UTC().Format("2006-01-02 15:04Z"), g.Result)
		}
		fmt.Fprintf(env.Stdout, "due %d, %s %d, absent %d, failed %d, keys destroyed %d, overdue %d (%.1f ms)\n",
			rep.Due, verb, rep.Deleted, rep.Absent, rep.Failed, rep.KeysDestroyed, rep.Overdue, rep.TookMS)
	}
	late := 0
	for _, it := range rep.Items {
		if it.Overdue {
			late++
		}
	}
	if rep.Failed > 0 {
		return &ExitError{Code: 1, Err: fmt.Errorf("%d photo(s) could not be deleted; see the log", rep.Failed)}
	}
	if dryRun {
		return nil
	}
	if late > 0 { // the alarm is raised by whichever purge runs first
		env.Log.Error("retention: photos were overdue for purge (purged now)", "purged_late", late)
	}
	if rep.Overdue > 0 {
		env.Log.Error("retention: photos overdue for purge", "overdue", rep.Overdue)
		return &ExitError{Code: 3, Err: fmt.Errorf("retention alarm: %d photo(s) still overdue for purge", rep.Overdue)}
	}
	return nil
}
