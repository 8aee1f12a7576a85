package views

import (
	"fmt"
	"fyne.io/fyne/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

var bob = data.Account{ID: 2, Network: "x", Handle: "@bob", DisplayName: "Bob", State: data.AccountConnected}

// lastCall is the core's latest calendar call of kind.
func (f *fakeCore) lastCall(t *testing.T, kind string) calendarCall {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calendarAsked) - 1; i >= 0; i-- {
		if f.calendarAsked[i].kind == kind {
			return f.calendarAsked[i]
		}
	}
	t.Fatalf("no %s call", kind)
	return calendarCall{}
}

// askedWith reports whether the core was asked with a filter that passes ok.
func (f *fakeCore) askedWith(ok func(data.CalendarFilter) bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.ContainsFunc(f.calendarAsked, func(c calendarCall) bool { return ok(c.filter) })
}

// cellsWithChips lists "day hour" of every hour cell holding a chip.
func cellsWithChips(g *timeGrid) []string {
	var out []string
	for d, col := range g.cells {
		for h, c := range col {
			if len(c.chips()) > 0 {
				out = append(out, fmt.Sprintf("%d %02d", d, h))
			}
		}
	}
	return out
}

func TestWeekViewShowsPostsAtTheirHour(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.entries = []data.CalendarEntry{
		// Tuesday 14 July, 09:30 in Berlin
		{PostID: 1, PlannedAt: time.Date(2026, 7, 14, 7, 30, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Summer sale", Networks: "mastodon"},
		// Sunday 19 July 23:10 UTC is Monday 20 July in Berlin: next week
		{PostID: 2, PlannedAt: time.Date(2026, 7, 19, 23, 10, 0, 0, time.UTC), State: data.StatePublished, Snippet: "Monday post", Networks: "x"},
	}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar

	test.Tap(c.viewBtns[viewWeek])
	u.b.wait()
	if got := c.monthLabel.Text; got != "13 – 19 July 2026" {
		t.Errorf("title = %q", got)
	}
	if call := fc.lastCall(t, "range"); !call.from.Equal(day(loc, time.July, 13)) || !call.to.Equal(day(loc, time.July, 20)) {
		t.Errorf("asked for %v – %v, want Monday 13 to Monday 20 July", call.from, call.to)
	}
	if got := cellsWithChips(c.week); !slices.Equal(got, []string{"1 09"}) {
		t.Fatalf("cells with posts = %v, want Tuesday 09:00 only", got)
	}
	if got := c.week.cells[1][9].chips()[0].text; got != "09:30 Summer sale" {
		t.Errorf("chip = %q", got)
	}
	for d, col := range c.week.cells {
		if col[0].today != (d == 2) {
			t.Errorf("day %d today = %v", d, col[0].today)
		}
	}
	if h := c.week.heads[2]; h.Text != "Today · Wed 15 Jul" || h.Importance != widget.HighImportance {
		t.Errorf("today's heading = %q (%v)", h.Text, h.Importance)
	}
	if c.week.heads[0].Text != "Mon 13 Jul" {
		t.Errorf("first heading = %q", c.week.heads[0].Text)
	}

	test.Tap(c.next)
	u.b.wait()
	if got := c.monthLabel.Text; got != "20 – 26 July 2026" {
		t.Errorf("next week title = %q", got)
	}
	if got := cellsWithChips(c.week); !slices.Equal(got, []string{"0 01"}) {
		t.Errorf("next week cells = %v, want Monday 01:00", got)
	}
	// A week across two months names both.
	c.showMonth(day(loc, time.July, 29))
	u.b.wait()
	if got := c.monthLabel.Text; got != "27 July – 2 August 2026" {
		t.Errorf("title = %q", got)
	}

	// Tapping a chip opens the post like in the month.
	c.showMonth(day(loc, time.July, 14))
	u.b.wait()
	fc.posts[1] = data.Post{ID: 1, Text: "Summer sale", PlannedAt: fc.entries[0].PlannedAt, State: data.StateScheduled}
	test.Tap(c.week.cells[1][9].chips()[0])
	u.b.wait()
	if u.tabs.Selected() != u.composeTab || u.composer.postID != 1 {
		t.Errorf("the chip did not open post 1 in the composer")
	}
}

func TestDayView(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	var entries []data.CalendarEntry
	for i := range 3 { // three posts at 10:00, 10:20, 10:40 on 15 July
		entries = append(entries, data.CalendarEntry{PostID: int64(i + 1), PlannedAt: time.Date(2026, 7, 15, 8, 20*i, 0, 0, time.UTC),
			State: data.StateScheduled, Snippet: fmt.Sprint("post ", i+1), Networks: "mastodon"})
	}
	fc.entries = entries
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar

	test.Tap(c.viewBtns[viewDay])
	u.b.wait()
	if got := c.monthLabel.Text; got != "Wednesday 15 July 2026" {
		t.Errorf("title = %q", got)
	}
	if got := cellsWithChips(c.dayGrid); !slices.Equal(got, []string{"0 10"}) {
		t.Fatalf("cells with posts = %v", got)
	}
	// Two fit in an hour: one chip and "+2 more".
	cell := c.dayGrid.cells[0][10]
	if n := len(cell.chips()); n != 1 || len(cell.list.Objects) != 2 {
		t.Errorf("10:00 holds %d chips in %d objects", n, len(cell.list.Objects))
	}
	if !cell.today || c.dayGrid.heads[0].Text != "Today · Wednesday 15 July" {
		t.Errorf("today not marked: %v %q", cell.today, c.dayGrid.heads[0].Text)
	}

	test.Tap(c.prev)
	u.b.wait()
	if got := c.monthLabel.Text; got != "Tuesday 14 July 2026" {
		t.Errorf("previous day = %q", got)
	}
	if call := fc.lastCall(t, "range"); !call.from.Equal(day(loc, time.July, 14)) || !call.to.Equal(day(loc, time.July, 15)) {
		t.Errorf("asked for %v – %v", call.from, call.to)
	}
	if got := cellsWithChips(c.dayGrid); len(got) != 0 || c.dayGrid.cells[0][0].today {
		t.Errorf("14 July: cells %v, today %v", got, c.dayGrid.cells[0][0].today)
	}
	// Double-clicking an hour starts a post on that day.
	test.DoubleTap(c.dayGrid.cells[0][16])
	u.b.wait()
	if u.tabs.Selected() != u.composeTab {
		t.Fatal("double tap did not open the composer")
	}
	if d := u.composer.date.Date; d == nil || d.Day() != 14 || d.Month() != time.July {
		t.Errorf("composer date = %v", d)
	}
}

// TestListViewIsVirtualised: 10,000 posts in a month build only a
// screenful of rows, and only the pages on screen are read.
func TestListViewIsVirtualised(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	start := day(loc, time.July, 1)
	const n = 10_000
	step := 31 * 24 * time.Hour / n
	for i := range n {
		fc.entries = append(fc.entries, data.CalendarEntry{PostID: int64(i + 1), PlannedAt: start.Add(time.Duration(i) * step).UTC(),
			State: data.StateScheduled, Snippet: fmt.Sprint("post ", i+1), Networks: "mastodon,x"})
	}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar

	test.Tap(c.viewBtns[viewList])
	u.b.wait()
	l := c.list
	if l.list.Length() != n {
		t.Fatalf("list length = %d, want %d", l.list.Length(), n)
	}
	t.Logf("%d posts: the list built %d rows", n, l.created)
	if l.created == 0 || l.created > 60 {
		t.Errorf("the list built %d rows for %d posts, want a screenful", l.created, n)
	}
	if c.monthLabel.Text != "July 2026" {
		t.Errorf("title = %q", c.monthLabel.Text)
	}
	fc.mu.Lock()
	read := fc.pageRows
	fc.mu.Unlock()
	if read == 0 || read > 2*listPage {
		t.Errorf("read %d posts to show the top of the list", read)
	}

	// Scroll to the end: the last page is read, few more rows are built.
	created := l.created
	l.list.ScrollToBottom()
	u.b.wait()
	if _, ok := l.pages[(n-1)/listPage]; !ok {
		t.Error("the last page was not read after scrolling there")
	}
	if e, ok := l.entry(n - 1); !ok || e.PostID != n {
		t.Errorf("last row = %+v, %v", e, ok)
	}
	// The list may build a second screenful on a long jump before it
	// recycles the first; no more.
	if l.created > 2*created {
		t.Errorf("scrolling built %d more rows (%d at first)", l.created-created, created)
	}
	fc.mu.Lock()
	read = fc.pageRows
	fc.mu.Unlock()
	if read > 4*listPage {
		t.Errorf("read %d posts in all, want a few pages", read)
	}
	if len(l.pages) > maxListPages {
		t.Errorf("kept %d pages", len(l.pages))
	}
}

func TestListViewRowsAndJump(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	for i := range 31 { // one post a day at 12:00 in July
		fc.entries = append(fc.entries, data.CalendarEntry{PostID: int64(i + 1), PlannedAt: time.Date(2026, 7, i+1, 10, 0, 0, 0, time.UTC),
			State: data.StatePublished, Snippet: fmt.Sprint("day ", i+1), Networks: "linkedin"})
	}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar
	test.Tap(c.viewBtns[viewList])
	u.b.wait()
	l := c.list
	if l.list.Length() != 31 {
		t.Fatalf("length %d", l.list.Length())
	}
	// Rows show the day (today by name) and the chip.
	var rows []*listRow
	walk(t, l.list, func(o fyne.CanvasObject) bool {
		if r, ok := o.(*listRow); ok && r.Visible() && r.chip.entry.PostID != 0 {
			rows = append(rows, r)
		}
		return false
	})
	slices.SortFunc(rows, func(a, b *listRow) int { return int(a.chip.entry.PostID - b.chip.entry.PostID) })
	if len(rows) < 15 {
		t.Fatalf("%d rows shown", len(rows))
	}
	if rows[0].day.Text != "Wed 1 Jul" || rows[0].chip.text != "12:00 day 1" {
		t.Errorf("first row = %q %q", rows[0].day.Text, rows[0].chip.text)
	}
	if r := rows[14]; r.day.Text != "Today" || r.day.Importance != widget.HighImportance {
		t.Errorf("15 July row = %q (%v)", r.day.Text, r.day.Importance)
	}

	// Jumping to 25 July scrolls to its post.
	d := time.Date(2026, 7, 25, 0, 0, 0, 0, time.UTC)
	c.jump.SetDate(&d)
	u.b.wait()
	if got := l.list.GetScrollOffset(); got <= 0 {
		t.Errorf("scroll offset %v after jumping to 25 July", got)
	}
	if call := fc.lastCall(t, "count"); !call.to.Equal(day(loc, time.July, 25)) {
		t.Errorf("last count up to %v, want 25 July", call.to)
	}
}

func TestViewSwitchKeepsDayAndFilter(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar
	if c.view != viewMonth || c.viewBtns[viewMonth].Importance != widget.MediumImportance ||
		c.viewBtns[viewWeek].Importance != widget.LowImportance {
		t.Fatal("the month is not the first view, or its button is not marked")
	}
	c.filters.search.SetText("sale")
	u.b.wait()
	for _, v := range []calendarView{viewWeek, viewDay, viewList, viewMonth} {
		test.Tap(c.viewBtns[v])
		u.b.wait()
		if c.body.Objects[0] == nil || c.viewBtns[v].Importance != widget.MediumImportance {
			t.Errorf("%s: not shown or not marked", viewNames[v])
		}
		kind := "range"
		if v == viewList {
			kind = "count"
		}
		if call := fc.lastCall(t, kind); call.filter.Text != "sale" {
			t.Errorf("%s: asked with filter %+v", viewNames[v], call.filter)
		}
	}
	want := map[calendarView]string{viewWeek: "13 – 19 July 2026", viewDay: "Wednesday 15 July 2026", viewList: "July 2026", viewMonth: "July 2026"}
	for v, title := range want {
		c.setView(v)
		u.b.wait()
		if c.monthLabel.Text != title {
			t.Errorf("%s title = %q, want %q", viewNames[v], c.monthLabel.Text, title)
		}
	}
}

func TestCalendarFiltersAndSearch(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice, bob}
	fc.entries = []data.CalendarEntry{
		{PostID: 1, PlannedAt: time.Date(2026, 7, 3, 7, 30, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Summer sale", Networks: "mastodon"},
		{PostID: 2, PlannedAt: time.Date(2026, 7, 3, 9, 0, 0, 0, time.UTC), State: data.StateFailed, Snippet: "Sale failed", Networks: "x"},
		{PostID: 3, PlannedAt: time.Date(2026, 7, 4, 9, 0, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Both", Networks: "mastodon,x"},
	}
	fc.entryAccounts = map[int64][]int64{1: {1}, 2: {2}, 3: {1, 2}}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar
	f := c.filters
	shown := func() []int64 {
		var out []int64
		for _, cell := range c.cells {
			for _, o := range cell.list.Objects {
				if pc, ok := o.(*postChip); ok {
					out = append(out, pc.entry.PostID)
				}
			}
		}
		return out
	}
	if got := shown(); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("unfiltered: %v", got)
	}
	if !slices.Equal(f.account.Options, []string{"All accounts", "Alice · Mastodon", "Bob · X"}) ||
		!slices.Equal(f.network.Options, []string{"All networks", "Mastodon", "X"}) {
		t.Fatalf("options: %v %v", f.account.Options, f.network.Options)
	}
	if f.clear.Visible() {
		t.Error("Clear filters shown with no filter")
	}

	f.network.SetSelected("X")
	u.b.wait()
	if got := fc.lastCall(t, "range").filter; !slices.Equal(got.Networks, []string{"x"}) {
		t.Errorf("network filter sent = %+v", got)
	}
	if got := shown(); !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("network X: %v", got)
	}
	if !f.clear.Visible() {
		t.Error("Clear filters hidden with a filter")
	}
	f.state.SetSelected("Failed")
	u.b.wait()
	if got := shown(); !slices.Equal(got, []int64{2}) {
		t.Errorf("X and failed: %v", got)
	}
	test.Tap(f.clear)
	u.b.wait()
	if got := fc.lastCall(t, "range").filter; !got.IsZero() || !slices.Equal(shown(), []int64{1, 2, 3}) {
		t.Errorf("after clear: filter %+v, posts %v", got, shown())
	}

	f.account.SetSelected("Alice · Mastodon")
	u.b.wait()
	if got := fc.lastCall(t, "range").filter; !slices.Equal(got.AccountIDs, []int64{1}) || !slices.Equal(shown(), []int64{1, 3}) {
		t.Errorf("account filter %+v, posts %v", got, shown())
	}
	f.account.SetSelectedIndex(0)
	test.Type(f.search, "sale")
	u.b.wait()
	// A call per key, run side by side: the last one typed is applied.
	if got := c.filter; got.Text != "sale" || len(got.AccountIDs) != 0 {
		t.Errorf("search filter = %+v", got)
	}
	if !fc.askedWith(func(f data.CalendarFilter) bool { return f.Text == "sale" }) {
		t.Error("the core was not asked with the search text")
	}
	if got := shown(); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("search: %v", got)
	}

	// An account that goes away leaves the filter.
	f.account.SetSelected("Bob · X")
	u.b.wait()
	c.setAccounts([]data.Account{alice})
	u.b.wait()
	if got := fc.lastCall(t, "range").filter; len(got.AccountIDs) != 0 || f.account.Selected != "All accounts" {
		t.Errorf("after Bob left: filter %+v, selected %q", got, f.account.Selected)
	}
}

func TestJumpToDate(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar
	// The picker gives a date at midnight UTC; it means that day here.
	d := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	c.jump.SetDate(&d)
	u.b.wait()
	if got := c.monthLabel.Text; got != "November 2026" {
		t.Errorf("month after jump = %q", got)
	}
	if call := fc.lastCall(t, "range"); !call.from.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("asked from %v", call.from)
	}
	c.setView(viewWeek)
	u.b.wait()
	if got := c.monthLabel.Text; got != "2 – 8 November 2026" {
		t.Errorf("week after jump = %q", got)
	}
	d = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	c.jump.SetDate(&d)
	u.b.wait()
	if got := c.monthLabel.Text; got != "28 Dec 2026 – 3 Jan 2027" {
		t.Errorf("week across the year = %q", got)
	}
	test.Tap(c.todayBtn)
	u.b.wait()
	if got := c.monthLabel.Text; got != "13 – 19 July 2026" {
		t.Errorf("after Today = %q", got)
	}
}

func TestCalendarShowsZone(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar
	if got := c.zone.sel.Selected; got != "Europe/Berlin (yours)" {
		t.Errorf("zone = %q", got)
	}
	c.setView(viewDay)
	u.b.wait()
	if err := fc.SetZone("America/New_York"); err != nil {
		t.Fatal(err)
	}
	u.onZoneChanged()
	u.b.wait()
	if got := c.zone.sel.Selected; got != "America/New_York (yours)" {
		t.Errorf("zone = %q", got)
	}
	call := fc.lastCall(t, "range")
	if want := time.Date(2026, 7, 15, 0, 0, 0, 0, fc.Location()); !call.from.Equal(want) || c.monthLabel.Text != "Wednesday 15 July 2026" {
		t.Errorf("after the zone change: %q from %v, want %v", c.monthLabel.Text, call.from, want)
	}
}

func TestChipColoursByNetwork(t *testing.T) {
	test.NewTempApp(t)
	loc := berlin(t)
	e := data.CalendarEntry{PostID: 1, PlannedAt: time.Date(2026, 7, 3, 7, 30, 0, 0, time.UTC), State: data.StateFailed,
		Snippet: "Hi", Networks: "instagram,mastodon,x"}
	chip := newPostChip(e, loc, nil)
	r := test.TempWidgetRenderer(t, chip).(*postChipRenderer)
	if r.stripe.FillColor != networkColor("instagram") {
		t.Errorf("stripe = %v, want Instagram's", r.stripe.FillColor)
	}
	if r.ndots != 2 || r.dots[0].FillColor != networkColor("mastodon") || r.dots[1].FillColor != networkColor("x") || r.dots[2].Visible() {
		t.Errorf("dots: %d, %v %v", r.ndots, r.dots[0].FillColor, r.dots[1].FillColor)
	}
	if !strings.Contains(r.icon.Resource.Name(), "error") {
		t.Errorf("failed post's icon = %q", r.icon.Resource.Name())
	}
	// Reused for another post (list rows): one network, no dots, new icon.
	chip.setEntry(data.CalendarEntry{PostID: 2, PlannedAt: e.PlannedAt, State: data.StatePublished, Networks: "linkedin"}, loc)
	if r.stripe.FillColor != networkColor("linkedin") || r.ndots != 0 || chip.text != "09:30 (no text)" {
		t.Errorf("after setEntry: stripe %v, %d dots, %q", r.stripe.FillColor, r.ndots, chip.text)
	}
	if !strings.Contains(r.icon.Resource.Name(), "check") {
		t.Errorf("published post's icon = %q", r.icon.Resource.Name())
	}
	// Every network's colour differs from the others.
	seen := map[any]string{}
	for n, col := range networkColors {
		if other, ok := seen[col]; ok {
			t.Errorf("%s and %s share a colour", n, other)
		}
		seen[col] = n
	}
}

// TestCalendarViewsMarkup locks the week, day and list views' layout:
// hours, today's column, chips with network stripes and state icons.
func TestCalendarViewsMarkup(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.entries = []data.CalendarEntry{
		{PostID: 1, PlannedAt: time.Date(2026, 7, 14, 7, 30, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Summer sale starts", Networks: "mastodon"},
		{PostID: 2, PlannedAt: time.Date(2026, 7, 15, 8, 0, 0, 0, time.UTC), State: data.StateFailed, Snippet: "Oops", Networks: "instagram,x"},
		{PostID: 3, PlannedAt: time.Date(2026, 7, 15, 8, 45, 0, 0, time.UTC), State: data.StatePublished, Snippet: "Thanks", Networks: "linkedin"},
	}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.calendar
	for _, v := range []calendarView{viewWeek, viewDay, viewList} {
		c.setView(v)
		u.b.wait()
		test.AssertObjectRendersToMarkup(t, "calendar_"+strings.ToLower(viewNames[v])+".xml", c.body)
	}
}

// A busy day shows as many chips as its cell has room for and says how
// many more there are; the month grid's height no longer grows with them.
func TestDayCellFitsItsChips(t *testing.T) {
	test.NewTempApp(t)
	var entries []data.CalendarEntry
	for i := range 5 {
		entries = append(entries, data.CalendarEntry{PostID: int64(i + 1), PlannedAt: time.Date(2026, 7, 15, 8+i, 0, 0, 0, time.UTC),
			State: data.StateScheduled, Snippet: "Post " + strconv.Itoa(i+1), Networks: "mastodon"})
	}
	visible := func(c *dayCell) (chips int, more string) {
		for _, o := range c.list.Objects {
			if !o.Visible() {
				continue
			}
			switch o := o.(type) {
			case *moreLink:
				more = o.Text
			default:
				chips++
			}
		}
		return chips, more
	}
	var opened []data.CalendarEntry
	c := newDayCell()
	c.onMore = func(_ time.Time, es []data.CalendarEntry) { opened = es }
	w := test.NewTempWindow(t, c)
	c.set(time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC), true, false, entries, time.UTC)
	if min := c.MinSize().Height; min > 80 {
		t.Errorf("a day with 5 posts needs %v high; want about one line under the number", min)
	}
	for _, tc := range []struct {
		height float32
		chips  int
		more   string
	}{
		{400, 2, "+3 more"}, // room for all that were built: two and "more"
		{100, 1, "+4 more"},
		{70, 0, "+5 more"},
	} {
		w.Resize(fyne.NewSize(160, tc.height))
		c.Resize(fyne.NewSize(160, tc.height))
		if chips, more := visible(c); chips != tc.chips || more != tc.more {
			t.Errorf("%v high: %d chips and %q, want %d and %q", tc.height, chips, more, tc.chips, tc.more)
		}
	}
	w.Resize(fyne.NewSize(160, 400))
	c.Resize(fyne.NewSize(160, 400))
	for _, o := range c.list.Objects {
		if m, ok := o.(*moreLink); ok {
			test.Tap(m)
		}
	}
	if len(opened) != 5 {
		t.Errorf("the more link opened %d posts, want all 5", len(opened))
	}
	c.set(time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC), true, false, entries[:3], time.UTC)
	c.Resize(fyne.NewSize(160, 400))
	if chips, more := visible(c); chips != 3 || more != "" {
		t.Errorf("three posts with room: %d chips and %q", chips, more)
	}
}
