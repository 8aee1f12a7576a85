package views

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// typeShortcut sends a shortcut to the window's canvas, as the driver does
// when no field has the focus.
func typeShortcut(u *MainUI, s fyne.Shortcut) {
	u.Window.Canvas().(fyne.Shortcutable).TypedShortcut(s)
	u.b.wait()
}

func pressEsc(u *MainUI) {
	u.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	u.b.wait()
}

// dialogButton is the button with text in the dialog shown.
func dialogButton(t *testing.T, u *MainUI, text string) *widget.Button {
	t.Helper()
	b := overlayButton(t, u.Window, text)
	if b == nil {
		t.Fatalf("no button %q in a dialog", text)
	}
	return b
}

func TestComposerShortcuts(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	counts := func() (scheduled, saved int) {
		fc.mu.Lock()
		defer fc.mu.Unlock()
		return len(fc.scheduled), len(fc.savedDrafts)
	}

	// On the calendar the composer's keys do nothing.
	fillComposer(u, "Not while hidden")
	typeShortcut(u, &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	typeShortcut(u, &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault})
	if s, d := counts(); s != 0 || d != 0 {
		t.Fatalf("keys acted on a hidden composer: %d scheduled, %d saved", s, d)
	}

	u.tabs.Select(u.composeTab)
	typeShortcut(u, &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	if _, d := counts(); d != 1 {
		t.Fatalf("Ctrl+S saved %d drafts", d)
	}
	if c.unsaved() {
		t.Error("unsaved right after saving")
	}
	typeShortcut(u, &desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: fyne.KeyModifierShortcutDefault})
	if s, _ := counts(); s != 1 {
		t.Fatalf("Ctrl+Enter scheduled %d posts", s)
	}
	fc.mu.Lock()
	text := fc.scheduled[0].Text
	fc.mu.Unlock()
	if text != "Not while hidden" {
		t.Errorf("scheduled %q", text)
	}

	// The keys are also in a "Post" menu, which the desktop driver asks
	// first, so they work while typing in a field.
	var post *fyne.Menu
	for _, m := range u.Window.MainMenu().Items {
		if m.Label == "Post" {
			post = m
		}
	}
	if post == nil || len(post.Items) != 2 || post.Items[0].Shortcut.ShortcutName() != saveKey.ShortcutName() ||
		post.Items[1].Shortcut.ShortcutName() != scheduleKeys[0].ShortcutName() {
		t.Fatalf("Post menu %+v", post)
	}
}

func TestComposerEscAsksToKeepDraft(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	saved := func() int { fc.mu.Lock(); defer fc.mu.Unlock(); return len(fc.savedDrafts) }

	// Nothing written: Esc closes at once.
	u.tabs.Select(u.composeTab)
	pressEsc(u)
	if u.tabs.Selected() != u.calendarTab || c.keepDialog != nil {
		t.Fatal("Esc on an empty composer did not close it at once")
	}

	// Written: Esc asks; "Keep writing" stays.
	u.tabs.Select(u.composeTab)
	test.Type(c.text, "Half a thought")
	pressEsc(u)
	if c.keepDialog == nil || u.tabs.Selected() != u.composeTab {
		t.Fatal("no question before closing unsaved text")
	}
	test.Tap(dialogButton(t, u, "Keep writing"))
	if c.keepDialog != nil || u.tabs.Selected() != u.composeTab || c.text.Text != "Half a thought" {
		t.Fatal("Keep writing did not stay")
	}

	// "Keep draft" saves it and closes.
	pressEsc(u)
	test.Tap(dialogButton(t, u, "Keep draft"))
	u.b.wait()
	if saved() != 1 || u.tabs.Selected() != u.calendarTab {
		t.Fatalf("Keep draft: %d saved, tab %q", saved(), u.tabs.Selected().Text)
	}

	// Saved: Esc closes without asking; a change makes it ask again, and
	// "Discard" closes without saving and empties the composer.
	u.tabs.Select(u.composeTab)
	pressEsc(u)
	if c.keepDialog != nil || u.tabs.Selected() != u.calendarTab {
		t.Fatal("asked although everything was saved")
	}
	u.tabs.Select(u.composeTab)
	test.Type(c.text, " more")
	pressEsc(u)
	test.Tap(dialogButton(t, u, "Discard"))
	if saved() != 1 || u.tabs.Selected() != u.calendarTab || c.text.Text != "" {
		t.Fatalf("Discard: %d saved, text %q", saved(), c.text.Text)
	}
}
