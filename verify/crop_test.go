package verify

import (
	"bytes"
	"context"
	"errors"
	"image"
	"path/filepath"
	"sync"
	"testing"

	face "github.com/Kagami/go-face"
	"gocv.io/x/gocv"
)

// sizeRec is a fake recognizer that answers by the size of the image it is
// given and remembers the sizes it saw.
type sizeRec struct {
	mu    sync.Mutex
	seen  []image.Point
	faces func(size image.Point) []face.Face
}

func (s *sizeRec) Recognize(jpg []byte) ([]face.Face, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(jpg))
	if err != nil {
		return nil, err
	}
	size := image.Pt(cfg.Width, cfg.Height)
	s.mu.Lock()
	s.seen = append(s.seen, size)
	s.mu.Unlock()
	return s.faces(size), nil
}
func (s *sizeRec) Close() {}

func fakeEngine(rec *sizeRec) *Engine {
	return &Engine{pool: newPool([]recognizer{rec, rec}), size: 2}
}

// A face in the middle of whatever image is given.
func middleFace(size image.Point) []face.Face {
	c := size.Div(2)
	r := image.Rect(c.X-size.X/6, c.Y-size.X/6, c.X+size.X/6, c.Y+size.X/6)
	return []face.Face{{Rectangle: r, Shapes: []image.Point{c, c, c, c, c}}}
}

func TestSingleNearUsesTheCrop(t *testing.T) {
	rec := &sizeRec{faces: middleFace}
	e := fakeEngine(rec)
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	box := image.Rect(500, 200, 800, 500) // 300 px face: the crop is scaled to cropFaceWidth
	f, cropped, err := e.SingleNear(context.Background(), frame, box, Live)
	if err != nil || !cropped {
		t.Fatalf("SingleNear = cropped %v, %v; want the crop's face", cropped, err)
	}
	if len(rec.seen) != 1 || rec.seen[0].X >= 1280/2 {
		t.Fatalf("recognizer saw %v, want one small crop", rec.seen)
	}
	// The face plus half a face each side, widened to the 16-pixel grid.
	want := int(2 * cropFaceWidth)
	if d := rec.seen[0].X - want; d < -2 || d > 2+16*int(cropFaceWidth)/box.Dx() {
		t.Errorf("crop is %v wide, want %d (face scaled to %.0f px)", rec.seen[0], want, cropFaceWidth)
	}
	// The face is reported in frame coordinates, around the tracked box.
	if c := centre(f.Box); !c.In(box) || f.Landmarks[0] != c {
		t.Errorf("face at %v (landmark %v), want within the tracked box %v", f.Box, f.Landmarks[0], box)
	}
}

func TestSingleNearFallsBackToFullFrame(t *testing.T) {
	rec := &sizeRec{faces: func(size image.Point) []face.Face {
		if size.X < 1280 {
			return nil // nothing in the crop
		}
		return middleFace(size)
	}}
	e := fakeEngine(rec)
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	box := image.Rect(100, 100, 300, 300)
	f, cropped, err := e.SingleNear(context.Background(), frame, box, Live)
	if err != nil || cropped {
		t.Fatalf("SingleNear = cropped %v, %v; want the full frame's face", cropped, err)
	}
	if len(rec.seen) != 2 || rec.seen[1] != image.Pt(1280, 720) {
		t.Fatalf("recognizer saw %v, want the crop then the full frame", rec.seen)
	}
	if c := centre(f.Box); c != image.Pt(640, 360) {
		t.Errorf("face at %v, want the full frame's", f.Box)
	}
	// Without a tracked box the whole frame is searched at once.
	rec.seen = nil
	if _, cropped, err := e.SingleNear(context.Background(), frame, image.Rectangle{}, Live); err != nil || cropped || len(rec.seen) != 1 {
		t.Errorf("no box: cropped %v, %v, saw %v", cropped, err, rec.seen)
	}
}

