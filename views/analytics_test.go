package views

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

var shop = data.Account{ID: 5, Network: "x", Handle: "@shop", DisplayName: "Shop", State: data.AccountConnected}

// analyticsFixture is two accounts with three posts in July 2026: by
// engagement 11, 12, 13; by rate 12, 11, 13; post 13 has no address.
func analyticsFixture(t *testing.T) *fakeCore {
	t.Helper()
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice, shop}
	at := func(d, h int) time.Time { return time.Date(2026, 7, d, h, 0, 0, 0, loc) }
	top := []app.TopPost{
		{TargetID: 11, PostID: 1, AccountID: 5, Network: platforms.X, Account: "@shop", PublishedAt: at(10, 9),
			Snippet: "Summer sale starts today", URL: "https://x.com/shop/status/11",
			Values: map[string]float64{"engagement": 100, "seen": 2000, "impressions": 2000, "likes": 60, "comments": 25, "shares": 15},
			Rate:   0.05, RateOK: true},
		{TargetID: 12, PostID: 2, AccountID: 1, Network: platforms.Mastodon, Account: "@alice@example.social", PublishedAt: at(12, 18),
			Snippet: "Thanks for 1,000 followers", URL: "https://example.social/@alice/12",
			Values: map[string]float64{"engagement": 30, "likes": 20, "comments": 4, "shares": 6},
			Rate:   0.1, RateOK: true},
		{TargetID: 13, PostID: 3, AccountID: 5, Network: platforms.X, Account: "@shop", PublishedAt: at(14, 12),
			Snippet: "New opening hours",
			Values:  map[string]float64{"engagement": 20, "seen": 1000, "impressions": 1000, "likes": 10, "comments": 5, "shares": 5},
			Rate:    0.02, RateOK: true},
	}
	for _, p := range top {
		fc.posts[p.PostID] = data.Post{ID: p.PostID, Text: p.Snippet, State: data.StatePublished,
			Targets: []data.Target{{ID: p.TargetID, AccountID: p.AccountID, State: data.StatePublished, RemoteURL: p.URL}}}
	}
	var daily []app.DayPoint
	for d := 1; d <= 15; d++ {
		daily = append(daily, app.DayPoint{Day: time.Date(2026, 7, d, 0, 0, 0, 0, loc)})
	}
	daily[9] = app.DayPoint{Day: daily[9].Day, Engagement: 100, Seen: 2000, Posts: 1}
	daily[11] = app.DayPoint{Day: daily[11].Day, Engagement: 30, Posts: 1}
	daily[13] = app.DayPoint{Day: daily[13].Day, Engagement: 20, Seen: 1000, Posts: 1}
	fc.an.dash = app.Dashboard{
		Posts: 3, PrevPosts: 2,
		Totals: []app.MetricTotal{
			{Name: "engagement", Label: "Engagement", Value: 150, Previous: 100, Change: 0.5, ChangeOK: true},
			{Name: "seen", Label: "Seen by", Value: 3000},
			{Name: "likes", Label: "Likes", Value: 90, Previous: 100, Change: -0.1, ChangeOK: true},
		},
		Daily: daily,
		ByNetwork: []app.NetworkTotal{
			{Network: platforms.X, Name: "X", Engagement: 120, Seen: 3000, Posts: 2},
			{Network: platforms.Mastodon, Name: "Mastodon", Engagement: 30, Posts: 1},
		},
		Followers:   []app.ValuePoint{{At: daily[0].Day, Value: 980}, {At: daily[7].Day, Value: 1000}, {At: daily[14].Day, Value: 1012}},
		Top:         top,
		Stale:       []app.StaleNote{{AccountID: 5, Account: "@shop", Network: platforms.X, Message: "X asked Localpost to slow down; trying again at 11:00"}},
		WindowNotes: []string{"X gives a post's numbers for 30 days after posting; older posts keep the last numbers read."},
	}
	var cells [7][24]app.HeatCell
	cells[1][9] = app.HeatCell{Median: 0.08, Posts: 4, Trusted: true}
	cells[3][18] = app.HeatCell{Median: 0.06, Posts: 3, Trusted: true}
	cells[5][11] = app.HeatCell{Median: 0.2, Posts: 1}
	fc.an.best = app.BestTimes{Cells: cells, Posts: 8, Suggestions: []app.SlotSuggestion{
		{Weekday: time.Tuesday, Hour: 9, Median: 0.08, Posts: 4},
		{Weekday: time.Thursday, Hour: 18, Median: 0.06, Posts: 3},
	}}
	fc.an.history = map[int64][]data.MetricPoint{
		12: {{AccountID: 1, Name: "engagement", At: at(12, 20), Value: 10}, {AccountID: 1, Name: "engagement", At: at(13, 20), Value: 30}},
	}
	return fc
}

