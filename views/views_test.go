package views

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // fixed zones whatever the machine has

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// today in the tests: Wednesday 15 July 2026, 10:00 in Berlin.
func fixedNow(loc *time.Location) time.Time { return time.Date(2026, 7, 15, 10, 0, 0, 0, loc) }

func day(loc *time.Location, m time.Month, d int) time.Time {
	return time.Date(2026, m, d, 0, 0, 0, 0, loc)
}

var alice = data.Account{ID: 1, Network: "mastodon", Handle: "@alice@example.social", DisplayName: "Alice",
	Server: "https://example.social", State: data.AccountConnected}

func TestCalendarShowsMonthAndHighlightsToday(t *testing.T) {
	loc := berlin(t)
	u := newTestUI(t, newFakeCore(loc), fixedNow(loc))
	c := u.calendar

	if got := c.monthLabel.Text; got != "July 2026" {
		t.Errorf("month label = %q, want July 2026", got)
	}
	if !strings.HasPrefix(u.Window.Title(), "Localpost") {
		t.Errorf("title = %q", u.Window.Title())
	}
	// 1 July 2026 is a Wednesday: the grid starts on Monday 29 June.
	if first := c.cells[0].date; !first.Equal(day(loc, time.June, 29)) || first.Weekday() != time.Monday {
		t.Errorf("first cell = %v, want Monday 29 June", first)
	}
	primary := theme.Color(theme.ColorNamePrimary)
	highlighted := 0
	for _, cell := range c.cells {
		isToday := cell.date.Equal(day(loc, time.July, 15))
		if cell.today != isToday {
			t.Errorf("cell %s today = %v", cell.date.Format(time.DateOnly), cell.today)
		}
		if cell.badge.FillColor == primary {
			highlighted++
			if !isToday {
				t.Errorf("cell %s is highlighted", cell.date.Format(time.DateOnly))
			}
		}
	}
	if highlighted != 1 {
		t.Errorf("%d cells highlighted, want 1", highlighted)
	}
	if sz := c.cellFor(day(loc, time.July, 15)).badge.Size(); sz.Width < 20 || sz.Height < 20 {
		t.Errorf("today's mark is %v, want at least 20×20", sz)
	}
	if !c.banner.Visible() {
		t.Error("the no-accounts banner is hidden although there are no accounts")
	}
}

