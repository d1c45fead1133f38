package verify

import (
	"bytes"
	"context"
	"errors"
	"image"
	"math"
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

// fakeLive is a live finder that answers by the size of the crop it is
// given and remembers the crops it saw and the faces it described.
type fakeLive struct {
	seen      []*liveCrop
	described []Face
	faces     func(c *liveCrop) []Face
	closed    bool
}

func (l *fakeLive) find(c *liveCrop) ([]Face, error) {
	l.seen = append(l.seen, c)
	return l.faces(c), nil
}

func (l *fakeLive) describe(c *liveCrop, f Face) (Template, error) {
	l.described = append(l.described, f)
	return Template{1}, nil
}

func (l *fakeLive) close() { l.closed = true }

// A face in the middle of the crop.
func middleOfCrop(c *liveCrop) []Face {
	var out []Face
	for _, f := range middleFace(image.Pt(c.w, c.h)) {
		out = append(out, Face{Box: f.Rectangle, Landmarks: f.Shapes})
	}
	return out
}

func TestSingleNearUsesTheCrop(t *testing.T) {
	rec := &sizeRec{faces: middleFace}
	live := &fakeLive{faces: middleOfCrop}
	e := fakeEngine(rec)
	e.live = live
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	box := image.Rect(500, 200, 800, 500) // 300 px face: the crop is scaled to cropFaceWidth
	f, cropped, err := e.SingleNear(context.Background(), frame, box, Live)
	if err != nil || !cropped {
		t.Fatalf("SingleNear = cropped %v, %v; want the crop's face", cropped, err)
	}
	if len(rec.seen) != 0 || len(live.seen) != 1 || len(live.described) != 1 {
		t.Fatalf("recognizer saw %v, live finder %d crops and %d faces described; want one crop, no whole frame",
			rec.seen, len(live.seen), len(live.described))
	}
	c := live.seen[0]
	// The face plus half a face each side, scaled so the face is
	// cropFaceWidth wide; the detector's grey copy so it is detectFaceWidth.
	if c.w != int(2*cropFaceWidth) || c.h != int(2*cropFaceWidth) || len(c.rgb) != 3*c.w*c.h {
		t.Errorf("crop is %dx%d (%d bytes), want %.0f square RGB", c.w, c.h, len(c.rgb), 2*cropFaceWidth)
	}
	if c.gw != int(2*detectFaceWidth) || len(c.grey) != c.gw*c.gh || c.rgbPerGrey != float64(c.w)/float64(c.gw) {
		t.Errorf("grey copy %dx%d at %.3f, want %.0f wide", c.gw, c.gh, c.rgbPerGrey, 2*detectFaceWidth)
	}
	// The face is reported in frame coordinates, around the tracked box,
	// and the one described is the crop's.
	if c := centre(f.Box); c != centre(box) || f.Landmarks[0] != c || f.Template[0] != 1 {
		t.Errorf("face at %v (landmark %v, template %v...), want centred on the tracked box %v",
			f.Box, f.Landmarks[0], f.Template[0], box)
	}
	if d := live.described[0]; centre(d.Box) != image.Pt(c.w/2, c.h/2) {
		t.Errorf("described face at %v, want in crop coordinates", d.Box)
	}
	// A cancelled call starts no dlib work.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := e.SingleNear(ctx, frame, box, Live); !errors.Is(err, context.Canceled) || len(live.seen) != 1 {
		t.Errorf("cancelled: %v after %d crops, want context.Canceled and no new crop", err, len(live.seen))
	}
}

// A small face is scaled up for the detector; the crop is cut at the
// frame's edge.
func TestSingleNearSmallFaceAtEdge(t *testing.T) {
	live := &fakeLive{faces: middleOfCrop}
	e := fakeEngine(&sizeRec{faces: middleFace})
	e.live = live
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	box := image.Rect(0, 300, 60, 360)
	if _, cropped, err := e.SingleNear(context.Background(), frame, box, Live); err != nil || !cropped {
		t.Fatalf("cropped %v, %v", cropped, err)
	}
	c := live.seen[0]
	if c.at != image.Pt(0, 270) || math.Abs(c.scale-cropMinFaceWidth/60.0) > 1e-9 {
		t.Errorf("crop at %v scale %.3f, want (0,270) scale %.3f", c.at, c.scale, cropMinFaceWidth/60.0)
	}
	if want := int(math.Round(90 * detectFaceWidth / 60)); c.gw != want {
		t.Errorf("grey copy %d wide, want %d (face at %.0f px)", c.gw, want, detectFaceWidth)
	}
}

func TestSingleNearFallsBackToFullFrame(t *testing.T) {
	rec := &sizeRec{faces: middleFace}
	live := &fakeLive{faces: func(*liveCrop) []Face { return nil }} // nothing in the crop
	e := fakeEngine(rec)
	e.live = live
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	box := image.Rect(100, 100, 300, 300)
	f, cropped, err := e.SingleNear(context.Background(), frame, box, Live)
	if err != nil || cropped {
		t.Fatalf("SingleNear = cropped %v, %v; want the full frame's face", cropped, err)
	}
	if len(live.seen) != 1 || len(rec.seen) != 1 || rec.seen[0] != image.Pt(1280, 720) {
		t.Fatalf("live finder saw %d crops, recognizer %v; want the crop then the full frame", len(live.seen), rec.seen)
	}
	if c := centre(f.Box); c != image.Pt(640, 360) {
		t.Errorf("face at %v, want the full frame's", f.Box)
	}
	// Without a tracked box the whole frame is searched at once.
	rec.seen, live.seen = nil, nil
	if _, cropped, err := e.SingleNear(context.Background(), frame, image.Rectangle{}, Live); err != nil || cropped ||
		len(rec.seen) != 1 || len(live.seen) != 0 {
		t.Errorf("no box: cropped %v, %v, saw %v and %d crops", cropped, err, rec.seen, len(live.seen))
	}
}

// A second person in the crop is refused without describing anyone, and
// without a whole-frame search.
func TestSingleNearCropSecondPerson(t *testing.T) {
	rec := &sizeRec{faces: middleFace}
	live := &fakeLive{faces: func(c *liveCrop) []Face {
		return []Face{{Box: image.Rect(0, 0, c.w/2, c.h/2)}, {Box: image.Rect(c.w/2, c.h/2, c.w, c.h)}}
	}}
	e := fakeEngine(rec)
	e.live = live
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	_, cropped, err := e.SingleNear(context.Background(), frame, image.Rect(500, 200, 800, 500), Live)
	if !errors.Is(err, ErrManyFaces) || cropped || len(live.described) != 0 || len(rec.seen) != 0 {
		t.Errorf("cropped %v, %v, %d described, %d whole frames; want ErrManyFaces from the crop alone",
			cropped, err, len(live.described), len(rec.seen))
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
