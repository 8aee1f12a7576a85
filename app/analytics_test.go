package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strconv"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestHeatmapMediansAndTrust(t *testing.T) {
	ps := []ratedPost{
		// Monday 09:xx, three posts: median 0.04, trusted.
		{utc("2026-11-02 09:15"), 0.02}, {utc("2026-11-09 09:40"), 0.06}, {utc("2026-11-16 09:05"), 0.04},
		// Tuesday 18:xx, two posts: median 0.20, too few to trust.
		{utc("2026-11-03 18:00"), 0.10}, {utc("2026-11-10 18:30"), 0.30},
		// Sunday 20:xx, four posts: median (0.05+0.07)/2 = 0.06.
		{utc("2026-11-08 20:00"), 0.09}, {utc("2026-11-15 20:10"), 0.01}, {utc("2026-11-22 20:20"), 0.07}, {utc("2026-11-29 20:59"), 0.05},
	}
	cells, n := heatmap(ps)
	if n != 9 {
		t.Errorf("posts = %d, want 9", n)
	}
	check := func(day, hour int, median float64, posts int, trusted bool) {
		t.Helper()
		c := cells[day][hour]
		if !near(c.Median, median) || c.Posts != posts || c.Trusted != trusted {
			t.Errorf("cell %d/%d = %+v, want median %v from %d, trusted %v", day, hour, c, median, posts, trusted)
		}
	}
	check(0, 9, 0.04, 3, true)
	check(1, 18, 0.20, 2, false)
	check(6, 20, 0.06, 4, true)
	check(2, 9, 0, 0, false)
	filled := 0
	for d := range cells {
		for h := range cells[d] {
			if cells[d][h].Posts > 0 {
				filled++
			}
		}
	}
	if filled != 3 {
		t.Errorf("%d cells have posts, want 3", filled)
	}
	got := suggestions(cells, 3)
	if len(got) != 2 || got[0].Weekday != time.Sunday || got[0].Hour != 20 || got[1].Weekday != time.Monday || got[1].Hour != 9 {
		t.Errorf("suggestions = %+v, want Sunday 20:00 then Monday 09:00 (Tuesday is not trusted)", got)
	}
}

func TestRateUsesSeenElseFollowers(t *testing.T) {
	for _, c := range []struct {
		v         map[string]float64
		followers float64
		rate      float64
		ok        bool
	}{
		{map[string]float64{"engagement": 45, "seen": 1000}, 50, 0.045, true},
		{map[string]float64{"engagement": 12}, 50, 0.24, true},
		{map[string]float64{"engagement": 12}, 0, 0, false},
		{map[string]float64{"engagement": 12, "seen": 0}, 40, 0.3, true},
	} {
		r, ok := rateOf(c.v, c.followers)
		if ok != c.ok || !near(r, c.rate) {
			t.Errorf("rateOf(%v, %v) = %v, %v; want %v, %v", c.v, c.followers, r, ok, c.rate, c.ok)
		}
	}
}

