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

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func benchCore(b *testing.B) *app.App {
	b.Helper()
	benchOnce.Do(func() {
		if benchDir, benchErr = os.MkdirTemp("", "localpost-views-bench-"); benchErr != nil {
			return
		}
		f := datatest.Standard()
		f.Start = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		f.Month, f.MonthPosts = benchMonth, 500
		benchErr = datatest.Build(benchDir, f)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	core, err := app.New(app.Config{DataDir: benchDir, Secrets: data.MemorySecrets()})
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
	core := benchCore(b)
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
