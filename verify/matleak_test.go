//go:build matprofile

package verify

import (
	"context"
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

// TestCropAroundMatNoLeak cuts crops of every scale (down, none, up) and
// checks that every Mat made along the way was closed.
func TestCropAroundMatNoLeak(t *testing.T) {
	before := gocv.MatProfile.Count()
	frame := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for range 20 {
		for _, box := range []image.Rectangle{
			image.Rect(200, 100, 500, 400), // scaled down
			image.Rect(100, 100, 300, 300), // face at cropFaceWidth: RGB unscaled
			image.Rect(0, 0, 40, 40),       // scaled up, cut at the edge
		} {
			c, err := cropAround(frame, box)
			if err != nil || c == nil {
				t.Fatalf("crop %v: %v", box, err)
			}
		}
	}
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("Mat count %d after cropping, %d before: Mats leaked", after, before)
	}
}

// TestSFaceMatNoLeak runs the sface engine on whole portraits, on crops
// around the face and on a blank image, and checks that every Mat made
// along the way was closed.
func TestSFaceMatNoLeak(t *testing.T) {
	s := testSFace(t)
	img, err := LoadImage(portrait(t, "obama.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	blank := image.NewRGBA(image.Rect(0, 0, 200, 150))
	before := gocv.MatProfile.Count()
	for range 3 {
		f, err := s.SingleAt(context.Background(), img, Live)
		if err != nil {
			t.Fatal(err)
		}
		if _, cropped, err := s.SingleNear(context.Background(), img, f.Box, Live); err != nil || !cropped {
			t.Fatalf("crop: %v %v", cropped, err)
		}
		if _, err := s.FacesAt(context.Background(), blank, Live); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SingleNear(context.Background(), blank, image.Rect(50, 50, 100, 100), Live); err == nil {
			t.Fatal("a face on a blank image")
		}
	}
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("Mat count %d after sface calls, %d before: Mats leaked", after, before)
	}
}
