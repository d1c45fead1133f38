//go:build matprofile

package camera

import (
	"context"
	"testing"

	"gocv.io/x/gocv"
)

// TestMatNoLeak reads a few hundred frames through the pump, looping the
// clip, and checks that every Mat made along the way was closed.
func TestMatNoLeak(t *testing.T) {
	clip := writeSyntheticVideo(t, 0.5) // 25 frames, looped
	before := gocv.MatProfile.Count()
	src, err := OpenFile(clip, true)
	if err != nil {
		t.Fatal(err)
	}
	src.pace.period = 0 // as fast as it reads
	p := NewPump(src)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	for n := 0; n < 300; n++ {
		f := <-p.Frames()
		p.Release(f)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	src.Close()
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("Mat count %d after 300 frames, %d before: Mats leaked", after, before)
	}
}
