package traveler

import (
	"slices"
	"strings"
	"testing"
)

func TestBreakUnits(t *testing.T) {
	if got := BreakUnits("Step in front"); !slices.Equal(got, []string{"Step ", "in ", "front"}) {
		t.Errorf("words: %q", got)
	}
	// Chinese breaks between characters; closing punctuation stays with the one before.
	if got := BreakUnits("请看摄像头。系统"); !slices.Equal(got, []string{"请", "看", "摄", "像", "头。", "系", "统"}) {
		t.Errorf("Chinese: %q", got)
	}
	if got := strings.Join(BreakUnits("撮影まで 3"), ""); got != "撮影まで 3" {
		t.Errorf("units lose text: %q", got)
	}
}

// TestArabicRendersRightToLeft: in a right-to-left line the first word
// read is the last piece drawn from the left, a number keeps its digits in
// order, and the full stop ends up on the left.
func TestArabicLineVisualOrder(t *testing.T) {
	line := "تُحذف الصور خلال 12 ساعة."
	got := VisualPieces(line, true)
	want := []string{".", "ساعة", " ", "12", " ", "خلال", " ", "الصور", " ", "تُحذف"}
	if !slices.Equal(got, want) {
		t.Fatalf("pieces %q, want %q", got, want)
	}
	if got := VisualPieces("اللغة: اضغط L", true); !slices.Equal(got, []string{"L", " ", "اضغط", " ", ":", "اللغة"}) {
		t.Errorf("mixed line: %q", got)
	}
	if got := VisualPieces("1. تقدّم", true); !slices.Equal(got, []string{"تقدّم", " ", ".", "1"}) {
		t.Errorf("numbered line: %q", got)
	}
	if got := VisualPieces("(12)", true); !slices.Equal(got, []string{"(", "12", ")"}) {
		t.Errorf("brackets mirrored: %q", got)
	}
	if got := VisualPieces("Look at the camera.", false); !slices.Equal(got, []string{"Look at the camera."}) {
		t.Errorf("left to right: %q", got)
	}
}
