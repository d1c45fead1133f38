package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// outboxRequeue is `veriport outbox requeue [--all | ID...]`: dead letters
// back in the outbox, each with an audit entry (actor cli). The running
// workstation sends them on its next look at the outbox.
func outboxRequeue(env *Env) *cobra.Command {
	var all, asJSON bool
	cmd := &cobra.Command{
		Use:   "requeue [--all | ENCOUNTER_ID...]",
		Short: "Send dead-lettered results again (after the back end or the booth was fixed); audited",
		Long: "Puts dead letters back in the outbox in their own place, to be sent again: the encounters named,\n" +
			"or every dead letter with --all. Each one is written to the audit chain (actor cli) in the same\n" +
			"transaction. An id that is not a dead letter changes nothing and fails the command.",
		RunE: func(cmd *cobra.Command, ids []string) error {
			if all == (len(ids) > 0) {
				return errors.New("name the dead letters' encounter ids, or --all (not both)")
			}
			_, store, err := env.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			done, err := store.RequeueDead(cmd.Context(), ids, "cli", time.Now())
			if err != nil {
				return err
			}
			if asJSON {
				return env.PrintJSON(map[string]any{"requeued": done})
			}
			for _, id := range done {
				fmt.Fprintf(env.Stdout, "requeued %s\n", id)
			}
			fmt.Fprintf(env.Stdout, "%d dead letters back in the outbox (audited)\n", len(done))
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "every dead letter")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
