package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The workflow's keyboard shortcuts: Alt plus a letter, shown on each
// button. Alt avoids the editing shortcuts of text fields (Ctrl+C, Ctrl+V...).
var (
	keyCapture      = altKey(fyne.KeyC)
	keyOptOut       = altKey(fyne.KeyO)
	keyManualCheck  = altKey(fyne.KeyM)
	keyNext         = altKey(fyne.KeyN)
	keyDecide       = altKey(fyne.KeyD)
	keyVerified     = altKey(fyne.KeyV)
	keyRefer        = altKey(fyne.KeyR)
	keyBack         = altKey(fyne.KeyB)
	keyHighContrast = altKey(fyne.KeyH)
	keyLogout       = altKey(fyne.KeyL)
	keyFlight       = altKey(fyne.KeyF)
	keyReports      = altKey(fyne.KeyP)
	keyAttest       = altKey(fyne.KeyS)
)

func altKey(k fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierAlt}
}

// keyLabel is a button caption with its shortcut, e.g. "Capture  [Alt+C]".
func keyLabel(text string, s *desktop.CustomShortcut) string {
	return text + "  [Alt+" + string(s.KeyName) + "]"
}

// keyEntry is a text field that passes the workflow's Alt shortcuts on to
// the window, so they work while the officer is typing: a focused Entry
// would otherwise swallow them.
type keyEntry struct {
	widget.Entry
}

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable: Esc goes back like Alt+B (the
// manual check and opt-out are left from the field the cursor is in).
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.TypedShortcut(keyBack)
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut implements fyne.Shortcutable.
func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.Modifier == fyne.KeyModifierAlt {
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
			if h, ok := c.(fyne.Shortcutable); ok {
				h.TypedShortcut(s)
				return
			}
		}
	}
	e.Entry.TypedShortcut(s)
}

// keyList is a list that passes Esc on to its window (close, go back), as
// if nothing had the focus: a focused widget.List takes every key and
// drops those it does not use.
type keyList struct {
	widget.List
}

func newKeyList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey implements fyne.Focusable.
func (l *keyList) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		if c := fyne.CurrentApp().Driver().CanvasForObject(l); c != nil && c.OnTypedKey() != nil {
			c.OnTypedKey()(k)
			return
		}
	}
	l.List.TypedKey(k)
}
