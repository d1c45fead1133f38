package verify

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sync"

	"gocv.io/x/gocv"
)

// SFaceFiles are the fp32 ONNX files the sface engine loads from the models
// folder (scripts/fold-models.sh makes them from OpenCV Zoo's quantized
// files): the recognizer, then the detector.
var SFaceFiles = []string{
	"face_recognition_sface_2021dec_fp32.onnx",
	"face_detection_yunet_2023mar_fp32.onnx",
}

// arcFace is the 5-point template of the 112x112 ArcFace crop SFace was
// trained on (right eye, left eye, nose tip, right and left mouth corners,
// as seen in the image).
var arcFace = [5]gocv.Point2f{
	{X: 38.2946, Y: 51.6963}, {X: 73.5318, Y: 51.5014}, {X: 56.0252, Y: 71.7366},
	{X: 41.5493, Y: 92.3655}, {X: 70.7299, Y: 92.2041},
}

var colorBlack = color.RGBA{A: 255}

// sfaceCropWidth is, on a tracked crop, the face's width in pixels in the
// copy YuNet scans (its landmarks are as precise as the copy is large).
var sfaceCropWidth = 96.0

const (
	sfaceSize    = 112 // the aligned crop's side
	yunetMaxSide = 640 // whole images are scaled down to this for YuNet
	// findSide: the booth's whole-frame search (SingleNear's fallback) only
	// finds the traveler, on a copy this large, before the template is
	// made from a crop around the face found. A booth frame's face is at
	// least 70 px between the eyes (quality's warning), about 50 px wide
	// in a 1280-px frame's copy. YuNet's buffers stay at the largest input
	// it has run: at 640 px they kept 20 MB more for the rest of the shift.
	findSide = 320
)

// SFace is the sface engine: YuNet (2023) finds faces and their five
// points, each face is aligned to the 112x112 ArcFace template by a
// 5-point similarity transform (WarpAffine) and SFace describes the RGB
// crop. Templates are unit vectors,
// so the Euclidean Distance between two is sqrt(2 - 2 cos): ranking by it
// is ranking by cosine. OpenCV's networks are not safe for concurrent use:
// calls are serialised (priority does not reorder them), and Close waits
// for the call in flight.
type SFace struct {
	mu     sync.Mutex
	det    gocv.Net
	rec    gocv.Net
	closed bool
}

// CheckSFaceModels reports which of SFaceFiles are missing from dir.
func CheckSFaceModels(dir string) error {
	var missing []string
	for _, m := range SFaceFiles {
		if st, err := os.Stat(filepath.Join(dir, m)); err != nil || st.Size() == 0 {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %v not in %s (run make setup)", ErrModels, missing, dir)
	}
	return nil
}

// OpenSFace loads SFace and YuNet from dir.
func OpenSFace(dir string) (*SFace, error) {
	if err := CheckSFaceModels(dir); err != nil {
		return nil, err
	}
	rec := gocv.ReadNetFromONNX(filepath.Join(dir, SFaceFiles[0]))
	if rec.Empty() {
		return nil, fmt.Errorf("%w: %s unreadable", ErrModels, SFaceFiles[0])
	}
	det := gocv.ReadNetFromONNX(filepath.Join(dir, SFaceFiles[1]))
	if det.Empty() {
		rec.Close()
		return nil, fmt.Errorf("%w: %s unreadable", ErrModels, SFaceFiles[1])
	}
	s := &SFace{det: det, rec: rec}
	if err := s.warmUp(); err != nil {
		s.Close()
		return nil, fmt.Errorf("%w: %v", ErrModels, err)
	}
	return s, nil
}

// warmUp runs each network once on a blank input of the size the tracked
// crop gives it. OpenCV sets a network up (layer memory, kernels) on its
// first forward pass, which takes several times a normal one (SFace: about
// 590 ms against 60 on this machine, loaded; YuNet: 180 against 3): done
// here, when a flight's gallery is loaded, and not at the first traveler's
// capture. It also proves the networks run.
func (s *SFace) warmUp() error {
	side := int((1 + 2*cropMargin) * sfaceCropWidth)
	blank := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), side, side, gocv.MatTypeCV8UC3)
	defer blank.Close()
	if _, err := s.detect(blank, 1); err != nil {
		return fmt.Errorf("sface: YuNet does not run: %w", err)
	}
	face := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 128, 128, 0), sfaceSize, sfaceSize, gocv.MatTypeCV8UC3)
	defer face.Close()
	blob := gocv.BlobFromImage(face, 1, image.Pt(sfaceSize, sfaceSize), gocv.NewScalar(0, 0, 0, 0), true, false)
	defer blob.Close()
	s.rec.SetInput(blob, "data")
	out := s.rec.Forward("fc1")
	defer out.Close()
	if out.Total() != TemplateLen {
		return fmt.Errorf("sface: SFace gives %d values, want %d", out.Total(), TemplateLen)
	}
	return nil
}

