package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"veriport/officer"
	"veriport/record"
)

// officerAddCmd enrols an officer: PIN hashed with argon2id, a new TOTP
// secret whose provisioning URI is printed once.
func officerAddCmd(env *Env) *cobra.Command {
	var id, name, role string
	var pinStdin bool
	cmd := &cobra.Command{
		Use:   "add --id ID --name NAME --role officer|supervisor",
		Short: "Enrol an officer and print the TOTP provisioning URI once",
		Long: "Add enrols an officer in the station's record store. The PIN (6 to 32 digits) is asked\n" +
			"for on the terminal, twice, or read as one line from standard input with --pin-stdin.\n" +
			"The TOTP provisioning URI (otpauth://...) is printed once: add it to the officer's\n" +
			"authenticator app now; it cannot be shown again.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := officer.ParseRole(role)
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			pin, err := readPIN(cmd.InOrStdin(), env.Stderr, pinStdin)
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			if err := officer.ValidatePIN(pin); err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			return withOfficers(cmd.Context(), env, func(auth *officer.Authenticator, _ *officer.SQLStore, store *record.Store) error {
				e, err := auth.Enroll(cmd.Context(), id, name, r, pin)
				if errors.Is(err, officer.ErrOfficerExists) {
					return &ExitError{Code: 1, Err: err}
				}
				if err != nil {
					return &ExitError{Code: 2, Err: err}
				}
				if err := store.Audit(cmd.Context(), record.AuditEvent{Kind: "officer-enrolled", Actor: "cli",
					Subject: e.ID, Detail: `{"role":"` + string(e.Role) + `"}`}); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "Enrolled officer %s (%s).\n", e.ID, e.Role)
				fmt.Fprintln(env.Stdout, "Add this to the officer's authenticator app now; it is shown only once:")
				fmt.Fprintln(env.Stdout, e.ProvisioningURI)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&id, "id", "", "officer id: 1-32 of a-z 0-9 . _ -")
	f.StringVar(&name, "name", "", "the officer's name (kept in the record store, never logged)")
	f.StringVar(&role, "role", "officer", "officer or supervisor")
	f.BoolVar(&pinStdin, "pin-stdin", false, "read the PIN as one line from standard input")
	_ = cmd.MarkFlagRequired("id")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

// readPIN reads the PIN: from a terminal without echo, asked twice; or one
// line from in with --pin-stdin (or when in is not a terminal).
func readPIN(in io.Reader, prompt io.Writer, fromStdin bool) (string, error) {
	f, isFile := in.(*os.File)
	if !fromStdin && isFile && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "PIN (6-32 digits): ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read PIN: %w", err)
		}
		fmt.Fprint(prompt, "PIN again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read PIN: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the two PINs differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read PIN from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no PIN on standard input")
	}
	return line, nil
}
