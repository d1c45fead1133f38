package verify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRealModelsSamePersonCloser(t *testing.T) {
	e := testEngine(t)
	obama := templateOf(t, e, "obama.jpg")
	obama2 := templateOf(t, e, "obama2.jpg")
	biden := templateOf(t, e, "biden.jpg")
	same := Distance(&obama, &obama2)
	other := Distance(&obama, &biden)
	t.Logf("distance obama-obama2 %.4f, obama-biden %.4f", same, other)
	if same >= 0.6 {
		t.Errorf("obama-obama2 distance %.4f, want < 0.6", same)
	}
	if same >= other {
		t.Errorf("obama-obama2 %.4f not smaller than obama-biden %.4f", same, other)
	}
}

func TestRealModelsPNGWithAlpha(t *testing.T) {
	e := testEngine(t)
	img, err := LoadImage(portrait(t, "32bit.png")) // RGBA PNG: converted to 3-channel JPEG
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Single(img); err != nil {
		t.Fatalf("32-bit PNG portrait: %v", err)
	}
}

func TestNoFaceOnSyntheticImage(t *testing.T) {
	e := testEngine(t)
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	if _, err := e.Single(img); !errors.Is(err, ErrNoFace) {
		t.Errorf("Single on a pattern = %v, want ErrNoFace", err)
	}
}

func TestOpenMissingModels(t *testing.T) {
	_, err := Open(t.TempDir())
	if !errors.Is(err, ErrModels) {
		t.Errorf("Open on an empty folder = %v, want ErrModels", err)
	}
}

func TestLoadImageRejectsNonImage(t *testing.T) {
	p := filepath.Join(t.TempDir(), "notes.jpg")
	if err := os.WriteFile(p, []byte("not an image"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadImage(p); !errors.Is(err, ErrNotImage) {
		t.Errorf("LoadImage on text = %v, want ErrNotImage", err)
	}
}

func TestEncodeJPEGGray(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 8, 8))
	g.SetGray(1, 1, color.Gray{200})
	b, err := EncodeJPEG(g)
	if err != nil || len(b) < 100 {
		t.Fatalf("EncodeJPEG(gray) = %d bytes, %v", len(b), err)
	}
	// A 3-channel JPEG's SOF0 marker lists 3 components.
	for i := 0; i+9 < len(b); i++ {
		if b[i] == 0xFF && b[i+1] == 0xC0 {
			if b[i+9] != 3 {
				t.Errorf("JPEG has %d components, want 3", b[i+9])
			}
			return
		}
	}
	t.Error("no SOF0 marker in JPEG")
}

func TestDistance(t *testing.T) {
	var a, b Template
	b[0], b[1] = 3, 4
	if d := Distance(&a, &b); d != 5 {
		t.Errorf("Distance = %v, want 5 (plain Euclidean, not squared)", d)
	}
}

func TestLoadImageRefusesHugeImage(t *testing.T) {
	// A PNG header claiming 20000x20000 pixels: refused before decoding.
	var buf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[16:], 20000) // IHDR width
	binary.BigEndian.PutUint32(b[20:], 20000) // IHDR height
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	p := filepath.Join(t.TempDir(), "huge.png")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadImage(p); !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), "over") {
		t.Errorf("LoadImage on a 400 MP header = %v, want ErrNotImage (too large)", err)
	}
}