// openAnalytics shows the analytics tab and waits for its numbers.
func openAnalytics(t *testing.T, fc *fakeCore) *MainUI {
	t.Helper()
	u := newTestUI(t, fc, fixedNow(fc.loc))
	u.tabs.Select(u.analyticsTab)
	u.b.wait()
	return u
}

// shownTargets are the table's rows, by target.
func shownTargets(s *analyticsScreen) []int64 {
	var out []int64
	for _, r := range s.rows {
		out = append(out, r.TargetID)
	}
	return out
}

// headerButton finds the table's header button whose text starts with title.
func headerButton(t *testing.T, s *analyticsScreen, title string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(t, s.table, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && (b.Text == title || strings.HasPrefix(b.Text, title+" ")) {
			found = b
			return true
		}
		return false
	})
	if found == nil {
		t.Fatalf("no %q column header", title)
	}
	return found
}

func TestAnalyticsMarkup(t *testing.T) {
	fc := analyticsFixture(t)
	u := openAnalytics(t, fc)
	u.Window.Resize(fyne.NewSize(1100, 760))
	u.b.wait()
	s := u.analytics
	if !s.content.Visible() || s.noAccounts.Visible() || s.noNumbers.Visible() {
		t.Fatal("the fixture's numbers are not shown")
	}
	if !strings.Contains(s.stale.Text, "X @shop: X asked Localpost to slow down") {
		t.Errorf("stale banner %q", s.stale.Text)
	}
	test.AssertObjectRendersToMarkup(t, "analytics.xml", s.obj)
}

// TestAnalyticsTotals: a card per metric with its change, and posts.
func TestAnalyticsTotals(t *testing.T) {
	u := openAnalytics(t, analyticsFixture(t))
	var texts []string
	walk(t, u.analytics.totals, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && l.Text != "" {
			texts = append(texts, l.Text)
		}
		return false
	})
	want := []string{"Posts", "3", "▲ 50 %", "Engagement", "150", "▲ 50 %", "Seen by", "3k", "new", "Likes", "90", "▼ 10 %"}
	if !slices.Equal(texts, want) {
		t.Errorf("totals say %q, want %q", texts, want)
	}
}

// TestAnalyticsSortByHeader: tapping a header sorts by it, biggest
// first, tapping it again turns the order round; the arrow follows.
func TestAnalyticsSortByHeader(t *testing.T) {
	u := openAnalytics(t, analyticsFixture(t))
	s := u.analytics
	if got := shownTargets(s); !slices.Equal(got, []int64{11, 12, 13}) {
		t.Fatalf("first order %v, want by engagement", got)
	}
	if b := headerButton(t, s, "Engagement"); b.Text != "Engagement ▼" {
		t.Errorf("engagement header %q", b.Text)
	}
	test.Tap(headerButton(t, s, "Rate"))
	if got := shownTargets(s); !slices.Equal(got, []int64{12, 11, 13}) {
		t.Errorf("by rate %v, want 12 11 13", got)
	}
	test.Tap(headerButton(t, s, "Rate"))
	if got := shownTargets(s); !slices.Equal(got, []int64{13, 11, 12}) {
		t.Errorf("by rate, smallest first %v, want 13 11 12", got)
	}
	if b := headerButton(t, s, "Rate"); b.Text != "Rate ▲" {
		t.Errorf("rate header %q", b.Text)
	}
	if b := headerButton(t, s, "Engagement"); b.Text != "Engagement" {
		t.Errorf("engagement header %q after sorting by rate", b.Text)
	}
	// A post without the number goes last.
	test.Tap(headerButton(t, s, "Seen by"))
	if got := shownTargets(s); !slices.Equal(got, []int64{11, 13, 12}) {
		t.Errorf("by seen %v, want 11 13 12", got)
	}
	test.Tap(headerButton(t, s, "Published"))
	if got := shownTargets(s); !slices.Equal(got, []int64{13, 12, 11}) {
		t.Errorf("by date %v, want newest first", got)
	}
	// The first row's cells.
	if got := s.cell(s.rows[0], 0); got != "14 Jul 2026 12:00" {
		t.Errorf("date cell %q", got)
	}
	if got := s.cell(s.rows[1], 5); got != "10 %" {
		t.Errorf("rate cell %q", got)
	}
	if got := s.cell(s.rows[1], 4); got != "–" {
		t.Errorf("missing seen shows %q", got)
	}
}