func TestTravelerIgnoresSmallFaces(t *testing.T) {
	traveler := Face{Box: image.Rect(400, 100, 700, 400)}
	small := Face{Box: image.Rect(900, 100, 990, 190)}   // 0.3x: far behind
	second := Face{Box: image.Rect(800, 100, 1000, 300)} // 0.67x: another person
	if f, err := Traveler([]Face{small, traveler}, image.Rect(420, 120, 680, 380)); err != nil || f.Box != traveler.Box {
		t.Errorf("with a 0.3x bystander: %v, %v; want the traveler", f.Box, err)
	}
	if _, err := Traveler([]Face{traveler, second}, traveler.Box); !errors.Is(err, ErrManyFaces) {
		t.Errorf("with a second person: %v, want ErrManyFaces", err)
	}
	if f, err := Traveler([]Face{small, traveler}, image.Rectangle{}); err != nil || f.Box != traveler.Box {
		t.Errorf("no tracked box: %v, %v; want the widest face", f.Box, err)
	}
	if _, err := Traveler(nil, traveler.Box); !errors.Is(err, ErrNoFace) {
		t.Errorf("no face: %v, want ErrNoFace", err)
	}
}

// haarBox is the largest face OpenCV's frontal cascade finds in img: the
// box the live tracker hands over with a capture.
func haarBox(t *testing.T, img *image.RGBA) image.Rectangle {
	t.Helper()
	cc := gocv.NewCascadeClassifier()
	defer cc.Close()
	if !cc.Load(filepath.Join("/usr/share/opencv4", "haarcascades/haarcascade_frontalface_default.xml")) {
		t.Fatal("face cascade missing (opencv-data)")
	}
	src, err := gocv.NewMatFromBytes(img.Rect.Dy(), img.Rect.Dx(), gocv.MatTypeCV8UC4, img.Pix)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(src, &grey, gocv.ColorRGBAToGray)
	var best image.Rectangle
	for _, r := range cc.DetectMultiScaleWithParams(grey, 1.1, 4, 0, image.Pt(60, 60), image.Point{}) {
		if r.Dx() > best.Dx() {
			best = r
		}
	}
	if best.Empty() {
		t.Fatal("no Haar face")
	}
	return best
}

// On the test portraits in 1280x720 frames, the template from the crop
// around the tracked (Haar) box is within 0.06 of the full-frame template,
// and the decisions do not move.
func TestCropTemplateMatchesFullFrame(t *testing.T) {
	e := testEngine(t)
	crop := map[string]Template{}
	for _, name := range []string{"obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"} {
		img, err := LoadImage(portrait(t, name))
		if err != nil {
			t.Fatal(err)
		}
		frame := Letterbox(img, 1280, 720)
		full, err := e.Single(frame)
		if err != nil {
			t.Fatal(err)
		}
		// The tracker's box is the Haar cascade's (about a quarter wider
		// than dlib's). For scale: the full-frame template itself moves by
		// 0.03-0.07 when the frame is shifted by a few pixels (dlib's HOG
		// grid), so this bound sits near dlib's own noise.
		box := haarBox(t, frame)
		f, cropped, err := e.SingleNear(context.Background(), frame, box, Live)
		if err != nil || !cropped {
			t.Fatalf("%s box %v: cropped %v, %v", name, box, cropped, err)
		}
		d := Distance(&f.Template, &full.Template)
		t.Logf("%s: tracked box %v (dlib %v), crop-full distance %.4f", name, box, full.Box, d)
		if d > 0.06 {
			t.Errorf("%s: crop template %.4f from the full-frame one, want <= 0.06", name, d)
		}
		crop[name] = f.Template
	}
	a, b, c, d := crop["obama.jpg"], crop["obama3.jpg"], crop["biden.jpg"], crop["obama2.jpg"]
	ix := NewIndex(2)
	ix.Add("obama", &a)
	ix.Add("biden", &c)
	dec := Policy{Threshold: 0.5, Margin: 0.05}.Decide(ix.Search(&b, 2))
	if dec.Outcome != OutcomeMatch || dec.Subject != "obama" {
		t.Errorf("obama3 from the crop decided %s %q, want match obama", dec.Outcome, dec.Subject)
	}
	if dist := Distance(&a, &c); dist <= 0.8 {
		t.Errorf("obama-biden from crops %.4f, want > 0.8", dist)
	}
	if dist := Distance(&a, &d); dist >= 0.6 {
		t.Errorf("obama-obama2 from crops %.4f, want < 0.6", dist)
	}
}
