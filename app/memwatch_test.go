package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWatchMemoryLogsAndWritesHeapProfiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "heap")
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { WatchMemory(ctx, log, 20*time.Millisecond, dir); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "heap-*.pb.gz"))
		if len(files) > 0 {
			fi, err := os.Stat(files[0])
			if err != nil || fi.Size() == 0 {
				t.Fatalf("heap profile %s empty or unreadable: %v", files[0], err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no heap profile written within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	out := buf.String()
	if !strings.Contains(out, "msg=memory") || strings.Contains(out, "rss_mb=0 ") {
		t.Fatalf("memory line missing or without resident memory: %q", out)
	}
}
