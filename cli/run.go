package cli

import (
	"context"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/config"
	"veriport/quality/assess"
	"veriport/ui"
)

// runCmd is `veriport run`, the workstation window (also what the root
// command does without a subcommand).
func runCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Open the workstation window (the default without a subcommand)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runGUI(cmd.Context(), env) },
	}
}

var _ ui.Assessor = (*assess.Assessor)(nil)

// runGUI opens the workstation (app.Open) on the settings and shows its
// window until it is closed. The camera is chosen first: when the demo
// video stands in for a camera (or demo = true) the workstation runs the
// demo profile.
func runGUI(ctx context.Context, env *Env) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	choice, note, err := app.ChooseCamera(env.Log, cfg)
	if err != nil {
		return err
	}
	demo := choice.Demo || cfg.Demo
	if demo {
		cfg = demoProfile(cfg)
	}
	ws, err := app.Open(ctx, cfg, app.Options{Log: env.Log, Stderr: env.Stderr, HeapProfileDir: env.HeapProfileDir,
		Camera: choice, CameraNote: note, Demo: demo})
	if err != nil {
		return err
	}
	defer ws.Close()
	return ui.Run(ctx, windowDeps(env, ws))
}

// windowDeps is what the window shows of the open workstation.
func windowDeps(env *Env, ws *app.Workstation) ui.Deps {
	cfg, live := ws.Config, ws.Live
	d := ui.Deps{
		Workflow:    workflowDeps(env, ws),
		Source:      live.Source,
		Demo:        ws.Demo,
		CameraNote:  live.Note,
		Database:    cfg.Paths.Database,
		LoadModels:  live.LoadModels,
		ModelsDir:   cfg.Paths.ModelsDir,
		SetupModels: setupModelsCommand(env),
		Log:         env.Log,
		Quality:     cfg.Quality,
		Health:      healthFunc(ws),
	}
	if live.Assessor != nil {
		d.Assessor = live.Assessor
	}
	return d
}

// workflowDeps is the officer workflow around the live view; --traveler-display
// overrides the settings' traveler display.
func workflowDeps(env *Env, ws *app.Workstation) *ui.Workflow {
	w := ws.Workflow
	wf := &ui.Workflow{Auth: w.Auth, Policy: w.Policy, Station: w.Station, IdleLogout: w.IdleLogout,
		HighContrast: w.HighContrast, Log: env.Log, Recorder: w.Recorder,
		Reports:  &ui.ReportDeps{DB: ws.Store.DB, Options: w.Reports},
		Officers: w.Officers, TravelerDisplay: w.TravelerDisplay, DemoHint: w.DemoHint}
	if w.Flights != nil {
		wf.Flights, wf.UseGallery = w.Flights, w.UseGallery
	}
	if env.TravelerDisplay >= 0 {
		wf.TravelerDisplay = env.TravelerDisplay
	}
	return wf
}

// demoProfile is cfg.DemoProfile with the demo certificates of this
// station: the only client certificate the demo profile presents, and only
// to gallery.demo_service (a reference service on this machine).
func demoProfile(cfg config.Config) config.Config {
	d := cfg.DemoProfile()
	if d.Gallery.Service != "" {
		dc := demoCerts(cfg)
		d.Gallery.ClientCert, d.Gallery.ClientKey = dc.StationCert(cfg.Station)
		d.Gallery.CA = dc.CA
	}
	return d
}

// setupModelsCommand is the command line that fetches the models to where
// this run looks for them.
func setupModelsCommand(env *Env) string {
	if env.Overrides.Models != "" {
		return "veriport --models " + env.Overrides.Models + " setup-models"
	}
	return "veriport setup-models"
}
