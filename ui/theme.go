package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// PrefHighContrast is the preference key of the large-text high-contrast
// theme (a bool, toggled with Alt+H and kept between runs).
const PrefHighContrast = "accessibility.high_contrast"

// accessTheme wraps a base theme. Normally it only strengthens the focus
// colour (focus must always be visible); in high-contrast mode it draws
// white text on black, saturated status colours, a yellow focus ring and
// text about 1.6 times larger.
type accessTheme struct {
	base fyne.Theme
	high bool
}

var _ fyne.Theme = (*accessTheme)(nil)

// High-contrast palette.
var (
	hcBlack   = color.NRGBA{A: 0xff}
	hcWhite   = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	hcYellow  = color.NRGBA{R: 0xff, G: 0xe0, A: 0xff}
	hcGreen   = color.NRGBA{R: 0x00, G: 0xd0, B: 0x40, A: 0xff}
	hcAmber   = color.NRGBA{R: 0xff, G: 0xa0, A: 0xff}
	hcRed     = color.NRGBA{R: 0xff, G: 0x40, B: 0x40, A: 0xff}
	hcBlue    = color.NRGBA{R: 0x40, G: 0xa0, B: 0xff, A: 0xff}
	hcGrey    = color.NRGBA{R: 0x30, G: 0x30, B: 0x30, A: 0xff}
	focusRing = color.NRGBA{R: 0xff, G: 0x8c, A: 0xff} // visible on light and dark
)

// Color implements fyne.Theme.
func (t *accessTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if !t.high {
		if n == theme.ColorNameFocus {
			return focusRing
		}
		return t.base.Color(n, v)
	}
	switch n {
	case theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameMenuBackground,
		theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground:
		return hcBlack
	case theme.ColorNameForeground, theme.ColorNameInputBorder, theme.ColorNameForegroundOnWarning,
		theme.ColorNameForegroundOnSuccess:
		return hcWhite
	case theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError:
		return hcBlack
	case theme.ColorNameButton, theme.ColorNameHover, theme.ColorNameSeparator, theme.ColorNameDisabledButton:
		return hcGrey
	case theme.ColorNameFocus, theme.ColorNameSelection:
		return hcYellow
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return hcBlue
	case theme.ColorNameSuccess:
		return hcGreen
	case theme.ColorNameWarning:
		return hcAmber
	case theme.ColorNameError:
		return hcRed
	case theme.ColorNamePlaceHolder, theme.ColorNameDisabled:
		return color.NRGBA{R: 0xc0, G: 0xc0, B: 0xc0, A: 0xff}
	}
	return t.base.Color(n, theme.VariantDark)
}

// Font implements fyne.Theme.
func (t *accessTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

// Icon implements fyne.Theme.
func (t *accessTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// Size implements fyne.Theme: text, headings and borders grow in
// high-contrast mode.
func (t *accessTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base.Size(n)
	if !t.high {
		return s
	}
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon:
		return s * 1.6
	case theme.SizeNameInputBorder, theme.SizeNameSeparatorThickness:
		return s * 2
	}
	return s
}
