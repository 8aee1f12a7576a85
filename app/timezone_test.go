package app

import (
	"strings"
	"testing"
	"time"
)

func TestResolveTime(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name     string
		day      time.Time
		clock    string
		wantUTC  string
		wantNote string
	}{
		{"ordinary winter", day(2026, 12, 1), "09:30", "2026-12-01T08:30:00Z", ""},
		{"ordinary summer", day(2026, 7, 1), "09:30", "2026-07-01T07:30:00Z", ""},
		{"spring gap moves forward", day(2027, 3, 28), "02:30", "2027-03-28T01:30:00Z", "does not exist"},
		{"fall back takes the first", day(2026, 10, 25), "02:30", "2026-10-25T00:30:00Z", "happens twice"},
		{"short clock", day(2026, 12, 1), "9:05", "2026-12-01T08:05:00Z", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, note, err := ResolveTime(c.day, c.clock, berlin)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339); s != c.wantUTC {
				t.Errorf("instant %s, want %s", s, c.wantUTC)
			}
			if (c.wantNote == "") != (note == "") || !strings.Contains(note, c.wantNote) {
				t.Errorf("note %q, want it to contain %q", note, c.wantNote)
			}
		})
	}
	for _, bad := range []string{"", "25:00", "12:60", "noon", "12:5"} {
		if _, _, err := ResolveTime(day(2026, 12, 1), bad, berlin); err == nil {
			t.Errorf("clock %q accepted", bad)
		}
	}
}
