package charts

import "time"

// maxTimeTicks is how many date labels a time axis shows at most.
const maxTimeTicks = 6

// timeStep is one candidate spacing of date ticks.
type timeStep struct {
	hours, days, months, years int
	weekly                     bool // days: start on a Monday
	layout                     string
}

var timeSteps = []timeStep{
	{hours: 1, layout: "15:04"},
	{hours: 3, layout: "15:04"},
	{hours: 6, layout: "15:04"},
	{hours: 12, layout: "2 Jan 15:04"},
	{days: 1, layout: "2 Jan"},
	{days: 2, layout: "2 Jan"},
	{days: 3, layout: "2 Jan"},
	{days: 4, layout: "2 Jan"},
	{days: 7, weekly: true, layout: "2 Jan"},
	{days: 14, weekly: true, layout: "2 Jan"},
	{months: 1, layout: "Jan 2006"},
	{months: 2, layout: "Jan 2006"},
	{months: 3, layout: "Jan 2006"},
	{months: 6, layout: "Jan 2006"},
	{years: 1, layout: "2006"},
	{years: 2, layout: "2006"},
	{years: 5, layout: "2006"},
	{years: 10, layout: "2006"},
}

// timeTicks returns up to six tick times at round dates (midnights,
// Mondays, firsts of the month) from from to to, in from's location, and
// the layout to label them with: the finest spacing that fits.
func timeTicks(from, to time.Time) ([]time.Time, string) {
	if to.Before(from) {
		from, to = to, from
	}
	if !to.After(from) { // one moment: label it
		layout := "2 Jan 2006"
		if from.Hour() != 0 || from.Minute() != 0 {
			layout = "2 Jan 15:04"
		}
		return []time.Time{from}, layout
	}
	for _, s := range timeSteps {
		if s.hours > 0 && to.Sub(from) > 48*time.Hour {
			continue
		}
		if ticks := s.ticks(from, to, maxTimeTicks); ticks != nil {
			return ticks, s.layout
		}
	}
	if to.Sub(from) < 48*time.Hour { // between round hours: label the ends
		return []time.Time{from, to}, "2 Jan 15:04"
	}
	return []time.Time{from, to}, "2 Jan 2006"
}

// ticks returns the step's ticks in [from, to], or nil if there are more
// than limit.
func (s timeStep) ticks(from, to time.Time, limit int) []time.Time {
	loc := from.Location()
	y, m, d := from.Date()
	var t time.Time
	switch {
	case s.hours > 0:
		t = from.Truncate(time.Hour)
		for t.Hour()%s.hours != 0 || t.Before(from) {
			t = t.Add(time.Hour)
		}
	case s.days > 0:
		t = time.Date(y, m, d, 0, 0, 0, 0, loc)
		if t.Before(from) {
			t = t.AddDate(0, 0, 1)
		}
		for s.weekly && t.Weekday() != time.Monday {
			t = t.AddDate(0, 0, 1)
		}
	case s.months > 0:
		t = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		for t.Before(from) || (int(t.Month())-1)%s.months != 0 {
			t = t.AddDate(0, 1, 0)
		}
	default:
		t = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		for t.Before(from) || t.Year()%s.years != 0 {
			t = t.AddDate(1, 0, 0)
		}
	}
	var out []time.Time
	for ; !t.After(to); t = s.next(t) {
		if len(out) == limit {
			return nil
		}
		out = append(out, t)
	}
	return out // nil when no round date falls in the span: a coarser step will not either
}

func (s timeStep) next(t time.Time) time.Time {
	switch {
	case s.hours > 0:
		return t.Add(time.Duration(s.hours) * time.Hour)
	case s.days > 0:
		return t.AddDate(0, 0, s.days)
	case s.months > 0:
		return t.AddDate(0, s.months, 0)
	}
	return t.AddDate(s.years, 0, 0)
}
