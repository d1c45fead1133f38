package traveler

import (
	"strings"
	"unicode"
)

// BreakUnits splits a paragraph into the units a line may break between,
// in reading order: words with the spaces after them, and each ideograph,
// kana or other character of a script written without spaces on its own
// (closing punctuation stays with the character before it).
func BreakUnits(text string) []string {
	var units []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			units = append(units, cur.String())
			cur.Reset()
		}
	}
	prevSpace := false
	for _, r := range text {
		switch {
		case r == ' ':
			cur.WriteRune(r)
			prevSpace = true
			continue
		case prevSpace:
			flush()
		case noSpaceScript(r) && !closingPunct(r):
			flush()
		}
		prevSpace = false
		cur.WriteRune(r)
		if noSpaceScript(r) {
			flush() // a break is allowed after it too, unless punctuation follows
		}
	}
	flush()
	// Closing punctuation never starts a line: join it to the unit before.
	out := units[:0]
	for _, u := range units {
		if len(out) > 0 && startsWithClosing(u) {
			out[len(out)-1] += u
			continue
		}
		out = append(out, u)
	}
	return out
}

func noSpaceScript(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

func closingPunct(r rune) bool {
	return strings.ContainsRune("。、，．！？：；」』）】〕〉》!?.,:;)]", r)
}

func startsWithClosing(u string) bool {
	for _, r := range u {
		return closingPunct(r)
	}
	return false
}

// bidiClass is the simplified Unicode bidi class of a rune: what a line of
// a right-to-left paragraph needs to be put in visual order.
type bidiClass int

const (
	bidiN   bidiClass = iota // neutral: space, punctuation, symbol
	bidiR                    // right-to-left letter (Arabic, Hebrew...)
	bidiL                    // left-to-right letter
	bidiEN                   // digit
	bidiNSM                  // combining mark: the class of the rune before it
)

func classOf(r rune) bidiClass {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return bidiNSM
	case unicode.IsDigit(r):
		return bidiEN
	case unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana) && unicode.IsLetter(r),
		r >= 0x0600 && r <= 0x06ff && !unicode.IsPunct(r) && !unicode.IsSpace(r) && r != 0x060c && r != 0x061b && r != 0x061f:
		return bidiR
	case unicode.IsLetter(r):
		return bidiL
	}
	return bidiN
}

var mirrored = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«'}

// VisualPieces puts one line in visual order for a renderer that lays its
// runs out left to right: the pieces, drawn one after the other from the
// left, show the line as it reads. In a left-to-right paragraph the line
// is one piece. In a right-to-left one (Arabic), each piece is a stretch
// of right-to-left letters (a word), a stretch of left-to-right letters
// or digits, or one neutral character (mirrored where it is a bracket);
// each piece keeps its reading order, which a text shaper draws correctly
// by itself.
func VisualPieces(line string, rtl bool) []string {
	if !rtl || line == "" {
		return []string{line}
	}
	runes := []rune(line)
	cls := make([]bidiClass, len(runes))
	for i, r := range runes {
		cls[i] = classOf(r)
		if cls[i] == bidiNSM {
			cls[i] = bidiN
			if i > 0 {
				cls[i] = cls[i-1]
			}
		}
	}
	// Levels: 1 for right to left, 2 for left to right and digits; a
	// neutral takes the direction of the strong runes on both sides when
	// they agree (digits count as right to left), else the paragraph's.
	level := make([]int, len(runes))
	for i, c := range cls {
		switch c {
		case bidiR:
			level[i] = 1
		case bidiL, bidiEN:
			level[i] = 2
		default:
			level[i] = 1
			if strongBefore(cls, i) == bidiL && strongAfter(cls, i) == bidiL {
				level[i] = 2
			}
		}
	}
	// Pieces in reading order: runs of one level; a right-to-left run is
	// split into its words, each neutral between them (space, stop,
	// colon) standing alone: a shaper given "word: word" may order the
	// two words left to right around the colon.
	type piece struct {
		text  string
		level int
	}
	var pieces []piece
	for i := 0; i < len(runes); {
		j := i
		for j < len(runes) && level[j] == level[i] {
			j++
		}
		if level[i] == 2 {
			pieces = append(pieces, piece{string(runes[i:j]), 2})
			i = j
			continue
		}
		for i < j {
			if cls[i] != bidiR {
				pieces = append(pieces, piece{string(mirror(runes[i])), 1})
				i++
				continue
			}
			k := i
			for k < j && cls[k] == bidiR {
				k++
			}
			pieces = append(pieces, piece{string(runes[i:k]), 1})
			i = k
		}
	}
	// The whole line is right to left: its pieces read from the right.
	out := make([]string, len(pieces))
	for i, p := range pieces {
		out[len(pieces)-1-i] = p.text
	}
	return out
}

func mirror(r rune) rune {
	if m, ok := mirrored[r]; ok {
		return m
	}
	return r
}

func strongBefore(cls []bidiClass, i int) bidiClass {
	for k := i - 1; k >= 0; k-- {
		switch cls[k] {
		case bidiR, bidiEN:
			return bidiR
		case bidiL:
			return bidiL
		}
	}
	return bidiR // the paragraph's start: right to left
}

func strongAfter(cls []bidiClass, i int) bidiClass {
	for k := i + 1; k < len(cls); k++ {
		switch cls[k] {
		case bidiR, bidiEN:
			return bidiR
		case bidiL:
			return bidiL
		}
	}
	return bidiR
}