// analyticsApp is an App on a real SQLite file with the user's zone UTC
// and two accounts: X and Mastodon.
func analyticsApp(t *testing.T) (*App, data.Account, data.Account) {
	t.Helper()
	a, err := New(Config{DataDir: t.TempDir(), Secrets: data.MemorySecrets(), Now: func() time.Time { return utc("2026-11-08 00:00") }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.SetZone("UTC"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	x, err := a.Store.SaveAccount(ctx, data.Account{Network: "x", RemoteID: "1", Handle: "@shop"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Store.SaveAccount(ctx, data.Account{Network: "mastodon", Server: "https://m.example", RemoteID: "2", Handle: "@shop@m.example"})
	if err != nil {
		t.Fatal(err)
	}
	return a, x, m
}

func seed(acc data.Account, at string, raw map[string]float64) data.SeedPost {
	d := platforms.WithDerived(raw)
	derived := map[string]float64{"engagement": d["engagement"]}
	if s, ok := d["seen"]; ok {
		derived["seen"] = s
	}
	pub := utc(at)
	return data.SeedPost{AccountID: acc.ID, Network: acc.Network, Text: "Post at " + at, Zone: "UTC", PublishedAt: pub,
		RemoteID: "r" + at, URL: "https://example.com/" + at,
		Readings: []data.SeedReading{{At: pub.Add(time.Hour), Raw: raw, Derived: derived}}}
}

func TestDashboardFromStoredReadings(t *testing.T) {
	a, x, m := analyticsApp(t)
	ctx := context.Background()
	posts := []data.SeedPost{
		seed(x, "2026-10-30 10:00", map[string]float64{"impressions": 1000, "likes": 20}), // the period before
		seed(x, "2026-11-02 10:00", map[string]float64{"impressions": 1000, "likes": 30, "comments": 5, "shares": 10}),
		seed(x, "2026-11-03 10:00", map[string]float64{"impressions": 500, "likes": 10}),
		seed(m, "2026-11-03 12:00", map[string]float64{"likes": 6, "comments": 2, "shares": 4}),
		seed(m, "2026-11-09 12:00", map[string]float64{"likes": 99}), // after the period
	}
	followers := []data.AccountReading{
		{AccountID: x.ID, Name: "followers", At: utc("2026-10-31 12:00"), Value: 100},
		{AccountID: x.ID, Name: "followers", At: utc("2026-11-03 12:00"), Value: 110},
		{AccountID: x.ID, Name: "followers", At: utc("2026-11-05 12:00"), Value: 120},
		{AccountID: m.ID, Name: "followers", At: utc("2026-11-02 12:00"), Value: 50},
	}
	if err := a.Store.SeedPublished(ctx, posts, followers); err != nil {
		t.Fatal(err)
	}
	d, err := a.Dashboard(ctx, AnalyticsFilter{From: utc("2026-11-01 00:00"), To: utc("2026-11-08 00:00")})
	if err != nil {
		t.Fatal(err)
	}
	if d.Posts != 3 || d.PrevPosts != 1 {
		t.Errorf("posts %d, before %d; want 3 and 1", d.Posts, d.PrevPosts)
	}
	want := map[string][3]float64{ // value, previous, change (NaN = none)
		"engagement":  {67, 20, 47.0 / 20},
		"seen":        {1500, 1000, 0.5},
		"impressions": {1500, 1000, 0.5},
		"likes":       {46, 20, 26.0 / 20},
		"comments":    {7, 0, math.NaN()},
		"shares":      {14, 0, math.NaN()},
	}
	if len(d.Totals) != len(want) {
		t.Errorf("totals %+v, want %d of them", d.Totals, len(want))
	}
	for _, tot := range d.Totals {
		w, ok := want[tot.Name]
		if !ok {
			t.Errorf("unexpected total %+v", tot)
			continue
		}
		if tot.Value != w[0] || tot.Previous != w[1] || tot.ChangeOK == math.IsNaN(w[2]) || tot.ChangeOK && !near(tot.Change, w[2]) {
			t.Errorf("%s: %+v, want %v", tot.Name, tot, w)
		}
	}
	if d.Totals[0].Name != "engagement" || d.Totals[0].Label != "Engagement" {
		t.Errorf("first total %+v, want engagement", d.Totals[0])
	}
	if len(d.Daily) != 7 {
		t.Fatalf("daily has %d days, want 7", len(d.Daily))
	}
	if p := d.Daily[1]; !p.Day.Equal(utc("2026-11-02 00:00")) || p.Engagement != 45 || p.Seen != 1000 || p.Posts != 1 {
		t.Errorf("2 Nov = %+v", p)
	}
	if p := d.Daily[2]; p.Engagement != 22 || p.Seen != 500 || p.Posts != 2 {
		t.Errorf("3 Nov = %+v, want engagement 10+12, seen 500, 2 posts", p)
	}
	if p := d.Daily[0]; p.Engagement != 0 || p.Posts != 0 {
		t.Errorf("1 Nov = %+v, want empty", p)
	}
	if len(d.ByNetwork) != 2 || d.ByNetwork[0].Network != "x" || d.ByNetwork[0].Engagement != 55 || d.ByNetwork[0].Seen != 1500 ||
		d.ByNetwork[0].Posts != 2 || d.ByNetwork[1].Name != "Mastodon" || d.ByNetwork[1].Engagement != 12 {
		t.Errorf("by network %+v", d.ByNetwork)
	}
	wantFollowers := []float64{100, 150, 160, 160, 170, 170, 170}
	if len(d.Followers) != len(wantFollowers) {
		t.Fatalf("followers %+v, want %v", d.Followers, wantFollowers)
	}
	for i, f := range d.Followers {
		if f.Value != wantFollowers[i] {
			t.Errorf("followers on day %d = %v, want %v", i+1, f.Value, wantFollowers[i])
		}
	}
	if len(d.Top) != 3 || d.Top[0].Values["engagement"] != 45 || d.Top[1].Network != "mastodon" || d.Top[2].Values["engagement"] != 10 {
		t.Fatalf("top %+v", d.Top)
	}
	if !d.Top[1].RateOK || !near(d.Top[1].Rate, 12.0/50) || !near(d.Top[0].Rate, 0.045) {
		t.Errorf("rates %v %v, want 0.045 and 0.24 (Mastodon: per follower)", d.Top[0].Rate, d.Top[1].Rate)
	}
	SortTopPosts(d.Top, "rate", true)
	if d.Top[0].Network != "mastodon" || d.Top[2].Values["engagement"] != 10 {
		t.Errorf("by rate: %v, %v, %v", d.Top[0].Snippet, d.Top[1].Snippet, d.Top[2].Snippet)
	}
	SortTopPosts(d.Top, "impressions", false)
	if d.Top[0].Values["impressions"] != 500 || d.Top[2].Network != "mastodon" {
		t.Errorf("by impressions ascending, without last: %v, %v, %v", d.Top[0].Snippet, d.Top[1].Snippet, d.Top[2].Snippet)
	}

	// Only Mastodon: one network, its own words.
	d, err = a.Dashboard(ctx, AnalyticsFilter{From: utc("2026-11-01 00:00"), To: utc("2026-11-08 00:00"), Networks: []platforms.Network{platforms.Mastodon}})
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{}
	for _, tot := range d.Totals {
		labels[tot.Name] = tot.Label
	}
	if d.Posts != 1 || labels["likes"] != "Favourites" || labels["shares"] != "Boosts" || labels["seen"] != "" {
		t.Errorf("Mastodon only: %d posts, labels %v", d.Posts, labels)
	}
	if _, err := a.Dashboard(ctx, AnalyticsFilter{From: utc("2026-11-08 00:00"), To: utc("2026-11-01 00:00")}); err == nil {
		t.Error("a period that ends before it starts gave no error")
	}
}

func TestBestTimesInEachAccountsZone(t *testing.T) {
	a, x, m := analyticsApp(t)
	ctx := context.Background()
	if err := a.SetAccountZone(ctx, x.ID, "America/New_York"); err != nil {
		t.Fatal(err)
	}
	var posts []data.SeedPost
	// X: Tuesdays 14:30 UTC = 09:30 in New York (EST), three weeks.
	for _, day := range []string{"2026-11-03", "2026-11-10", "2026-11-17"} {
		posts = append(posts, seed(x, day+" 14:30", map[string]float64{"impressions": 100, "likes": 5}))
	}
	// Mastodon (the user's zone, UTC): Fridays 08:00, rate per follower.
	for i, day := range []string{"2026-11-06", "2026-11-13", "2026-11-20", "2026-11-27"} {
		posts = append(posts, seed(m, day+" 08:00", map[string]float64{"likes": float64(1 + i)}))
	}
	followers := []data.AccountReading{{AccountID: m.ID, Name: "followers", At: utc("2026-11-01 00:00"), Value: 100}}
	if err := a.Store.SeedPublished(ctx, posts, followers); err != nil {
		t.Fatal(err)
	}
	bt, err := a.BestTimes(ctx, AnalyticsFilter{From: utc("2026-11-22 00:00"), To: utc("2026-11-29 00:00")})
	if err != nil {
		t.Fatal(err)
	}
	if !bt.From.Equal(utc("2026-11-29 00:00").Add(-BestTimesSpan)) {
		t.Errorf("a week's filter looks back from %s, want a year", bt.From)
	}
	if bt.Posts != 7 {
		t.Errorf("posts with a rate = %d, want 7", bt.Posts)
	}
	tue := bt.Cells[1][9]
	if tue.Posts != 3 || !tue.Trusted || !near(tue.Median, 0.05) {
		t.Errorf("Tuesday 09:00 (New York) = %+v, want 3 posts, median 5%%", tue)
	}
	if c := bt.Cells[1][14]; c.Posts != 0 {
		t.Errorf("Tuesday 14:00 has %d posts: the X posts were placed in UTC, not the account's zone", c.Posts)
	}
	fri := bt.Cells[4][8]
	if fri.Posts != 4 || !near(fri.Median, 0.025) {
		t.Errorf("Friday 08:00 = %+v, want 4 posts, median (2+3)/2 per 100 followers", fri)
	}
	if len(bt.Suggestions) != 2 || bt.Suggestions[0].Weekday != time.Tuesday || bt.Suggestions[0].Hour != 9 {
		t.Errorf("suggestions %+v, want Tuesday 09:00 first", bt.Suggestions)
	}
	if err := a.AddSuggestedSlot(ctx, []int64{x.ID}, bt.Suggestions[0]); err != nil {
		t.Fatal(err)
	}
	slots, err := a.QueueSlots(ctx, x.ID)
	if err != nil || len(slots) != 1 || slots[0].Weekday != time.Tuesday || slots[0].Minute != 9*60 {
		t.Errorf("posting times after adding the suggestion: %+v, %v", slots, err)
	}
}

func TestMetricHistoryDerivesEachReading(t *testing.T) {
	a, x, _ := analyticsApp(t)
	ctx := context.Background()
	p := seed(x, "2026-11-02 10:00", map[string]float64{"impressions": 100, "likes": 3})
	p.Readings = append(p.Readings, data.SeedReading{At: utc("2026-11-03 10:00"),
		Raw: map[string]float64{"impressions": 400, "likes": 9, "shares": 1}})
	if err := a.Store.SeedPublished(ctx, []data.SeedPost{p}, nil); err != nil {
		t.Fatal(err)
	}
	d, err := a.Dashboard(ctx, AnalyticsFilter{From: utc("2026-11-01 00:00"), To: utc("2026-11-08 00:00")})
	if err != nil || len(d.Top) != 1 {
		t.Fatal(d.Top, err)
	}
	h, err := a.MetricHistory(ctx, d.Top[0].TargetID)
	if err != nil {
		t.Fatal(err)
	}
	eng := map[time.Time]float64{}
	n := 0
	for _, pt := range h {
		if pt.Name == "engagement" {
			eng[pt.At] = pt.Value
		}
		n++
	}
	if n != 2+2+3+2 || eng[utc("2026-11-02 11:00")] != 3 || eng[utc("2026-11-03 10:00")] != 10 {
		t.Errorf("history %+v", h)
	}
}

func TestTopPostsCSVRoundTrip(t *testing.T) {
	ps := []TopPost{
		{Network: "x", Account: "@shop", PublishedAt: utc("2026-11-02 10:00"), Snippet: `Sale, "today" only`,
			URL: "https://x.com/shop/status/1", Values: map[string]float64{"engagement": 45, "seen": 1000, "impressions": 1000, "likes": 30.5},
			Rate: 0.045, RateOK: true},
		{Network: "mastodon", Account: "@shop@m.example", PublishedAt: utc("2026-11-03 12:00"), Snippet: "Line one\nline two",
			Values: map[string]float64{"engagement": 12, "likes": 6}},
	}
	var buf bytes.Buffer
	loc, _ := time.LoadLocation("Europe/Berlin")
	if err := WriteTopPostsCSV(&buf, ps, loc); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	wantHead := []string{"published", "network", "account", "post", "url", "engagement", "seen", "impressions", "likes", "engagement_rate"}
	if len(head) != len(wantHead) {
		t.Fatalf("header %q, want %q", head, wantHead)
	}
	for i := range head {
		if head[i] != wantHead[i] {
			t.Fatalf("header %q, want %q", head, wantHead)
		}
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want header + 2", len(rows))
	}
	for i, p := range ps {
		r := rows[i+1]
		when, err := time.Parse(time.RFC3339, r[0])
		if err != nil || !when.Equal(p.PublishedAt) || r[1] != string(p.Network) || r[2] != p.Account || r[3] != p.Snippet || r[4] != p.URL {
			t.Errorf("row %d = %q", i, r)
		}
		for j, name := range wantHead[5:9] {
			v, ok := p.Values[name]
			if !ok {
				if r[5+j] != "" {
					t.Errorf("row %d %s = %q, want empty", i, name, r[5+j])
				}
				continue
			}
			if got, err := strconv.ParseFloat(r[5+j], 64); err != nil || got != v {
				t.Errorf("row %d %s = %q, want %v", i, name, r[5+j], v)
			}
		}
	}
	if rows[1][9] != "0.045" || rows[2][9] != "" {
		t.Errorf("rates %q, %q", rows[1][9], rows[2][9])
	}
	if rows[1][0] != "2026-11-02T11:00:00+01:00" {
		t.Errorf("time %q, want in Berlin", rows[1][0])
	}
}
