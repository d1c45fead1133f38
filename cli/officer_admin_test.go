package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"veriport/app"
	"veriport/config"
	"veriport/officer"
	"veriport/record"
)

// TestOfficerCLI runs the officer administration commands against one
// record store: list, lock by failed logins, unlock, disable, enable,
// reset-pin and reset-totp, each on the audit chain.
func TestOfficerCLI(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	run := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		return runIn(t, stdin, append([]string{"--data-dir", dir, "officer"}, args...)...)
	}
	for _, o := range [][]string{{"o.lee", "supervisor"}, {"o.diaz", "officer"}} {
		if code, _, errs := run("246810\n", "add", "--id", o[0], "--name", "Officer "+o[0], "--role", o[1], "--pin-stdin"); code != 0 {
			t.Fatalf("add %s: %s", o[0], errs)
		}
	}
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// Lock o.diaz the way a mistyped PIN would, through the store.
	withStore := func(fn func(*record.Store)) {
		t.Helper()
		st, err := record.Open(ctx, cfg.Paths.Database)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		fn(st)
	}
	withStore(func(st *record.Store) {
		if err := record.UpdateOfficerLogin(ctx, st.DB, "o.diaz", 0, time.Now().Add(time.Hour), 0); err != nil {
			t.Fatal(err)
		}
	})

	code, out, errs := run("", "list", "--json")
	if code != 0 {
		t.Fatalf("list: %s", errs)
	}
	var rows []struct {
		ID, Role, State string
		Locked          bool
		Disabled        bool
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	if rows[0].ID != "o.diaz" || !rows[0].Locked || rows[1].ID != "o.lee" || rows[1].Role != "supervisor" || rows[1].Locked {
		t.Errorf("list rows %+v", rows)
	}
	if strings.Contains(out, "argon2") || strings.Contains(out, "otpauth") {
		t.Error("list shows a credential")
	}
	if code, out, _ := run("", "list"); code != 0 || !regexp.MustCompile(`o\.diaz\s+officer\s+locked`).MatchString(out) {
		t.Errorf("list table:\n%s", out)
	}

	if code, out, errs := run("", "unlock", "o.diaz"); code != 0 || !strings.Contains(out, "o.diaz") {
		t.Fatalf("unlock: %d %s %s", code, out, errs)
	}
	withStore(func(st *record.Store) {
		o, _ := record.GetOfficer(ctx, st.DB, "o.diaz")
		if !o.LockedUntil.IsZero() || o.FailedLogins != 0 {
			t.Errorf("after unlock: locked until %v, failures %d", o.LockedUntil, o.FailedLogins)
		}
	})
	if code, _, _ := run("", "disable", "o.diaz"); code != 0 {
		t.Fatal("disable failed")
	}
	withStore(func(st *record.Store) {
		if o, _ := record.GetOfficer(ctx, st.DB, "o.diaz"); !o.Disabled {
			t.Error("not disabled")
		}
	})
	if _, out, _ := run("", "list"); !regexp.MustCompile(`o\.diaz\s+officer\s+disabled`).MatchString(out) {
		t.Errorf("list after disable:\n%s", out)
	}
	if code, _, _ := run("", "enable", "o.diaz"); code != 0 {
		t.Fatal("enable failed")
	}

	var oldHash, oldSecret string
	withStore(func(st *record.Store) {
		o, _ := record.GetOfficer(ctx, st.DB, "o.diaz")
		oldHash, oldSecret = o.PINHash, o.TOTPSecret
	})
	if code, _, errs := run("135790\n", "reset-pin", "o.diaz", "--pin-stdin"); code != 0 {
		t.Fatalf("reset-pin: %s", errs)
	}
	if code, _, _ := run("12\n", "reset-pin", "o.diaz", "--pin-stdin"); code == 0 {
		t.Error("weak PIN accepted by reset-pin")
	}
	code, out, errs = run("", "reset-totp", "o.diaz")
	if code != 0 || strings.Count(out, "otpauth://totp/") != 1 {
		t.Fatalf("reset-totp: %s %s", out, errs)
	}
	uri := regexp.MustCompile(`otpauth://\S+`).FindString(out)
	secret := regexp.MustCompile(`secret=([A-Z2-7]+)`).FindStringSubmatch(uri)
	if secret == nil {
		t.Fatalf("no secret in %q", uri)
	}
	// The new PIN and the new authenticator entry log in; the stored secret
	// is sealed and different.
	withStore(func(st *record.Store) {
		o, _ := record.GetOfficer(ctx, st.DB, "o.diaz")
		if o.PINHash == oldHash || o.TOTPSecret == oldSecret || strings.Contains(o.TOTPSecret, secret[1]) {
			t.Error("PIN hash or TOTP secret not replaced, or secret stored in clear")
		}
		ostore, err := app.OfficerStore(cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		auth, _ := officer.NewAuthenticator(ostore, officer.DefaultPolicy)
		c, _ := officer.TOTPCode(secret[1], time.Now())
		if _, err := auth.Login(ctx, "o.diaz", "135790", c); err != nil {
			t.Errorf("login with the reset PIN and TOTP: %v", err)
		}
		var kinds []string
		var buf strings.Builder
		if _, err := record.ExportAudit(ctx, st.DB, &buf); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			var e record.AuditEntry
			_ = json.Unmarshal([]byte(l), &e)
			if e.Subject == "o.diaz" {
				kinds = append(kinds, e.Kind)
			}
		}
		want := "officer-enrolled officer-unlocked officer-disabled officer-enabled officer-pin-reset officer-totp-reset"
		if got := strings.Join(kinds, " "); !strings.HasPrefix(got, want) {
			t.Errorf("audit kinds for o.diaz: %s, want %s", got, want)
		}
		if rep, err := record.VerifyAudit(ctx, st.DB); err != nil || !rep.Intact {
			t.Errorf("audit chain: %+v %v", rep, err)
		}
	})
	if code, _, errs := run("", "unlock", "o.nobody"); code == 0 || !strings.Contains(errs, "no such officer") {
		t.Errorf("unknown officer: %d %q", code, errs)
	}
}