func TestCalendarNavigation(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar

	steps := []struct {
		btn  *widget.Button
		want string
	}{
		{c.next, "August 2026"},
		{c.next, "September 2026"},
		{c.prev, "August 2026"},
		{c.prev, "July 2026"},
		{c.prev, "June 2026"},
		{c.todayBtn, "July 2026"},
	}
	for _, s := range steps {
		test.Tap(s.btn)
		u.b.wait()
		if got := c.monthLabel.Text; got != s.want {
			t.Fatalf("after %q: month = %q, want %q", s.btn.Text, got, s.want)
		}
	}
	// December → January crosses the year.
	c.showMonth(day(loc, time.December, 10))
	u.b.wait()
	test.Tap(c.next)
	u.b.wait()
	if got := c.monthLabel.Text; got != "January 2027" {
		t.Errorf("after December: %q", got)
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if last := fc.monthAsked[len(fc.monthAsked)-1]; last != time.January {
		t.Errorf("core asked for %v, want January", last)
	}
}

func TestCalendarListsPostsOnTheirDay(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.entries = []data.CalendarEntry{
		{PostID: 1, PlannedAt: time.Date(2026, 7, 3, 7, 30, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Summer sale starts"},
		// 23:30 UTC on the 20th is already the 21st in Berlin.
		{PostID: 2, PlannedAt: time.Date(2026, 7, 20, 23, 30, 0, 0, time.UTC), State: data.StatePublished, Snippet: "Thanks everyone"},
	}
	fc.posts[1] = data.Post{ID: 1, Text: "Summer sale starts", PlannedAt: fc.entries[0].PlannedAt, State: data.StateScheduled,
		Targets: []data.Target{{AccountID: 1, State: data.StateScheduled}}}
	fc.posts[2] = data.Post{ID: 2, Text: "Thanks everyone", PlannedAt: fc.entries[1].PlannedAt, State: data.StatePublished,
		Targets: []data.Target{{AccountID: 1, State: data.StatePublished, RemoteURL: "https://example.social/@alice/1"}}}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar

	chips := func(d int) []*postChip {
		var out []*postChip
		for _, o := range c.cellFor(day(loc, time.July, d)).list.Objects {
			if pc, ok := o.(*postChip); ok {
				out = append(out, pc)
			}
		}
		return out
	}
	if got := chips(3); len(got) != 1 || got[0].text != "09:30 Summer sale starts" {
		t.Fatalf("3 July chips = %v", got)
	}
	if got := chips(20); len(got) != 0 {
		t.Errorf("20 July has %d posts, want 0", len(got))
	}
	pub := chips(21)
	if len(pub) != 1 || pub[0].text != "01:30 Thanks everyone" {
		t.Fatalf("21 July chips = %v", pub)
	}
	if c.banner.Visible() {
		t.Error("banner shown although an account exists")
	}

	// A published post opens a dialog with its link.
	test.Tap(pub[0])
	u.b.wait()
	if !overlayHas(t, u.Window, "https://example.social/@alice/1") {
		t.Error("the published post's dialog does not show its link")
	}
	test.Tap(overlayButton(t, u.Window, "Close"))

	// A scheduled post opens in the composer.
	test.Tap(chips(3)[0])
	u.b.wait()
	if u.tabs.Selected() != u.composeTab {
		t.Fatal("composer not selected")
	}
	if got := u.composer.text.Text; got != "Summer sale starts" {
		t.Errorf("composer text = %q", got)
	}
	if got := u.composer.clock.Text; got != "09:30" {
		t.Errorf("composer clock = %q", got)
	}
	if u.composer.postID != 1 {
		t.Errorf("composer post id = %d", u.composer.postID)
	}
}

func TestFailedPostOffersRetry(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.entries = []data.CalendarEntry{{PostID: 5, PlannedAt: time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC), State: data.StateFailed, Snippet: "Oops"}}
	fc.posts[5] = data.Post{ID: 5, Text: "Oops", State: data.StateFailed,
		Targets: []data.Target{{AccountID: 1, State: data.StateFailed, LastError: "The server refused the image"}}}
	fc.attempts[5] = []data.Attempt{{Outcome: "failed", HTTPStatus: 422, Message: "The server refused the image",
		StartedAt: time.Date(2026, 7, 14, 8, 0, 1, 0, time.UTC)}}
	u := newTestUI(t, fc, fixedNow(loc))

	chip := u.calendar.cellFor(day(loc, time.July, 14)).list.Objects[0].(*postChip)
	test.Tap(chip)
	u.b.wait()
	if !overlayHas(t, u.Window, "Reason: The server refused the image") {
		t.Error("failure reason not shown")
	}
	retry := overlayButton(t, u.Window, "Retry now")
	if retry == nil {
		t.Fatal("no Retry now button")
	}
	if overlayButton(t, u.Window, "It is there") != nil {
		t.Error("a failed post offers \"It is there\"")
	}
	test.Tap(retry)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.retried) != 1 || fc.retried[0] != 5 {
		t.Errorf("retried = %v", fc.retried)
	}
}

func TestNewPostFromDay(t *testing.T) {
	loc := berlin(t)
	u := newTestUI(t, newFakeCore(loc), fixedNow(loc))
	cell := u.calendar.cellFor(day(loc, time.July, 22))
	test.DoubleTap(cell)
	u.b.wait()
	if u.tabs.Selected() != u.composeTab {
		t.Fatal("double tap did not open the composer")
	}
	if d := u.composer.date.Date; d == nil || d.Day() != 22 || d.Month() != time.July {
		t.Errorf("composer date = %v", d)
	}
	if got := u.composer.clock.Text; got != "09:00" {
		t.Errorf("clock = %q", got)
	}
}

func TestComposerCounter(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.limits.MaxChars = 10
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer

	if got := c.counter.Text; got != "0 / 10" {
		t.Errorf("counter = %q", got)
	}
	test.Type(c.text, "hello")
	if got := c.counter.Text; got != "5 / 10" {
		t.Errorf("counter = %q", got)
	}
	if c.counter.Importance == widget.DangerImportance || c.textProblem.Visible() {
		t.Error("flagged while under the limit")
	}
	test.Type(c.text, " world!")
	if got := c.counter.Text; got != "12 / 10" {
		t.Errorf("counter = %q", got)
	}
	if c.counter.Importance != widget.DangerImportance {
		t.Error("counter not flagged over the limit")
	}
	if !c.textProblem.Visible() || !strings.Contains(c.textProblem.Text, "2 characters over") {
		t.Errorf("text problem = %q", c.textProblem.Text)
	}
}

// fillComposer writes a post for alice on 20 July at 14:30.
func fillComposer(u *MainUI, text string) {
	c := u.composer
	c.text.SetText(text)
	d := time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC)
	c.date.SetDate(&d)
	c.clock.SetText("14:30")
}

