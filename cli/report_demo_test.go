package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"veriport/app"
	"veriport/config"
	"veriport/officer"
	"veriport/record"
	"veriport/report"
	"veriport/retention"
)

// TestReportCommandMarksDemoProfile: a report of the demo profile's records
// says DEMO from the command line as it does on screen, whether asked with
// --demo or by pointing --data-dir at the demo folder, so no demo figure
// passes for a real shift. The operational store's report is not marked.
func TestReportCommandMarksDemoProfile(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	dir := t.TempDir()
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	demo := cfg.DemoProfile()
	withDemoOfficer(t, demo).Close()
	for _, args := range [][]string{
		{"--data-dir", dir, "report", "--demo", "--format", "csv"},
		{"--data-dir", demo.Paths.DataDir, "report", "--format", "csv"},
	} {
		code, out, errs := run(t, args...)
		if code != 0 || !strings.HasPrefix(out, "# "+report.DemoMark) {
			t.Errorf("%v: exit %d, csv starts %.60q (%s); want the DEMO mark first", args, code, out, errs)
		}
		code, out, _ = run(t, append(args[:len(args)-2:len(args)-2], "--format", "json")...)
		var r report.Report
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil || !r.Demo {
			t.Errorf("%v json: exit %d, demo %v", args, code, r.Demo)
		}
	}
	code, out, errs := run(t, "--data-dir", dir, "report", "--format", "csv")
	if code != 0 || strings.Contains(out, "DEMO") {
		t.Errorf("operational report: exit %d, %.60q (%s); want no DEMO mark", code, out, errs)
	}
}

// withDemoOfficer opens cfg's store with the demo officer inserted, enabled,
// as an earlier version or the demo profile leaves it. The caller closes it.
func withDemoOfficer(t *testing.T, cfg config.Config) *record.Store {
	t.Helper()
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := record.InsertOfficer(ctx, st.DB, record.Officer{ID: officer.DemoOfficerID, Name: "Demo Officer",
		Role: record.RoleOfficer, PINHash: "x", TOTPSecret: officer.DemoTOTPSecret}); err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st
}
