package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"veriport/retention"
)

// TestPurgeTimerUnit: the package ships a systemd user timer, enabled for
// every user, that runs `veriport purge` at least every 15 minutes; the
// command it runs works on an empty home (creating nothing) and on a store.
func TestPurgeTimerUnit(t *testing.T) {
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("..", "packaging", name))
		if err != nil {
			t.Fatalf("the package has no %s: %v", name, err)
		}
		return string(b)
	}
	service, timer := read("veriport-purge.service"), read("veriport-purge.timer")
	pkg, err := os.ReadFile(filepath.Join("..", "scripts", "package.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`packaging/$u" "$stage/usr/lib/systemd/user/$u"`, "veriport-purge.service veriport-purge.timer",
		`ln -s ../veriport-purge.timer "$stage/usr/lib/systemd/user/timers.target.wants/veriport-purge.timer"`} {
		if !strings.Contains(string(pkg), want) {
			t.Errorf("scripts/package.sh does not install the purge timer (%s)", want)
		}
	}
	execs := regexp.MustCompile(`(?m)^ExecStart=(\S+) (.*)$`).FindAllStringSubmatch(service, -1)
	if len(execs) == 0 {
		t.Fatal("purge service has no ExecStart")
	}
	for _, e := range execs {
		if e[1] != "/usr/bin/veriport" || !strings.HasPrefix(e[2], "purge") {
			t.Errorf("ExecStart=%s %s: want /usr/bin/veriport purge", e[1], e[2])
		}
	}
	if !strings.Contains(service, "Type=oneshot") {
		t.Error("purge service is not a oneshot")
	}
	// The timer: at most 15 minutes between runs, and a run missed while
	// the machine was off happens on return.
	m := regexp.MustCompile(`(?m)^OnCalendar=\*:0/(\d+)$`).FindStringSubmatch(timer)
	if m == nil {
		t.Fatalf("timer has no OnCalendar=*:0/N: %s", timer)
	}
	if n, _ := time.ParseDuration(m[1] + "m"); n <= 0 || n > 15*time.Minute {
		t.Errorf("timer every %s, want at most 15m", n)
	}
	for _, want := range []string{"Persistent=true", "OnStartupSec=", "WantedBy=timers.target"} {
		if !strings.Contains(timer, want) {
			t.Errorf("timer lacks %s", want)
		}
	}
	// The commands as the unit runs them: on a home with no store they do
	// nothing and create nothing; on a store they purge.
	t.Setenv(retention.MasterKeyEnv, "")
	empty := filepath.Join(t.TempDir(), "never-used")
	for _, e := range execs {
		args := append([]string{"--data-dir", empty}, strings.Fields(e[2])...)
		if code, out, errs := run(t, args...); code != 0 {
			t.Fatalf("%v on an empty home: exit %d %s %s", args, code, out, errs)
		}
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Fatalf("the timer's purge created %s on a home that never used Veriport", empty)
	}
	used := t.TempDir()
	if code, _, errs := run(t, "--data-dir", used, "purge"); code != 0 { // makes the store
		t.Fatalf("first purge: %d %s", code, errs)
	}
	for _, e := range execs {
		args := append([]string{"--data-dir", used}, strings.Fields(e[2])...)
		if code, out, errs := run(t, args...); code != 0 || (!strings.Contains(out, "due 0") && !strings.Contains(e[2], "--demo-profile")) {
			t.Fatalf("%v on a store: exit %d %q %s", args, code, out, errs)
		}
	}
	if sa, err := exec.LookPath("systemd-analyze"); err == nil {
		dir := t.TempDir()
		for name, text := range map[string]string{"veriport-purge.service": service, "veriport-purge.timer": timer} {
			text = strings.ReplaceAll(text, "/usr/bin/veriport", "/bin/true")
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out, err := exec.Command(sa, "verify", "--man=no", filepath.Join(dir, "veriport-purge.timer"),
			filepath.Join(dir, "veriport-purge.service")).CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Fatalf("systemd-analyze verify: %v %s", err, out)
		}
	}
}