// TestAnalyticsSelectRow: a row shows its history and opens in the
// composer or on its network.
func TestAnalyticsSelectRow(t *testing.T) {
	fc := analyticsFixture(t)
	u := openAnalytics(t, fc)
	opened := recordOpened(u)
	s := u.analytics
	s.table.Select(widget.TableCellID{Row: 1, Col: 2})
	u.b.wait()
	fc.an.mu.Lock()
	asked := slices.Clone(fc.an.historyAsked)
	fc.an.mu.Unlock()
	if !slices.Equal(asked, []int64{12}) {
		t.Fatalf("history asked for %v, want target 12", asked)
	}
	if !s.detail.Visible() || s.detailTitle.Text != "Thanks for 1,000 followers" {
		t.Errorf("detail %v %q", s.detail.Visible(), s.detailTitle.Text)
	}
	if s.networkBtn.Text != "Open on Mastodon" || s.networkBtn.Disabled() {
		t.Errorf("network button %q disabled=%v", s.networkBtn.Text, s.networkBtn.Disabled())
	}
	test.Tap(s.networkBtn)
	if got := opened(); !slices.Equal(got, []string{"https://example.social/@alice/12"}) {
		t.Errorf("opened %q", got)
	}
	test.Tap(s.openBtn)
	u.b.wait()
	if u.tabs.Selected() != u.composeTab || u.composer.postID != 2 {
		t.Errorf("composer shows post %d, tab %v", u.composer.postID, u.tabs.Selected().Text)
	}
	// A post without an address cannot be opened on the network.
	u.tabs.Select(u.analyticsTab)
	u.b.wait()
	s.table.Select(widget.TableCellID{Row: 2, Col: 0})
	u.b.wait()
	if s.rows[2].TargetID != 13 || !s.networkBtn.Disabled() || s.networkBtn.Text != "Open on X" {
		t.Errorf("post without address: %q disabled=%v", s.networkBtn.Text, s.networkBtn.Disabled())
	}
}

// TestAnalyticsPeriod: the picker sends whole local days ending today.
func TestAnalyticsPeriod(t *testing.T) {
	fc := analyticsFixture(t)
	u := openAnalytics(t, fc)
	s := u.analytics
	last := func() app.AnalyticsFilter {
		fc.an.mu.Lock()
		defer fc.an.mu.Unlock()
		return fc.an.asked[len(fc.an.asked)-1]
	}
	tomorrow := time.Date(2026, 7, 16, 0, 0, 0, 0, fc.loc)
	if f := last(); !f.To.Equal(tomorrow) || !f.From.Equal(time.Date(2026, 6, 16, 0, 0, 0, 0, fc.loc)) {
		t.Errorf("30 days: %v – %v", f.From, f.To)
	}
	s.period.SetSelected(period7)
	u.b.wait()
	if f := last(); !f.To.Equal(tomorrow) || f.To.Sub(f.From) != 7*24*time.Hour {
		t.Errorf("7 days: %v – %v", f.From, f.To)
	}
	s.period.SetSelected(period12m)
	u.b.wait()
	if f := last(); !f.From.Equal(time.Date(2025, 7, 16, 0, 0, 0, 0, fc.loc)) {
		t.Errorf("12 months from %v", f.From)
	}
	s.period.SetSelected(periodCustom)
	u.b.wait()
	if !s.customBox.Visible() || s.fromDate.Text != "2025-07-16" || s.toDate.Text != "2026-07-15" {
		t.Errorf("custom dates %q – %q", s.fromDate.Text, s.toDate.Text)
	}
	s.fromDate.SetText("2026-07-01")
	u.b.wait()
	s.toDate.SetText("2026-07-03")
	u.b.wait()
	if f := last(); !f.From.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, fc.loc)) || !f.To.Equal(time.Date(2026, 7, 4, 0, 0, 0, 0, fc.loc)) {
		t.Errorf("custom: %v – %v", f.From, f.To)
	}
	n := len(fc.an.asked)
	s.toDate.SetText("2026-06-01")
	u.b.wait()
	if len(fc.an.asked) != n || !s.status.Visible() || !strings.Contains(s.status.Text, "before it starts") {
		t.Errorf("a backwards range: %d reloads, status %q", len(fc.an.asked)-n, s.status.Text)
	}
	// Fixed, it reloads; the filters go to the core.
	s.toDate.SetText("2026-07-03")
	u.b.wait()
	if s.status.Visible() {
		t.Errorf("status %q after the range is fixed", s.status.Text)
	}
	s.network.SetSelected("X")
	u.b.wait()
	if f := last(); !slices.Equal(f.Networks, []platforms.Network{platforms.X}) || len(f.AccountIDs) != 0 {
		t.Errorf("network filter %+v", f)
	}
}

