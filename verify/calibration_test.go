package verify

import (
	"fmt"
	"image"
	"sort"
	"strings"
	"testing"
)

// mirror flips img left to right: the same person, another capture.
func mirror(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.Set(b.Dx()-1-x, y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

// TestRealModelDistances prints the distance of every pair of the portraits
// (and their mirror images) and checks the default operating point on them:
// every mated pair under 0.5, every non-mated pair over 0.6. Pairs from one
// photo are not counted as mated: a portrait and its mirror image, obama2.jpg
// and 32bit.png (one photo in two formats), obama.jpg and the two
// obama_partial_face crops of it. The figures are quoted in verify/CALIBRATION.md.
func TestRealModelDistances(t *testing.T) {
	e := testEngine(t)
	type sample struct {
		name, who string
		t         Template
	}
	var samples []sample
	for _, n := range []string{"obama.jpg", "obama2.jpg", "obama3.jpg", "obama_partial_face.jpg",
		"obama_partial_face2.jpg", "32bit.png", "biden.jpg"} {
		img, err := LoadImage(portrait(t, n))
		if err != nil {
			t.Fatal(err)
		}
		who := "obama"
		if n == "biden.jpg" {
			who = "biden"
		}
		for _, v := range []struct {
			suffix string
			img    image.Image
		}{{"", img}, {"~mirror", mirror(img)}} {
			f, err := e.Single(v.img)
			if err != nil {
				t.Logf("%s%s: %v", n, v.suffix, err)
				continue
			}
			samples = append(samples, sample{n + v.suffix, who, f.Template})
		}
	}
	var mated, nonmated []float64
	var lines []string
	for i := range samples {
		for j := i + 1; j < len(samples); j++ {
			a, b := samples[i], samples[j]
			d := Distance(&a.t, &b.t)
			kind := "mated"
			switch {
			case a.who != b.who:
				kind = "non-mated"
				nonmated = append(nonmated, d)
			case samePhoto(a.name, b.name):
				kind = "same-photo"
			default:
				mated = append(mated, d)
			}
			lines = append(lines, fmt.Sprintf("%-9s %.4f %s / %s", kind, d, a.name, b.name))
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		t.Log(l)
	}
	sort.Float64s(mated)
	sort.Float64s(nonmated)
	t.Logf("mated pairs %d: min %.4f median %.4f max %.4f", len(mated), mated[0], Percentile(mated, 50), mated[len(mated)-1])
	t.Logf("non-mated pairs %d: min %.4f median %.4f max %.4f", len(nonmated), nonmated[0], Percentile(nonmated, 50), nonmated[len(nonmated)-1])
	if nonmated[0] <= 0.6 {
		t.Errorf("a non-mated pair at %.4f, want > 0.6", nonmated[0])
	}
	if mated[len(mated)-1] > 0.5 {
		t.Errorf("a mated pair at %.4f, want <= 0.5 (the default threshold)", mated[len(mated)-1])
	}
}

// samePhoto reports whether two samples come from one photo.
func samePhoto(a, b string) bool {
	base := func(s string) string {
		s = strings.TrimSuffix(s, "~mirror")
		switch {
		case s == "32bit.png":
			return "obama2.jpg"
		case strings.HasPrefix(s, "obama_partial_face"):
			return "obama.jpg"
		}
		return s
	}
	return base(a) == base(b)
}
