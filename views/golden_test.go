package views

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
	"localpost/platforms"
)

// labelled is a month of posts with labels and a series, for the chips'
// tests and golden.
func labelled(t *testing.T) *fakeCore {
	t.Helper()
	fc := newFakeCore(berlin(t))
	fc.accounts = []data.Account{alice}
	sale := data.Label{ID: 1, Name: "Sale", Colour: "#e53935"}
	summer := data.Label{ID: 2, Name: "Summer", Colour: "#1e88e5"}
	fc.lib.labels = []data.Label{sale, summer}
	fc.entries = []data.CalendarEntry{
		{PostID: 1, PlannedAt: time.Date(2026, 7, 3, 7, 30, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Summer sale starts", Networks: "mastodon"},
		{PostID: 2, PlannedAt: time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Tip of the week", Networks: "mastodon,x", SeriesID: 7},
		{PostID: 3, PlannedAt: time.Date(2026, 7, 21, 8, 0, 0, 0, time.UTC), State: data.StateScheduled, Snippet: "Tip of the week", Networks: "mastodon,x", SeriesID: 7},
		{PostID: 4, PlannedAt: time.Date(2026, 7, 22, 23, 30, 0, 0, time.UTC), State: data.StateDraft, Snippet: "Late night", Networks: "x"},
	}
	fc.entryLabels = map[int64][]data.Label{1: {sale, summer}, 3: {summer}}
	return fc
}

// chipsOf returns the chips the month grid shows, by post id.
func chipsOf(t *testing.T, c *calendarScreen) map[int64]*postChip {
	t.Helper()
	out := map[int64]*postChip{}
	for _, cell := range c.cells {
		for _, o := range cell.list.Objects {
			if ch, ok := o.(*postChip); ok {
				out[ch.entry.PostID] = ch
			}
		}
	}
	return out
}

// TestCalendarChipsShowSeriesAndLabels: the month's labels come with its
// posts (one CalendarLabels call per load), a post in a series carries the
// repeat symbol, a labelled one a mark per label in the label's colour,
// and hovering names the labels.
func TestCalendarChipsShowSeriesAndLabels(t *testing.T) {
	fc := labelled(t)
	u := newTestUI(t, fc, fixedNow(fc.loc))
	u.Window.Resize(fyne.NewSize(1280, 800))
	chips := chipsOf(t, u.calendar)
	if len(chips) != 4 {
		t.Fatalf("%d chips", len(chips))
	}
	fc.mu.Lock()
	asked := fc.labelsAsked
	fc.mu.Unlock()
	if asked != 1 {
		t.Errorf("CalendarLabels called %d times for one load", asked)
	}
	render := func(ch *postChip) *postChipRenderer {
		return test.TempWidgetRenderer(t, ch).(*postChipRenderer)
	}
	r1, r2, r4 := render(chips[1]), render(chips[2]), render(chips[4])
	if r1.nmarks != 2 || r1.marks[0].FillColor != labelColor("#e53935") || r1.marks[1].FillColor != labelColor("#1e88e5") {
		t.Errorf("post 1: %d marks", r1.nmarks)
	}
	if r1.series != nil && !r1.series.Hidden {
		t.Error("a post on its own shows the repeat symbol")
	}
	if r2.series == nil || r2.series.Hidden || !slices.Contains(r2.Objects(), fyne.CanvasObject(r2.series)) {
		t.Error("a post in a series has no repeat symbol")
	}
	if r2.nmarks != 0 || r4.nmarks != 0 || render(chips[3]).nmarks != 1 {
		t.Errorf("marks: post 2 %d, post 4 %d", r2.nmarks, r4.nmarks)
	}
	// The late draft is on the 23rd in Berlin.
	if !strings.HasPrefix(chips[4].text, "01:30 ") {
		t.Errorf("draft chip %q", chips[4].text)
	}
	chips[1].MouseIn(nil)
	if got := chips[1].shownText(); got != "09:30 Sale, Summer" {
		t.Errorf("hovered chip says %q", got)
	}
	chips[1].MouseOut()
	if got := chips[1].shownText(); got != "09:30 Summer sale starts" {
		t.Errorf("chip says %q after hover", got)
	}
	if labelColor("red") != labelColor("#zzzzzz") || labelColor("#00ff00") == labelColor("red") {
		t.Error("labelColor does not fall back to grey on a bad colour only")
	}
}

// TestCalendarLabelFilter: the filter bar offers the labels; picking one
// asks the core for those posts only, Clear drops it, and a deleted label
// falls back to all.
func TestCalendarLabelFilter(t *testing.T) {
	fc := labelled(t)
	u := newTestUI(t, fc, fixedNow(fc.loc))
	f := u.calendar.filters
	if want := []string{allLabels, "Sale", "Summer"}; !slices.Equal(f.label.Options, want) {
		t.Fatalf("label choices %q, want %q", f.label.Options, want)
	}
	f.label.SetSelected("Summer")
	u.b.wait()
	if call := fc.lastCall(t, "range"); !slices.Equal(call.filter.LabelIDs, []int64{2}) {
		t.Errorf("filter %+v", call.filter)
	}
	if ids := slices.Sorted(maps.Keys(chipsOf(t, u.calendar))); !slices.Equal(ids, []int64{1, 3}) {
		t.Errorf("shown posts %v, want 1 and 3", ids)
	}
	if !f.clear.Visible() {
		t.Error("no Clear with a label chosen")
	}
	test.Tap(f.clear)
	u.b.wait()
	if call := fc.lastCall(t, "range"); len(call.filter.LabelIDs) != 0 || f.label.Selected != allLabels {
		t.Errorf("after Clear: %+v, %q", call.filter, f.label.Selected)
	}
	// The list view filters by label too.
	f.label.SetSelected("Sale")
	u.calendar.setView(viewList)
	u.b.wait()
	if call := fc.lastCall(t, "page"); !slices.Equal(call.filter.LabelIDs, []int64{1}) {
		t.Errorf("list filter %+v", call.filter)
	}
	// "Sale" is deleted: the next load offers the rest and shows all.
	fc.lib.mu.Lock()
	fc.lib.labels = fc.lib.labels[1:]
	fc.lib.mu.Unlock()
	u.calendar.setView(viewMonth)
	u.b.wait()
	if f.label.Selected != allLabels || !slices.Equal(f.label.Options, []string{allLabels, "Summer"}) {
		t.Errorf("after the label went: %q of %q", f.label.Selected, f.label.Options)
	}
	if call := fc.lastCall(t, "range"); len(call.filter.LabelIDs) != 0 {
		t.Errorf("filter after the label went: %+v", call.filter)
	}
}

// TestCalendarZonePerView: the zone menu offers the user's zone, the
// accounts' zones, UTC and Other…; a pick reloads the calendar in that
// zone for this view only: the app setting and the composer stay.
func TestCalendarZonePerView(t *testing.T) {
	fc := labelled(t)
	shop := data.Account{ID: 2, Network: "x", Handle: "@shop", State: data.AccountConnected}
	fc.accounts = append(fc.accounts, shop)
	fc.q.zones = map[int64]string{2: "America/New_York"}
	u := newTestUI(t, fc, fixedNow(fc.loc))
	c := u.calendar
	z := c.zone.sel
	if want := []string{"Europe/Berlin (yours)", "America/New_York", "UTC", otherZone}; !slices.Equal(z.Options, want) {
		t.Fatalf("zone choices %q, want %q", z.Options, want)
	}
	z.SetSelected("America/New_York")
	u.b.wait()
	ny, _ := time.LoadLocation("America/New_York")
	call := fc.lastCall(t, "range")
	if want := time.Date(2026, 7, 1, 0, 0, 0, 0, ny); !call.from.Equal(want) {
		t.Errorf("month from %v, want %v", call.from, want)
	}
	// The late draft (23:30 UTC on the 22nd) is on the 22nd in New York.
	chips := chipsOf(t, c)
	if cell := c.cellFor(time.Date(2026, 7, 22, 0, 0, 0, 0, ny)); cell == nil || len(cell.entries) != 1 ||
		!strings.HasPrefix(chips[4].text, "19:30 ") {
		t.Errorf("draft chip %q", chips[4].text)
	}
	fc.mu.Lock()
	set := len(fc.zoneSet)
	fc.mu.Unlock()
	if set != 0 || fc.Location().String() != "Europe/Berlin" {
		t.Error("picking a zone for the calendar changed the app's zone")
	}
	if got := u.composer.zone.Text; !strings.Contains(got, "Europe/Berlin") {
		t.Errorf("composer zone %q", got)
	}
	// Switching views keeps the pick; so does a change of the user's zone.
	c.setView(viewWeek)
	u.b.wait()
	if call := fc.lastCall(t, "range"); call.from.Location().String() != ny.String() {
		t.Errorf("week in %v", call.from.Location())
	}
	if err := fc.SetZone("Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	u.onZoneChanged()
	u.b.wait()
	if z.Selected != "America/New_York" || z.Options[0] != "Asia/Tokyo (yours)" {
		t.Errorf("after the user's zone changed: %q of %q", z.Selected, z.Options)
	}
	// Back to the user's zone.
	z.SetSelected("Asia/Tokyo (yours)")
	u.b.wait()
	if call := fc.lastCall(t, "range"); call.from.Location().String() != "Asia/Tokyo" || c.shownIn != nil {
		t.Errorf("back to yours: %v", call.from.Location())
	}
	// UTC.
	z.SetSelected("UTC")
	u.b.wait()
	if call := fc.lastCall(t, "range"); call.from.Location() != time.UTC {
		t.Errorf("UTC: %v", call.from.Location())
	}
}

// TestCalendarZoneOther: "Other…" opens a searchable list of IANA zones;
// picking one shows the calendar there and adds it to the menu.
func TestCalendarZoneOther(t *testing.T) {
	fc := labelled(t)
	u := newTestUI(t, fc, fixedNow(fc.loc))
	z := u.calendar.zone.sel
	z.SetSelected(otherZone)
	if z.Selected != "Europe/Berlin (yours)" {
		t.Errorf("menu shows %q while the list is open", z.Selected)
	}
	var search *widget.Entry
	var list *widget.List
	for _, o := range u.Window.Canvas().Overlays().List() {
		walk(t, o, func(obj fyne.CanvasObject) bool {
			switch v := obj.(type) {
			case *widget.Entry:
				search = v
			case *widget.List:
				list = v
			}
			return false
		})
	}
	if search == nil || list == nil {
		t.Fatal("no zone search dialog")
	}
	search.SetText("tokyo")
	if list.Length() != 1 {
		t.Fatalf("%d zones match tokyo", list.Length())
	}
	list.Select(0)
	u.b.wait()
	if z.Selected != "Asia/Tokyo" || !slices.Contains(z.Options, "Asia/Tokyo") {
		t.Errorf("after the pick: %q of %q", z.Selected, z.Options)
	}
	if call := fc.lastCall(t, "range"); call.from.Location().String() != "Asia/Tokyo" {
		t.Errorf("loaded in %v", call.from.Location())
	}
	// Names the list lacks are found when typed in full; others are not.
	if got := matchZones("America/Boise"); len(got) != 1 || got[0] != "America/Boise" {
		t.Errorf("typed zone: %q", got)
	}
	if got := matchZones("new york"); !slices.Equal(got, []string{"America/New_York"}) {
		t.Errorf("new york: %q", got)
	}
	if got := matchZones("Nowhere/Atlantis"); len(got) != 0 {
		t.Errorf("unknown zone offered: %q", got)
	}
}

// TestCalendarChipsMarkup locks the month grid with series and labels:
// the repeat symbol and the label marks beside the text.
func TestCalendarChipsMarkup(t *testing.T) {
	fc := labelled(t)
	u := newTestUI(t, fc, fixedNow(fc.loc))
	u.Window.Resize(fyne.NewSize(1280, 800))
	u.b.wait()
	test.AssertObjectRendersToMarkup(t, "calendar_month_chips.xml", u.calendar.monthObj)
}

// TestComposerXVariantMarkup locks the composer with an X account's
// section holding a text over X's limit (URLs count 23, as X counts
// them) and the message saying by how much.
func TestComposerXVariantMarkup(t *testing.T) {
	fc := newFakeCore(berlin(t))
	x := data.Account{ID: 5, Network: "x", Handle: "@bakery", DisplayName: "Bakery", State: data.AccountConnected}
	fc.accounts = []data.Account{x}
	fc.accountLimits[5] = platforms.Limits{MaxChars: 280, URLWeight: 23, WideWeight: 2, MaxMedia: 4}
	u := newTestUI(t, fc, fixedNow(fc.loc))
	u.Window.Resize(fyne.NewSize(1100, 1400))
	c := u.composer
	for _, ac := range c.checks {
		if !ac.check.Checked {
			test.Tap(ac.check)
		}
	}
	u.b.wait()
	if !c.variantBox.Visible() {
		t.Fatal("no per-account section for the X account")
	}
	fillComposer(u, "Fresh bread every morning")
	xe := c.variants[5]
	xe.text.SetText(strings.Repeat("Sourdough, rye and spelt. ", 11) + "https://bakery.example/menu")
	u.b.wait()
	if !strings.Contains(xe.problem.Text, "Too long for X") || xe.counter.Importance != widget.DangerImportance {
		t.Fatalf("problem %q, counter %q", xe.problem.Text, xe.counter.Text)
	}
	u.tabs.Select(u.composeTab)
	test.AssertObjectRendersToMarkup(t, "composer_x_variant.xml", c.variantBox)
}