func TestScheduleCallsCoreWithTheDraft(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(loc))
	u.calendar.showMonth(day(loc, time.September, 1))
	u.tabs.Select(u.composeTab)
	fillComposer(u, "Hello from Localpost")
	test.Tap(u.composer.scheduleBtn)
	u.b.wait()

	fc.mu.Lock()
	if len(fc.scheduled) != 1 {
		fc.mu.Unlock()
		t.Fatalf("Schedule called %d times", len(fc.scheduled))
	}
	d := fc.scheduled[0]
	fc.mu.Unlock()
	if d.Text != "Hello from Localpost" || len(d.AccountIDs) != 1 || d.AccountIDs[0] != 1 || d.Clock != "14:30" || d.Zone != loc {
		t.Errorf("draft = %+v", d)
	}
	if !d.Day.Equal(day(loc, time.July, 20)) {
		t.Errorf("draft day = %v", d.Day)
	}
	// Back on the calendar, in the post's month, with an empty composer.
	if u.tabs.Selected() != u.calendarTab || u.calendar.monthLabel.Text != "July 2026" {
		t.Errorf("after scheduling: tab %q, month %q", u.tabs.Selected().Text, u.calendar.monthLabel.Text)
	}
	if u.composer.text.Text != "" {
		t.Error("composer not cleared after scheduling")
	}
	if !strings.HasPrefix(u.calendar.status.Text, "Scheduled for Mon 20 Jul, 14:30") {
		t.Errorf("status = %q", u.calendar.status.Text)
	}
}

func TestScheduleInThePastOffersPostNow(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.scheduleErr = app.ErrInPast
	u := newTestUI(t, fc, fixedNow(loc))
	fillComposer(u, "Late news")
	test.Tap(u.composer.scheduleBtn)
	u.b.wait()

	if !overlayHas(t, u.Window, "That time has already passed. Post now instead?") {
		t.Fatal("no post-now question")
	}
	if u.composer.text.Text != "Late news" {
		t.Error("text lost")
	}
	if overlayButton(t, u.Window, "Change time") == nil {
		t.Error("no Change time button")
	}
	test.Tap(overlayButton(t, u.Window, "Post now"))
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.postedNow) != 1 || fc.postedNow[0].Text != "Late news" {
		t.Errorf("PostNow calls = %+v", fc.postedNow)
	}
}

func TestScheduleErrorKeepsText(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.scheduleErr = errors.New("the disk is full")
	u := newTestUI(t, fc, fixedNow(loc))
	fillComposer(u, "Keep me")
	test.Tap(u.composer.scheduleBtn)
	u.b.wait()
	if u.composer.text.Text != "Keep me" {
		t.Error("text lost after an error")
	}
	found := false
	for _, o := range u.Window.Canvas().Overlays().List() {
		walk(t, o, func(obj fyne.CanvasObject) bool {
			if l, ok := obj.(*widget.Label); ok && strings.Contains(strings.ToLower(l.Text), "disk is full") {
				found = true
			}
			return found
		})
	}
	if !found {
		t.Error("error not shown")
	}
	if u.composer.scheduleBtn.Disabled() {
		t.Error("schedule button still disabled")
	}
}

func TestScheduleShowsProblemsByTheirFields(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.problems = []platforms.Problem{{Field: "text", Message: "The post is empty."}, {Field: "media[0]", Message: "cat.bmp is not accepted."}}
	u := newTestUI(t, fc, fixedNow(loc))
	fillComposer(u, "")
	test.Tap(u.composer.scheduleBtn)
	u.b.wait()
	if got := u.composer.textProblem.Text; got != "The post is empty." {
		t.Errorf("text problem = %q", got)
	}
	if got := u.composer.mediaProblem.Text; got != "cat.bmp is not accepted." {
		t.Errorf("media problem = %q", got)
	}
	// By the buttons too, where the user is looking.
	if s := u.composer.summary; !s.Visible() || s.Text != "Not posted yet: The post is empty. (and 1 more, shown by their fields)" {
		t.Errorf("summary = %q (visible %v)", s.Text, s.Visible())
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.scheduled) != 0 {
		t.Error("scheduled despite problems")
	}
}