// TestAnalyticsRefreshCancel: Refresh shows the sync's progress; Cancel
// cancels the context the core sees, and the page reloads.
func TestAnalyticsRefreshCancel(t *testing.T) {
	fc := analyticsFixture(t)
	fc.an.syncBlock = true
	fc.an.syncStarted = make(chan struct{}, 1)
	fc.an.progress = []app.SyncProgress{{Done: 1, Total: 4, Current: "X @shop"}}
	fc.an.report = app.SyncReport{Accounts: 1, Posts: 12}
	u := openAnalytics(t, fc)
	s := u.analytics
	n := len(fc.an.asked)
	test.Tap(s.refreshBtn)
	select {
	case <-fc.an.syncStarted:
	case <-time.After(10 * time.Second):
		t.Fatal("SyncMetrics was not called")
	}
	u.b.drain()
	if !s.syncBox.Visible() || s.progress.Value != 0.25 || s.progressLabel.Text != "X @shop" || !s.refreshBtn.Disabled() {
		t.Errorf("progress: shown %v, value %v, %q", s.syncBox.Visible(), s.progress.Value, s.progressLabel.Text)
	}
	test.Tap(s.cancelBtn)
	u.b.wait()
	fc.an.mu.Lock()
	ctxErr, asked := fc.an.syncCtxErr, len(fc.an.asked)
	fc.an.mu.Unlock()
	if ctxErr != context.Canceled {
		t.Errorf("the core's context ended with %v", ctxErr)
	}
	if s.syncBox.Visible() || s.refreshBtn.Disabled() {
		t.Error("progress still shown after cancel")
	}
	if !strings.Contains(s.status.Text, "Refresh cancelled; read 12 posts on 1 account.") {
		t.Errorf("status %q", s.status.Text)
	}
	if asked != n+1 {
		t.Errorf("%d reloads after the sync, want 1", asked-n)
	}
}

// TestAnalyticsRefreshReport: the sync's result is said, failures too.
func TestAnalyticsRefreshReport(t *testing.T) {
	fc := analyticsFixture(t)
	fc.an.report = app.SyncReport{Accounts: 5, Posts: 120, Failed: []app.StaleNote{
		{Account: "@shop", Network: platforms.X, Message: "X asked Localpost to slow down; trying again at 11:00"}}}
	u := openAnalytics(t, fc)
	test.Tap(u.analytics.refreshBtn)
	u.b.wait()
	want := "Read 120 posts on 5 accounts. X @shop: X asked Localpost to slow down; trying again at 11:00."
	if got := u.analytics.status.Text; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
}

