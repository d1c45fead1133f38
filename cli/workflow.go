package cli

import (
	"context"
	"fmt"
	"time"

	"veriport/app"
	"veriport/booth"
	"veriport/config"
	"veriport/encounter"
	"veriport/officer"
	"veriport/record"
	"veriport/report"
	"veriport/retention"
	"veriport/transmit"
	"veriport/ui"
)

// buildWorkflow assembles the officer workflow of the workstation: logins
// against the officers table, the configured exemption rules, encounters
// recorded through the retention keeper with their results queued for
// transmittal, the flight picker over the gallery cache, and the shift
// report for supervisors. In the demo profile (demo video or demo = true) it creates
// the documented demo officer if absent and shows its code on the login
// screen; never otherwise.
func buildWorkflow(ctx context.Context, env *Env, cfg config.Config, store *record.Store,
	keeper *retention.Keeper, engine *engineSlot, demo bool, notify func()) (*ui.Workflow, error) {
	policy, err := encounter.NewPolicy(encounter.DefaultRules(), cfg.Workflow.PolicyRules)
	if err != nil {
		return nil, err
	}
	zone, err := cfg.Workflow.PortZone()
	if err != nil {
		return nil, err
	}
	if zone != nil {
		policy.SetPortZone(zone) // the age boundary day is the port's
	}
	ostore, err := app.OfficerStore(cfg, store)
	if err != nil {
		return nil, err
	}
	ostore.DemoProfile = demo
	auth, err := officer.NewAuthenticator(ostore, app.LoginPolicy(cfg.Workflow),
		officer.WithLogger(env.Log))
	if err != nil {
		return nil, err
	}
	recorder := &booth.StoreRecorder{Store: store, Keeper: keeper, Outbox: true, Notify: notify}
	if cfg.Retention.Mode == retention.ModePartner && cfg.Transmit.IncludePhoto {
		pub, err := transmit.LoadPhotoKey(cfg.Transmit.PhotoKey)
		if err != nil {
			return nil, fmt.Errorf("transmit.photo_key: %w", err)
		}
		recorder.SealPhoto = func(p []byte) ([]byte, error) { return transmit.SealPhoto(p, pub) }
	}
	// Records that a full disk refuses wait in memory, and in a file where
	// space allows, and are written, in order, as soon as space returns;
	// those a quit or a crash left in the file are written first.
	queue := booth.NewQueue(recorder, 0)
	queue.OnError = func(err error) { env.Log.Error("record kept for a full disk not written", "err", err) }
	restorePending(ctx, env, queue, pendingFile(cfg), keeper.Vault())
	// Encounters a crash left open (decided, never ended) are closed as
	// interrupted and their results queued before anyone logs in.
	if n, err := recorder.CloseInterrupted(ctx, time.Now()); err != nil {
		env.Log.Error("encounters left open by a crash not all closed; retried at the next start", "closed", n, "err", err)
	} else if n > 0 {
		env.Log.Warn("encounters left open by a crash closed as interrupted; results queued", "closed", n)
	}
	go queue.Run(ctx, 5*time.Second, queue.OnError)
	wf := &ui.Workflow{Auth: auth, Policy: policy, Station: cfg.Station, IdleLogout: cfg.Workflow.IdleLogout,
		HighContrast: cfg.Workflow.HighContrast, Log: env.Log,
		Recorder: queue,
		Reports:  &ui.ReportDeps{DB: store.DB, Options: report.Options{BacklogWarn: cfg.Transmit.BacklogWarn, Demo: demo}},
		Officers: officer.NewAdmin(auth, ostore, queue.Audit), TravelerDisplay: cfg.Workflow.TravelerDisplay}
	if env.TravelerDisplay >= 0 {
		wf.TravelerDisplay = env.TravelerDisplay
	}
	if cfg.Backend.ResultsDB != "" {
		// A booth reaches the back end only through its HTTPS endpoint: it
		// never holds credentials to the central results database.
		return nil, fmt.Errorf("backend.results_db is set on this workstation: a booth reaches the back end only " +
			"through its HTTPS endpoint (gallery.service); remove it here (the back end, veriport gallery serve, " +
			"and the terminal report, veriport report --backend-db, use it)")
	}
	m, err := galleryManager(env, cfg, demo)
	if err != nil {
		return nil, err
	}
	if m != nil {
		wf.Flights, wf.UseGallery = m, useGallery(env, m, engine, cfg)
	}
	if demo {
		if _, err := auth.EnsureDemoOfficer(ctx); err != nil {
			return nil, err
		}
		wf.DemoHint = func() string { return "DEMO: code " + officer.DemoCode(time.Now()) }
	}
	return wf, nil
}
