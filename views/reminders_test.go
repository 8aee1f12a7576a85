package views

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// recordOpened makes the UI record the addresses it opens instead of
// handing them to the system.
func recordOpened(u *MainUI) func() []string {
	var mu sync.Mutex
	var opened []string
	u.b.openURL = func(a *url.URL) error {
		mu.Lock()
		defer mu.Unlock()
		opened = append(opened, a.String())
		return nil
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), opened...)
	}
}

func TestAddFacebookGroup(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	connectVia(t, u, "Facebook Group")
	g := u.accounts.group
	if g == nil {
		t.Fatal("no add-a-group dialog")
	}
	if !overlayContains(t, u.Window, "April 2024") || !overlayContains(t, u.Window, "reminds you at the due time") {
		t.Error("no explanation of posting by reminder")
	}
	if g.address.PlaceHolder != "https://www.facebook.com/groups/…" {
		t.Errorf("address placeholder = %q", g.address.PlaceHolder)
	}

	test.Tap(g.addBtn)
	if !g.errLabel.Visible() || !strings.Contains(g.errLabel.Text, "name") {
		t.Errorf("empty name: error %q", g.errLabel.Text)
	}

	// The core's refusal shows in the dialog, which stays open.
	fc.mu.Lock()
	fc.reminderErr = errors.New("paste the group's web address from your browser")
	fc.mu.Unlock()
	test.Type(g.name, "Bakery friends")
	test.Type(g.address, "facebook groups bakery")
	test.Tap(g.addBtn)
	u.b.wait()
	if g.errLabel.Text != "Could not add the group: paste the group's web address from your browser" {
		t.Errorf("error = %q", g.errLabel.Text)
	}
	if u.accounts.group != g || overlayButton(t, u.Window, "Add") == nil {
		t.Fatal("the dialog closed on an error")
	}

	fc.mu.Lock()
	fc.reminderErr = nil
	fc.mu.Unlock()
	g.address.SetText("https://www.facebook.com/groups/bakery")
	test.Tap(g.addBtn)
	u.b.wait()

	fc.mu.Lock()
	adds := append([]reminderAdd(nil), fc.reminderAdds...)
	fc.mu.Unlock()
	want := []reminderAdd{
		{platforms.FBGroup, "Bakery friends", "facebook groups bakery"},
		{platforms.FBGroup, "Bakery friends", "https://www.facebook.com/groups/bakery"},
	}
	if !reflect.DeepEqual(adds, want) {
		t.Errorf("AddReminderAccount calls = %+v", adds)
	}
	if u.accounts.group != nil || overlayButton(t, u.Window, "Add") != nil {
		t.Error("the dialog is still open after adding")
	}
	if !overlayContains(t, u.Window, "Bakery friends is added") {
		t.Error("no confirmation")
	}
	if len(u.accounts.list.Objects) != 1 {
		t.Errorf("%d accounts listed after adding, want 1", len(u.accounts.list.Objects))
	}
}

func TestAddFacebookGroupCancel(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	connectVia(t, u, "Facebook Group")
	test.Tap(u.accounts.group.cancelBtn)
	if u.accounts.group != nil || overlayButton(t, u.Window, "Add") != nil {
		t.Error("Cancel left the dialog open")
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.reminderAdds) != 0 {
		t.Errorf("AddReminderAccount called on Cancel: %+v", fc.reminderAdds)
	}
}