func TestScheduleNeedsAccountAndTime(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice, {ID: 2, Network: "mastodon", Handle: "@bob@example.social", State: data.AccountConnected}}
	u := newTestUI(t, fc, fixedNow(loc))
	fillComposer(u, "Hi")
	u.composer.clock.SetText("25:99")
	test.Tap(u.composer.scheduleBtn)
	u.b.wait()
	if !u.composer.accProblem.Visible() {
		t.Error("no problem shown for a missing account (two accounts, none ticked)")
	}
	if !u.composer.timeProblem.Visible() {
		t.Error("no problem shown for a bad time")
	}
	if u.composer.text.Text != "Hi" {
		t.Error("text lost")
	}
}

func TestConnectDialogCallsCoreAndCancels(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.connectBlock = true
	u := newTestUI(t, fc, fixedNow(loc))
	u.tabs.Select(u.accountsTab)
	connectVia(t, u, "Mastodon")
	cd := u.accounts.connect
	if cd == nil {
		t.Fatal("no connect dialog")
	}
	if cd.server.PlaceHolder != "mastodon.social" {
		t.Errorf("placeholder = %q", cd.server.PlaceHolder)
	}
	test.Type(cd.server, "example.social")
	test.Tap(cd.connectBtn)
	waitStarted(t, fc)

	fc.mu.Lock()
	server := fc.connectServer
	fc.mu.Unlock()
	if server != "example.social" {
		t.Errorf("server = %q", server)
	}
	u.b.drain() // the progress report
	if got := cd.step.Text; got != "Registering Localpost on example.social…" {
		t.Errorf("step = %q", got)
	}
	if !cd.connectBtn.Disabled() {
		t.Error("Connect stays enabled while connecting")
	}
	test.Tap(cd.cancelBtn)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if !errors.Is(fc.connectCtxErr, context.Canceled) {
		t.Errorf("ctx error = %v, want context.Canceled", fc.connectCtxErr)
	}
	if overlayButton(t, u.Window, "Connect") != nil {
		t.Error("dialog still open after Cancel")
	}
}

func TestConnectDialogShowsError(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	msg := "nope.example does not answer like a Mastodon server; check the address."
	fc.connectErr = errors.New(msg)
	u := newTestUI(t, fc, fixedNow(loc))
	connectVia(t, u, "Mastodon")
	cd := u.accounts.connect
	test.Type(cd.server, "nope.example")
	test.Tap(cd.connectBtn)
	waitStarted(t, fc)
	u.b.wait()
	if !cd.errLabel.Visible() || cd.errLabel.Text != msg {
		t.Errorf("error label = %q (visible %v)", cd.errLabel.Text, cd.errLabel.Visible())
	}
	if cd.connectBtn.Disabled() || cd.server.Disabled() {
		t.Error("cannot try again after an error")
	}
	if cd.server.Text != "nope.example" {
		t.Error("server text lost")
	}
}

func TestConnectDialogSuccessRefreshesAccounts(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.demo = "127.0.0.1:4567"
	u := newTestUI(t, fc, fixedNow(loc))
	connectVia(t, u, "Mastodon")
	cd := u.accounts.connect
	if cd.server.Text != "127.0.0.1:4567" {
		t.Errorf("demo server not pre-filled: %q", cd.server.Text)
	}
	test.Tap(cd.connectBtn)
	waitStarted(t, fc)
	u.b.wait()
	if len(u.accounts.list.Objects) != 1 {
		t.Errorf("accounts listed = %d, want 1", len(u.accounts.list.Objects))
	}
	if !overlayHas(t, u.Window, "New (@new@127.0.0.1:4567) is connected. You can post to it now.") {
		t.Error("no confirmation")
	}
	if len(u.composer.checks) != 1 || !u.composer.checks[0].check.Checked {
		t.Error("composer did not get the new account")
	}
	if u.calendar.banner.Visible() {
		t.Error("no-accounts banner still shown")
	}
}

func TestAccountsShowStates(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	bob := data.Account{ID: 2, Network: "mastodon", Handle: "@bob@example.social", State: data.AccountNeedsReconnect, Server: "https://example.social"}
	fc.accounts = []data.Account{alice, bob}
	u := newTestUI(t, fc, fixedNow(loc))
	var labels []string
	walk(t, u.accounts.list, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok {
			labels = append(labels, l.Text)
		}
		return false
	})
	all := strings.Join(labels, "|")
	for _, want := range []string{"Alice", "@alice@example.social · Mastodon · example.social", "Connected", "Needs reconnect — press Reconnect"} {
		if !strings.Contains(all, want) {
			t.Errorf("accounts screen lacks %q in %q", want, all)
		}
	}
	// Only the connected account is offered in the composer.
	if len(u.composer.checks) != 1 || u.composer.checks[0].id != 1 {
		t.Errorf("composer accounts = %v", u.composer.checks)
	}
}

