package data

import (
	"context"
	"testing"
	"time"
)

// seededTarget stores one published post of acc and returns its target.
func seededTarget(t *testing.T, s *Store, acc Account, at time.Time) PostStat {
	t.Helper()
	ctx := context.Background()
	if err := s.SeedPublished(ctx, []SeedPost{{AccountID: acc.ID, Network: acc.Network, Text: "Hello", Zone: "UTC",
		PublishedAt: at, RemoteID: "r1", URL: "https://example.com/r1"}}, nil); err != nil {
		t.Fatal(err)
	}
	ps, err := s.PostStats(ctx, at, at.Add(time.Minute), nil, true)
	if err != nil || len(ps) != 1 {
		t.Fatalf("PostStats: %v, %v", ps, err)
	}
	return ps[0]
}

func TestRecordMetricsKeepsHistoryAndNewest(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	acc := mustAccount(t, s, "x", "1")
	pub := at("2026-11-01T10:00:00Z")
	st := seededTarget(t, s, acc, pub)
	if len(st.Values) != 0 || st.Snippet != "Hello" || st.URL != "https://example.com/r1" {
		t.Fatalf("never read: %+v", st)
	}
	read := func(when time.Time, likes float64) {
		t.Helper()
		err := s.RecordMetrics(ctx, acc.ID, when, []PostReading{{TargetID: st.TargetID,
			Raw: map[string]float64{"likes": likes, "impressions": 10 * likes}, Derived: map[string]float64{"engagement": likes}}},
			map[string]float64{"followers": 100 + likes})
		if err != nil {
			t.Fatal(err)
		}
	}
	read(at("2026-11-01T12:00:00Z"), 5)
	read(at("2026-11-02T12:00:00Z"), 9)
	read(at("2026-11-01T18:00:00Z"), 7) // a reading that arrives late

	hist, err := s.MetricHistory(ctx, st.TargetID)
	if err != nil || len(hist) != 6 {
		t.Fatalf("history %+v, %v; want 3 readings of 2 metrics", hist, err)
	}
	ps, _ := s.PostStats(ctx, pub, pub.Add(time.Hour), []int64{acc.ID}, false)
	if v := ps[0].Values; v["likes"] != 9 || v["impressions"] != 90 || v["engagement"] != 9 || ps[0].Snippet != "" {
		t.Errorf("newest = %+v, want the 2 Nov reading (a late older one does not replace it), no text", ps[0])
	}
	rates, err := s.PostRates(ctx, pub, pub.Add(time.Hour), nil)
	if err != nil || len(rates) != 1 || rates[0].Engagement != 9 || rates[0].HasSeen {
		t.Errorf("rates %+v, %v", rates, err)
	}
	fl, err := s.AccountHistory(ctx, []int64{acc.ID}, "followers", pub, pub.AddDate(0, 0, 7))
	if err != nil || len(fl) != 3 || fl[0].Value != 105 || fl[2].Value != 109 {
		t.Errorf("followers %+v, %v; want 3 in time order", fl, err)
	}
	if v, ok, err := s.LatestAccountValue(ctx, acc.ID, "followers", at("2026-11-02T00:00:00Z")); !ok || err != nil || v != 107 {
		t.Errorf("followers before 2 Nov = %v, %v, %v; want 107", v, ok, err)
	}
	// Other accounts' posts are not theirs.
	other := mustAccount(t, s, "mastodon", "2")
	if ps, _ := s.PostStats(ctx, pub, pub.Add(time.Hour), []int64{other.ID}, false); len(ps) != 0 {
		t.Errorf("another account's stats: %+v", ps)
	}

	// The post's own reading is in the list of what to read next time.
	ts, err := s.MetricsTargets(ctx, acc.ID, time.Time{})
	if err != nil || len(ts) != 1 || ts[0].RemoteID != "r1" || !ts[0].LastRead.Equal(at("2026-11-02T12:00:00Z")) {
		t.Errorf("targets to read %+v, %v", ts, err)
	}
	if ts, _ := s.MetricsTargets(ctx, acc.ID, pub.Add(time.Minute)); len(ts) != 0 {
		t.Errorf("targets since after the post: %+v", ts)
	}
}

func TestSyncStateFailureKeepsLastGoodRead(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	acc := mustAccount(t, s, "x", "1")
	ok := at("2026-11-01T12:00:00Z")
	if err := s.RecordMetrics(ctx, acc.ID, ok, nil, nil); err != nil {
		t.Fatal(err)
	}
	wait := at("2026-11-01T15:00:00Z")
	if err := s.SetSyncFailed(ctx, acc.ID, at("2026-11-01T13:00:00Z"), "X asked Localpost to slow down", wait); err != nil {
		t.Fatal(err)
	}
	st, _ := s.SyncStates(ctx)
	if got := st[acc.ID]; !got.SyncedAt.Equal(ok) || got.Error == "" || !got.NotBefore.Equal(wait) {
		t.Errorf("after a failure: %+v", got)
	}
	if err := s.RecordMetrics(ctx, acc.ID, at("2026-11-01T16:00:00Z"), nil, nil); err != nil {
		t.Fatal(err)
	}
	st, _ = s.SyncStates(ctx)
	if got := st[acc.ID]; got.Error != "" || !got.NotBefore.IsZero() || !got.SyncedAt.Equal(at("2026-11-01T16:00:00Z")) {
		t.Errorf("after a good read: %+v", got)
	}
}

func TestDeletedPostTakesItsNumbersAndUndoBringsThemBack(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	acc := mustAccount(t, s, "x", "1")
	pub := at("2026-11-01T10:00:00Z")
	st := seededTarget(t, s, acc, pub)
	if err := s.RecordMetrics(ctx, acc.ID, pub.Add(time.Hour), []PostReading{{TargetID: st.TargetID,
		Raw: map[string]float64{"likes": 3}, Derived: map[string]float64{"engagement": 3}}}, nil); err != nil {
		t.Fatal(err)
	}
	d, err := s.DeletePostForUndo(ctx, st.PostID)
	if err != nil {
		t.Fatal(err)
	}
	if ps, _ := s.PostStats(ctx, pub, pub.Add(time.Hour), nil, false); len(ps) != 0 {
		t.Fatalf("deleted post still counted: %+v", ps)
	}
	if h, _ := s.MetricHistory(ctx, st.TargetID); len(h) != 0 {
		t.Fatalf("deleted post's history kept: %+v", h)
	}
	if _, err := s.RestorePost(ctx, d); err != nil {
		t.Fatal(err)
	}
	ps, _ := s.PostStats(ctx, pub, pub.Add(time.Hour), nil, false)
	if len(ps) != 1 || ps[0].Values["likes"] != 3 || ps[0].Values["engagement"] != 3 {
		t.Errorf("after undo: %+v", ps)
	}
	if h, _ := s.MetricHistory(ctx, st.TargetID); len(h) != 1 {
		t.Errorf("history after undo: %+v", h)
	}
}
