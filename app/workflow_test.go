package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"veriport/config"
	"veriport/record"
	"veriport/retention"
)

func TestLoginDemoOfficerOnlyInTheDemoProfile(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	ctx := context.Background()
	o := Options{Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, demo := range []bool{false, true} {
		cfg, err := config.Load(config.Overrides{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		st, err := record.Open(ctx, cfg.Paths.Database)
		if err != nil {
			t.Fatal(err)
		}
		k, err := retention.Open(st, cfg, o.Log)
		if err != nil {
			t.Fatal(err)
		}
		wf, err := OpenWorkflow(ctx, o, cfg, st, k, NewEngines("", o.Log), demo, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, gerr := record.GetOfficer(ctx, st.DB, "demo")
		switch {
		case demo && (gerr != nil || wf.DemoHint == nil || !strings.HasPrefix(wf.DemoHint(), "DEMO: code ")):
			t.Errorf("demo profile: officer %v, hint set %v", gerr, wf.DemoHint != nil)
		case !demo && (!errors.Is(gerr, record.ErrNotFound) || wf.DemoHint != nil):
			t.Errorf("non-demo profile: demo officer %v, hint set %v", gerr, wf.DemoHint != nil)
		}
		if wf.Policy == nil || wf.Auth == nil || wf.Recorder == nil || wf.Station != cfg.Station {
			t.Errorf("workflow %+v", wf)
		}
		wf.Stop()
		st.Close()
	}
}
