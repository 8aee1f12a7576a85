package app

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// Time tests: posts planned on the days clocks change in the user's zone,
// and a computer clock that jumps (sleep, a correction). Each post goes out
// once, at its instant and not before: on X by Localpost itself, on
// Mastodon by the server it was handed to (the fake's clock follows the
// test's).

// tmEnv is every fake with a Mastodon and an X account connected, the
// Mastodon server's scheduler on the test's clock.
type tmEnv struct {
	*allEnv
	masto, x data.Account
}

func newTimeEnv(t *testing.T) *tmEnv {
	t.Helper()
	e := newAllEnv(t)
	e.nets.Mastodon.SetClock(e.clock.Now)
	return &tmEnv{allEnv: e, masto: e.connect(t), x: faultConnect(t, e, platforms.X)}
}

// tmZone loads an IANA zone, skipping the test on a system without tzdata.
func tmZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	return loc
}

func tmInstant(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// schedule plans a post at clock on day in zone, the way the composer
// does, and returns it with the composer's note.
func (e *tmEnv) schedule(t *testing.T, zone *time.Location, day time.Time, clock, text string, accs ...data.Account) (data.Post, string) {
	t.Helper()
	var ids []int64
	for _, a := range accs {
		ids = append(ids, a.ID)
	}
	p, note, err := e.app.Schedule(context.Background(), Draft{Text: text, AccountIDs: ids, Day: day, Clock: clock, Zone: zone})
	if err != nil {
		t.Fatal(err)
	}
	return p, note
}

// at plans a post at the instant at (whole minutes, UTC).
func (e *tmEnv) at(t *testing.T, at time.Time, text string, accs ...data.Account) data.Post {
	t.Helper()
	p, _ := e.schedule(t, time.UTC, at.UTC(), at.UTC().Format("15:04"), text, accs...)
	return p
}

func (e *tmEnv) state(t *testing.T, p data.Post, acc data.Account) data.TargetState {
	t.Helper()
	return faultTarget(t, e.env, p.ID, acc.ID).State
}

func TestSpringForwardGapPublishesOnceAtTheMovedTime(t *testing.T) {
	cases := []struct {
		zone string
		day  time.Time
		// want is 02:30 moved forward by the gap (03:30 summer time);
		// early is 02:30 read with the summer offset, an hour too soon.
		want, early string
	}{
		{"Europe/Berlin", time.Date(2027, 3, 28, 0, 0, 0, 0, time.UTC), "2027-03-28T01:30:00Z", "2027-03-28T00:30:00Z"},
		{"America/New_York", time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), "2027-03-14T07:30:00Z", "2027-03-14T06:30:00Z"},
	}
	for _, c := range cases {
		t.Run(c.zone, func(t *testing.T) {
			loc := tmZone(t, c.zone)
			e := newTimeEnv(t)
			if err := e.app.SetZone(c.zone); err != nil {
				t.Fatal(err)
			}
			e.clock.Set(c.day.Add(-12 * time.Hour))
			text := "Spring sale starts"
			p, note := e.schedule(t, loc, c.day, "02:30", text, e.masto, e.x)
			want := tmInstant(t, c.want)
			if !p.PlannedAt.Equal(want) || p.Zone != c.zone {
				t.Fatalf("planned %s in %q, want %s in %s", p.PlannedAt, p.Zone, want, c.zone)
			}
			if !strings.Contains(note, "does not exist") || !strings.Contains(note, "03:30") {
				t.Errorf("note %q does not say the time moved to 03:30", note)
			}
			entries, err := e.app.Month(context.Background(), c.day.Year(), c.day.Month(), loc)
			if err != nil || len(entries) != 1 || entries[0].PlannedAt.In(loc).Format("2 15:04") != c.day.Format("2")+" 03:30" {
				t.Fatalf("calendar %+v %v", entries, err)
			}
			for _, at := range []time.Time{tmInstant(t, c.early), want.Add(-time.Second)} {
				faultRound(t, e.env, at)
				if n := len(e.nets.X.Posts()) + len(e.nets.Mastodon.Statuses()); n != 0 {
					t.Fatalf("published at %s, before %s", at, want)
				}
			}
			// Mastodon holds it for the moved time.
			if held := e.nets.Mastodon.Scheduled(); len(held) != 1 || !held[0].At.Equal(want) {
				t.Fatalf("Mastodon holds %+v, want one status for %s", held, want)
			}
			faultRound(t, e.env, want)
			for _, acc := range []data.Account{e.masto, e.x} {
				if st := e.state(t, p, acc); st != data.StatePublished {
					t.Fatalf("%s at %s: %s", acc.Network, want, st)
				}
			}
			for _, at := range []time.Time{want.Add(time.Hour), want.Add(24 * time.Hour)} {
				faultRound(t, e.env, at)
			}
			faultSeenOnce(t, "X", xTexts(e.nets.X), []string{text})
			faultSeenOnce(t, "Mastodon", mastodonTexts(e.nets.Mastodon), []string{text})
			if st := e.nets.Mastodon.Statuses(); len(st) == 1 && !st[0].CreatedAt.Equal(want) {
				t.Errorf("Mastodon published it at %s, want %s", st[0].CreatedAt, want)
			}
		})
	}
}

