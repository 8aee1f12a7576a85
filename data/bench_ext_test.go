package data_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"localpost/data"
	"localpost/data/datatest"
)

var (
	benchFixtureOnce sync.Once
	benchFixtureDir  string
	benchFixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchFixtureDir != "" {
		os.RemoveAll(benchFixtureDir)
	}
	os.Exit(code)
}

// benchStore opens a store holding datatest.Standard(): 100,000 posts
// spread evenly over ten years on four accounts, built once per test
// binary with one bulk transaction.
func benchStore(b *testing.B) *data.Store {
	b.Helper()
	benchFixtureOnce.Do(func() {
		benchFixtureDir, benchFixtureErr = os.MkdirTemp("", "localpost-bench-")
		if benchFixtureErr == nil {
			benchFixtureErr = datatest.Build(benchFixtureDir, datatest.Standard())
		}
	})
	if benchFixtureErr != nil {
		b.Fatal(benchFixtureErr)
	}
	s, err := data.Open(benchFixtureDir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkMonthQuery(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	first := time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)
	var rows int
	b.ReportAllocs()
	cpu := datatest.ProcessCPU()
	for i := 0; b.Loop(); i++ {
		from := first.AddDate(0, i%118, 0) // every full month of the ten years in turn
		es, err := s.CalendarEntries(ctx, from, from.AddDate(0, 1, 0))
		if err != nil {
			b.Fatal(err)
		}
		rows += len(es)
	}
	b.ReportMetric(float64(rows)/float64(b.N), "posts/op")
	b.ReportMetric(float64(datatest.ProcessCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

func BenchmarkCreatePost(b *testing.B) {
	s, err := data.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	a1, err := s.SaveAccount(ctx, data.Account{Network: "mastodon", RemoteID: "1", Handle: "@a"})
	if err != nil {
		b.Fatal(err)
	}
	a2, err := s.SaveAccount(ctx, data.Account{Network: "x", RemoteID: "2", Handle: "@b"})
	if err != nil {
		b.Fatal(err)
	}
	p := data.Post{
		Text: "Hello from the benchmark, a post of ordinary length with a link https://example.com",
		Zone: "Europe/Berlin", PlannedAt: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC),
		Targets: []data.Target{{AccountID: a1.ID, State: data.StateScheduled}, {AccountID: a2.ID, State: data.StateScheduled}},
	}
	b.ReportAllocs()
	cpu := datatest.ProcessCPU()
	for b.Loop() {
		if _, err := s.CreatePost(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(datatest.ProcessCPU()-cpu)/float64(b.N), "cpu-ns/op")
}
