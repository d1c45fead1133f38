package verify

import (
	"context"
	"errors"
	"image"
	"testing"
)

// The live describer is go-face's pipeline. Given go-face's face (box and
// landmarks), its template lies within JPEG noise of go-face's on the same
// pixels; its own detector and predictor (on a grey copy at
// detectFaceWidth) put the landmarks where go-face does.
func TestDescriberAgreesWithGoFace(t *testing.T) {
	e := testEngine(t)
	for _, name := range []string{"obama.jpg", "obama2.jpg", "biden.jpg"} {
		img, want := portraitFace(t, e, name)
		// The face itself as the tracked box, with the crop at scale 1.
		old := cropFaceWidth
		cropFaceWidth = float64(want.Box.Dx())
		c, err := cropAround(img, want.Box)
		cropFaceWidth = old
		if err != nil || c == nil || c.scale != 1 {
			t.Fatalf("%s: crop %+v, %v", name, c, err)
		}
		inCrop := Face{Box: want.Box.Sub(c.at)}
		for _, p := range want.Landmarks {
			inCrop.Landmarks = append(inCrop.Landmarks, p.Sub(c.at))
		}
		got, err := e.live.describe(c, inCrop)
		if err != nil {
			t.Fatal(err)
		}
		d := Distance(&got, &want.Template)
		if d > 0.02 {
			t.Errorf("%s: template of go-face's face %.4f from go-face's, want <= 0.02", name, d)
		}
		faces, err := e.live.find(c)
		if err != nil || len(faces) != 1 {
			t.Fatalf("%s: %d faces in the crop, %v", name, len(faces), err)
		}
		eye := eyeWidth(want.Landmarks)
		worst := 0.0
		for k, p := range faces[0].Landmarks {
			worst = max(worst, gap(p, inCrop.Landmarks[k]))
		}
		t.Logf("%s: template distance %.4f, landmarks at most %.1f px from go-face's (eye width %.0f px)", name, d, worst, eye)
		if worst > 0.05*eye {
			t.Errorf("%s: landmarks %.1f px from go-face's, want <= %.1f", name, worst, 0.05*eye)
		}
	}
}

// With the real models, a tracked box over an empty part of the frame
// falls back to the whole frame, which finds the face.
func TestSingleNearRealFallback(t *testing.T) {
	e := testEngine(t)
	img, err := LoadImage(portrait(t, "obama.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	frame := Letterbox(img, 1280, 720)
	f, cropped, err := e.SingleNear(context.Background(), frame, image.Rect(10, 500, 160, 650), Live)
	if err != nil || cropped || !f.Box.Overlaps(image.Rect(500, 0, 780, 300)) {
		t.Errorf("face %v, cropped %v, %v; want the whole frame's face", f.Box, cropped, err)
	}
}

// After Close the describer refuses calls instead of touching freed models.
func TestDescriberClosed(t *testing.T) {
	d, err := openDescriber(modelsDir())
	if err != nil {
		t.Fatal(err)
	}
	c := &liveCrop{rgb: make([]byte, 3*100*100), w: 100, h: 100, grey: make([]byte, 100*100), gw: 100, gh: 100, rgbPerGrey: 1}
	if faces, err := d.find(c); err != nil || len(faces) != 0 {
		t.Errorf("blank crop: %d faces, %v", len(faces), err)
	}
	d.close()
	d.close()
	if _, err := d.find(c); !errors.Is(err, ErrClosed) {
		t.Errorf("find after close: %v, want ErrClosed", err)
	}
	if _, err := d.describe(c, Face{Landmarks: make([]image.Point, 5)}); !errors.Is(err, ErrClosed) {
		t.Errorf("describe after close: %v, want ErrClosed", err)
	}
}
