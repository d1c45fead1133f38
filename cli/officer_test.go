package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"veriport/config"
	"veriport/record"
)

// runIn runs the command line with stdin.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	root := NewRoot(env)
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errb)
	code := 0
	if err := root.ExecuteContext(context.Background()); err != nil {
		code = 1
		errb.WriteString(err.Error())
	}
	return code, out.String(), errb.String()
}

func TestOfficerAddPrintsTheProvisioningURIOnce(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runIn(t, "246810\n", "--data-dir", dir, "officer", "add", "--id", "o.lee",
		"--name", "Officer Lee", "--role", "supervisor", "--pin-stdin")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(out, "otpauth://totp/"); n != 1 || !strings.Contains(out, "o.lee") {
		t.Errorf("output:\n%s", out)
	}
	if strings.Contains(out, "246810") || strings.Contains(errs, "246810") || strings.Contains(errs, "Officer Lee") {
		t.Error("PIN or name echoed")
	}
	cfg, _ := config.Load(config.Overrides{DataDir: dir})
	st, err := record.Open(context.Background(), cfg.Paths.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o, err := record.GetOfficer(context.Background(), st.DB, "o.lee")
	if err != nil || o.Role != "supervisor" || !strings.HasPrefix(o.PINHash, "$argon2id$") || o.TOTPSecret == "" {
		t.Errorf("officer row %+v %v", o.Role, err)
	}
	st.Close()

	for _, tc := range []struct {
		name, stdin string
		args        []string
	}{
		{"duplicate", "246810\n", []string{"--id", "o.lee", "--name", "X"}},
		{"weak PIN", "12\n", []string{"--id", "o.new", "--name", "X"}},
		{"bad role", "246810\n", []string{"--id", "o.new", "--name", "X", "--role", "chief"}},
		{"no PIN", "", []string{"--id", "o.new", "--name", "X"}},
	} {
		args := append([]string{"--data-dir", dir, "officer", "add", "--pin-stdin"}, tc.args...)
		if code, _, errs := runIn(t, tc.stdin, args...); code == 0 || errs == "" {
			t.Errorf("%s: exit %d, message %q", tc.name, code, errs)
		}
	}
}