// reminderFixture is a post published to a Facebook Page whose group
// reminders wait: one with media, one without.
func reminderFixture(t *testing.T) (*fakeCore, *MainUI) {
	t.Helper()
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{
		{ID: 1, Network: "facebook", DisplayName: "Demo Café", Handle: "democafe", State: data.AccountConnected},
		{ID: 2, Network: "fbgroup", DisplayName: "Bakery friends", Handle: "Bakery friends", State: data.AccountConnected},
		{ID: 3, Network: "fbgroup", DisplayName: "Neighbours", Handle: "Neighbours", State: data.AccountConnected},
	}
	at := time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC)
	fc.entries = []data.CalendarEntry{{PostID: 9, PlannedAt: at, State: data.StateMissed, Snippet: "Fresh bread"}}
	fc.posts[9] = data.Post{ID: 9, Text: "Fresh bread", PlannedAt: at, State: data.StateMissed, Targets: []data.Target{
		{ID: 31, AccountID: 1, State: data.StatePublished, RemoteURL: "https://www.facebook.com/123_456"},
		{ID: 32, AccountID: 2, State: data.StateMissed, LastError: "Time to post in Bakery friends: copy the text…"},
		{ID: 33, AccountID: 3, State: data.StateMissed, LastError: "Time to post in Neighbours: copy the text…"},
	}}
	fc.reminders[9] = []app.Reminder{
		{TargetID: 32, Place: "Bakery friends", URL: "https://www.facebook.com/groups/bakery", Text: "Fresh bread, come by!",
			Files: []string{"/data/media/ab12.jpg", "/data/media/cd34.png"}},
		{TargetID: 33, Place: "Neighbours", URL: "https://www.facebook.com/groups/neighbours", Text: "Fresh bread"},
	}
	u := newTestUI(t, fc, fixedNow(loc))
	return fc, u
}

func openChip(t *testing.T, u *MainUI, d int) *postChip {
	t.Helper()
	loc := u.core.Location()
	objs := u.calendar.cellFor(day(loc, time.July, d)).list.Objects
	if len(objs) == 0 {
		t.Fatalf("no post on %d July", d)
	}
	chip := objs[0].(*postChip)
	test.Tap(chip)
	u.b.wait()
	return chip
}

func TestPostDetailReminders(t *testing.T) {
	fc, u := reminderFixture(t)
	opened := recordOpened(u)
	chip := openChip(t, u, 14)
	if chip.text != "10:00 Waiting for you · Fresh bread" {
		t.Errorf("chip = %q", chip.text)
	}
	pd := u.detail
	if pd == nil || len(pd.reminders) != 2 {
		t.Fatalf("post dialog = %+v", pd)
	}
	for _, want := range []string{"Waiting for you", "Post it yourself", "Bakery friends", "Neighbours",
		"Demo Café · Facebook Pages", "https://www.facebook.com/123_456", "Address of your post (optional)"} {
		if !overlayHas(t, u.Window, want) {
			t.Errorf("no %q in the dialog", want)
		}
	}
	if overlayContains(t, u.Window, "while Localpost was closed") || overlayContains(t, u.Window, "Reason: Time to post") {
		t.Error("the missed-post explanation is shown for reminders")
	}
	if !overlayContains(t, u.Window, "ab12.jpg, cd34.png") {
		t.Error("the files to attach are not listed")
	}

	bakery, neighbours := pd.reminders[0], pd.reminders[1]
	test.Tap(bakery.copyBtn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "Fresh bread, come by!" {
		t.Errorf("clipboard = %q", got)
	}
	if bakery.copyBtn.Text != "Copied" {
		t.Errorf("copy button = %q", bakery.copyBtn.Text)
	}
	test.Tap(bakery.openBtn)
	test.Tap(bakery.filesBtn)
	if got, want := opened(), []string{"https://www.facebook.com/groups/bakery", "file:///data/media"}; !reflect.DeepEqual(got, want) {
		t.Errorf("opened %q, want %q", got, want)
	}
	if neighbours.filesBtn.Visible() || !bakery.filesBtn.Visible() {
		t.Errorf("Show files visible: with files %v, without %v", bakery.filesBtn.Visible(), neighbours.filesBtn.Visible())
	}

	// The core's refusal shows in the section; the dialog stays.
	fc.mu.Lock()
	fc.completeErr = errors.New("that is not a web address")
	fc.mu.Unlock()
	test.Type(bakery.address, "my post")
	test.Tap(bakery.markBtn)
	u.b.wait()
	if !bakery.errLabel.Visible() || bakery.errLabel.Text != "Could not mark it as posted: that is not a web address" {
		t.Errorf("error = %q (visible %v)", bakery.errLabel.Text, bakery.errLabel.Visible())
	}
	if u.detail != pd || overlayButton(t, u.Window, "Mark as posted") == nil {
		t.Fatal("the dialog closed on an error")
	}

	fc.mu.Lock()
	fc.completeErr = nil
	fc.mu.Unlock()
	bakery.address.SetText("https://www.facebook.com/groups/bakery/posts/77")
	test.Tap(bakery.markBtn)
	u.b.wait()
	fc.mu.Lock()
	calls := append([]completeCall(nil), fc.completed...)
	fc.mu.Unlock()
	want := []completeCall{{32, "my post"}, {32, "https://www.facebook.com/groups/bakery/posts/77"}}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("CompleteReminder calls = %+v", calls)
	}
	if u.detail != nil || overlayButton(t, u.Window, "Mark as posted") != nil {
		t.Error("the dialog is still open after Mark as posted")
	}
	if got := u.calendar.status.Text; got != "Marked as posted in Bakery friends." {
		t.Errorf("status = %q", got)
	}
}

