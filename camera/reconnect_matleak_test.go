//go:build matprofile

package camera

import (
	"testing"

	"gocv.io/x/gocv"
)

// TestReconnectMatNoLeak checks that reconnecting a video source many times
// closes every Mat each opened capture made.
func TestReconnectMatNoLeak(t *testing.T) {
	clip := writeSyntheticVideo(t, 0.2)
	before := gocv.MatProfile.Count()
	n := runReconnects(t, clip, 30)
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("Mat count %d after %d reconnects, %d before: Mats leaked", after, n, before)
	}
}
