package app

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"localpost/app/demo"
	"localpost/data"
	"localpost/data/datatest"
	"localpost/platforms"
)

var (
	metricsStoreOnce sync.Once
	metricsStoreDir  string
	metricsStoreRows int
	metricsStoreErr  error
)

// benchEnd is "now" for the analytics benchmarks.
var benchEnd = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// metricsBenchApp is an App on a store holding two years of 20 accounts'
// posts on all eight networks with about a million readings (demo.History),
// built once per test binary.
func metricsBenchApp(b *testing.B) (*App, int) {
	b.Helper()
	metricsStoreOnce.Do(func() {
		metricsStoreDir, metricsStoreErr = os.MkdirTemp("", "localpost-metrics-bench-")
		if metricsStoreErr != nil {
			return
		}
		a, err := New(Config{DataDir: metricsStoreDir, Secrets: data.MemorySecrets(), Now: func() time.Time { return benchEnd }})
		if err != nil {
			metricsStoreErr = err
			return
		}
		defer a.Close()
		ctx := context.Background()
		nets := []platforms.Network{platforms.X, platforms.Mastodon, platforms.Facebook, platforms.Instagram,
			platforms.LinkedIn, platforms.Pinterest, platforms.TikTok, platforms.YouTube}
		zones := []string{"Europe/Berlin", "America/New_York", "Asia/Tokyo", ""}
		var hs []demo.HistoryAccount
		for i := 0; i < 20; i++ {
			n := nets[i%len(nets)]
			acc, err := a.Store.SaveAccount(ctx, data.Account{Network: string(n), RemoteID: "bench" + string(rune('a'+i)), Handle: "@bench"})
			if err != nil {
				metricsStoreErr = err
				return
			}
			if err := a.Store.SetAccountZone(ctx, acc.ID, zones[i%len(zones)]); err != nil {
				metricsStoreErr = err
				return
			}
			hs = append(hs, demo.HistoryAccount{ID: acc.ID, Network: n, Handle: "@bench", Zone: a.AccountZone(ctx, acc.ID), Followers: 2000})
		}
		posts, readings := demo.History(hs, benchEnd, demo.HistoryOptions{Days: 730, PostsPerWeek: 10.5, ReadingsPerPost: 10, Seed: 7})
		metricsStoreRows = len(readings)
		for _, p := range posts {
			for _, r := range p.Readings {
				metricsStoreRows += len(r.Raw)
			}
		}
		metricsStoreErr = a.Store.SeedPublished(ctx, posts, readings)
	})
	if metricsStoreErr != nil {
		b.Fatal(metricsStoreErr)
	}
	a, err := New(Config{DataDir: metricsStoreDir, Secrets: data.MemorySecrets(), Now: func() time.Time { return benchEnd }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a, metricsStoreRows
}

// BenchmarkAnalytics measures the analytics window's reads on a million
// readings: the 90-day dashboard (totals against the 90 days before,
// daily chart, per network, followers, every post for the table) and the
// best-time heatmap (a year of posts, each in its account's zone), and
// the store's size per million readings.
func BenchmarkAnalytics(b *testing.B) {
	a, rows := metricsBenchApp(b)
	ctx := context.Background()
	f := AnalyticsFilter{From: benchEnd.AddDate(0, 0, -90), To: benchEnd}
	b.Run("dashboard90d", func(b *testing.B) {
		posts := 0
		b.ReportAllocs()
		cpu := datatest.ProcessCPU()
		for b.Loop() {
			d, err := a.Dashboard(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			posts = d.Posts
		}
		b.ReportMetric(float64(datatest.ProcessCPU()-cpu)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(posts), "posts")
		b.ReportMetric(float64(rows), "readings")
	})
	b.Run("heatmap", func(b *testing.B) {
		posts := 0
		b.ReportAllocs()
		for b.Loop() {
			bt, err := a.BestTimes(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			posts = bt.Posts
		}
		b.ReportMetric(float64(posts), "posts")
	})
	b.Run("size", func(b *testing.B) {
		for b.Loop() {
		}
		var size int64
		for _, name := range []string{data.DBFile, data.DBFile + "-wal"} {
			if st, err := os.Stat(filepath.Join(metricsStoreDir, name)); err == nil {
				size += st.Size()
			}
		}
		b.ReportMetric(float64(size)/(1<<20)/(float64(rows)/1e6), "MiB/M-readings")
		b.ReportMetric(float64(rows), "readings")
	})
}
