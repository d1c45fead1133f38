package verify

import (
	"context"
	"encoding/json"
	"image"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"gocv.io/x/gocv"
)

var (
	sharedSFace     *SFace
	sharedSFaceErr  error
	sharedSFaceOnce sync.Once
)

// testSFace loads the folded SFace and YuNet once for the package's tests;
// missing models fail the test (make setup fetches and folds them).
func testSFace(t testing.TB) *SFace {
	t.Helper()
	sharedSFaceOnce.Do(func() { sharedSFace, sharedSFaceErr = OpenSFace(modelsDir()) })
	if sharedSFaceErr != nil {
		t.Fatalf("load sface models: %v", sharedSFaceErr)
	}
	return sharedSFace
}

func sfaceTemplateOf(t testing.TB, s *SFace, name string) Template {
	t.Helper()
	img, err := LoadImage(portrait(t, name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.SingleAt(context.Background(), img, Background)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f.Template
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

// TestFoldedSFaceMatchesQuantized: OpenCV 4.6 reads the folded (fp32) SFace
// and computes, on the aligned crops of the test portraits, the embeddings
// the quantized original computes (onnxruntime, at setup:
// scripts/check-folded.py): cosine >= 0.9999 for every crop.
func TestFoldedSFaceMatchesQuantized(t *testing.T) {
	s := testSFace(t)
	dir := filepath.Join(modelsDir(), "sface-reference")
	raw, err := os.ReadFile(filepath.Join(dir, "reference.json"))
	if err != nil {
		t.Fatalf("quantized reference embeddings missing: run make setup (%v)", err)
	}
	var ref struct {
		MinCosine float64 `json:"min_cosine"`
		Faces     []struct {
			Portrait  string    `json:"portrait"`
			Input     string    `json:"input"`
			Quantized []float32 `json:"quantized"`
		} `json:"faces"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Faces) < 4 || ref.MinCosine < 0.9999 {
		t.Fatalf("reference holds %d faces at cosine %v; want the 4 portraits at >= 0.9999", len(ref.Faces), ref.MinCosine)
	}
	for _, f := range ref.Faces {
		in, err := os.ReadFile(filepath.Join(dir, f.Input))
		if err != nil {
			t.Fatal(err)
		}
		blob, err := gocv.NewMatWithSizesFromBytes([]int{1, 3, sfaceSize, sfaceSize}, gocv.MatTypeCV32F, in)
		if err != nil {
			t.Fatalf("%s: %v", f.Input, err)
		}
		if err := s.lock(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, err := s.embed(blob)
		s.mu.Unlock()
		blob.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Portrait, err)
		}
		c := cosine(got[:], f.Quantized)
		t.Logf("%s: cosine folded (OpenCV) / quantized (onnxruntime) %.6f", f.Portrait, c)
		if c < 0.9999 {
			t.Errorf("%s: cosine %.6f < 0.9999: the folded model is not the quantized one", f.Portrait, c)
		}
	}
}

// TestSFaceSamePersonCloser: with sface, every pair of Obama's portraits is
// closer than any Obama portrait is to Biden's, and templates are unit
// vectors.
func TestSFaceSamePersonCloser(t *testing.T) {
	s := testSFace(t)
	obamas := []string{"obama.jpg", "obama2.jpg", "obama3.jpg"}
	ts := map[string]Template{}
	for _, n := range append(obamas, "biden.jpg") {
		ts[n] = sfaceTemplateOf(t, s, n)
		var norm float64
		for _, v := range ts[n] {
			norm += float64(v) * float64(v)
		}
		if math.Abs(norm-1) > 1e-4 {
			t.Errorf("%s: template norm^2 %.6f, want 1", n, norm)
		}
	}
	worstSame, bestDiff := 0.0, math.Inf(1)
	for i, a := range obamas {
		x, b := ts[a], ts["biden.jpg"]
		bestDiff = math.Min(bestDiff, Distance(&x, &b))
		for _, c := range obamas[i+1:] {
			x, y := ts[a], ts[c]
			worstSame = math.Max(worstSame, Distance(&x, &y))
		}
	}
	t.Logf("sface distance: same person at most %.3f (cosine %.3f), different people at least %.3f (cosine %.3f)",
		worstSame, 1-worstSame*worstSame/2, bestDiff, 1-bestDiff*bestDiff/2)
	if !(worstSame < bestDiff) {
		t.Errorf("same person %.3f not closer than different people %.3f", worstSame, bestDiff)
	}
	if worstSame >= EngineSFace.DefaultThreshold() || bestDiff <= EngineSFace.DefaultThreshold() {
		t.Errorf("default threshold %.3f does not separate same %.3f from different %.3f",
			EngineSFace.DefaultThreshold(), worstSame, bestDiff)
	}
}

// TestSFaceSingleNearCrop: on a crop around the face (as the tracker gives
// it), sface finds the face and makes the template it makes on the whole
// portrait (cosine >= 0.9; measured 0.93 to 0.96); an empty box searches
// the whole image, and the template is made from the region around the
// face found.
func TestSFaceSingleNearCrop(t *testing.T) {
	s := testSFace(t)
	img, err := LoadImage(portrait(t, "obama.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := s.SingleAt(context.Background(), img, Live)
	if err != nil {
		t.Fatal(err)
	}
	f, cropped, err := s.SingleNear(context.Background(), img, whole.Box, Live)
	if err != nil || !cropped {
		t.Fatalf("crop around %v: cropped=%v, %v", whole.Box, cropped, err)
	}
	if c := cosine(f.Template[:], whole.Template[:]); c < 0.9 {
		t.Errorf("crop template cosine %.4f with the whole image's, want >= 0.9", c)
	}
	if d := gap(f.Landmarks[0], whole.Landmarks[0]); d > 0.05*float64(whole.Box.Dx()) {
		t.Errorf("right eye %v on the crop, %v on the whole image", f.Landmarks[0], whole.Landmarks[0])
	}
	// No box: the whole image is searched for the face, whose template is
	// then made from the region around it, as from a tracked box.
	g, cropped, err := s.SingleNear(context.Background(), img, image.Rectangle{}, Live)
	if err != nil || cropped {
		t.Fatalf("no box: cropped=%v err=%v", cropped, err)
	}
	if c := cosine(g.Template[:], whole.Template[:]); c < 0.9 || !g.Box.Overlaps(whole.Box) {
		t.Errorf("no box: face at %v (whole image: %v), template cosine %.4f with the whole image's, want >= 0.9",
			g.Box, whole.Box, c)
	}
}

// TestSFaceNoFaceAndClosed: a blank image has no face; a closed engine
// answers ErrClosed.
func TestSFaceNoFaceAndClosed(t *testing.T) {
	s, err := OpenSFace(modelsDir())
	if err != nil {
		t.Fatal(err)
	}
	blank := image.NewRGBA(image.Rect(0, 0, 320, 240))
	if _, err := s.SingleAt(context.Background(), blank, Live); err != ErrNoFace {
		t.Errorf("blank image: %v, want ErrNoFace", err)
	}
	s.Close()
	s.Close()
	if _, err := s.SingleAt(context.Background(), blank, Live); err != ErrClosed {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}
