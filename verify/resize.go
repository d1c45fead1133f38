package verify

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// Letterbox scales img to fit a w x h canvas, keeping its aspect ratio and
// centring it on mid-grey: how a portrait looks in a camera frame.
func Letterbox(img image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Rect, &image.Uniform{color.Gray{128}}, image.Point{}, draw.Src)
	b := img.Bounds()
	if b.Empty() {
		return dst
	}
	sw, sh := w, b.Dy()*w/b.Dx()
	if sh > h {
		sw, sh = b.Dx()*h/b.Dy(), h
	}
	x, y := (w-sw)/2, (h-sh)/2
	draw.CatmullRom.Scale(dst, image.Rect(x, y, x+sw, y+sh), img, b, draw.Over, nil)
	return dst
}
