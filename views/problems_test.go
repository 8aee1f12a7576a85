package views

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

const alreadyPublished = "Facebook Pages had already published the earlier version, so the new time was not applied. Delete the post on Facebook if it should not be there."

// twoProblems: a move Facebook refused, and the take-back of a post
// deleted here that Mastodon is still being asked for.
func twoProblems() []app.RemoteProblem {
	return []app.RemoteProblem{
		{ID: 11, PostID: 5, Account: "Demo Café", Message: alreadyPublished},
		{ID: 12, Account: "@alice@example.social", Waiting: true,
			Message: "Could not reach example.social to take back the deleted post; trying again."},
	}
}

func TestProblemsBannerHiddenWithoutProblems(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(loc))

	if u.problems.box.Visible() {
		t.Error("the problems banner is shown although there are none")
	}
	if len(u.problems.rows) != 0 {
		t.Errorf("%d problem rows, want 0", len(u.problems.rows))
	}
}

func TestProblemsBannerListsAndDismisses(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.remote = twoProblems()
	fc.posts[5] = data.Post{ID: 5, Text: "Opening hours", State: data.StatePublished}
	u := newTestUI(t, fc, fixedNow(loc))
	p := u.problems

	if !p.box.Visible() {
		t.Fatal("the problems banner is hidden although there are two problems")
	}
	if len(p.rows) != 2 {
		t.Fatalf("%d problem rows, want 2", len(p.rows))
	}
	failed, waiting := p.rows[0], p.rows[1]
	if got, want := failed.text.Text, "Demo Café: "+alreadyPublished; got != want {
		t.Errorf("first line = %q, want %q", got, want)
	}
	if got := waiting.text.Text; !strings.HasPrefix(got, "@alice@example.social: Could not reach example.social") {
		t.Errorf("second line = %q", got)
	}
	if failed.text.Wrapping == 0 {
		t.Error("the lines do not wrap")
	}
	if failed.open == nil || !failed.open.Visible() {
		t.Error("no \"Open post\" for a post that is still here")
	}
	if waiting.open != nil {
		t.Error("\"Open post\" for a post deleted here")
	}
	if failed.dismiss == nil || failed.dismiss.Text != "Dismiss" {
		t.Fatal("no \"Dismiss\" for a change that was given up")
	}
	if waiting.dismiss != nil {
		t.Error("\"Dismiss\" for a change that is still being tried")
	}
	if waiting.waiting == nil || waiting.waiting.Text != "trying again" || waiting.waiting.Importance != widget.LowImportance {
		t.Errorf("the waiting problem does not say \"trying again\" in a muted style: %+v", waiting.waiting)
	}
	if p.moreRow.Visible() {
		t.Error("\"and N more\" shown for two problems")
	}
	// The banner lies in the calendar screen, laid out with some room.
	if !walk(t, u.calendarTab.Content, func(o fyne.CanvasObject) bool { return o == p.box }) {
		t.Error("the banner is not part of the calendar screen")
	}
	// Shown after the first layout, the banner gets its room at the next
	// one (the desktop driver lays out again when a size changes; the test
	// driver when the window is resized). A wrapped label is as tall as its
	// lines at the width it had, hence two resizes.
	u.Window.Resize(fyne.NewSize(1000, 760))
	u.Window.Resize(fyne.NewSize(1001, 760))
	if w := failed.text.Size().Width; w < 300 {
		t.Errorf("the first line is %v wide, want at least 300", w)
	}
	oneLine := widget.NewLabel("x").MinSize().Height
	if h := failed.text.Size().Height; h < 1.5*oneLine {
		t.Errorf("the long first line is %v high, want it wrapped onto more lines than one (%v)", h, oneLine)
	}

	test.Tap(failed.dismiss)
	u.b.wait()
	fc.mu.Lock()
	dismissed := append([]int64(nil), fc.dismissed...)
	fc.mu.Unlock()
	if len(dismissed) != 1 || dismissed[0] != 11 {
		t.Fatalf("dismissed = %v, want [11]", dismissed)
	}
	if len(p.rows) != 1 || p.rows[0].problem.ID != 12 {
		t.Fatalf("after Dismiss the banner shows %d rows", len(p.rows))
	}

	// The take-back succeeds at the next try: the next refresh hides the
	// banner.
	fc.mu.Lock()
	fc.remote = nil
	fc.mu.Unlock()
	u.Refresh()
	u.b.wait()
	if p.box.Visible() {
		t.Error("the banner is still shown after its problems are gone")
	}
}

func TestProblemsBannerDismissErrorIsShown(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.remote = twoProblems()
	fc.dismissErr = errors.New("database is locked")
	u := newTestUI(t, fc, fixedNow(loc))

	test.Tap(u.problems.rows[0].dismiss)
	u.b.wait()
	if !overlayHas(t, u.Window, "Could not dismiss this message: database is locked") {
		t.Error("the failed dismiss is not shown")
	}
	if r := u.problems.rows[0]; r.problem.ID != 11 || r.dismiss.Disabled() {
		t.Errorf("after a failed dismiss: row %d, button disabled %v", r.problem.ID, r.dismiss.Disabled())
	}
}

