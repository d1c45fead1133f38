package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"

	"veriport/traveler"
)

// Pictograms of the traveler's screen: each carries its meaning without
// the text, and the outcomes differ in shape as well as colour (a tick
// and an arrow onward; a person with a badge). Drawn for the project,
// white on the screen's dark background.
const (
	svgHead = `<circle cx="50" cy="38" r="16" fill="none" stroke="white" stroke-width="6"/><path d="M20 92 C22 66 78 66 80 92" fill="none" stroke="white" stroke-width="6"/>`
	svgOpen = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">`
)

var pictograms = map[string]string{
	// An eye looking at a camera lens.
	traveler.KeyLook: `<path d="M6 50 C26 20 74 20 94 50 C74 80 26 80 6 50 Z" fill="none" stroke="white" stroke-width="6"/><circle cx="50" cy="50" r="13" fill="white"/>`,
	// Arrows pointing out: come closer (the face grows).
	traveler.KeyCloser: svgHead + `<path d="M8 8 L24 24 M8 8 L8 22 M8 8 L22 8 M92 8 L76 24 M92 8 L92 22 M92 8 L78 8" stroke="white" stroke-width="6" fill="none"/>`,
	// Arrows pointing in: step back (the face shrinks).
	traveler.KeyFurther: svgHead + `<path d="M8 8 L24 24 M24 24 L24 10 M24 24 L10 24 M92 8 L76 24 M76 24 L76 10 M76 24 L90 24" stroke="white" stroke-width="6" fill="none"/>`,
	// A head inside a target.
	traveler.KeyCentre: `<circle cx="50" cy="50" r="40" fill="none" stroke="white" stroke-width="5"/><path d="M50 2 V18 M50 82 V98 M2 50 H18 M82 50 H98" stroke="white" stroke-width="5"/><circle cx="50" cy="50" r="14" fill="white"/>`,
	// Glasses and a hat, struck out.
	traveler.KeyGlassesHat: `<path d="M22 30 H78 M32 30 V14 H68 V30" fill="none" stroke="white" stroke-width="5"/><circle cx="30" cy="62" r="13" fill="none" stroke="white" stroke-width="5"/><circle cx="70" cy="62" r="13" fill="none" stroke="white" stroke-width="5"/><path d="M43 62 H57" stroke="white" stroke-width="5"/><path d="M8 92 L92 8" stroke="white" stroke-width="8"/>`,
	// A head between two still bars.
	traveler.KeyHoldStill: svgHead + `<path d="M8 20 V80 M92 20 V80" stroke="white" stroke-width="7"/>`,
	// One person.
	traveler.KeyOnePerson: svgHead + `<text x="80" y="30" font-size="30" fill="white" font-family="sans-serif">1</text>`,
	// The sun.
	traveler.KeyLight: `<circle cx="50" cy="50" r="18" fill="white"/><path d="M50 6 V22 M50 78 V94 M6 50 H22 M78 50 H94 M19 19 L30 30 M70 70 L81 81 M19 81 L30 70 M70 30 L81 19" stroke="white" stroke-width="6"/>`,
	// A head with a level line.
	traveler.KeyHeadLevel: svgHead + `<path d="M4 38 H24 M76 38 H96" stroke="white" stroke-width="5"/>`,
	// A person stepping onto the mark.
	traveler.KeyStepIn: svgHead + `<path d="M30 98 H70" stroke="white" stroke-width="6"/>`,
	// A camera.
	traveler.KeyCountdown: `<rect x="8" y="28" width="84" height="58" rx="8" fill="none" stroke="white" stroke-width="6"/><path d="M34 28 L40 16 H60 L66 28" fill="none" stroke="white" stroke-width="6"/><circle cx="50" cy="57" r="16" fill="none" stroke="white" stroke-width="6"/>`,
	// An hourglass.
	traveler.KeyChecking: `<path d="M24 8 H76 M24 92 H76 M28 8 C28 40 72 60 72 92 M72 8 C72 40 28 60 28 92" fill="none" stroke="white" stroke-width="6"/>`,
	// A tick in a circle and an arrow onward.
	traveler.KeyProceed: `<circle cx="40" cy="50" r="34" fill="none" stroke="white" stroke-width="6"/><path d="M24 50 L36 62 L58 38" fill="none" stroke="white" stroke-width="8"/><path d="M78 50 H98 M88 40 L98 50 L88 60" fill="none" stroke="white" stroke-width="6"/>`,
	// An officer: a person with a cap and a badge.
	traveler.KeySeeOfficer: `<path d="M30 22 H70 L66 10 H34 Z" fill="white"/><circle cx="50" cy="36" r="14" fill="none" stroke="white" stroke-width="6"/><path d="M18 94 C20 64 80 64 82 94" fill="none" stroke="white" stroke-width="6"/><path d="M60 74 L64 82 L72 82 L66 87 L68 95 L60 90 L52 95 L54 87 L48 82 L56 82 Z" fill="white"/>`,
	// A camera struck out, and a document.
	traveler.KeyOptOut: `<rect x="6" y="30" width="56" height="40" rx="6" fill="none" stroke="white" stroke-width="5"/><circle cx="34" cy="50" r="11" fill="none" stroke="white" stroke-width="5"/><path d="M4 80 L64 20" stroke="white" stroke-width="7"/><rect x="70" y="26" width="26" height="48" rx="3" fill="none" stroke="white" stroke-width="5"/><path d="M76 40 H90 M76 50 H90 M76 60 H86" stroke="white" stroke-width="4"/>`,
	// The idle screen: a camera facing a person.
	traveler.KeyIdleTitle: svgHead,
}

var pictogramResources = map[string]fyne.Resource{}

// pictogram is the resource for a message key; the look-at-the-camera eye
// for a key without its own.
func pictogram(key string) fyne.Resource {
	if _, ok := pictograms[key]; !ok {
		key = traveler.KeyLook
	}
	if r, ok := pictogramResources[key]; ok {
		return r
	}
	r := fyne.NewStaticResource("traveler-"+key+".svg", []byte(svgOpen+pictograms[key]+`</svg>`))
	pictogramResources[key] = r
	return r
}

// pictogramOn is the pictogram drawn in a colour other than white (black
// on the amber band).
func pictogramOn(key string, c color.NRGBA) fyne.Resource {
	if c == travelerWhite {
		return pictogram(key)
	}
	body := strings.ReplaceAll(pictograms[key], "white", fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B))
	return fyne.NewStaticResource(fmt.Sprintf("traveler-%s-%02x%02x%02x.svg", key, c.R, c.G, c.B), []byte(svgOpen+body+`</svg>`))
}
