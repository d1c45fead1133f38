package verify

import (
	"image"
	"testing"
	"time"
)

// The landmark finder's points agree with go-face's on the test portraits
// (same detector and predictor; go-face runs them on colour, the finder on
// grey).
func TestLandmarkerAgreesWithEngine(t *testing.T) {
	e := testEngine(t)
	l, err := OpenLandmarker(modelsDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, name := range []string{"obama.jpg", "obama2.jpg", "biden.jpg"} {
		img, want := portraitFace(t, e, name)
		start := time.Now()
		got, err := l.Landmarks(img)
		took := time.Since(start)
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: %d faces, %v", name, len(got), err)
		}
		eye := eyeWidth(want.Landmarks)
		for k, p := range got[0].Landmarks {
			q := want.Landmarks[k]
			if d := gap(p, q); d > 0.05*eye {
				t.Errorf("%s point %d at %v, go-face %v (%.1f px apart, eye width %.0f px)", name, k, p, q, d, eye)
			}
		}
		t.Logf("%s: %v, landmarks in %v", name, got[0].Box, took)
	}
}

func TestLandmarkerNoFace(t *testing.T) {
	l, err := OpenLandmarker(modelsDir())
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(image.Rect(10, 10, 200, 150))
	faces, err := l.Landmarks(g)
	if err != nil || len(faces) != 0 {
		t.Errorf("blank image: %d faces, %v", len(faces), err)
	}
	l.Close()
	if _, err := l.Landmarks(g); err == nil {
		t.Error("Faces after Close succeeded")
	}
}
