//go:build matprofile

package verify

import (
	"image"
	"image/color"
	"testing"

	"gocv.io/x/gocv"
)

// TestEncodeJPEGMatNoLeak encodes images of every kind and checks that
// every Mat made along the way was closed.
func TestEncodeJPEGMatNoLeak(t *testing.T) {
	before := gocv.MatProfile.Count()
	rgba := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range rgba.Pix {
		rgba.Pix[i] = 0xff
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	nrgba.Set(3, 3, color.NRGBA{10, 20, 30, 40})
	for range 50 {
		for _, img := range []image.Image{rgba, nrgba, image.NewGray(image.Rect(0, 0, 8, 8)), rgba.SubImage(image.Rect(5, 5, 30, 30))} {
			if _, err := EncodeJPEG(img); err != nil {
				t.Fatal(err)
			}
		}
	}
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("Mat count %d after encoding, %d before: Mats leaked", after, before)
	}
}
