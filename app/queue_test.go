package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"localpost/data"
)

// qEnv is an App on a real SQLite file with a settable clock and accounts
// stored directly (no network is called: the publisher is not started).
type qEnv struct {
	app   *App
	clock *clock
}

func newQueueEnv(t *testing.T, now time.Time) *qEnv {
	t.Helper()
	keyring.MockInit()
	c := &clock{t: now}
	a, err := New(Config{DataDir: t.TempDir(), Secrets: data.Keyring(), Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.SetZone("UTC"); err != nil {
		t.Fatal(err)
	}
	return &qEnv{app: a, clock: c}
}

// account stores a Mastodon account with its own zone ("" = the user's)
// and posting times "Mon 09:00" etc.
func (e *qEnv) account(t *testing.T, handle, zone string, slots ...string) data.Account {
	t.Helper()
	ctx := context.Background()
	acc, err := e.app.Store.SaveAccount(ctx, data.Account{Network: "mastodon", RemoteID: handle, Handle: handle, Server: "https://example.social"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.SetAccountZone(ctx, acc.ID, zone); err != nil {
		t.Fatal(err)
	}
	days := map[string]time.Weekday{"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday, "Wed": time.Wednesday,
		"Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday}
	for _, s := range slots {
		d, clock, _ := strings.Cut(s, " ")
		if err := e.app.AddQueueSlots(ctx, acc.ID, []time.Weekday{days[d]}, clock); err != nil {
			t.Fatal(err)
		}
	}
	return acc
}

// queue adds a post to the queue of the accounts and returns its instant
// (UTC) and the note.
func (e *qEnv) queue(t *testing.T, accs ...data.Account) (time.Time, string) {
	t.Helper()
	var ids []int64
	for _, a := range accs {
		ids = append(ids, a.ID)
	}
	p, note, err := e.app.AddToQueue(context.Background(), Draft{Text: "queued", AccountIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if p.State != data.StateScheduled {
		t.Fatalf("queued post is %s, want scheduled", p.State)
	}
	return p.PlannedAt.UTC(), note
}

func wantInstant(t *testing.T, got time.Time, want string) {
	t.Helper()
	if w := tmInstant(t, want); !got.Equal(w) {
		t.Fatalf("planned at %s, want %s", got.Format(time.RFC3339), w.Format(time.RFC3339))
	}
}

// Accounts in different zones share a posting time when their local times
// name the same instant; each account alone takes its own next free one.
func TestQueueSeveralAccountsAndZones(t *testing.T) {
	tmZone(t, "Europe/Berlin")
	// Monday 2 March 2026, 10:00 UTC: Berlin is UTC+1, New York UTC-5.
	e := newQueueEnv(t, tmInstant(t, "2026-03-02T10:00:00Z"))
	berlin := e.account(t, "@berlin", "Europe/Berlin", "Mon 11:00", "Mon 12:00", "Mon 15:00", "Tue 15:00")
	ny := e.account(t, "@ny", "America/New_York", "Mon 09:00", "Tue 09:00")

	// Mon 11:00 Berlin is 10:00 UTC, now: not after now, so not offered.
	at, _ := e.queue(t, berlin, ny)
	wantInstant(t, at, "2026-03-02T14:00:00Z") // 15:00 Berlin = 09:00 New York
	at, _ = e.queue(t, berlin, ny)
	wantInstant(t, at, "2026-03-03T14:00:00Z") // Monday's common time is taken now
	at, _ = e.queue(t, berlin)
	wantInstant(t, at, "2026-03-02T11:00:00Z") // 12:00 Berlin, free on Berlin alone
	at, _ = e.queue(t, ny)
	wantInstant(t, at, "2026-03-09T13:00:00Z") // next Monday 09:00 New York, daylight time by then

	// An account without posting times and accounts without a common one
	// are refused with what to do.
	bare := e.account(t, "@bare", "")
	_, _, err := e.app.AddToQueue(context.Background(), Draft{Text: "x", AccountIDs: []int64{berlin.ID, bare.ID}})
	if !errors.Is(err, ErrNoQueueSlot) || !strings.Contains(err.Error(), "@bare has no posting times: add some") {
		t.Fatalf("no posting times: %v", err)
	}
	utc := e.account(t, "@utc", "", "Mon 10:30")
	_, _, err = e.app.AddToQueue(context.Background(), Draft{Text: "x", AccountIDs: []int64{berlin.ID, utc.ID}})
	if !errors.Is(err, ErrNoQueueSlot) || !strings.Contains(err.Error(), "have no free posting time in common") {
		t.Fatalf("no common time: %v", err)
	}
	// A draft does not take the time; the user's zone is the default zone.
	if _, err := e.app.SaveDraft(context.Background(), Draft{Text: "draft", AccountIDs: []int64{utc.ID},
		Day: tmInstant(t, "2026-03-02T00:00:00Z"), Clock: "10:30", Zone: time.UTC}); err != nil {
		t.Fatal(err)
	}
	at, _ = e.queue(t, utc)
	wantInstant(t, at, "2026-03-02T10:30:00Z")
}

// Every posting time of this week taken: the queue moves on to next week,
// and the week after.
func TestQueueFullWeekMovesOn(t *testing.T) {
	e := newQueueEnv(t, tmInstant(t, "2026-03-02T08:00:00Z")) // a Monday
	a := e.account(t, "@a", "", "Mon 09:00", "Wed 09:00")
	var got []string
	for range 5 {
		at, _ := e.queue(t, a)
		got = append(got, at.Format("Mon 2 Jan 15:04"))
	}
	want := "Mon 2 Mar 09:00,Wed 4 Mar 09:00,Mon 9 Mar 09:00,Wed 11 Mar 09:00,Mon 16 Mar 09:00"
	if strings.Join(got, ",") != want {
		t.Fatalf("queued at %s\nwant        %s", strings.Join(got, ","), want)
	}
	// Removing a posting time frees nothing already planned, and the queue
	// no longer offers it.
	slots, _ := e.app.QueueSlots(context.Background(), a.ID)
	for _, s := range slots {
		if s.Weekday == time.Monday {
			if err := e.app.RemoveQueueSlot(context.Background(), s.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	at, _ := e.queue(t, a)
	wantInstant(t, at, "2026-03-18T09:00:00Z")
}

// The week clocks spring forward in New York: a posting time in the gap
// moves forward by the gap and says so; a second slot naming the same
// instant counts once; later slots keep their wall-clock time.
func TestQueueDSTWeek(t *testing.T) {
	tmZone(t, "America/New_York")
	e := newQueueEnv(t, tmInstant(t, "2026-03-07T12:00:00Z")) // Saturday before the change (Sun 8 March, 02:00)
	a := e.account(t, "@ny", "America/New_York", "Sun 02:30", "Sun 03:30", "Mon 09:00")
	at, note := e.queue(t, a)
	wantInstant(t, at, "2026-03-08T07:30:00Z") // 03:30 EDT
	if !strings.Contains(note, "does not exist") {
		t.Fatalf("note = %q, want the gap explained", note)
	}
	at, note = e.queue(t, a) // 03:30 is the same instant, taken now
	wantInstant(t, at, "2026-03-09T13:00:00Z")
	if note != "" {
		t.Fatalf("note = %q for an ordinary time", note)
	}

	// Clocks fall back on 1 November 2026: 01:30 happens twice; the slot
	// is the first one (EDT).
	loc := tmZone(t, "America/New_York")
	got := slotInstants([]data.QueueSlot{{Weekday: time.Sunday, Minute: 90}}, loc, tmInstant(t, "2026-10-31T12:00:00Z"), 7*24*time.Hour)
	if len(got) != 1 || !got[0].at.Equal(tmInstant(t, "2026-11-01T05:30:00Z")) || !strings.Contains(got[0].note, "twice") {
		t.Fatalf("fall-back slot = %+v, want 05:30 UTC with a note", got)
	}
}