func TestPostDetailLinkWithoutKnownAccount(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	at := time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC)
	fc.entries = []data.CalendarEntry{{PostID: 4, PlannedAt: at, State: data.StatePublished, Snippet: "Hi"}}
	fc.posts[4] = data.Post{ID: 4, Text: "Hi", PlannedAt: at, State: data.StatePublished,
		Targets: []data.Target{{ID: 1, AccountID: 42, State: data.StatePublished, RemoteURL: "https://example.social/@gone/1"}}}
	u := newTestUI(t, fc, fixedNow(loc))
	openChip(t, u, 14)
	if !overlayHas(t, u.Window, "https://example.social/@gone/1") {
		t.Error("the link of a removed account is not shown")
	}
	if overlayHas(t, u.Window, "Post it yourself") {
		t.Error("a post without reminders shows the reminder section")
	}
}

func TestMissedPostWaitsForYou(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	at := time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC)
	fc.entries = []data.CalendarEntry{{PostID: 5, PlannedAt: at, State: data.StateMissed, Snippet: "Late"}}
	fc.posts[5] = data.Post{ID: 5, Text: "Late", PlannedAt: at, State: data.StateMissed,
		Targets: []data.Target{{ID: 1, AccountID: 1, State: data.StateMissed, LastError: "Due while Localpost was not running."}}}
	u := newTestUI(t, fc, fixedNow(loc))
	chip := openChip(t, u, 14)
	if !strings.Contains(chip.text, "Waiting for you") {
		t.Errorf("chip = %q", chip.text)
	}
	if !overlayHas(t, u.Window, "Waiting for you") || overlayHas(t, u.Window, "Missed") {
		t.Error("the header does not say \"Waiting for you\"")
	}
	if !overlayContains(t, u.Window, "while Localpost was closed") || !overlayHas(t, u.Window, "Reason: Due while Localpost was not running.") {
		t.Error("the missed-post explanation is gone")
	}
	for _, b := range []string{"Skip", "Retry now", "Edit"} {
		if overlayButton(t, u.Window, b) == nil {
			t.Errorf("no %q button", b)
		}
	}
	if overlayHas(t, u.Window, "Post it yourself") {
		t.Error("reminder section without reminders")
	}
	if got := styleOf(data.StateMissed).marker; got != "Waiting for you" {
		t.Errorf("missed marker = %q", got)
	}
}

