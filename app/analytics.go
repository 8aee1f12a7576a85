package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// AnalyticsFilter picks the posts the analytics window shows: published in
// [From, To), by the given accounts and networks (none = all).
type AnalyticsFilter struct {
	From, To   time.Time
	AccountIDs []int64
	Networks   []platforms.Network
}

// MetricTotal is one metric summed over a period's posts, with the same
// sum over the period before it.
type MetricTotal struct {
	Name     string
	Label    string
	Value    float64
	Previous float64
	// Change is (Value-Previous)/Previous; ok false when the previous
	// period has nothing to compare with.
	Change   float64
	ChangeOK bool
}

// DayPoint is one day of the engagement-and-reach chart: the numbers of
// the posts published that day (in the user's zone).
type DayPoint struct {
	Day        time.Time
	Engagement float64
	Seen       float64
	Posts      int
}

// NetworkTotal is one bar of the per-network chart.
type NetworkTotal struct {
	Network    platforms.Network
	Name       string
	Engagement float64
	Seen       float64
	Posts      int
}

// ValuePoint is a value at an instant (followers at the end of a day).
type ValuePoint struct {
	At    time.Time
	Value float64
}

// TopPost is one published post on one account with its newest numbers.
type TopPost struct {
	TargetID, PostID, AccountID int64
	Network                     platforms.Network
	Account                     string // handle or name
	PublishedAt                 time.Time
	Snippet                     string
	URL                         string
	Values                      map[string]float64 // raw and derived (engagement, seen)
	// Rate is engagement per person who saw it (reach, impressions or
	// views), or per follower where the network says neither (Mastodon).
	Rate   float64
	RateOK bool
}

// StaleNote says why an account's numbers may be old.
type StaleNote struct {
	AccountID int64
	Account   string
	Network   platforms.Network
	Message   string
}

// Dashboard is everything the analytics window shows for a filter.
type Dashboard struct {
	Filter      AnalyticsFilter
	Posts       int
	PrevPosts   int
	Totals      []MetricTotal
	Daily       []DayPoint
	ByNetwork   []NetworkTotal
	Followers   []ValuePoint // summed over the accounts that report followers
	Top         []TopPost    // every post of the period, best engagement first
	Stale       []StaleNote
	WindowNotes []string // e.g. "Pinterest gives numbers for 90 days after posting"
}

// analyticsAccounts are the accounts f picks, by id.
func (a *App) analyticsAccounts(ctx context.Context, f AnalyticsFilter) (map[int64]data.Account, []int64, error) {
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]data.Account{}
	var ids []int64
	for _, acc := range accs {
		if len(f.AccountIDs) > 0 && !slices.Contains(f.AccountIDs, acc.ID) {
			continue
		}
		if len(f.Networks) > 0 && !slices.Contains(f.Networks, platforms.Network(acc.Network)) {
			continue
		}
		byID[acc.ID] = acc
		ids = append(ids, acc.ID)
	}
	return byID, ids, nil
}

// Dashboard computes the analytics window's numbers for f from the
// stored readings; it reads nothing from the networks.
func (a *App) Dashboard(ctx context.Context, f AnalyticsFilter) (Dashboard, error) {
	d := Dashboard{Filter: f}
	if !f.From.Before(f.To) {
		return d, fmt.Errorf("the period ends before it starts")
	}
	accs, ids, err := a.analyticsAccounts(ctx, f)
	if err != nil {
		return d, err
	}
	if len(ids) == 0 {
		return d, nil
	}
	cur, err := a.Store.PostStats(ctx, f.From, f.To, ids, true)
	if err != nil {
		return d, fmt.Errorf("read the numbers: %w", err)
	}
	span := f.To.Sub(f.From)
	prev, err := a.Store.PostStats(ctx, f.From.Add(-span), f.From, ids, false)
	if err != nil {
		return d, fmt.Errorf("read the numbers: %w", err)
	}
	followers := map[int64]float64{}
	for _, id := range ids {
		if v, ok, err := a.Store.LatestAccountValue(ctx, id, platforms.MetricFollowers, f.To); err == nil && ok {
			followers[id] = v
		}
	}
	d.Posts, d.PrevPosts = len(cur), len(prev)
	d.Totals = totals(cur, prev, accs)
	d.Daily = daily(cur, f.From, f.To, a.Location())
	d.ByNetwork = byNetwork(cur, accs)
	for i := range d.ByNetwork {
		d.ByNetwork[i].Name = a.networkName(string(d.ByNetwork[i].Network))
	}
	d.Top = topPosts(cur, accs, followers)
	fl, err := a.followersOverTime(ctx, ids, f.From, f.To)
	if err != nil {
		return d, err
	}
	d.Followers = fl
	d.Stale, d.WindowNotes = a.staleness(ctx, accs)
	return d, nil
}

