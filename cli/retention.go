package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/config"
	"veriport/record"
	"veriport/retention"
)

// openRetention opens the store and the retention keeper of the configured
// data folder. The caller closes the store.
func openRetention(ctx context.Context, env *Env) (*record.Store, *retention.Keeper, config.Config, error) {
	cfg, err := env.Config()
	if err != nil {
		return nil, nil, cfg, err
	}
	return openRetentionAt(ctx, env, cfg)
}

// openRetentionAt is openRetention on cfg's data folder.
func openRetentionAt(ctx context.Context, env *Env, cfg config.Config) (*record.Store, *retention.Keeper, config.Config, error) {
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return nil, nil, cfg, err
	}
	k, err := app.OpenKeeper(store, cfg, env.Log)
	if err != nil {
		store.Close()
		return nil, nil, cfg, err
	}
	return store, k, cfg, nil
}

func auditVerifyCmd(env *Env) *cobra.Command {
	var asJSON bool
	var file string
	var heads []string
	cmd := &cobra.Command{
		Use:   "verify [--head SEQ:HASH]",
		Short: "Check every link of the audit chain; exit 0 when intact, else name the first broken entry",
		Long: "Verify checks every link of the audit chain and that it reaches the head recorded outside\n" +
			"it. --head SEQ:HASH (from a result the back end received, or an earlier export) proves\n" +
			"that no entry up to SEQ was cut off the tail or rewritten.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rep record.AuditReport
			var err error
			want := make([]record.AuditHead, 0, len(heads))
			for _, h := range heads {
				ah, perr := record.ParseAuditHead(h)
				if perr != nil {
					return &ExitError{Code: 2, Err: perr}
				}
				want = append(want, ah)
			}
			if file != "" {
				f, ferr := os.Open(file)
				if ferr != nil {
					return ferr
				}
				defer f.Close()
				rep, err = record.VerifyAuditJSONL(f, want...)
			} else {
				_, store, oerr := env.openStore(cmd.Context())
				if oerr != nil {
					return oerr
				}
				defer store.Close()
				rep, err = record.VerifyAudit(cmd.Context(), store.DB, want...)
			}
			if err != nil {
				return err
			}
			if asJSON {
				if err := env.PrintJSON(rep); err != nil {
					return err
				}
			} else if rep.Intact {
				fmt.Fprintf(env.Stdout, "audit chain intact: %d entries, head %d:%s\n", rep.Entries, rep.HeadSeq, rep.HeadHash)
			}
			if !rep.Intact {
				return &ExitError{Code: 1, Err: fmt.Errorf("%w at entry %d: %s", record.ErrAuditBroken, rep.FirstBroken, rep.Reason)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().StringVar(&file, "file", "", "verify an exported JSONL file instead of the database")
	cmd.Flags().StringArrayVar(&heads, "head", nil, "a head kept outside the station, SEQ:HASH, the chain must reach (repeatable)")
	return cmd
}

func auditExportCmd(env *Env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export --out FILE",
		Short: "Write the audit chain as JSONL for an auditor",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--out FILE is required")
			}
			_, store, err := env.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			tmp, err := os.CreateTemp(filepath.Dir(out), ".audit-*.jsonl")
			if err != nil {
				return fmt.Errorf("export audit: %w", err)
			}
			defer os.Remove(tmp.Name())
			n, err := record.ExportAudit(cmd.Context(), store.DB, tmp)
			if err == nil {
				err = tmp.Sync()
			}
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(tmp.Name(), out)
			}
			if err != nil {
				return fmt.Errorf("export audit to %s: %w", out, err)
			}
			head, err := store.AuditHead(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "exported %d audit entries to %s\n", n, out)
			// The head, for the auditor to keep apart: `audit verify --head` checks it later.
			fmt.Fprintf(env.Stdout, "audit head %s\n", head)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "JSONL file to write")
	return cmd
}
