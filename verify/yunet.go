package verify

import (
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"
)

// YuNet 2023's outputs, per stride: a class score, an objectness, a box and
// five landmarks for every cell of the stride's grid. OpenCV 4.6's
// FaceDetectorYN reads only the 2022 layout, so they are decoded here.
var yunetOutputs = []string{
	"cls_8", "cls_16", "cls_32", "obj_8", "obj_16", "obj_32",
	"bbox_8", "bbox_16", "bbox_32", "kps_8", "kps_16", "kps_32",
}

var yunetStrides = [3]int{8, 16, 32}

const (
	yunetMinScore = 0.6 // a face's score sqrt(cls x obj) below this is not a face
	yunetNMS      = 0.3 // boxes overlapping more than this (IoU) are one face
)

// detection is one face YuNet found, in the coordinates of the image it ran
// on: box, the five points (right eye, left eye, nose tip, right and left
// mouth corners, as seen in the image: subject's right first) and score.
type detection struct {
	box   [4]float64 // x, y, w, h
	pts   [5][2]float64
	score float32
}

// decodeYuNet turns the 12 outputs (in yunetOutputs' order) of a w x h
// input (multiples of 32) into faces, after non-maximum suppression.
func decodeYuNet(outs []gocv.Mat, w, h int) ([]detection, error) {
	if len(outs) != len(yunetOutputs) {
		return nil, fmt.Errorf("yunet: %d outputs, want %d", len(outs), len(yunetOutputs))
	}
	var found []detection
	for si, s := range yunetStrides {
		cols, rows := w/s, h/s
		n := cols * rows
		cls, err1 := outs[si].DataPtrFloat32()
		obj, err2 := outs[3+si].DataPtrFloat32()
		box, err3 := outs[6+si].DataPtrFloat32()
		kps, err4 := outs[9+si].DataPtrFloat32()
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil ||
			len(cls) != n || len(obj) != n || len(box) != 4*n || len(kps) != 10*n {
			return nil, fmt.Errorf("yunet: stride %d outputs do not fit a %dx%d input", s, w, h)
		}
		fs := float64(s)
		for i := range n {
			score := math.Sqrt(clamp01(float64(cls[i])) * clamp01(float64(obj[i])))
			if score < yunetMinScore {
				continue
			}
			r, c := float64(i/cols), float64(i%cols)
			b := box[4*i : 4*i+4]
			cx, cy := (c+float64(b[0]))*fs, (r+float64(b[1]))*fs
			bw, bh := math.Exp(float64(b[2]))*fs, math.Exp(float64(b[3]))*fs
			d := detection{box: [4]float64{cx - bw/2, cy - bh/2, bw, bh}, score: float32(score)}
			k := kps[10*i : 10*i+10]
			for j := range 5 {
				d.pts[j] = [2]float64{(float64(k[2*j]) + c) * fs, (float64(k[2*j+1]) + r) * fs}
			}
			found = append(found, d)
		}
	}
	if len(found) < 2 {
		return found, nil
	}
	rects := make([]image.Rectangle, len(found))
	scores := make([]float32, len(found))
	for i, d := range found {
		rects[i] = d.rect()
		scores[i] = d.score
	}
	keep := make([]int, len(found))
	for i := range keep {
		keep[i] = -1
	}
	gocv.NMSBoxes(rects, scores, yunetMinScore, yunetNMS, keep)
	out := make([]detection, 0, len(found))
	for _, i := range keep {
		if i >= 0 && i < len(found) {
			out = append(out, found[i])
		}
	}
	return out, nil
}

// rect is the detection's box, rounded to pixels.
func (d detection) rect() image.Rectangle {
	x, y := math.Round(d.box[0]), math.Round(d.box[1])
	return image.Rect(int(x), int(y), int(math.Round(d.box[0]+d.box[2])), int(math.Round(d.box[1]+d.box[3])))
}

// scaled is d in the coordinates of an image k times smaller, shifted by at.
func (d detection) scaled(k float64, at image.Point) detection {
	ox, oy := float64(at.X), float64(at.Y)
	d.box = [4]float64{d.box[0]/k + ox, d.box[1]/k + oy, d.box[2] / k, d.box[3] / k}
	for j := range d.pts {
		d.pts[j] = [2]float64{d.pts[j][0]/k + ox, d.pts[j][1]/k + oy}
	}
	return d
}

func clamp01(v float64) float64 { return min(max(v, 0), 1) }
