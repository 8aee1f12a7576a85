package views

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
	"localpost/platforms"
)

// TestWeekAndDayChipsMarkLabels: the week and day views mark a labelled
// post's labels on its chip like the month does, from the one labels query
// of each load.
func TestWeekAndDayChipsMarkLabels(t *testing.T) {
	fc := labelled(t)
	loc := fc.loc
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar
	marks := func(ch *postChip) *postChipRenderer {
		return test.TempWidgetRenderer(t, ch).(*postChipRenderer)
	}
	asked := func() int { fc.mu.Lock(); defer fc.mu.Unlock(); return fc.labelsAsked }

	test.Tap(c.viewBtns[viewWeek])
	c.showMonth(day(loc, time.July, 21))
	u.b.wait()
	before := asked()
	c.showMonth(day(loc, time.July, 22)) // the same week, loaded again
	u.b.wait()
	if n := asked() - before; n != 1 {
		t.Errorf("one week load asked for labels %d times", n)
	}
	// Post 3 (label Summer) is Tuesday 21 July 10:00 in Berlin; post 4
	// (no labels) Thursday 01:30.
	chips := c.week.cells[1][10].chips()
	if len(chips) != 1 || chips[0].entry.PostID != 3 {
		t.Fatalf("Tuesday 10:00 shows %d chips", len(chips))
	}
	if r := marks(chips[0]); r.nmarks != 1 || r.marks[0].FillColor != labelColor("#1e88e5") {
		t.Errorf("week chip of post 3: %d marks", r.nmarks)
	}
	if ch := c.week.cells[3][1].chips(); len(ch) != 1 || marks(ch[0]).nmarks != 0 {
		t.Errorf("unlabelled post 4 marked in week view")
	}
	chips[0].MouseIn(nil)
	if got := chips[0].shownText(); got != "10:00 Summer" {
		t.Errorf("hovered week chip says %q", got)
	}
	chips[0].MouseOut()

	// Post 1 (Sale, Summer) is Friday 3 July 09:30 in Berlin.
	test.Tap(c.viewBtns[viewDay])
	c.showMonth(day(loc, time.July, 3))
	u.b.wait()
	chips = c.dayGrid.cells[0][9].chips()
	if len(chips) != 1 || chips[0].entry.PostID != 1 {
		t.Fatalf("3 July 09:00 shows %d chips", len(chips))
	}
	if r := marks(chips[0]); r.nmarks != 2 || r.marks[0].FillColor != labelColor("#e53935") || r.marks[1].FillColor != labelColor("#1e88e5") {
		t.Errorf("day chip of post 1: %d marks", r.nmarks)
	}
}