func TestSettingsChangeZoneAndGrace(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	s := u.settings
	if s.zone.Selected != "Europe/Berlin" || s.grace.Selected != "1 hour" {
		t.Fatalf("zone %q grace %q", s.zone.Selected, s.grace.Selected)
	}
	s.zone.SetSelected("Asia/Tokyo")
	u.b.wait()
	s.grace.SetSelected("30 minutes")
	u.b.wait()
	s.zone.SetSelected(systemZone)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if strings.Join(fc.zoneSet, ",") != "Asia/Tokyo," {
		t.Errorf("SetZone calls = %q", fc.zoneSet)
	}
	if len(fc.graceSet) != 1 || fc.graceSet[0] != 30*time.Minute {
		t.Errorf("SetMissedGrace calls = %v", fc.graceSet)
	}
}

func TestFitText(t *testing.T) {
	size := theme.Size(theme.SizeNameCaptionText)
	full := "09:30 A rather long post text"
	if got := fitText(full, 1000, size, fyne.TextStyle{}); got != full {
		t.Errorf("wide: %q", got)
	}
	got := fitText(full, 60, size, fyne.TextStyle{})
	if !strings.HasSuffix(got, "…") || fyne.MeasureText(got, size, fyne.TextStyle{}).Width > 60 {
		t.Errorf("narrow: %q", got)
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]string{"9:05": "09:05", "09:05": "09:05", "23.59": "23:59", " 00:00 ": "00:00"} {
		if got, err := parseClock(in); err != nil || got != want {
			t.Errorf("parseClock(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "24:00", "12:60", "noon", "1230"} {
		if _, err := parseClock(in); err == nil {
			t.Errorf("parseClock(%q) accepted", in)
		}
	}
}

// TestCalendarMarkup locks the month grid's layout: weekday headers, the
// dimmed days of June and August, today's mark, and posts with their state.
func TestCalendarMarkup(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.entries = []data.CalendarEntry{
		{PostID: 1, PlannedAt: time.Date(2026, 7, 3, 7, 30, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Summer sale starts"},
		{PostID: 2, PlannedAt: time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC), State: data.StateFailed, Snippet: "Oops"},
		{PostID: 3, PlannedAt: time.Date(2026, 7, 21, 9, 0, 0, 0, time.UTC), State: data.StatePublished, Snippet: "Thanks"},
	}
	u := newTestUI(t, fc, fixedNow(loc))
	test.AssertRendersToMarkup(t, "calendar.xml", u.Window.Canvas())
}

func TestScheduleShowsTimeNote(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.scheduleNote = "02:30 does not exist on 29 March in Europe/Berlin; the post goes out at 03:30."
	u := newTestUI(t, fc, fixedNow(loc))
	fillComposer(u, "Spring forward")
	test.Tap(u.composer.scheduleBtn)
	u.b.wait()
	found := false
	for _, o := range u.Window.Canvas().Overlays().List() {
		walk(t, o, func(obj fyne.CanvasObject) bool {
			if l, ok := obj.(*widget.Label); ok && strings.Contains(l.Text, "does not exist on 29 March") {
				found = true
			}
			return found
		})
	}
	if !found {
		t.Error("the time-zone note is not shown")
	}
}

func TestNoAccountsBannerLeadsToAccounts(t *testing.T) {
	loc := berlin(t)
	u := newTestUI(t, newFakeCore(loc), fixedNow(loc))
	var btn *widget.Button
	walk(t, u.calendar.banner, func(o fyne.CanvasObject) bool {
		btn, _ = o.(*widget.Button)
		return btn != nil
	})
	if btn == nil {
		t.Fatal("no button in the banner")
	}
	test.Tap(btn)
	if u.tabs.Selected() != u.accountsTab {
		t.Error("banner button did not open Accounts")
	}
}

func TestConnectDialogOffersAddressWhenNoBrowser(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	connectVia(t, u, "Mastodon")
	cd := u.accounts.connect
	if cd.copyBtn.Visible() {
		t.Fatal("copy button shown before it is needed")
	}
	addr := "https://example.social/oauth/authorize?client_id=x&state=y"
	cd.setStep("Could not open your browser. Open this address in a browser to approve Localpost:\n" + addr)
	if !cd.copyBtn.Visible() || strings.Contains(cd.step.Text, addr) {
		t.Fatalf("step %q, copy visible %v", cd.step.Text, cd.copyBtn.Visible())
	}
	test.Tap(cd.copyBtn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != addr {
		t.Fatalf("clipboard %q", got)
	}
}