func TestFallBackHourPublishesOnceAtTheFirst(t *testing.T) {
	cases := []struct {
		zone, clock string
		day         time.Time
		// first and second are the two instants that read clock that day.
		first, second string
	}{
		{"Europe/Berlin", "02:30", time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"},
		{"America/New_York", "01:30", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"},
	}
	for _, c := range cases {
		t.Run(c.zone, func(t *testing.T) {
			loc := tmZone(t, c.zone)
			e := newTimeEnv(t)
			if err := e.app.SetZone(c.zone); err != nil {
				t.Fatal(err)
			}
			e.clock.Set(c.day.Add(-12 * time.Hour))
			text := "Extra hour of sleep, extra hour of brunch"
			p, note := e.schedule(t, loc, c.day, c.clock, text, e.masto, e.x)
			first, second := tmInstant(t, c.first), tmInstant(t, c.second)
			if second.In(loc).Format("15:04") != c.clock || first.In(loc).Format("15:04") != c.clock {
				t.Fatalf("test data: %s and %s do not both read %s", first, second, c.clock)
			}
			if !p.PlannedAt.Equal(first) {
				t.Fatalf("planned %s, want the first %s (%s)", p.PlannedAt, c.clock, first)
			}
			if !strings.Contains(note, "happens twice") {
				t.Errorf("note %q does not say the time is ambiguous", note)
			}
			for _, at := range []time.Time{first.Add(-2 * time.Hour), first.Add(-time.Second)} {
				faultRound(t, e.env, at)
				if n := len(e.nets.X.Posts()) + len(e.nets.Mastodon.Statuses()); n != 0 {
					t.Fatalf("published at %s, before its time", at)
				}
			}
			if held := e.nets.Mastodon.Scheduled(); len(held) != 1 || !held[0].At.Equal(first) {
				t.Fatalf("Mastodon holds %+v, want one status for %s", held, first)
			}
			faultRound(t, e.env, first)
			for _, acc := range []data.Account{e.masto, e.x} {
				if st := e.state(t, p, acc); st != data.StatePublished {
					t.Fatalf("%s at the first %s: %s", acc.Network, c.clock, st)
				}
			}
			// The same wall time comes round again an hour later: nothing.
			for _, at := range []time.Time{second.Add(-time.Second), second, second.Add(time.Minute), second.Add(time.Hour)} {
				faultRound(t, e.env, at)
			}
			faultSeenOnce(t, "X", xTexts(e.nets.X), []string{text})
			faultSeenOnce(t, "Mastodon", mastodonTexts(e.nets.Mastodon), []string{text})
			if n := faultCalls(e.nets.X.Requests(), "POST", "/2/tweets"); n != 1 {
				t.Fatalf("X was asked %d times", n)
			}
		})
	}
}

func TestClockJumpForwardAfterSleep(t *testing.T) {
	e := newTimeEnv(t)
	ctx := context.Background()
	// Grace: one hour (the default).
	base := e.clock.Now().UTC().Truncate(time.Hour).Add(time.Hour)
	now, err := e.app.PostNow(ctx, Draft{Text: "Before the lid closed", AccountIDs: []int64{e.x.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	fourLate := e.at(t, base.Add(time.Hour), "Four hours late", e.x)
	held := e.at(t, base.Add(time.Hour), "Held by the server", e.masto)
	twoLate := e.at(t, base.Add(3*time.Hour), "Two hours late", e.x)
	halfLate := e.at(t, base.Add(4*time.Hour+30*time.Minute), "Half an hour late", e.x)
	after := e.at(t, base.Add(5*time.Hour+30*time.Minute), "After waking up", e.x)
	e.app.Start(ctx)
	waitFor(t, "the publisher running", func() bool { return e.state(t, now, e.x) == data.StatePublished })
	waitFor(t, "Mastodon holding its post", func() bool { return len(e.nets.Mastodon.Scheduled()) == 1 })

	// The computer sleeps for five hours.
	e.clock.Set(base.Add(5 * time.Hour))
	e.app.Wake()
	waitFor(t, "the half-hour-late post", func() bool { return e.state(t, halfLate, e.x) == data.StatePublished })
	for _, p := range []data.Post{fourLate, twoLate} {
		waitFor(t, p.Text+" missed", func() bool { return e.state(t, p, e.x) == data.StateMissed })
		if msg := faultTarget(t, e.env, p.ID, e.x.ID).LastError; !strings.Contains(msg, "late") {
			t.Errorf("%q: message %q", p.Text, msg)
		}
	}
	// Mastodon published its post at the time, asleep or not.
	waitFor(t, "the post Mastodon held", func() bool { return e.state(t, held, e.masto) == data.StatePublished })
	if st := e.state(t, after, e.x); st != data.StateScheduled {
		t.Fatalf("the post still to come: %s", st)
	}
	e.clock.Set(base.Add(5*time.Hour + 30*time.Minute))
	e.app.Wake()
	waitFor(t, "the post after waking", func() bool { return e.state(t, after, e.x) == data.StatePublished })
	// Much later, and another sleep: nothing goes out again.
	e.clock.Set(base.Add(24 * time.Hour))
	e.app.Wake()
	time.Sleep(200 * time.Millisecond)
	faultSeenOnce(t, "X", xTexts(e.nets.X), []string{now.Text, halfLate.Text, after.Text})
	faultSeenOnce(t, "Mastodon", mastodonTexts(e.nets.Mastodon), []string{held.Text})
	for _, p := range []data.Post{fourLate, twoLate} {
		if st := e.state(t, p, e.x); st != data.StateMissed {
			t.Errorf("%q: %s", p.Text, st)
		}
	}
}

func TestSleepInTheMiddleOfAPublish(t *testing.T) {
	e := newTimeEnv(t)
	ctx := context.Background()
	base := e.clock.Now().UTC().Truncate(time.Hour).Add(time.Hour)
	first, err := e.app.PostNow(ctx, Draft{Text: "Being sent when the lid closed", AccountIDs: []int64{e.x.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	late := e.at(t, base.Add(time.Hour), "Due during the sleep", e.x)
	soon := e.at(t, base.Add(4*time.Hour+30*time.Minute), "Due just before waking", e.x)
	// The computer sleeps five hours while the first post is on its way;
	// the same round then goes on to the account's next posts.
	var slept atomic.Bool
	e.nets.X.SetHook(func(r *http.Request, done bool) {
		if !done && r.Method == "POST" && r.URL.Path == "/2/tweets" && slept.CompareAndSwap(false, true) {
			e.clock.Set(base.Add(5 * time.Hour))
		}
	})
	faultRound(t, e.env, e.clock.Now())
	if !slept.Load() {
		t.Fatal("the post was never sent")
	}
	if st := e.state(t, first, e.x); st != data.StatePublished {
		t.Fatalf("the post under way: %s", st)
	}
	if st := e.state(t, late, e.x); st != data.StateMissed {
		t.Fatalf("a post four hours late: %s, want missed (the user decides)", st)
	}
	if st := e.state(t, soon, e.x); st != data.StatePublished {
		t.Fatalf("a post half an hour late: %s", st)
	}
	faultSeenOnce(t, "X", xTexts(e.nets.X), []string{first.Text, soon.Text})
}

func TestClockJumpBackDoesNotRepublish(t *testing.T) {
	e := newTimeEnv(t)
	base := e.clock.Now().UTC().Truncate(time.Hour).Add(2 * time.Hour)
	ten := e.at(t, base, "At ten", e.x)
	eleven := e.at(t, base.Add(time.Hour), "At eleven", e.x)
	e.app.Start(context.Background())
	e.clock.Set(base)
	e.app.Wake()
	waitFor(t, "the first post", func() bool { return e.state(t, ten, e.x) == data.StatePublished })
	// A time correction sets the clock back two hours; the hours up to
	// the first post pass again.
	for _, d := range []time.Duration{-2 * time.Hour, -time.Minute, 0, 30 * time.Minute} {
		e.clock.Set(base.Add(d))
		e.app.Wake()
		time.Sleep(50 * time.Millisecond)
	}
	if n := faultCalls(e.nets.X.Requests(), "POST", "/2/tweets"); n != 1 {
		t.Fatalf("%d posts sent after the clock went back, want 1", n)
	}
	if st := e.state(t, eleven, e.x); st != data.StateScheduled {
		t.Fatalf("the second post: %s before its time", st)
	}
	e.clock.Set(base.Add(time.Hour))
	e.app.Wake()
	waitFor(t, "the second post", func() bool { return e.state(t, eleven, e.x) == data.StatePublished })
	faultSeenOnce(t, "X", xTexts(e.nets.X), []string{ten.Text, eleven.Text})
	if at, _ := e.app.Attempts(context.Background(), ten.ID); len(at) != 1 {
		t.Fatalf("the first post was tried %d times", len(at))
	}
}

// TestResolveTimeEitherSideOfUTC checks the rule in zones east and west of
// UTC, where Go's own reading of a time in a gap differs.
func TestResolveTimeEitherSideOfUTC(t *testing.T) {
	cases := []struct {
		zone  string
		day   time.Time
		clock string
		want  string // the local time it is planned for
	}{
		{"America/New_York", time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), "02:00", "03:00 EDT"},
		{"America/New_York", time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), "02:30", "03:30 EDT"},
		{"America/New_York", time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), "02:59", "03:59 EDT"},
		{"America/New_York", time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), "03:00", "03:00 EDT"},
		{"America/New_York", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "01:30", "01:30 EDT"},
		{"America/Los_Angeles", time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), "02:30", "03:30 PDT"},
		{"Europe/Berlin", time.Date(2027, 3, 28, 0, 0, 0, 0, time.UTC), "02:30", "03:30 CEST"},
		{"Europe/Berlin", time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), "02:30", "02:30 CEST"},
		{"Australia/Sydney", time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), "02:30", "03:30 AEDT"},
		{"Australia/Lord_Howe", time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), "02:15", "02:45 +11"},
	}
	for _, c := range cases {
		loc := tmZone(t, c.zone)
		got, _, err := ResolveTime(c.day, c.clock, loc)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.In(loc).Format("15:04 MST"); s != c.want || got.In(loc).Day() != c.day.Day() {
			t.Errorf("%s %s %s: planned for %s on the %d, want %s", c.zone, c.day.Format("2 Jan 2006"), c.clock, s, got.In(loc).Day(), c.want)
		}
	}
}
