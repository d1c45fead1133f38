//go:build matprofile

package assess

import (
	"image"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"veriport/config"
)

// TestQualityMatNoLeak runs live and synchronous assessments (tracker,
// background scans, landmark crops) over many frames, closes the assessor,
// and checks that every Mat made along the way was closed.
func TestQualityMatNoLeak(t *testing.T) {
	var imgs []*image.RGBA
	for _, s := range []scene{{portrait: "obama.jpg", interEye: 100}, {portrait: "obama.jpg", interEye: 60, second: true}} {
		imgs = append(imgs, s.render(t))
	}
	engine := testEngine(t)
	before := gocv.MatProfile.Count()
	q := config.DefaultQuality()
	q.ScanIntervalMS, q.LandmarkIntervalMS = 0, 0 // as much background work as possible
	a, err := NewAssessor(q, engine)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 120; i++ {
		img := imgs[(i/20)%len(imgs)]
		if i%30 == 0 {
			_, err = a.AssessNow(img)
		} else {
			_, err = a.Assess(img)
		}
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	a.Close()
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("Mat count %d after assessing, %d before: Mats leaked", after, before)
	}
}
