package views

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

func TestInsertAtCursor(t *testing.T) {
	test.NewTempApp(t)
	cases := []struct {
		text     string
		row, col int
		insert   string
		spaced   bool
		want     string
		wantPos  int
	}{
		{"Hello world", 0, 5, ", dear", false, "Hello, dear world", 11},
		{"line one\nline two", 1, 4, "X", false, "line one\nlineX two", 14},
		{"Good day", 0, 8, "#a #b", true, "Good day #a #b", 14},
		{"Good day", 0, 4, "#a", true, "Good #a day", 7},
		{"", 0, 0, "#a", true, "#a", 2},
	}
	for _, tc := range cases {
		e := widget.NewMultiLineEntry()
		e.SetText(tc.text)
		e.CursorRow, e.CursorColumn = tc.row, tc.col
		insertAtCursor(e, tc.insert, tc.spaced)
		if e.Text != tc.want {
			t.Errorf("%q at %d:%d + %q = %q, want %q", tc.text, tc.row, tc.col, tc.insert, e.Text, tc.want)
		}
		if got := e.CursorTextOffset(); got != tc.wantPos {
			t.Errorf("%q: cursor at %d, want %d (after the insert)", tc.want, got, tc.wantPos)
		}
	}
}

func TestSnippetInsertedFromTheDialog(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.lib.snippets = []data.SavedSnippet{{ID: 1, Kind: data.SnippetText, Name: "Sign-off", Body: "— Alice"},
		{ID: 2, Kind: data.SnippetHashtags, Name: "Food", Body: "#bread #cake"}}
	fc.lib.nextID = 2
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	u.tabs.Select(u.composeTab)
	c.text.SetText("Fresh today")
	c.text.CursorRow, c.text.CursorColumn = 0, 5 // after "Fresh"

	test.Tap(c.lib.hashtagBtn)
	u.b.wait()
	if c.lib.dlg == nil || len(c.lib.dlg.items) != 1 || c.lib.dlg.items[0].Name != "Food" {
		t.Fatalf("hashtag dialog lists %+v", c.lib.dlg)
	}
	insert := overlayButton(t, u.Window, "Insert")
	if insert == nil {
		t.Fatal("no Insert button")
	}
	test.Tap(insert)
	if c.text.Text != "Fresh #bread #cake today" {
		t.Errorf("text = %q", c.text.Text)
	}
	if overlayButton(t, u.Window, "Insert") != nil {
		t.Error("the dialog stayed open after Insert")
	}
	if c.counter.Text != "24 / 500" {
		t.Errorf("counter = %q: the insert did not reach OnChanged", c.counter.Text)
	}

	// A snippet goes in as it is, at the end here.
	c.text.CursorRow, c.text.CursorColumn = 0, len([]rune(c.text.Text))
	test.Tap(c.lib.snippetBtn)
	u.b.wait()
	test.Tap(overlayButton(t, u.Window, "Insert"))
	if c.text.Text != "Fresh #bread #cake today— Alice" {
		t.Errorf("text = %q", c.text.Text)
	}
}

func TestSnippetDialogAddsEditsAndDeletes(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	u.tabs.Select(u.composeTab)

	test.Tap(c.lib.snippetBtn)
	u.b.wait()
	d := c.lib.dlg
	if !d.empty.Visible() || len(d.items) != 0 {
		t.Fatal("an empty list does not say so")
	}
	test.Tap(d.addBtn)
	d.name.SetText("Call to action")
	d.body.SetText("Sign up at example.org")
	test.Tap(overlayButton(t, u.Window, "Save"))
	u.b.wait()
	if len(d.items) != 1 || d.items[0].Name != "Call to action" || d.empty.Visible() {
		t.Fatalf("after add: %+v", d.items)
	}

	// Edit: the form starts with the stored values.
	d.edit(d.items[0])
	if d.name.Text != "Call to action" || d.body.Text != "Sign up at example.org" {
		t.Errorf("edit form = %q / %q", d.name.Text, d.body.Text)
	}
	d.body.SetText("Sign up today")
	test.Tap(overlayButton(t, u.Window, "Save"))
	u.b.wait()
	if len(d.items) != 1 || d.items[0].Body != "Sign up today" {
		t.Fatalf("after edit: %+v", d.items)
	}

	d.confirmDelete(d.items[0])
	test.Tap(overlayButton(t, u.Window, "Yes"))
	u.b.wait()
	if len(d.items) != 0 || !d.empty.Visible() {
		t.Errorf("after delete: %+v", d.items)
	}
}

func TestLabelsGoWithTheDraft(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.lib.labels = []data.Label{{ID: 1, Name: "promo", Colour: "#1e88e5"}}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	u.tabs.Select(u.composeTab)
	if len(c.lib.known.Objects) != 1 {
		t.Fatalf("%d known labels shown, want 1", len(c.lib.known.Objects))
	}

	c.text.SetText("Summer sale")
	c.lib.labels.SetText("launch, Video, LAUNCH")
	c.addLabel("promo")
	c.addLabel("Promo") // there already
	test.Tap(c.saveBtn)
	u.b.wait()
	fc.mu.Lock()
	got := fc.savedDrafts[len(fc.savedDrafts)-1].Labels
	fc.mu.Unlock()
	if !slices.Equal(got, []string{"launch", "Video", "promo"}) {
		t.Errorf("draft labels = %q", got)
	}

	// A loaded post shows its labels; a new post starts without.
	c.load(app.Draft{PostID: 5, Text: "x", Zone: loc, Labels: []string{"a", "b"}})
	if c.lib.labels.Text != "a, b" {
		t.Errorf("labels field = %q", c.lib.labels.Text)
	}
	c.reset()
	if c.lib.labels.Text != "" {
		t.Errorf("after reset: %q", c.lib.labels.Text)
	}
}