func TestSettingsPublicMedia(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.pubDir, fc.pubBase = "/srv/www/media", "https://bakery.example/media"
	u := newTestUI(t, fc, fixedNow(loc))
	s := u.settings
	if s.pubDir.Text != "/srv/www/media" || s.pubBase.Text != "https://bakery.example/media" {
		t.Errorf("loaded %q, %q", s.pubDir.Text, s.pubBase.Text)
	}
	if s.pubClear.Disabled() || s.pubChoose == nil {
		t.Error("Clear disabled, or no Choose… button, with a location set")
	}

	// The core's refusal is shown under the entries.
	fc.mu.Lock()
	fc.pubErr = errors.New("the web address must start with https://")
	fc.mu.Unlock()
	s.pubDir.SetText("  /srv/www/other ")
	s.pubBase.SetText("http://bakery.example/m")
	test.Tap(s.pubSave)
	u.b.wait()
	if !s.pubStatus.Visible() || s.pubStatus.Text != "Could not save: the web address must start with https://" ||
		s.pubStatus.Importance != widget.DangerImportance {
		t.Errorf("status = %q (%v, visible %v)", s.pubStatus.Text, s.pubStatus.Importance, s.pubStatus.Visible())
	}
	if s.pubBase.Text != "http://bakery.example/m" {
		t.Error("the refused address was wiped")
	}

	fc.mu.Lock()
	fc.pubErr = nil
	fc.mu.Unlock()
	s.pubBase.SetText("https://bakery.example/m")
	test.Tap(s.pubSave)
	u.b.wait()
	if s.pubStatus.Importance != widget.SuccessImportance || !strings.HasPrefix(s.pubStatus.Text, "Saved.") {
		t.Errorf("status after saving = %q", s.pubStatus.Text)
	}

	test.Tap(s.pubClear)
	u.b.wait()
	if s.pubDir.Text != "" || s.pubBase.Text != "" || !s.pubClear.Disabled() {
		t.Errorf("after Clear: %q, %q, Clear disabled %v", s.pubDir.Text, s.pubBase.Text, s.pubClear.Disabled())
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	want := [][2]string{
		{"/srv/www/other", "http://bakery.example/m"},
		{"/srv/www/other", "https://bakery.example/m"},
		{"", ""},
	}
	if !reflect.DeepEqual(fc.pubSet, want) {
		t.Errorf("SetPublicMedia calls = %q", fc.pubSet)
	}
}

func TestFailedPostCanBePostedByHand(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	at := time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC)
	fc.entries = []data.CalendarEntry{{PostID: 6, PlannedAt: at, State: data.StateFailed, Snippet: "Refused"}}
	fc.posts[6] = data.Post{ID: 6, Text: "Refused", PlannedAt: at, State: data.StateFailed,
		Targets: []data.Target{{ID: 61, AccountID: 1, State: data.StateFailed, LastError: "The server refused the post."}}}
	fc.reminders[6] = []app.Reminder{{TargetID: 61, Place: "@alice", URL: "https://example.social/@alice", Text: "Refused", Manual: true}}
	u := newTestUI(t, fc, fixedNow(loc))
	openChip(t, u, 14)
	pd := u.detail
	if pd == nil || len(pd.reminders) != 1 {
		t.Fatalf("post dialog = %+v", pd)
	}
	if !overlayHas(t, u.Window, "Reason: The server refused the post.") {
		t.Error("the reason the post failed is hidden behind the by-hand section")
	}
	if pd.reminders[0].openBtn.Text != "Open profile" || overlayButton(t, u.Window, "Retry now") == nil {
		t.Errorf("open button %q; Retry must stay", pd.reminders[0].openBtn.Text)
	}
}

func TestDeletingAPostANetworkHoldsSaysSo(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.held = map[int64][]string{7: {"Facebook Pages"}}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	c.load(app.Draft{PostID: 7, Text: "Opening night", AccountIDs: []int64{1}, Zone: loc,
		Day: time.Date(2026, 7, 20, 0, 0, 0, 0, loc), Clock: "19:00"})
	u.b.wait()
	test.Tap(c.deleteBtn)
	u.b.wait()
	if !overlayContains(t, u.Window, "already scheduled on Facebook Pages") {
		t.Fatal("the delete question does not say the network still holds the post")
	}
}
