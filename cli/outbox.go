package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"veriport/record"
)

// outboxCmd is `veriport outbox`: the results waiting for the back end
// and the dead letters.
func outboxCmd(env *Env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "outbox",
		Short: "Show results waiting for transmittal to the back end, and those it refused (dead letters)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, store, err := env.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			st, err := store.OutboxStats(cmd.Context())
			if err != nil {
				return err
			}
			letters, err := store.DeadLetters(cmd.Context())
			if err != nil {
				return err
			}
			return printOutbox(env, st, letters, cfg.Transmit.BacklogWarn, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// printOutbox prints the outbox's figures and dead letters, with the alarm
// and the backlog warning (oldest waiting older than backlogWarn).
func printOutbox(env *Env, st record.OutboxStats, letters []record.OutboxItem, backlogWarn time.Duration, asJSON bool) error {
	age := 0.0
	if !st.OldestPending.IsZero() {
		age = time.Since(st.OldestPending).Seconds()
	}
	warn := age > backlogWarn.Seconds()
	if asJSON {
		dead := make([]map[string]any, 0, len(letters))
		for _, d := range letters {
			dead = append(dead, map[string]any{"seq": d.Seq, "encounter_id": d.EncounterID,
				"created_at": d.CreatedAt, "dead_at": d.DeadAt, "reason": d.LastError})
		}
		return env.PrintJSON(map[string]any{
			"pending": st.Pending, "delivered": st.Delivered, "dead": st.Dead,
			"oldest_pending_age_s": age, "last_delivered_at": zeroAsNil(st.LastDelivered),
			"last_error": st.LastError, "backlog_warning": warn,
			"dead_letters": dead, "alarm": st.Dead > 0 || st.Blocked != "", "blocked": st.Blocked,
		})
	}
	fmt.Fprintf(env.Stdout, "pending %d, delivered %d, dead-lettered %d\n", st.Pending, st.Delivered, st.Dead)
	for _, d := range letters {
		fmt.Fprintf(env.Stdout, "DEAD LETTER %s (refused %s): %s\n", d.EncounterID,
			d.DeadAt.Local().Format(time.RFC3339), d.LastError)
	}
	if st.Pending > 0 {
		fmt.Fprintf(env.Stdout, "oldest pending for %s\n", time.Duration(age*float64(time.Second)).Round(time.Second))
	}
	if !st.LastDelivered.IsZero() {
		fmt.Fprintf(env.Stdout, "last delivery %s\n", st.LastDelivered.Local().Format(time.RFC3339))
	}
	if st.Blocked != "" {
		fmt.Fprintf(env.Stdout, "ALARM: not accepted (%s), kept and resent: %s\n", st.Blocked, st.LastError)
	} else if st.LastError != "" {
		fmt.Fprintf(env.Stdout, "last error: %s\n", st.LastError)
	}
	if warn {
		fmt.Fprintf(env.Stdout, "WARNING: backlog older than %v\n", backlogWarn)
	}
	return nil
}

func zeroAsNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