// TestAnalyticsAddSuggestedSlot: a suggestion goes to the accounts the
// filter picks, after asking.
func TestAnalyticsAddSuggestedSlot(t *testing.T) {
	fc := analyticsFixture(t)
	u := openAnalytics(t, fc)
	s := u.analytics
	s.account.SetSelected(filterAccountLabel(shop))
	u.b.wait()
	if len(s.suggestions.Objects) != 2 {
		t.Fatalf("%d suggestions", len(s.suggestions.Objects))
	}
	test.Tap(findButton(t, s.suggestions.Objects[0], "Add to posting times"))
	add := overlayButton(t, u.Window, "Add")
	if add == nil {
		t.Fatal("no confirmation")
	}
	test.Tap(add)
	u.b.wait()
	fc.an.mu.Lock()
	slots := slices.Clone(fc.an.slots)
	fc.an.mu.Unlock()
	want := app.SlotSuggestion{Weekday: time.Tuesday, Hour: 9, Median: 0.08, Posts: 4}
	if len(slots) != 1 || !slices.Equal(slots[0].accountIDs, []int64{5}) || slots[0].s != want {
		t.Fatalf("AddSuggestedSlot calls %+v", slots)
	}
	if got := s.status.Text; got != "Added Tuesday 09:00 to the posting times of 1 account." {
		t.Errorf("status %q", got)
	}
}

// TestAnalyticsExportCSV: the file holds the rows in the shown order.
func TestAnalyticsExportCSV(t *testing.T) {
	fc := analyticsFixture(t)
	u := openAnalytics(t, fc)
	s := u.analytics
	dir := t.TempDir()
	var saved string
	s.pickSave = func(name string, exts []string, then func(string)) {
		saved = filepath.Join(dir, name)
		then(saved)
	}
	test.Tap(headerButton(t, s, "Rate"))
	test.Tap(s.exportBtn)
	u.b.wait()
	if filepath.Base(saved) != "top-posts-2026-06-16-2026-07-15.csv" {
		t.Errorf("file name %q", filepath.Base(saved))
	}
	f, err := os.Open(saved)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[0][0] != "published" || recs[0][3] != "post" {
		t.Fatalf("CSV %q", recs)
	}
	var posts []string
	for _, r := range recs[1:] {
		posts = append(posts, r[3])
	}
	want := []string{"Thanks for 1,000 followers", "Summer sale starts today", "New opening hours"}
	if !slices.Equal(posts, want) {
		t.Errorf("CSV rows %q, want %q", posts, want)
	}
	if recs[1][0] != "2026-07-12T18:00:00+02:00" || recs[1][len(recs[1])-1] != "0.1" {
		t.Errorf("first row %q", recs[1])
	}
	if !strings.Contains(s.status.Text, "Saved 3 posts to top-posts-") {
		t.Errorf("status %q", s.status.Text)
	}
}

// TestAnalyticsSaveChartPNG: a chart saves as a PNG file.
func TestAnalyticsSaveChartPNG(t *testing.T) {
	fc := analyticsFixture(t)
	u := openAnalytics(t, fc)
	u.Window.Resize(fyne.NewSize(1100, 760))
	s := u.analytics
	dir := t.TempDir()
	var saved string
	s.pickSave = func(name string, exts []string, then func(string)) {
		saved = filepath.Join(dir, name)
		then(saved)
	}
	test.Tap(findButton(t, s.content.Objects[2], "Save as PNG…"))
	u.b.wait()
	b, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(saved) != "engagement-per-day.png" || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("saved %q, %d bytes", filepath.Base(saved), len(b))
	}
}

// TestAnalyticsEmptyStates: without accounts the window points to
// Accounts; with accounts but no numbers it points to Refresh.
func TestAnalyticsEmptyStates(t *testing.T) {
	fc := newFakeCore(berlin(t))
	u := openAnalytics(t, fc)
	s := u.analytics
	if !s.noAccounts.Visible() || s.content.Visible() || s.noNumbers.Visible() {
		t.Fatal("no accounts: the connect message is not the only thing shown")
	}
	test.Tap(findButton(t, s.noAccounts, "Go to Accounts"))
	if u.tabs.Selected() != u.accountsTab {
		t.Error("the button does not go to Accounts")
	}

	fc.accounts = []data.Account{alice}
	u.tabs.Select(u.analyticsTab)
	u.b.wait()
	if s.noAccounts.Visible() || s.content.Visible() || !s.noNumbers.Visible() {
		t.Error("accounts without numbers: the Refresh message is not the only thing shown")
	}
	if !s.refreshBtn.Visible() || s.refreshBtn.Disabled() {
		t.Error("Refresh is not offered")
	}
}
