package views

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

type fyneObject = fyne.CanvasObject

func labelText(o fyne.CanvasObject) string {
	if l, ok := o.(*widget.Label); ok {
		return l.Text
	}
	return ""
}

// findButton finds a button with text inside obj.
func findButton(t *testing.T, obj fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(t, obj, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
			return true
		}
		return false
	})
	return found
}

// deleteFromComposer opens post id in the composer and deletes it, and
// returns the question the dialog asked.
func deleteFromComposer(t *testing.T, u *MainUI, id int64, msg string) {
	t.Helper()
	u.editPost(id)
	u.b.wait()
	test.Tap(u.composer.deleteBtn)
	u.b.wait()
	if !overlayHas(t, u.Window, msg) {
		t.Errorf("the delete question does not say %q", msg)
	}
	test.Tap(overlayButton(t, u.Window, "Yes"))
	u.b.wait()
}

func TestDeleteOffersUndo(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.posts[5] = data.Post{ID: 5, Text: "bread", State: data.StateDraft}
	u := newTestUI(t, fc, fixedNow(loc))
	if u.undo.box.Visible() {
		t.Fatal("undo banner shown at start")
	}
	deleteFromComposer(t, u, 5, "The post and its plan are removed from Localpost. You can undo this for a few seconds.")
	if u.tabs.Selected() != u.calendarTab || !u.undo.box.Visible() || u.undo.msg.Text != "Post deleted." {
		t.Fatalf("after delete: tab %q, banner shown %v", u.tabs.Selected().Text, u.undo.box.Visible())
	}
	test.Tap(u.undo.undoBtn)
	u.b.wait()
	fc.lib.mu.Lock()
	deleted, undone := fc.lib.deleted, fc.lib.undone
	fc.lib.mu.Unlock()
	if len(deleted) != 1 || deleted[0] != 5 || len(undone) != 1 || undone[0] != 5 {
		t.Errorf("deleted %v, undone %v", deleted, undone)
	}
	if u.undo.box.Visible() || u.calendar.status.Text != "Post brought back." {
		t.Errorf("after undo: banner shown %v, status %q", u.undo.box.Visible(), u.calendar.status.Text)
	}

	// The banner goes away on its own (the timer calls expire).
	deleteFromComposer(t, u, 5, "The post and its plan are removed from Localpost. You can undo this for a few seconds.")
	u.undo.expire(u.undo.gen - 1) // an older showing's timer changes nothing
	if !u.undo.box.Visible() {
		t.Fatal("an old timer hid the banner")
	}
	u.undo.expire(u.undo.gen)
	if u.undo.box.Visible() {
		t.Error("the banner stayed after its time")
	}
}

func TestUndoTooLateSaysSo(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.posts[5] = data.Post{ID: 5, Text: "bread", State: data.StateDraft}
	fc.lib.undoErr = app.ErrUndoGone
	u := newTestUI(t, fc, fixedNow(loc))
	deleteFromComposer(t, u, 5, "The post and its plan are removed from Localpost. You can undo this for a few seconds.")
	test.Tap(u.undo.undoBtn)
	u.b.wait()
	if u.undo.box.Visible() || !overlayHas(t, u.Window, "The post can no longer be brought back: Undo lasts a couple of minutes.") {
		t.Error("a late undo does not say why nothing came back")
	}
}

func TestHeldPostDeleteHasNoUndo(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.posts[5] = data.Post{ID: 5, Text: "bread", State: data.StateScheduled}
	fc.held = map[int64][]string{5: {"Mastodon"}}
	u := newTestUI(t, fc, fixedNow(loc))
	deleteFromComposer(t, u, 5, "It is already scheduled on Mastodon: Localpost takes it back there too, as soon as it can "+
		"reach the network, and tells you if it cannot. The post and its plan are removed from Localpost. This cannot be undone.")
	if u.undo.box.Visible() || u.calendar.status.Text != "Post deleted." {
		t.Errorf("held post: banner shown %v, status %q", u.undo.box.Visible(), u.calendar.status.Text)
	}
}