// Name is EngineSFace.
func (s *SFace) Name() EngineName { return EngineSFace }

// Close frees the networks once the call in flight has finished.
func (s *SFace) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.det.Close()
		s.rec.Close()
	}
}

// FacesAt finds every face in img with its template. ctx bounds the wait
// for the engine, not a network's run.
func (s *SFace) FacesAt(ctx context.Context, img image.Image, _ Priority) ([]Face, error) {
	if img == nil || img.Bounds().Empty() {
		return nil, ErrNotImage
	}
	bgr, err := bgrMat(img, img.Bounds())
	if err != nil {
		return nil, err
	}
	defer bgr.Close()
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	k := math.Min(1, yunetMaxSide/float64(max(bgr.Cols(), bgr.Rows())))
	dets, err := s.detect(bgr, k)
	if err != nil {
		return nil, err
	}
	out := make([]Face, len(dets))
	for i, d := range dets {
		d = d.scaled(k, image.Point{})
		out[i] = d.scaled(1, img.Bounds().Min).face()
		if out[i].Template, err = s.describe(bgr, d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SingleAt returns the one face in img: ErrNoFace or ErrManyFaces otherwise.
func (s *SFace) SingleAt(ctx context.Context, img image.Image, prio Priority) (Face, error) {
	return onlyFace(s.FacesAt(ctx, img, prio))
}

// SingleNear returns the traveler's face knowing the tracker found it at
// box: YuNet runs on the region around box (half a face of margin on each
// side) scaled so the face is about sfaceCropWidth wide, and the alignment
// samples the region at full resolution. When the region shows no face (or
// box is empty) the whole image is searched at a coarse scale (findSide)
// for the face nearest box (Traveler), and the template is made from the
// region around that face, as above.
func (s *SFace) SingleNear(ctx context.Context, img image.Image, box image.Rectangle, prio Priority) (Face, bool, error) {
	if !box.Empty() {
		if err := ctx.Err(); err != nil {
			return Face{}, false, err
		}
		f, found, err := s.cropFace(ctx, img, box)
		if err != nil || found {
			return f, found && err == nil, err
		}
	}
	at, err := s.find(ctx, img, box)
	if err != nil {
		return Face{}, false, err
	}
	f, found, err := s.cropFace(ctx, img, at)
	if err == nil && !found {
		err = ErrNoFace
	}
	return f, false, err
}

// find is the box of the face in img nearest box (any face when box is
// empty), from YuNet on a copy of img no larger than findSide.
func (s *SFace) find(ctx context.Context, img image.Image, box image.Rectangle) (image.Rectangle, error) {
	if img == nil || img.Bounds().Empty() {
		return image.Rectangle{}, ErrNotImage
	}
	bgr, err := bgrMat(img, img.Bounds())
	if err != nil {
		return image.Rectangle{}, err
	}
	defer bgr.Close()
	if err := s.lock(ctx); err != nil {
		return image.Rectangle{}, err
	}
	k := math.Min(1, findSide/float64(max(bgr.Cols(), bgr.Rows())))
	dets, err := s.detect(bgr, k)
	s.mu.Unlock()
	if err != nil {
		return image.Rectangle{}, err
	}
	faces := make([]Face, len(dets))
	for i, d := range dets {
		faces[i] = d.scaled(k, img.Bounds().Min).face()
	}
	f, err := Traveler(faces, box)
	return f.Box, err
}

func (s *SFace) cropFace(ctx context.Context, img image.Image, box image.Rectangle) (Face, bool, error) {
	m := int(math.Round(cropMargin * float64(box.Dx())))
	r := box.Inset(-m).Intersect(img.Bounds())
	if r.Dx() < 8 || r.Dy() < 8 || box.Dx() < 8 {
		return Face{}, false, nil
	}
	bgr, err := bgrMat(img, r)
	if err != nil {
		return Face{}, false, err
	}
	defer bgr.Close()
	if err := s.lock(ctx); err != nil {
		return Face{}, false, err
	}
	defer s.mu.Unlock()
	k := sfaceCropWidth / float64(box.Dx())
	dets, err := s.detect(bgr, k)
	if err != nil || len(dets) == 0 {
		return Face{}, false, err
	}
	faces := make([]Face, len(dets))
	for i, d := range dets {
		dets[i] = d.scaled(k, image.Point{})
		faces[i] = dets[i].scaled(1, r.Min).face()
	}
	i, err := travelerIndex(faces, box)
	if err != nil {
		return Face{}, true, err
	}
	f := faces[i]
	if f.Template, err = s.describe(bgr, dets[i]); err != nil {
		return Face{}, true, err
	}
	return f, true, nil
}

// lock takes the engine for one call: ErrClosed after Close, ctx's error
// when it ends first (the wait is short: one call at a time).
func (s *SFace) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	return nil
}

// detect runs YuNet on bgr scaled by k, padded to multiples of 32; the
// detections are in the scaled image's coordinates. Held under s.mu.
func (s *SFace) detect(bgr gocv.Mat, k float64) ([]detection, error) {
	w := max(1, int(math.Round(float64(bgr.Cols())*k)))
	h := max(1, int(math.Round(float64(bgr.Rows())*k)))
	pw, ph := (w+31)/32*32, (h+31)/32*32
	small := gocv.NewMat()
	defer small.Close()
	if w != bgr.Cols() || h != bgr.Rows() {
		gocv.Resize(bgr, &small, image.Pt(w, h), 0, 0, interpolation(k))
	} else {
		bgr.CopyTo(&small)
	}
	padded := gocv.NewMat()
	defer padded.Close()
	gocv.CopyMakeBorder(small, &padded, 0, ph-h, 0, pw-w, gocv.BorderConstant, colorBlack)
	blob := gocv.BlobFromImage(padded, 1, image.Pt(pw, ph), gocv.NewScalar(0, 0, 0, 0), false, false)
	defer blob.Close()
	s.det.SetInput(blob, "input")
	outs := s.det.ForwardLayers(yunetOutputs)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	return decodeYuNet(outs, pw, ph)
}

// describe aligns d (in bgr's coordinates) to the ArcFace template and runs
// SFace on the RGB crop: the unit-length template. Held under s.mu.
func (s *SFace) describe(bgr gocv.Mat, d detection) (Template, error) {
	blob, err := s.alignedBlob(bgr, d)
	if err != nil {
		return Template{}, err
	}
	defer blob.Close()
	return s.embed(blob)
}

// alignedBlob is d's face (in bgr's coordinates) aligned to the ArcFace
// template, as SFace's 1x3x112x112 RGB input blob; the caller closes it.
func (s *SFace) alignedBlob(bgr gocv.Mat, d detection) (gocv.Mat, error) {
	m, ok := similarityMat(d.pts)
	defer m.Close()
	if !ok {
		return gocv.Mat{}, fmt.Errorf("sface: %w: the five points admit no alignment", ErrNoFace)
	}
	aligned := gocv.NewMat()
	defer aligned.Close()
	gocv.WarpAffineWithParams(bgr, &aligned, m, image.Pt(sfaceSize, sfaceSize), gocv.InterpolationLinear,
		gocv.BorderReplicate, colorBlack)
	// swapRB: SFace was trained on RGB; a BGR input costs accuracy.
	return gocv.BlobFromImage(aligned, 1, image.Pt(sfaceSize, sfaceSize), gocv.NewScalar(0, 0, 0, 0), true, false), nil
}

// embed runs SFace on a 1x3x112x112 RGB blob: the unit-length template.
// Held under s.mu.
func (s *SFace) embed(blob gocv.Mat) (Template, error) {
	var t Template
	s.rec.SetInput(blob, "data")
	out := s.rec.Forward("fc1")
	defer out.Close()
	v, err := out.DataPtrFloat32()
	if err != nil || len(v) != TemplateLen {
		return t, fmt.Errorf("sface: %w: %d values (%v)", ErrBadTemplate, len(v), err)
	}
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	n = math.Sqrt(n)
	if !(n > 0) || math.IsInf(n, 0) {
		return t, fmt.Errorf("sface: %w: not a finite non-zero vector", ErrBadTemplate)
	}
	for i, x := range v {
		t[i] = float32(float64(x) / n)
	}
	return t, nil
}

// face is d as a Face without template.
func (d detection) face() Face {
	f := Face{Box: d.rect(), Landmarks: make([]image.Point, 5)}
	for j, p := range d.pts {
		f.Landmarks[j] = image.Pt(int(math.Round(p[0])), int(math.Round(p[1])))
	}
	return f
}

// bgrMat is the region r of img as an 8-bit BGR Mat (transparency over
// white); the caller closes it.
func bgrMat(img image.Image, r image.Rectangle) (gocv.Mat, error) {
	rgba := opaqueRGBA(subImage(img, r))
	src, err := gocv.NewMatFromBytes(r.Dy(), r.Dx(), gocv.MatTypeCV8UC4, rgba.Pix)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("sface: %w", err)
	}
	defer src.Close()
	bgr := gocv.NewMat()
	gocv.CvtColor(src, &bgr, gocv.ColorRGBAToBGR)
	return bgr, nil
}

// similarityMat is the least-squares similarity transform (rotation, one
// scale, translation: 4 degrees of freedom) taking the five points onto the
// ArcFace template, as a 2x3 Mat for WarpAffine; ok is false when the
// points coincide. It is what EstimateAffinePartial2D estimates, over all
// five points: gocv's binding of it has RANSAC with a 3 px threshold and
// no other method, and dropping a point as an outlier moves the crop; on
// the test portraits all five points kept same-person cosines higher
// (0.737/0.763/0.739 against 0.730/0.745/0.692) and crop and whole-image
// templates closer (cosine >= 0.93 against >= 0.88).
func similarityMat(pts [5][2]float64) (gocv.Mat, bool) {
	var px, py, qx, qy float64
	for j, p := range pts {
		px += p[0] / 5
		py += p[1] / 5
		qx += float64(arcFace[j].X) / 5
		qy += float64(arcFace[j].Y) / 5
	}
	var sa, sb, ss float64
	for j, p := range pts {
		ux, uy := p[0]-px, p[1]-py
		vx, vy := float64(arcFace[j].X)-qx, float64(arcFace[j].Y)-qy
		sa += ux*vx + uy*vy
		sb += ux*vy - uy*vx
		ss += ux*ux + uy*uy
	}
	m := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	if !(ss > 0) {
		return m, false
	}
	a, b := sa/ss, sb/ss
	m.SetDoubleAt(0, 0, a)
	m.SetDoubleAt(0, 1, -b)
	m.SetDoubleAt(0, 2, qx-(a*px-b*py))
	m.SetDoubleAt(1, 0, b)
	m.SetDoubleAt(1, 1, a)
	m.SetDoubleAt(1, 2, qy-(b*px+a*py))
	return m, true
}
