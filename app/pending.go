package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"veriport/booth"
	"veriport/config"
)

// pendingFile is where the records waiting for disk space are kept across a
// quit or a crash: beside the database of the profile, on the same disk.
func pendingFile(cfg config.Config) string {
	return filepath.Join(filepath.Dir(cfg.Paths.Database), "pending-records.json")
}

// restorePending makes q keep its waiting records in file and writes those
// a previous run left there. Counts only: no record content is logged.
func restorePending(ctx context.Context, log *slog.Logger, q *booth.Queue, file string, s booth.PendingSealer) {
	n, err := q.KeepIn(file, s)
	if err != nil {
		log.Error("records kept by the last run for a full disk could not be read back", "err", err)
		return
	}
	if n == 0 {
		return
	}
	if err := q.Flush(ctx); err != nil {
		log.Error("a record kept by the last run could not be written", "err", err)
	}
	log.Warn("records kept by the last run for a full disk read back", "calls", n,
		"written", n-q.Waiting(), "still_waiting", q.Pending())
}

// flushPendingAtExit writes what still waits when the workstation ends (quit,
// SIGTERM); what the disk still refuses stays in the file for the next start,
// and the log says whether the file holds it all.
func flushPendingAtExit(log *slog.Logger, q *booth.Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Flush(ctx); err != nil {
		log.Error("a record kept for a full disk could not be written at exit", "err", err)
	}
	if q.Waiting() == 0 {
		return
	}
	if err := q.Kept(); err != nil {
		log.Error("records waiting for disk space at exit are NOT all in the file: they are lost",
			"travelers", q.Pending(), "calls", q.Waiting(), "err", err)
		return
	}
	log.Warn("records waiting for disk space at exit kept in the file; written at the next start",
		"travelers", q.Pending(), "calls", q.Waiting())
}
