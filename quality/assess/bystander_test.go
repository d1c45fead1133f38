package assess

import (
	"context"
	"errors"
	"image"
	"image/color"
	"testing"

	"golang.org/x/image/draw"

	"veriport/config"
	"veriport/quality"
	"veriport/verify"
)

// pasteFace draws the portrait at path into dst so that its face (as dlib
// finds it) is width pixels wide and centred at c.
func pasteFace(t *testing.T, e *verify.Engine, dst *image.RGBA, path string, width int, c image.Point) {
	t.Helper()
	img, err := verify.LoadImage(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.Single(img)
	if err != nil {
		t.Fatal(err)
	}
	k := float64(width) / float64(f.Box.Dx())
	// Two faces of context around the face, clipped to the portrait.
	src := f.Box.Inset(-f.Box.Dx()).Intersect(img.Bounds())
	fc := f.Box.Min.Add(f.Box.Max).Div(2)
	at := image.Pt(c.X-int(float64(fc.X-src.Min.X)*k), c.Y-int(float64(fc.Y-src.Min.Y)*k))
	r := image.Rect(at.X, at.Y, at.X+int(float64(src.Dx())*k), at.Y+int(float64(src.Dy())*k))
	draw.CatmullRom.Scale(dst, r, img, src, draw.Src, nil)
}

// A bystander far behind the traveler (face 0.3x as wide) is not a second
// person for capture quality, and so not for the decision either: the
// capture quality passes on face count is decided, from the crop around the
// tracked face and from the whole frame alike.
func TestBystanderDoesNotBlockCapture(t *testing.T) {
	e := testEngine(t)
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	draw.Draw(frame, frame.Rect, image.NewUniform(color.Gray{150}), image.Point{}, draw.Src)
	pasteFace(t, e, frame, portrait(t, "obama.jpg"), 300, image.Pt(560, 380))
	pasteFace(t, e, frame, portrait(t, "biden.jpg"), 90, image.Pt(1080, 200))
	// dlib sees both faces: the old decision (one face or an error) refused it.
	if _, err := e.Single(frame); !errors.Is(err, verify.ErrManyFaces) {
		t.Fatalf("whole-frame single face = %v, want ErrManyFaces (the bystander must be visible to dlib)", err)
	}
	a, err := NewAssessor(config.DefaultQuality(), e)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	r, err := a.AssessNow(frame)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := r.Measure(quality.MeasureFaceCount); m.Verdict != quality.VerdictPass || r.Box.Empty() {
		t.Fatalf("quality face count %v (%v faces, box %v), want pass", m.Verdict, r.Faces, r.Box)
	}
	for _, box := range []image.Rectangle{r.Box, {}} {
		f, cropped, err := e.SingleNear(context.Background(), frame, box, verify.Live)
		if err != nil {
			t.Fatalf("decision with tracked box %v (cropped %v): %v", box, cropped, err)
		}
		if c := f.Box.Min.Add(f.Box.Max).Div(2); !c.In(image.Rect(410, 230, 710, 530)) {
			t.Errorf("decision took the face at %v, want the traveler's", f.Box)
		}
	}
}