// totals sums each metric over cur and prev. Metric names are those any
// of the posts has; labels use the network's word when all posts are on
// one network.
func totals(cur, prev []data.PostStat, accs map[int64]data.Account) []MetricTotal {
	sum := func(ps []data.PostStat) map[string]float64 {
		m := map[string]float64{}
		for _, p := range ps {
			for k, v := range p.Values {
				m[k] += v
			}
		}
		return m
	}
	c, p := sum(cur), sum(prev)
	nets := map[string]bool{}
	for _, acc := range accs {
		nets[acc.Network] = true
	}
	var one platforms.Network
	if len(nets) == 1 {
		for n := range nets {
			one = platforms.Network(n)
		}
	}
	names := append([]string{platforms.MetricEngagement, platforms.MetricSeen}, platforms.PostMetricNames...)
	var out []MetricTotal
	for _, n := range names {
		cv, cok := c[n]
		pv, pok := p[n]
		if !cok && !pok {
			continue
		}
		t := MetricTotal{Name: n, Label: platforms.MetricLabel(one, n), Value: cv, Previous: pv}
		if pv > 0 {
			t.Change, t.ChangeOK = (cv-pv)/pv, true
		}
		out = append(out, t)
	}
	return out
}

// daily buckets posts by the day (in loc) they went out, one point per
// day of [from, to) including days without posts.
func daily(ps []data.PostStat, from, to time.Time, loc *time.Location) []DayPoint {
	start := dayStart(from.In(loc))
	var out []DayPoint
	index := map[string]int{}
	for d := start; d.Before(to); d = dayStart(d.AddDate(0, 0, 1).Add(time.Hour)) {
		index[d.Format(time.DateOnly)] = len(out)
		out = append(out, DayPoint{Day: d})
	}
	for _, p := range ps {
		i, ok := index[p.PublishedAt.In(loc).Format(time.DateOnly)]
		if !ok {
			continue
		}
		out[i].Engagement += p.Values[platforms.MetricEngagement]
		out[i].Seen += p.Values[platforms.MetricSeen]
		out[i].Posts++
	}
	return out
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// byNetwork sums engagement and seen per network, largest engagement
// first.
func byNetwork(ps []data.PostStat, accs map[int64]data.Account) []NetworkTotal {
	m := map[platforms.Network]*NetworkTotal{}
	for _, p := range ps {
		n := platforms.Network(accs[p.AccountID].Network)
		t := m[n]
		if t == nil {
			t = &NetworkTotal{Network: n, Name: string(n)}
			m[n] = t
		}
		t.Engagement += p.Values[platforms.MetricEngagement]
		t.Seen += p.Values[platforms.MetricSeen]
		t.Posts++
	}
	out := make([]NetworkTotal, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Engagement != out[j].Engagement {
			return out[i].Engagement > out[j].Engagement
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// rateOf is a post's engagement rate: per person who saw it, else per
// follower of its account; ok false when neither is known.
func rateOf(v map[string]float64, followers float64) (float64, bool) {
	e := v[platforms.MetricEngagement]
	if s, ok := v[platforms.MetricSeen]; ok && s > 0 {
		return e / s, true
	}
	if followers > 0 {
		return e / followers, true
	}
	return 0, false
}

func topPosts(ps []data.PostStat, accs map[int64]data.Account, followers map[int64]float64) []TopPost {
	out := make([]TopPost, 0, len(ps))
	for _, p := range ps {
		acc := accs[p.AccountID]
		name := acc.Handle
		if name == "" {
			name = acc.DisplayName
		}
		t := TopPost{TargetID: p.TargetID, PostID: p.PostID, AccountID: p.AccountID,
			Network: platforms.Network(acc.Network), Account: name, PublishedAt: p.PublishedAt,
			Snippet: p.Snippet, URL: p.URL, Values: p.Values}
		t.Rate, t.RateOK = rateOf(p.Values, followers[p.AccountID])
		out = append(out, t)
	}
	SortTopPosts(out, platforms.MetricEngagement, true)
	return out
}

// SortTopPosts sorts posts by a metric name, or by "rate" for the
// engagement rate; posts without the number go last either way.
func SortTopPosts(ps []TopPost, by string, desc bool) {
	val := func(p TopPost) (float64, bool) {
		if by == "rate" {
			return p.Rate, p.RateOK
		}
		if by == "published" {
			return float64(p.PublishedAt.UnixMilli()), true
		}
		v, ok := p.Values[by]
		return v, ok
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, aok := val(ps[i])
		b, bok := val(ps[j])
		if aok != bok {
			return aok
		}
		if a == b {
			return ps[i].PublishedAt.After(ps[j].PublishedAt)
		}
		if desc {
			return a > b
		}
		return a < b
	})
}

// followersOverTime is, for each day of [from, to), the sum over the
// accounts of each one's last follower count read by the end of that day
// (carried forward from before from).
func (a *App) followersOverTime(ctx context.Context, ids []int64, from, to time.Time) ([]ValuePoint, error) {
	pts, err := a.Store.AccountHistory(ctx, ids, platforms.MetricFollowers, from, to)
	if err != nil {
		return nil, fmt.Errorf("read followers: %w", err)
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].At.Before(pts[j].At) })
	last := map[int64]float64{}
	for _, id := range ids {
		if v, ok, err := a.Store.LatestAccountValue(ctx, id, platforms.MetricFollowers, from); err == nil && ok {
			last[id] = v
		}
	}
	if len(pts) == 0 && len(last) == 0 {
		return nil, nil
	}
	loc := a.Location()
	var out []ValuePoint
	i := 0
	for d := dayStart(from.In(loc)); d.Before(to); d = dayStart(d.AddDate(0, 0, 1).Add(time.Hour)) {
		end := dayStart(d.AddDate(0, 0, 1).Add(time.Hour))
		for ; i < len(pts) && pts[i].At.Before(end); i++ {
			last[pts[i].AccountID] = pts[i].Value
		}
		if len(last) == 0 {
			continue
		}
		var sum float64
		for _, v := range last {
			sum += v
		}
		out = append(out, ValuePoint{At: d, Value: sum})
	}
	return out, nil
}

// staleness says which accounts' numbers are old and why, and which
// networks only give numbers for a while after posting.
func (a *App) staleness(ctx context.Context, accs map[int64]data.Account) ([]StaleNote, []string) {
	states, err := a.Store.SyncStates(ctx)
	if err != nil {
		return nil, nil
	}
	now := a.now()
	staleAfter := 2 * a.metricsEvery()
	if staleAfter <= 0 { // reading only when asked: a day-old reading is old
		staleAfter = 24 * time.Hour
	}
	var notes []StaleNote
	windows := map[platforms.Network]time.Duration{}
	for _, acc := range accs {
		r, ok := a.metricsReader(acc)
		if !ok {
			continue
		}
		if w := r.MetricsWindow(); w > 0 {
			windows[platforms.Network(acc.Network)] = w
		}
		st := states[acc.ID]
		name := acc.Handle
		if name == "" {
			name = acc.DisplayName
		}
		note := StaleNote{AccountID: acc.ID, Account: name, Network: platforms.Network(acc.Network)}
		switch {
		case acc.State == data.AccountNeedsReconnect:
			note.Message = "needs reconnecting before its numbers can be read again"
		case st.Error != "":
			note.Message = st.Error
			if !st.SyncedAt.IsZero() {
				note.Message = "numbers from " + st.SyncedAt.In(a.Location()).Format("Mon 2 Jan 15:04") + ": " + st.Error
			}
		case st.SyncedAt.IsZero():
			note.Message = "not read yet: choose Refresh"
		case now.Sub(st.SyncedAt) > staleAfter:
			note.Message = "last read " + st.SyncedAt.In(a.Location()).Format("Mon 2 Jan 15:04")
		default:
			continue
		}
		notes = append(notes, note)
	}
	sort.Slice(notes, func(i, j int) bool { return notes[i].Account < notes[j].Account })
	var wn []string
	for n, w := range windows {
		wn = append(wn, fmt.Sprintf("%s gives a post's numbers for %d days after posting; older posts keep the last numbers read.", a.networkName(string(n)), int(w.Hours()/24)))
	}
	sort.Strings(wn)
	return notes, wn
}

// HeatCell is one weekday-and-hour cell of the best-time heatmap.
type HeatCell struct {
	Median  float64 // median engagement rate of the posts in it
	Posts   int
	Trusted bool // enough posts to go by
}

// MinHeatPosts is how many posts a heatmap cell needs to be trusted.
const MinHeatPosts = 3

// SlotSuggestion is a weekday and hour worth posting at.
type SlotSuggestion struct {
	Weekday time.Weekday
	Hour    int
	Median  float64
	Posts   int
}

// BestTimes is the heatmap of the user's own median engagement rate by
// weekday (Monday first) and hour, each post placed in its account's
// zone, and the best trusted cells as posting-time suggestions.
type BestTimes struct {
	From, To    time.Time
	Cells       [7][24]HeatCell
	Posts       int // posts with a rate
	Suggestions []SlotSuggestion
}

// BestTimesSpan is how far back the heatmap looks from the filter's end
// when the filter's period is shorter: a week of posts says little.
const BestTimesSpan = 365 * 24 * time.Hour

// BestTimes computes the heatmap for the accounts and networks of f over
// its period, widened to BestTimesSpan before f.To.
func (a *App) BestTimes(ctx context.Context, f AnalyticsFilter) (BestTimes, error) {
	from := f.From
	if f.To.Sub(from) < BestTimesSpan {
		from = f.To.Add(-BestTimesSpan)
	}
	bt := BestTimes{From: from, To: f.To}
	_, ids, err := a.analyticsAccounts(ctx, f)
	if err != nil || len(ids) == 0 {
		return bt, err
	}
	ps, err := a.Store.PostRates(ctx, from, f.To, ids)
	if err != nil {
		return bt, fmt.Errorf("read the numbers: %w", err)
	}
	zones := map[int64]*time.Location{}
	followers := map[int64]float64{}
	for _, id := range ids {
		zones[id] = a.AccountZone(ctx, id)
		if v, ok, err := a.Store.LatestAccountValue(ctx, id, platforms.MetricFollowers, f.To); err == nil && ok {
			followers[id] = v
		}
	}
	var pts []ratedPost
	for _, p := range ps {
		v := map[string]float64{platforms.MetricEngagement: p.Engagement}
		if p.HasSeen {
			v[platforms.MetricSeen] = p.Seen
		}
		r, ok := rateOf(v, followers[p.AccountID])
		if !ok {
			continue
		}
		pts = append(pts, ratedPost{At: p.PublishedAt.In(zones[p.AccountID]), Rate: r})
	}
	bt.Cells, bt.Posts = heatmap(pts)
	bt.Suggestions = suggestions(bt.Cells, 3)
	return bt, nil
}

// ratedPost is a post's local publishing time (in its account's zone) and
// its engagement rate.
type ratedPost struct {
	At   time.Time
	Rate float64
}

// heatmap places each post in its weekday (Monday = 0) and hour and takes
// the median rate per cell.
func heatmap(ps []ratedPost) (cells [7][24]HeatCell, n int) {
	var rates [7][24][]float64
	for _, p := range ps {
		d := (int(p.At.Weekday()) + 6) % 7
		rates[d][p.At.Hour()] = append(rates[d][p.At.Hour()], p.Rate)
		n++
	}
	for d := range rates {
		for h, rs := range rates[d] {
			if len(rs) == 0 {
				continue
			}
			cells[d][h] = HeatCell{Median: median(rs), Posts: len(rs), Trusted: len(rs) >= MinHeatPosts}
		}
	}
	return cells, n
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// suggestions are the n trusted cells with the highest median, best first.
func suggestions(cells [7][24]HeatCell, n int) []SlotSuggestion {
	var out []SlotSuggestion
	for d := range cells {
		for h, c := range cells[d] {
			if c.Trusted {
				out = append(out, SlotSuggestion{Weekday: time.Weekday((d + 1) % 7), Hour: h, Median: c.Median, Posts: c.Posts})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Median != out[j].Median {
			return out[i].Median > out[j].Median
		}
		return out[i].Posts > out[j].Posts
	})
	return out[:min(n, len(out))]
}

// AddSuggestedSlot adds a suggested weekday and hour to each account's
// posting times (on the hour, in each account's zone).
func (a *App) AddSuggestedSlot(ctx context.Context, accountIDs []int64, s SlotSuggestion) error {
	for _, id := range accountIDs {
		if err := a.AddQueueSlots(ctx, id, []time.Weekday{s.Weekday}, fmt.Sprintf("%02d:00", s.Hour)); err != nil {
			return err
		}
	}
	return nil
}

// MetricHistory is every reading of one published post's numbers, with
// engagement and seen derived per reading, oldest first.
func (a *App) MetricHistory(ctx context.Context, targetID int64) ([]data.MetricPoint, error) {
	pts, err := a.Store.MetricHistory(ctx, targetID)
	if err != nil {
		return nil, err
	}
	var out []data.MetricPoint
	for i := 0; i < len(pts); {
		j := i
		v := platforms.Values{}
		for ; j < len(pts) && pts[j].At.Equal(pts[i].At); j++ {
			v[pts[j].Name] = pts[j].Value
			out = append(out, pts[j])
		}
		out = append(out, data.MetricPoint{AccountID: pts[i].AccountID, Name: platforms.MetricEngagement, At: pts[i].At, Value: platforms.Engagement(v)})
		if s, ok := platforms.Seen(v); ok {
			out = append(out, data.MetricPoint{AccountID: pts[i].AccountID, Name: platforms.MetricSeen, At: pts[i].At, Value: s})
		}
		i = j
	}
	return out, nil
}

// WriteTopPostsCSV writes posts as CSV: when, network, account, text,
// address, every metric any of them has, engagement rate. Times are in
// loc, RFC 3339.
func WriteTopPostsCSV(w io.Writer, ps []TopPost, loc *time.Location) error {
	names := []string{platforms.MetricEngagement, platforms.MetricSeen}
	for _, n := range platforms.PostMetricNames {
		for _, p := range ps {
			if _, ok := p.Values[n]; ok {
				names = append(names, n)
				break
			}
		}
	}
	cw := csv.NewWriter(w)
	head := []string{"published", "network", "account", "post", "url"}
	head = append(head, names...)
	head = append(head, "engagement_rate")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, p := range ps {
		row := []string{p.PublishedAt.In(loc).Format(time.RFC3339), string(p.Network), p.Account, p.Snippet, p.URL}
		for _, n := range names {
			if v, ok := p.Values[n]; ok {
				row = append(row, strconv.FormatFloat(v, 'f', -1, 64))
			} else {
				row = append(row, "")
			}
		}
		if p.RateOK {
			row = append(row, strconv.FormatFloat(math.Round(p.Rate*1e6)/1e6, 'f', -1, 64))
		} else {
			row = append(row, "")
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
