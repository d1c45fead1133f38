package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"veriport/camera"
	"veriport/config"
	"veriport/record"
	"veriport/retention"
	"veriport/transmit"
	"veriport/verify"
)

// Options are what the workstation takes besides its settings.
type Options struct {
	Log *slog.Logger
	// Stderr takes warnings for the person at the terminal (the demo
	// issuer key trusted for want of a configured one).
	Stderr io.Writer
	// HeapProfileDir: a Go heap profile is written there every minute
	// (soak runs); "" for none.
	HeapProfileDir string
	// Camera is the source ChooseCamera picked, CameraNote its note; Open
	// owns the source from then on (Close closes it, as does a failed Open).
	Camera     camera.Choice
	CameraNote string
	// Demo: cfg is the demo profile's (the demo video stands in for a
	// camera, or demo = true).
	Demo bool
}

// Workstation is the running workstation's parts, opened by Open in the
// order they depend on each other and released by Close in reverse.
type Workstation struct {
	// Config is the settings of the profile the workstation runs.
	Config config.Config
	Demo   bool
	Store  *record.Store
	Keeper *retention.Keeper
	// Sender delivers results to the back end; nil without one (results
	// wait in the outbox).
	Sender   *transmit.Sender
	Live     *Live
	Workflow *Workflow

	log       *slog.Logger
	healthMu  sync.Mutex
	healthErr string // the last health read error logged
	closers   []func()
	closeOnce sync.Once
}

// Open opens the workstation on cfg (the profile's settings): the camera's
// reconnecting source, the record store, the data folder's workstation lock
// (one workstation per folder), the purge job, the result sender, the
// memory watch, the live capture checks and the officer workflow. What was
// opened before a failure is released again.
func Open(ctx context.Context, cfg config.Config, o Options) (*Workstation, error) {
	w := &Workstation{Config: cfg, Demo: o.Demo, log: o.Log}
	src := o.Camera.Resilient(CameraName(cfg.Camera.Source)) // reconnects with backoff when the camera fails
	w.onClose(func() { src.Close() })
	if err := w.openServices(ctx, o); err != nil {
		w.Close()
		return nil, err
	}
	o.Log.Info("workstation starting", "source", src.Name(), "demo", o.Demo, "database", cfg.Paths.Database)
	w.watchMemory(ctx, o)
	engines := NewEngines(cfg.Paths.ModelsDir, o.Log)
	w.onClose(engines.close)
	w.Live = &Live{Source: src, Note: o.CameraNote, cfg: cfg, log: o.Log, engines: engines}
	w.onClose(w.Live.closeModels)
	if w.Live.Assessor = openAssessor(cfg, o.Log); w.Live.Assessor != nil {
		w.onClose(w.Live.Assessor.Close)
	}
	notify := func() {}
	if w.Sender != nil {
		notify = w.Sender.Notify
	}
	wf, err := OpenWorkflow(ctx, o, cfg, w.Store, w.Keeper, engines, o.Demo, notify)
	if err != nil {
		w.Close()
		return nil, err
	}
	w.Workflow = wf
	w.onClose(wf.Stop)
	// After the window's end of shift, before the sender stops.
	w.onClose(func() { flushPendingAtExit(o.Log, wf.Recorder) })
	return w, nil
}

// openServices opens the record store, takes the workstation lock and
// starts the purge job and the result sender.
func (w *Workstation) openServices(ctx context.Context, o Options) error {
	cfg := w.Config
	if o.Demo {
		o.Log.Warn("demo profile: demo data kept in its own folder", "data", cfg.Paths.DataDir)
	}
	store, err := OpenProfile(ctx, o.Log, cfg, o.Demo)
	if err != nil {
		return err
	}
	w.Store = store
	w.onClose(func() { store.Close() })
	unlock, err := LockWorkstation(cfg.Paths.Database)
	if err != nil {
		return err
	}
	w.onClose(unlock)
	keeper, stopPurge, err := StartPurgeJob(ctx, o.Log, store, cfg)
	if err != nil {
		return err
	}
	w.Keeper = keeper
	w.onClose(stopPurge)
	o.Log.Info("retention", "mode", keeper.Mode(), "vault", keeper.Vault().Dir())
	sender, stopSender, err := StartSender(ctx, o.Log, store, keeper, cfg)
	if err != nil {
		return err
	}
	w.Sender = sender
	w.onClose(stopSender)
	return nil
}

// watchMemory bounds the C heaps (dlib, OpenCV) for an 8-12 hour shift
// (scripts/soak.sh measures it) and logs the memory in use every minute.
func (w *Workstation) watchMemory(ctx context.Context, o Options) {
	verify.LimitMallocArenas(2)
	watchCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		WatchMemory(watchCtx, o.Log, time.Minute, o.HeapProfileDir)
	}()
	w.onClose(func() { stop(); <-done })
}

// Health reads the purge job's and the outbox's state for the status bar.
// An error that keeps either from being read is logged once, when it first
// appears (the status bar only says the status is unavailable).
func (w *Workstation) Health(ctx context.Context) Health {
	h := ReadHealth(ctx, w.Store, w.Keeper, w.Config.Transmit.BacklogWarn, w.Sender != nil)
	msg := fmt.Sprint(h.RetentionErr, h.OutboxErr)
	w.healthMu.Lock()
	defer w.healthMu.Unlock()
	if msg != w.healthErr && (h.RetentionErr != nil || h.OutboxErr != nil) {
		w.log.Error("status bar: background service status unavailable", "retention_err", h.RetentionErr,
			"outbox_err", h.OutboxErr)
	}
	w.healthErr = msg
	return h
}

// onClose adds a release to run at Close, before those added earlier.
func (w *Workstation) onClose(f func()) { w.closers = append(w.closers, f) }

// Close releases everything Open opened, in reverse order: records still
// waiting for disk space are written (or kept in their file), the
// recorder's retries end, the live checks and the face engines are freed,
// the memory watch, the sender and the purge job stop, the workstation lock
// is released, the store is closed and, last, the camera. Later calls do
// nothing.
func (w *Workstation) Close() {
	w.closeOnce.Do(func() {
		for i := len(w.closers) - 1; i >= 0; i-- {
			w.closers[i]()
		}
		w.closers = nil
	})
}