func TestProblemsBannerOpensPost(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.remote = []app.RemoteProblem{
		{ID: 1, PostID: 5, Account: "Demo Café", Message: alreadyPublished},
		{ID: 2, PostID: 6, Account: "@alice@example.social", Message: "example.social refused the new time."},
	}
	fc.posts[5] = data.Post{ID: 5, Text: "Opening hours", State: data.StatePublished,
		PlannedAt: time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC),
		Targets:   []data.Target{{AccountID: 1, State: data.StatePublished, RemoteURL: "https://facebook.example/posts/5"}}}
	fc.posts[6] = data.Post{ID: 6, Text: "Summer sale", State: data.StateScheduled,
		PlannedAt: time.Date(2026, 7, 20, 8, 0, 0, 0, time.UTC), Targets: []data.Target{{AccountID: 1}}}
	u := newTestUI(t, fc, fixedNow(loc))

	// A published post opens in the post dialog, as from the calendar.
	test.Tap(u.problems.rows[0].open)
	u.b.wait()
	if !overlayHas(t, u.Window, "https://facebook.example/posts/5") {
		t.Fatal("Open post did not open the post's dialog")
	}
	if u.detail == nil || u.detail.post.ID != 5 {
		t.Errorf("the open post dialog is for %+v", u.detail)
	}
	test.Tap(overlayButton(t, u.Window, "Close"))

	// A scheduled one opens in the composer.
	test.Tap(u.problems.rows[1].open)
	u.b.wait()
	if u.tabs.Selected() != u.composeTab || u.composer.postID != 6 {
		t.Errorf("Open post on a scheduled post: tab %q, composer post %d", u.tabs.Selected().Text, u.composer.postID)
	}
}

func TestProblemsBannerShowsThreeAndMore(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	for i := 1; i <= 5; i++ {
		fc.remote = append(fc.remote, app.RemoteProblem{ID: int64(i), PostID: int64(i), Account: "Demo Café",
			Message: fmt.Sprintf("Problem number %d.", i)})
	}
	fc.posts[5] = data.Post{ID: 5, Text: "Last", State: data.StateFailed,
		Targets: []data.Target{{AccountID: 1, State: data.StateFailed, LastError: "The page was removed."}}}
	u := newTestUI(t, fc, fixedNow(loc))
	p := u.problems

	if len(p.rows) != 3 {
		t.Fatalf("the banner shows %d rows, want 3", len(p.rows))
	}
	if !p.moreRow.Visible() || p.more.Text != "and 2 more" {
		t.Fatalf("more line: visible %v, %q", p.moreRow.Visible(), p.more.Text)
	}

	showAll := p.moreRow.Objects[1].(*widget.Button)
	test.Tap(showAll)
	for i := 1; i <= 5; i++ {
		if !overlayHas(t, u.Window, fmt.Sprintf("Demo Café: Problem number %d.", i)) {
			t.Errorf("the dialog does not list problem %d", i)
		}
	}

	// Dismissing in the dialog updates both the dialog and the banner.
	test.Tap(p.allRows[0].dismiss)
	u.b.wait()
	if len(p.allRows) != 4 || overlayHas(t, u.Window, "Demo Café: Problem number 1.") {
		t.Errorf("after Dismiss the dialog lists %d problems", len(p.allRows))
	}
	if len(p.rows) != 3 || p.rows[0].problem.ID != 2 || p.more.Text != "and 1 more" {
		t.Errorf("after Dismiss the banner shows %d rows from %d, %q", len(p.rows), p.rows[0].problem.ID, p.more.Text)
	}

	// Open post from the dialog closes it and opens the post.
	test.Tap(p.allRows[3].open)
	u.b.wait()
	if p.all != nil {
		t.Error("the dialog stays open after Open post")
	}
	if !overlayHas(t, u.Window, "Reason: The page was removed.") {
		t.Error("Open post from the dialog did not open the post")
	}
}

func TestProblemsBannerLoadError(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.remoteErr = errors.New("database is locked")
	u := newTestUI(t, fc, fixedNow(loc))

	if !u.problems.box.Visible() {
		t.Fatal("a failed load is not shown")
	}
	shown := walk(t, u.problems.box, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		return ok && strings.HasSuffix(l.Text, "database is locked")
	})
	if !shown {
		t.Error("the banner does not say what went wrong")
	}

	fc.mu.Lock()
	fc.remoteErr = nil
	fc.mu.Unlock()
	u.Refresh()
	u.b.wait()
	if u.problems.box.Visible() {
		t.Error("the banner stays after a good load with no problems")
	}
}
