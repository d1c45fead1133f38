package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"veriport/booth"
	"veriport/config"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/officer"
	"veriport/record"
	"veriport/report"
	"veriport/retention"
	"veriport/transmit"
)

// Workflow is the officer workflow's parts, built from the settings: what
// the window's booth station runs on. It holds no window.
type Workflow struct {
	Auth   *officer.Authenticator
	Policy *encounter.Policy
	// Recorder records encounters through the retention keeper with their
	// results queued for transmittal; records a full disk refuses wait in
	// it (and in its file) until space returns.
	Recorder *booth.Queue
	// Officers administers the officers for supervisors, on the audit chain.
	Officers *officer.Admin
	// Reports are the shift report's options (figures from the record store).
	Reports report.Options
	// Flights is the flight picker's model; nil when no issuer key is pinned.
	Flights *gallery.Manager
	// UseGallery loads a flight's gallery as a decider; nil without Flights.
	UseGallery func(context.Context, gallery.Status) (booth.Decider, error)
	// DemoHint, in the demo profile only, is the login screen's
	// "DEMO: code NNNNNN"; nil otherwise.
	DemoHint func() string

	Station         string
	IdleLogout      time.Duration
	HighContrast    bool
	TravelerDisplay int

	stop func() // ends the recorder's retries and waits for them
}

// Stop ends the recorder's retries and waits for them to end; what still
// waits is for FlushPendingAtExit.
func (w *Workflow) Stop() { w.stop() }

// OpenWorkflow assembles the officer workflow of the workstation: logins
// against the officers table, the configured exemption rules, encounters
// recorded through the retention keeper with their results queued for
// transmittal, the flight picker over the gallery cache, and the shift
// report for supervisors. In the demo profile (demo video or demo = true) it creates
// the documented demo officer if absent and shows its code on the login
// screen; never otherwise. The recorder's queue retries until Stop (or
// ctx ends).
func OpenWorkflow(ctx context.Context, o Options, cfg config.Config, store *record.Store,
	keeper *retention.Keeper, engines *Engines, demo bool, notify func()) (*Workflow, error) {
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
	ostore, err := OfficerStore(cfg, store)
	if err != nil {
		return nil, err
	}
	ostore.DemoProfile = demo
	auth, err := officer.NewAuthenticator(ostore, LoginPolicy(cfg.Workflow), officer.WithLogger(o.Log))
	if err != nil {
		return nil, err
	}
	queue, stop, err := openRecorder(ctx, o, cfg, store, keeper, notify)
	if err != nil {
		return nil, err
	}
	wf, err := workflowOn(ctx, o, cfg, auth, ostore, policy, queue, engines, demo)
	if err != nil {
		stop()
		return nil, err
	}
	wf.stop = stop
	return wf, nil
}

// workflowOn completes the workflow around its recorder: the supervisors'
// officer administration and report options, the flight picker and, in
// the demo profile, the demo officer and its code on the login screen.
func workflowOn(ctx context.Context, o Options, cfg config.Config, auth *officer.Authenticator, ostore *officer.SQLStore,
	policy *encounter.Policy, queue *booth.Queue, engines *Engines, demo bool) (*Workflow, error) {
	wf := &Workflow{Auth: auth, Policy: policy, Station: cfg.Station, IdleLogout: cfg.Workflow.IdleLogout,
		HighContrast: cfg.Workflow.HighContrast, Recorder: queue,
		Reports:  report.Options{BacklogWarn: cfg.Transmit.BacklogWarn, Demo: demo},
		Officers: officer.NewAdmin(auth, ostore, queue.Audit), TravelerDisplay: cfg.Workflow.TravelerDisplay}
	if cfg.Backend.ResultsDB != "" {
		// A booth reaches the back end only through its HTTPS endpoint: it
		// never holds credentials to the central results database.
		return nil, errors.New("backend.results_db is set on this workstation: a booth reaches the back end only " +
			"through its HTTPS endpoint (gallery.service); remove it here (the back end, veriport gallery serve, " +
			"and the terminal report, veriport report --backend-db, use it)")
	}
	m, err := GalleryManager(o, cfg, demo)
	if err != nil {
		return nil, err
	}
	if m != nil {
		wf.Flights, wf.UseGallery = m, useGallery(o, m, engines, cfg)
	}
	if demo {
		if _, err := auth.EnsureDemoOfficer(ctx); err != nil {
			return nil, err
		}
		wf.DemoHint = func() string { return "DEMO: code " + officer.DemoCode(time.Now()) }
	}
	return wf, nil
}

// openRecorder is the encounter recorder: the store through the retention
// keeper, results to the outbox (photos sealed for the partner when the
// settings send them), behind a queue that keeps what a full disk refuses.
// Records a quit or a crash left in the queue's file are written first, and
// encounters a crash left open are closed as interrupted, before anyone
// logs in. The queue retries every 5 s until stop.
func openRecorder(ctx context.Context, o Options, cfg config.Config, store *record.Store,
	keeper *retention.Keeper, notify func()) (q *booth.Queue, stop func(), err error) {
	recorder := &booth.StoreRecorder{Store: store, Keeper: keeper, Outbox: true, Notify: notify}
	if cfg.Retention.Mode == retention.ModePartner && cfg.Transmit.IncludePhoto {
		pub, err := transmit.LoadPhotoKey(cfg.Transmit.PhotoKey)
		if err != nil {
			return nil, nil, fmt.Errorf("transmit.photo_key: %w", err)
		}
		recorder.SealPhoto = func(p []byte) ([]byte, error) { return transmit.SealPhoto(p, pub) }
	}
	queue := booth.NewQueue(recorder, 0)
	queue.OnError = func(err error) { o.Log.Error("record kept for a full disk not written", "err", err) }
	restorePending(ctx, o.Log, queue, pendingFile(cfg), keeper.Vault())
	if n, err := recorder.CloseInterrupted(ctx, time.Now()); err != nil {
		o.Log.Error("encounters left open by a crash not all closed; retried at the next start", "closed", n, "err", err)
	} else if n > 0 {
		o.Log.Warn("encounters left open by a crash closed as interrupted; results queued", "closed", n)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		queue.Run(runCtx, 5*time.Second, queue.OnError)
	}()
	return queue, func() { cancel(); <-done }, nil
}
