package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// memorySample is what the workstation knows of its own memory: the
// resident set from the kernel and the Go heap from the runtime. The
// difference is C memory (dlib, OpenCV, the GL driver) and the runtime's
// own reserve, which a Go heap profile cannot show.
type memorySample struct {
	RSSMB       float64
	GoHeapMB    float64 // live and not yet collected Go objects
	GoSysMB     float64 // everything the Go runtime holds from the OS
	Goroutines  int
	CgoCalls    int64
	GCs         uint32
	HeapObjects uint64
}

func sampleMemory() memorySample {
	rss, _ := ResidentMB(os.Getpid()) // 0 where /proc is missing
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memorySample{
		RSSMB:       rss,
		GoHeapMB:    float64(ms.HeapInuse) / (1 << 20),
		GoSysMB:     float64(ms.Sys) / (1 << 20),
		Goroutines:  runtime.NumGoroutine(),
		CgoCalls:    runtime.NumCgoCall(),
		GCs:         ms.NumGC,
		HeapObjects: ms.HeapObjects,
	}
}

// WatchMemory logs the process's memory every interval until ctx ends.
// With profileDir set it also writes a Go heap profile there at each
// sample (heap-<seconds since start>.pb.gz, `go tool pprof` reads it): the
// soak run (scripts/soak.sh) compares the profiles at 10 and 60 minutes.
func WatchMemory(ctx context.Context, log *slog.Logger, interval time.Duration, profileDir string) {
	if profileDir != "" {
		if err := os.MkdirAll(profileDir, 0o700); err != nil {
			log.Warn("heap profiles disabled", "dir", profileDir, "err", err)
			profileDir = ""
		}
	}
	start := time.Now()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s := sampleMemory()
		log.Info("memory", "rss_mb", round1(s.RSSMB), "go_heap_mb", round1(s.GoHeapMB),
			"go_sys_mb", round1(s.GoSysMB), "heap_objects", s.HeapObjects,
			"goroutines", s.Goroutines, "cgo_calls", s.CgoCalls, "gc", s.GCs)
		if profileDir != "" {
			name := filepath.Join(profileDir, fmt.Sprintf("heap-%05d.pb.gz", int(time.Since(start).Seconds())))
			if err := writeHeapProfile(name); err != nil {
				log.Warn("heap profile not written", "file", name, "err", err)
			}
		}
	}
}

// writeHeapProfile writes the profile under a temporary name and renames
// it, so a reader never sees half a profile.
func writeHeapProfile(name string) error {
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	runtime.GC() // the profile shows live objects as of the last collection
	err = pprof.Lookup("heap").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, name)
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// ResidentMB is the resident memory (VmRSS) of process pid, in MB.
func ResidentMB(pid int) (float64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmRSS")
}
