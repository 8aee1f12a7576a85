package views

import (
	"os"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"localpost/app"
	"localpost/data"
	"localpost/data/datatest"
)

// The calendar's frame budget (issue #5): with 100,000 posts in the store
// and 500 in the shown month, building and laying out the month view, and
// switching months, each under 16 ms. The real core on a real SQLite file
// (datatest), the test driver for Fyne; the query is part of what is
// measured, as the user waits for both.

var benchMonth = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// benchStore is a store built once per test binary (and removed by
// TestMain's caller's temp cleanup only when the OS clears /tmp: benchmarks
// are run by hand and by `make bench`).
type benchStore struct {
	once       sync.Once
	dir        string
	err        error
	monthPosts int
}

var (
	benchMonthStore = &benchStore{monthPosts: 500}    // the month view's budget
	benchListStore  = &benchStore{monthPosts: 10_000} // the list view's range
)

func benchCore(b *testing.B, st *benchStore) *app.App {
	b.Helper()
	st.once.Do(func() {
		if st.dir, st.err = os.MkdirTemp("", "localpost-views-bench-"); st.err != nil {
			return
		}
		f := datatest.Standard()
		f.Start = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		f.Month, f.MonthPosts = benchMonth, st.monthPosts
		st.err = datatest.Build(st.dir, f)
	})
	if st.err != nil {
		b.Fatal(st.err)
	}
	core, err := app.New(app.Config{DataDir: st.dir, Secrets: data.MemorySecrets()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { core.Close() })
	return core
}

func benchUI(b *testing.B, core *app.App) *MainUI {
	b.Helper()
	a := test.NewTempApp(b)
	u := newMainUI(a, core, "Localpost", func() time.Time { return benchMonth.AddDate(0, 0, 14) }, (*bridge).queueForTest)
	u.Window.Resize(fyne.NewSize(1280, 800))
	u.b.wait()
	b.Cleanup(func() { u.b.wait(); u.Window.Close() })
	return u
}

// shown counts the posts the month grid holds in the shown month's days.
func shown(u *MainUI) int {
	n := 0
	for _, c := range u.calendar.cells {
		if c.inMonth {
			n += len(c.entries)
		}
	}
	return n
}

func BenchmarkMonthView(b *testing.B) {
	core := benchCore(b, benchMonthStore)
	b.Run("build", func(b *testing.B) {
		// A new calendar screen built, filled with the month (query
		// included) and laid out in a 1280×800 window.
		u := benchUI(b, core)
		size := u.Window.Canvas().Size()
		cpu := datatest.ProcessCPU()
		for b.Loop() {
			s := newCalendarScreen(core, u.b, u.now)
			obj := s.build()
			obj.Resize(size)
			s.showMonth(benchMonth)
			u.b.wait()
			obj.Refresh()
		}
		b.ReportMetric(float64(datatest.ProcessCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	})
	b.Run("switch", func(b *testing.B) {
		// The shown calendar moves to the next month and back, each step
		// one op (500 posts in one, ~830 in the other).
		u := benchUI(b, core)
		next := benchMonth.AddDate(0, 1, 0)
		i := 0
		cpu := datatest.ProcessCPU()
		for b.Loop() {
			m := benchMonth
			if i%2 == 0 {
				m = next
			}
			i++
			u.calendar.showMonth(m)
			u.b.wait()
		}
		b.ReportMetric(float64(datatest.ProcessCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
		u.calendar.showMonth(benchMonth)
		u.b.wait()
		if n := shown(u); n != 500 {
			b.Fatalf("the month shows %d posts, want 500", n)
		}
	})
}

// BenchmarkListView scrolls the list view over a month of 10,000 posts
// (100,000 in the store): each op scrolls a screenful (20 rows) further,
// wrapping at the end, and waits for its rows to be read and shown.
// rows-built is how many row widgets the list built in all. Fyne keeps
// rows scrolled out of view in a sync.Pool, which the garbage collector
// empties, so rows are rebuilt now and then as the list scrolls; what stays
// bounded is the rows alive at once (a screenful or two, see
// TestListViewIsVirtualised) and the pages kept (maxListPages).
func BenchmarkListView(b *testing.B) {
	core := benchCore(b, benchListStore)
	u := benchUI(b, core)
	c := u.calendar
	c.showMonth(benchMonth)
	u.b.wait()
	c.setView(viewList)
	u.b.wait()
	l := c.list
	if n := l.list.Length(); n != 10_000 {
		b.Fatalf("the list holds %d posts, want 10,000", n)
	}
	i := 0
	cpu := datatest.ProcessCPU()
	for b.Loop() {
		i = (i + 20) % 10_000
		l.list.ScrollTo(i)
		u.b.wait()
		if _, ok := l.entry(i); !ok {
			b.Fatalf("row %d not read after scrolling to it", i)
		}
	}
	b.ReportMetric(float64(datatest.ProcessCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(l.created), "rows-built")
	if len(l.pages) > maxListPages {
		b.Errorf("the list keeps %d pages of posts, at most %d allowed", len(l.pages), maxListPages)
	}
}
