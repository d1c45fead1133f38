package verify

import (
	"image"
	"image/color"
	"math"
	"testing"

	"golang.org/x/image/draw"
)

// frameOf is a copy of img as a frame of a stable run: scaled by s about
// its centre and shifted by (dx, dy) on a mid-grey canvas of the same size.
func frameOf(img image.Image, s float64, dx, dy int) *image.RGBA {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, &image.Uniform{color.Gray{128}}, image.Point{}, draw.Src)
	w, h := int(float64(b.Dx())*s), int(float64(b.Dy())*s)
	x, y := (b.Dx()-w)/2+dx, (b.Dy()-h)/2+dy
	draw.CatmullRom.Scale(dst, image.Rect(x, y, x+w, y+h), img, b, draw.Over, nil)
	return dst
}

func TestFuseTemplatesMeanAndLength(t *testing.T) {
	a, b := at(1, 0), at(0, 1)
	f, ok := FuseTemplates([]Template{a, b})
	// mean (0.5, 0.5) rescaled to length 1
	if !ok || math.Abs(float64(f[0])-math.Sqrt(0.5)) > 1e-6 || math.Abs(float64(f[1])-math.Sqrt(0.5)) > 1e-6 {
		t.Fatalf("fused %v %v", f[:2], ok)
	}
	if one, ok := FuseTemplates([]Template{a}); !ok || one != a {
		t.Fatalf("one template changed: %v", one[:2])
	}
	if _, ok := FuseTemplates(nil); ok {
		t.Fatal("no templates fused")
	}
}

// TestMultiFrameProbeMatedDistances measures the multi-frame probe on the
// test portraits: each probe photo becomes a stable run of three frames
// (shifted and re-scaled copies); the single-frame probe is the first
// frame's template, the fused probe the normalised mean of the three. Mated
// distances are to the other independent photos of the same person,
// non-mated to biden.jpg. Figures are quoted in verify/CALIBRATION.md:
// copies of one photo carry no new information (dlib aligns the face
// first), so fusing them moves the mated distances by a few thousandths
// either way. The test checks the fused probe stays within 0.01 of the
// single frame on average and further than 0.6 from the other person.
func TestMultiFrameProbeMatedDistances(t *testing.T) {
	e := testEngine(t)
	photos := []string{"obama.jpg", "obama2.jpg", "obama3.jpg"}
	ref := map[string]Template{}
	for _, n := range append(photos, "biden.jpg") {
		ref[n] = templateOf(t, e, n)
	}
	runs := []struct {
		name   string
		frames [3]struct {
			s      float64
			dx, dy int
		}
	}{
		{"shift 6 px, scale 0.95-1.05", [3]struct {
			s      float64
			dx, dy int
		}{{1, 0, 0}, {0.95, 6, -4}, {1.05, -6, 4}}},
		{"shift 12 px, scale 0.9-1.1", [3]struct {
			s      float64
			dx, dy int
		}{{0.9, 12, 0}, {1, 0, 12}, {1.1, -12, -12}}},
	}
	for _, run := range runs {
		var single, fused, singleNon, fusedNon []float64
		for _, p := range photos {
			img, err := LoadImage(portrait(t, p))
			if err != nil {
				t.Fatal(err)
			}
			var ts []Template
			for _, f := range run.frames {
				face, err := e.Single(frameOf(img, f.s, f.dx, f.dy))
				if err != nil {
					t.Fatalf("%s %s: %v", p, run.name, err)
				}
				ts = append(ts, face.Template)
			}
			fz, _ := FuseTemplates(ts)
			for _, q := range photos {
				if q == p {
					continue
				}
				r := ref[q]
				single, fused = append(single, Distance(&ts[0], &r)), append(fused, Distance(&fz, &r))
			}
			b := ref["biden.jpg"]
			singleNon, fusedNon = append(singleNon, Distance(&ts[0], &b)), append(fusedNon, Distance(&fz, &b))
		}
		mean := func(xs []float64) float64 {
			var s float64
			for _, x := range xs {
				s += x
			}
			return s / float64(len(xs))
		}
		mx := func(xs []float64) float64 {
			m := xs[0]
			for _, x := range xs {
				m = max(m, x)
			}
			return m
		}
		mn := func(xs []float64) float64 {
			m := xs[0]
			for _, x := range xs {
				m = min(m, x)
			}
			return m
		}
		t.Logf("%s: mated (%d pairs) single frame mean %.4f max %.4f; fused mean %.4f max %.4f; non-mated single min %.4f, fused min %.4f",
			run.name, len(single), mean(single), mx(single), mean(fused), mx(fused), mn(singleNon), mn(fusedNon))
		if math.Abs(mean(fused)-mean(single)) > 0.01 {
			t.Errorf("%s: fused probe mean mated distance %.4f, one frame %.4f: more than 0.01 apart", run.name, mean(fused), mean(single))
		}
		if mn(fusedNon) <= 0.6 {
			t.Errorf("%s: fused probe %.4f from another person", run.name, mn(fusedNon))
		}
	}
}
