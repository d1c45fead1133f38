package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/officer"
	"veriport/record"
)

// cliActor is the actor the audit chain records for changes made at the
// station's command line.
const cliActor = "cli"

// officerSimpleCmd is an officer change that takes only the officer's id
// (unlock, disable, enable); done names it in the line printed after.
func officerSimpleCmd(env *Env, use, short, done string, do func(*officer.Admin, context.Context, string) error) *cobra.Command {
	return &cobra.Command{
		Use: use + " ID", Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withAdmin(cmd.Context(), env, func(a *officer.Admin) error {
				if err := do(a, cmd.Context(), args[0]); err != nil {
					return adminExit(err)
				}
				fmt.Fprintf(env.Stdout, "Officer %s %s.\n", args[0], done)
				return nil
			})
		},
	}
}

// officerUnlockCmd is `veriport officer unlock ID` (on the audit chain).
func officerUnlockCmd(env *Env) *cobra.Command {
	return officerSimpleCmd(env, "unlock", "Lift an officer's lock after repeated failed logins", "unlocked",
		func(a *officer.Admin, ctx context.Context, id string) error { return a.Unlock(ctx, cliActor, id) })
}

// officerDisableCmd is `veriport officer disable ID` (on the audit chain).
func officerDisableCmd(env *Env) *cobra.Command {
	return officerSimpleCmd(env, "disable", "Stop an officer from logging in (the account and its history stay)", "disabled",
		func(a *officer.Admin, ctx context.Context, id string) error { return a.Disable(ctx, cliActor, id) })
}

// officerEnableCmd is `veriport officer enable ID` (on the audit chain).
func officerEnableCmd(env *Env) *cobra.Command {
	return officerSimpleCmd(env, "enable", "Let a disabled officer log in again", "enabled",
		func(a *officer.Admin, ctx context.Context, id string) error { return a.Enable(ctx, cliActor, id) })
}

// withOfficers opens the record store and runs fn with the officers kept
// there: their authenticator, store, and the record store for audit entries.
func withOfficers(ctx context.Context, env *Env, fn func(*officer.Authenticator, *officer.SQLStore, *record.Store) error) error {
	cfg, store, err := env.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	ostore, err := app.OfficerStore(cfg, store)
	if err != nil {
		return err
	}
	auth, err := officer.NewAuthenticator(ostore, app.LoginPolicy(cfg.Workflow), officer.WithLogger(env.Log))
	if err != nil {
		return err
	}
	return fn(auth, ostore, store)
}

// withAdmin opens the record store and runs fn with its officer administration.
func withAdmin(ctx context.Context, env *Env, fn func(*officer.Admin) error) error {
	return withOfficers(ctx, env, func(auth *officer.Authenticator, ostore *officer.SQLStore, store *record.Store) error {
		audit := func(ctx context.Context, kind, actor, subject, detail string) error {
			return store.Audit(ctx, record.AuditEvent{Kind: kind, Actor: actor, Subject: subject, Detail: detail})
		}
		return fn(officer.NewAdmin(auth, ostore, audit))
	})
}

// adminExit classifies an administration error: a wrong id or PIN is the
// caller's (exit 2), anything else the station's (exit 1).
func adminExit(err error) error {
	if errors.Is(err, officer.ErrUnknownOfficer) || errors.Is(err, officer.ErrWeakPIN) || errors.Is(err, officer.ErrSelf) {
		return &ExitError{Code: 2, Err: err}
	}
	return err
}

// officerRow is one officer in `officer list --json`: no credential.
type officerRow struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	State       string `json:"state"` // active, locked or disabled
	Locked      bool   `json:"locked"`
	LockedUntil string `json:"locked_until,omitempty"` // RFC 3339, while locked
	Disabled    bool   `json:"disabled"`
	Failures    int    `json:"failures"` // consecutive failed logins
}

func officerListCmd(env *Env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the officers: id, role, state (active, locked, disabled), name",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAdmin(cmd.Context(), env, func(a *officer.Admin) error {
				l, err := a.List(cmd.Context())
				if err != nil {
					return err
				}
				now := a.Now()
				rows := make([]officerRow, len(l))
				for i, s := range l {
					rows[i] = officerRow{ID: s.ID, Name: s.Name, Role: string(s.Role), State: s.State(now),
						Locked: s.Locked(now), Disabled: s.Disabled, Failures: s.Failures}
					if s.Locked(now) {
						rows[i].LockedUntil = s.LockedUntil.Format(time.RFC3339)
					}
				}
				if asJSON {
					enc := json.NewEncoder(env.Stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(rows)
				}
				tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tROLE\tSTATE\tFAILURES\tNAME")
				for i, r := range rows {
					state := r.State
					if r.Locked {
						state += " until " + l[i].LockedUntil.Local().Format("15:04")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", r.ID, r.Role, state, r.Failures, r.Name)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	return cmd
}

func officerResetPINCmd(env *Env) *cobra.Command {
	var pinStdin bool
	cmd := &cobra.Command{
		Use:   "reset-pin ID",
		Short: "Give an officer a new PIN (and lift any lock)",
		Long: "Reset-pin sets a new PIN (6 to 32 digits), asked for on the terminal, twice, or read as\n" +
			"one line from standard input with --pin-stdin. It also lifts a lock.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pin, err := readPIN(cmd.InOrStdin(), env.Stderr, pinStdin)
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			return withAdmin(cmd.Context(), env, func(a *officer.Admin) error {
				if err := a.ResetPIN(cmd.Context(), cliActor, args[0], pin); err != nil {
					return adminExit(err)
				}
				fmt.Fprintf(env.Stdout, "New PIN set for officer %s.\n", args[0])
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&pinStdin, "pin-stdin", false, "read the PIN as one line from standard input")
	return cmd
}

func officerResetTOTPCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "reset-totp ID",
		Short: "Give an officer a new TOTP secret and print its provisioning URI once",
		Long: "Reset-totp replaces the officer's TOTP secret (a lost or replaced phone). The old\n" +
			"authenticator entry stops working; the new provisioning URI (otpauth://...) is printed\n" +
			"once: add it to the officer's authenticator app now; it cannot be shown again.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withAdmin(cmd.Context(), env, func(a *officer.Admin) error {
				uri, err := a.ResetTOTP(cmd.Context(), cliActor, args[0])
				if err != nil {
					return adminExit(err)
				}
				fmt.Fprintf(env.Stdout, "New TOTP secret for officer %s.\n", args[0])
				fmt.Fprintln(env.Stdout, "Add this to the officer's authenticator app now; it is shown only once:")
				fmt.Fprintln(env.Stdout, uri)
				return nil
			})
		},
	}
}
