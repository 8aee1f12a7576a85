package views

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The composer's keyboard: Ctrl+Enter (Cmd+Enter on macOS) schedules,
// Ctrl+S saves a draft, Esc closes it, asking "keep the draft?" when
// something was written and not saved.

var (
	scheduleKeys = []*desktop.CustomShortcut{
		{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.KeyEnter, Modifier: fyne.KeyModifierShortcutDefault}, // the keypad's
	}
	saveKey = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
)

// installShortcuts binds the composer's keys on w. active says whether the
// composer is the screen shown; close leaves it. The keys go on the
// canvas (nothing focused) and in a "Post" menu of the main menu, which
// the desktop driver asks first, so they also work while typing in a
// text field. Esc reaches the window only when no field has the focus
// (Esc in a field does nothing else there); the composer's text fields are
// escEntry, which hand Esc to the composer themselves.
func (c *composerScreen) installShortcuts(w fyne.Window, active func() bool, close func()) {
	c.close = close
	when := func(f func()) func(fyne.Shortcut) {
		return func(fyne.Shortcut) {
			if active() {
				f()
			}
		}
	}
	cv := w.Canvas()
	for _, k := range scheduleKeys {
		cv.AddShortcut(k, when(c.onSchedule))
	}
	cv.AddShortcut(saveKey, when(c.onSaveDraft))
	prev := cv.OnTypedKey()
	cv.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape && active() {
			c.onEscape()
			return
		}
		if prev != nil {
			prev(ev)
		}
	})

	menu := fyne.NewMenu("Post",
		&fyne.MenuItem{Label: "Save draft", Shortcut: saveKey, Action: func() {
			if active() {
				c.onSaveDraft()
			}
		}},
		&fyne.MenuItem{Label: "Schedule", Shortcut: scheduleKeys[0], Action: func() {
			if active() {
				c.onSchedule()
			}
		}})
	mm := w.MainMenu()
	if mm == nil {
		mm = fyne.NewMainMenu()
	}
	mm.Items = append(mm.Items, menu)
	w.SetMainMenu(mm)
}

// signature sums up what the user wrote, to tell unsaved changes.
func (c *composerScreen) signature() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q|%v|%q|%q", c.text.Text, c.selectedAccounts(), c.date.Text, c.clock.Text)
	for _, m := range c.draftMedia() {
		fmt.Fprintf(&b, "|m%q:%q", m.Path, m.Alt)
	}
	for _, id := range c.selectedAccounts() {
		if e := c.shownVariant(id); e != nil {
			if v, set := e.variant(); set {
				fmt.Fprintf(&b, "|v%d:%#v", id, v)
			}
		}
	}
	return b.String()
}

// markSaved records the composer's content as stored (or new and empty).
func (c *composerScreen) markSaved() { c.saved = c.signature() }

// unsaved reports whether something was written and not saved. A new
// post with nothing written has nothing to keep, whatever is ticked.
func (c *composerScreen) unsaved() bool {
	if c.postID == 0 && strings.TrimSpace(c.text.Text) == "" && len(c.media) == 0 {
		written := false
		for _, e := range c.variants {
			if _, set := e.variant(); set {
				written = true
			}
		}
		if !written {
			return false
		}
	}
	return c.signature() != c.saved
}

// onEscape closes the composer; with unsaved changes it asks first
// whether to keep them as a draft.
func (c *composerScreen) onEscape() {
	if c.keepDialog != nil {
		return // already asking
	}
	if !c.unsaved() {
		c.closeComposer()
		return
	}
	msg := ext(&widget.Label{Text: "You wrote something that is not saved. Keep it as a draft, or discard it?", Wrapping: fyne.TextWrapWord})
	var d *dialog.CustomDialog
	done := func(f func()) func() {
		return func() {
			d.Hide()
			c.keepDialog = nil
			if f != nil {
				f()
			}
		}
	}
	keep := ext(&widget.Button{Text: "Keep draft", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance,
		OnTapped: done(func() { c.saveThen(c.closeComposer) })})
	discard := ext(&widget.Button{Text: "Discard", Icon: theme.DeleteIcon(), Importance: widget.DangerImportance,
		OnTapped: done(func() { c.reset(); c.closeComposer() })})
	stay := ext(&widget.Button{Text: "Keep writing", OnTapped: done(nil)})
	d = dialog.NewCustomWithoutButtons("Keep this draft?", msg, c.b.win)
	d.SetButtons([]fyne.CanvasObject{stay, discard, keep})
	d.Resize(fyne.NewSize(440, 180))
	c.keepDialog = d
	d.Show()
}

func (c *composerScreen) closeComposer() {
	if c.close != nil {
		c.close()
	}
}

// escEntry is a multi-line text field that closes the composer on Esc:
// Fyne gives the keys to the focused field, so the window never sees an
// Esc typed while writing. Other keys are the Entry's.
type escEntry struct {
	widget.Entry
	c *composerScreen
}

func newEscEntry(c *composerScreen) *escEntry {
	e := &escEntry{c: c}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey closes the composer on Esc (asking about unsaved changes) once
// its keys are installed.
func (e *escEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.c != nil && e.c.close != nil {
		e.c.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}
