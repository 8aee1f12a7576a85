package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseClock reads "15:04", "9:05" or "0905" into hours and minutes.
func ParseClock(s string) (h, m int, err error) {
	s = strings.TrimSpace(s)
	hs, ms, ok := strings.Cut(s, ":")
	if !ok && len(s) == 4 {
		hs, ms, ok = s[:2], s[2:], true
	}
	if ok {
		h, err1 := strconv.Atoi(hs)
		m, err2 := strconv.Atoi(ms)
		if err1 == nil && err2 == nil && h >= 0 && h < 24 && m >= 0 && m < 60 && len(ms) == 2 {
			return h, m, nil
		}
	}
	return 0, 0, fmt.Errorf("%q is not a time of day; write it as HH:MM, e.g. 09:30 or 17:05", s)
}

// ResolveTime turns the draft's day and clock in its zone into an instant.
// A clock time that does not exist that day (clocks spring forward) moves
// forward by the length of the gap, and note says so; an ambiguous one
// (clocks fall back) takes the first occurrence, and note says so.
func ResolveTime(day time.Time, clock string, loc *time.Location) (t time.Time, note string, err error) {
	if loc == nil {
		loc = time.Local
	}
	h, m, err := ParseClock(clock)
	if err != nil {
		return time.Time{}, "", err
	}
	y, mo, d := day.Date()
	t = time.Date(y, mo, d, h, m, 0, 0, loc)
	lt := t.In(loc)
	if lt.Hour() != h || lt.Minute() != m || lt.Day() != d {
		// The time falls in a gap. Go reads it with the offset of one side
		// of the transition or the other, depending on the zone (the one
		// before it in Berlin, the one after it in New York, which lands an
		// hour early); the offset from before it moves the time forward by
		// the gap, always.
		_, before := t.Add(-6 * time.Hour).Zone()
		t = time.Date(y, mo, d, h, m, 0, 0, time.UTC).Add(-time.Duration(before) * time.Second)
		lt = t.In(loc)
		note = fmt.Sprintf("%02d:%02d does not exist on %s in %s (the clocks move forward); the post is planned for %s instead.",
			h, m, lt.Format("2 January 2006"), loc.String(), lt.Format("15:04 MST"))
		return t.UTC(), note, nil
	}
	// The same wall time can happen twice when clocks fall back: look for
	// another instant within three hours that reads the same.
	first, twice := t, false
	for _, shift := range []time.Duration{-3 * time.Hour, -2 * time.Hour, -90 * time.Minute, -time.Hour, -30 * time.Minute, 30 * time.Minute, time.Hour, 90 * time.Minute, 2 * time.Hour, 3 * time.Hour} {
		c := t.Add(shift).In(loc)
		if c.Year() == y && c.Month() == mo && c.Day() == d && c.Hour() == h && c.Minute() == m {
			twice = true
			if c.Before(first) {
				first = c
			}
		}
	}
	if twice {
		note = fmt.Sprintf("%02d:%02d happens twice on %s in %s (the clocks move back); the post is planned for the first one, %s.",
			h, m, lt.Format("2 January 2006"), loc.String(), first.In(loc).Format("15:04 MST"))
	}
	return first.UTC(), note, nil
}
