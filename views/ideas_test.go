package views

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"localpost/data"
)

func TestIdeasPanelListsOpensAndSchedules(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.lib.ideas = []data.Idea{{PostID: 5, Snippet: "A post about bread", Networks: "mastodon", State: data.StateDraft},
		{PostID: 6, Snippet: "Cake?", State: data.StateDraft}}
	fc.posts[5] = data.Post{ID: 5, Text: "A post about bread", State: data.StateDraft,
		Targets: []data.Target{{AccountID: alice.ID, State: data.StateDraft}}}
	u := newTestUI(t, fc, fixedNow(loc))
	p := u.ideas
	if p.shown || p.toggle.Text != "Ideas (2)" {
		t.Fatalf("at start: shown %v, button %q", p.shown, p.toggle.Text)
	}
	test.Tap(p.toggle)
	if !p.shown || p.toggle.Text != "Hide ideas" || !walk(t, u.Window.Content(), func(o fyneObject) bool { return o == p.newBtn }) {
		t.Fatal("the ideas did not open beside the calendar")
	}

	if p.heading.Text != "Ideas (2)" || len(p.rows.Objects) != 2 || p.empty.Visible() {
		t.Fatalf("panel: %q, %d rows, empty shown %v", p.heading.Text, len(p.rows.Objects), p.empty.Visible())
	}
	if !walk(t, p.rows.Objects[1], func(o fyneObject) bool { return labelText(o) == "No account yet" }) {
		t.Error("an idea without accounts does not say so")
	}

	// Tapping an idea opens it in the composer, undated.
	p.onOpen(5)
	u.b.wait()
	c := u.composer
	if u.tabs.Selected() != u.composeTab || c.postID != 5 || c.text.Text != "A post about bread" {
		t.Fatalf("composer: tab %v, post %d, text %q", u.tabs.Selected().Text, c.postID, c.text.Text)
	}
	if c.date.Date != nil || c.clock.Text != "" {
		t.Errorf("an idea opened with a date: %v %q", c.date.Date, c.clock.Text)
	}

	// "Schedule…" opens it on today's date with the next full hour.
	u.tabs.Select(u.calendarTab)
	sched := findButton(t, p.rows.Objects[0], "Schedule…")
	if sched == nil {
		t.Fatal("no Schedule… button")
	}
	test.Tap(sched)
	u.b.wait()
	if u.tabs.Selected() != u.composeTab || c.postID != 5 || c.date.Date == nil ||
		c.date.Date.Format(time.DateOnly) != "2026-07-15" || c.clock.Text != "11:00" {
		t.Errorf("scheduling an idea: post %d, date %v, clock %q", c.postID, c.date.Date, c.clock.Text)
	}
	u.tabs.Select(u.calendarTab)
	test.Tap(p.toggle)
	if p.shown || p.toggle.Text != "Ideas (2)" || walk(t, u.Window.Content(), func(o fyneObject) bool { return o == p.newBtn }) {
		t.Error("the ideas did not close")
	}
}

func TestNewIdea(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	p := u.ideas
	if !p.empty.Visible() || p.heading.Text != "Ideas (0)" {
		t.Fatalf("empty panel: %q, hint shown %v", p.heading.Text, p.empty.Visible())
	}
	test.Tap(p.newBtn)
	if p.newText == nil {
		t.Fatal("no form")
	}
	p.newText.SetText("Behind the scenes at the bakery")
	test.Tap(overlayButton(t, u.Window, "Keep"))
	u.b.wait()
	fc.lib.mu.Lock()
	got := fc.lib.newIdeas
	fc.lib.mu.Unlock()
	if len(got) != 1 || got[0] != "Behind the scenes at the bakery" {
		t.Errorf("NewIdea calls = %q", got)
	}
	if len(p.rows.Objects) != 1 || p.empty.Visible() {
		t.Errorf("after a new idea: %d rows", len(p.rows.Objects))
	}
}

func TestDuplicateOpensTheCopy(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.posts[5] = data.Post{ID: 5, Text: "original", State: data.StateDraft}
	fc.lib.copy = data.Post{ID: 77, Text: "original", State: data.StateDraft, Labels: []string{"promo"}}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	if c.lib.duplicateBtn.Visible() {
		t.Error("Duplicate shows for a post not yet stored")
	}
	u.editPost(5)
	u.b.wait()
	if !c.lib.duplicateBtn.Visible() {
		t.Fatal("no Duplicate for a stored post")
	}
	test.Tap(c.lib.duplicateBtn)
	u.b.wait()
	if c.postID != 77 || !strings.HasPrefix(c.heading.Text, "Copy") || c.lib.labels.Text != "promo" {
		t.Errorf("after duplicate: post %d, heading %q, labels %q", c.postID, c.heading.Text, c.lib.labels.Text)
	}
	fc.lib.mu.Lock()
	defer fc.lib.mu.Unlock()
	if len(fc.lib.duplicated) != 1 || fc.lib.duplicated[0] != 5 {
		t.Errorf("DuplicatePost calls = %v", fc.lib.duplicated)
	}
}