// TestComposerCommonCounterForAccountsUsingIt: the common text's counter
// uses the strictest limit of the accounts posting it only, and once every
// account has its own text it says, muted, that the common text is not
// posted as is, instead of flagging it as too long.
func TestComposerCommonCounterForAccountsUsingIt(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice, xAcc}
	fc.accountLimits[1] = platforms.Limits{MaxChars: 500, MaxMedia: 4}
	fc.accountLimits[5] = xLimits
	fc.limitsFor = func(ids []int64) platforms.Limits { // the strictest of the accounts asked
		out := platforms.Limits{MaxChars: 10000, MaxMedia: 4}
		for _, id := range ids {
			if l := fc.accountLimits[id]; l.MaxChars < out.MaxChars {
				out = l
			}
		}
		return out
	}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	u.tabs.Select(u.composeTab)
	tickAccount(t, u, 1)
	tickAccount(t, u, 5)
	if c.variants[1] == nil || c.variants[5] == nil {
		t.Fatal("no variant sections for two networks")
	}

	test.Type(c.text, strings.Repeat("a", 300))
	u.b.wait()
	if c.counter.Text != "300 / 280" || c.counter.Importance != widget.DangerImportance ||
		!c.textProblem.Visible() || c.textProblem.Text != "20 characters over the limit of 280." {
		t.Fatalf("both on the common text: counter %q (%v), problem %q", c.counter.Text, c.counter.Importance, c.textProblem.Text)
	}

	// X gets its own text: the common text is Mastodon's only.
	test.Type(c.variants[5].text, "Short for X")
	u.b.wait()
	if c.counter.Text != "300 / 500" || c.counter.Importance != widget.MediumImportance || c.textProblem.Visible() {
		t.Errorf("Mastodon only on the common text: counter %q (%v), problem %q", c.counter.Text, c.counter.Importance, c.textProblem.Text)
	}

	// Mastodon too: the common text is posted nowhere.
	test.Type(c.variants[1].text, "Own toot")
	u.b.wait()
	if c.counter.Text != notPostedAsIs || c.counter.Importance != widget.LowImportance || c.textProblem.Visible() {
		t.Errorf("every account on its own text: counter %q (%v), problem %q", c.counter.Text, c.counter.Importance, c.textProblem.Text)
	}
	test.Type(c.text, strings.Repeat("b", 300))
	if c.counter.Text != notPostedAsIs || c.textProblem.Visible() {
		t.Errorf("typing in the unused common text: counter %q, problem %q", c.counter.Text, c.textProblem.Text)
	}

	// Mastodon back on the common text: counted and flagged again.
	c.variants[1].text.SetText("")
	u.b.wait()
	if c.counter.Text != "600 / 500" || c.counter.Importance != widget.DangerImportance ||
		c.textProblem.Text != "100 characters over the limit of 500." {
		t.Errorf("Mastodon back on the common text: counter %q, problem %q", c.counter.Text, c.textProblem.Text)
	}
}

// typeKeyFocused sends a key as the desktop driver does while a field has
// the focus: to the focused object, not the window.
func typeKeyFocused(t *testing.T, u *MainUI, name fyne.KeyName) {
	t.Helper()
	f := u.Window.Canvas().Focused()
	if f == nil {
		t.Fatal("nothing has the focus")
	}
	f.TypedKey(&fyne.KeyEvent{Name: name})
	u.b.wait()
}

// TestComposerEscInTextField: Esc typed into the focused main text or a
// variant's text asks "Keep this draft?"; other keys still edit.
func TestComposerEscInTextField(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice, xAcc}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	u.tabs.Select(u.composeTab)
	tickAccount(t, u, 1)
	tickAccount(t, u, 5)
	cv := u.Window.Canvas()

	cv.Focus(c.text)
	if cv.Focused() != fyne.Focusable(c.text) {
		t.Fatal("the main text did not take the focus")
	}
	test.Type(c.text, "Half")
	typeKeyFocused(t, u, fyne.KeyBackspace)
	if c.text.Text != "Hal" {
		t.Fatalf("Backspace in the field: text %q", c.text.Text)
	}
	if c.keepDialog != nil {
		t.Fatal("asked before Esc")
	}
	typeKeyFocused(t, u, fyne.KeyEscape)
	if c.keepDialog == nil || u.tabs.Selected() != u.composeTab {
		t.Fatal("Esc in the focused text did not ask about the draft")
	}
	if !walkOverlays(t, u.Window, "Keep it as a draft, or discard it?") {
		t.Error("the question is not shown")
	}
	test.Tap(dialogButton(t, u, "Keep writing"))
	if c.keepDialog != nil || c.text.Text != "Hal" {
		t.Fatal("Keep writing did not stay")
	}

	// In X's own text: Esc asks too; Discard closes.
	xe := c.variants[5]
	cv.Focus(xe.text)
	test.Type(xe.text, "For X")
	typeKeyFocused(t, u, fyne.KeyEscape)
	if c.keepDialog == nil {
		t.Fatal("Esc in a variant's text did not ask about the draft")
	}
	test.Tap(dialogButton(t, u, "Discard"))
	if u.tabs.Selected() != u.calendarTab || c.text.Text != "" {
		t.Errorf("Discard: tab %q, text %q", u.tabs.Selected().Text, c.text.Text)
	}
}
