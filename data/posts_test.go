package data

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDeriveState(t *testing.T) {
	cases := []struct {
		states []TargetState
		want   PostState
	}{
		{nil, StateDraft},
		{[]TargetState{StateDraft}, StateDraft},
		{[]TargetState{StateScheduled}, StateScheduled},
		{[]TargetState{StateDraft, StateScheduled}, StateScheduled},
		{[]TargetState{StatePublished, StateScheduled}, StateScheduled},
		{[]TargetState{StatePublished, StatePublished}, StatePublished},
		{[]TargetState{StatePublished, StateDraft}, StateDraft},
		{[]TargetState{StatePublished, StateMissed}, StateMissed},
		{[]TargetState{StateMissed, StateFailed}, StateFailed},
		{[]TargetState{StateFailed, StateUncertain}, StateUncertain},
		{[]TargetState{StateUncertain, StatePublishing, StatePublished}, StatePublishing},
	}
	for _, c := range cases {
		if got := DeriveState(c.states); got != c.want {
			t.Errorf("DeriveState(%v) = %s, want %s", c.states, got, c.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("é", 100)
	cases := []struct{ title, text, want string }{
		{"", "hello\n\n  world", "hello world"},
		{"Launch day", "the text", "Launch day"},
		{"  ", "text", "text"},
		{"", long, strings.Repeat("é", 59) + "…"},
		{"", strings.Repeat("a", 60), strings.Repeat("a", 60)},
		{"", "bell\a and\x1e record", "bell and record"},
	}
	for _, c := range cases {
		if got := Snippet(c.title, c.text); got != c.want {
			t.Errorf("Snippet(%q, %q) = %q, want %q", c.title, c.text, got, c.want)
		}
	}
}

func TestCreateAndReadPost(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	masto := mustAccount(t, s, "mastodon", "1")
	li := mustAccount(t, s, "linkedin", "2")
	m1, err := s.AddMedia(ctx, tempFile(t, "a.png", pngBytes(t, 3, 2)))
	if err != nil {
		t.Fatal(err)
	}
	m2, err := s.AddMedia(ctx, tempFile(t, "b.gif", gifBytes(t, 5, 4)))
	if err != nil {
		t.Fatal(err)
	}
	planned := time.Date(2026, 3, 29, 2, 30, 0, 123_456_789, time.FixedZone("CEST", 7200))
	p := mustPost(t, s, Post{
		Text: "Spring is here", Title: "Season post", PlannedAt: planned, Zone: "Europe/Berlin",
		Targets: []Target{
			{AccountID: li.ID, State: StateScheduled, TextOverride: "Spring is here (LinkedIn)"},
			{AccountID: masto.ID, State: StateDraft},
		},
		Media: []Media{{ID: m2.ID, Alt: "second first"}, {ID: m1.ID, Alt: "a dot"}},
	})
	if p.ID == 0 || p.State != StateScheduled {
		t.Fatalf("created post %+v", p)
	}
	if want := planned.Truncate(time.Millisecond).UTC(); !p.PlannedAt.Equal(want) || p.PlannedAt.Location() != time.UTC {
		t.Errorf("PlannedAt = %v, want %v in UTC", p.PlannedAt, want)
	}
	if len(p.Targets) != 2 || p.Targets[0].AccountID != li.ID || p.Targets[0].TextOverride == "" {
		t.Fatalf("targets %+v", p.Targets)
	}
	k0, k1 := p.Targets[0].IdempotencyKey, p.Targets[1].IdempotencyKey
	if len(k0) != 32 || k0 == k1 {
		t.Errorf("idempotency keys %q %q", k0, k1)
	}
	if len(p.Media) != 2 || p.Media[0].ID != m2.ID || p.Media[0].Alt != "second first" || p.Media[1].Alt != "a dot" {
		t.Errorf("media %+v", p.Media)
	}
	if p.CreatedAt.IsZero() || p.UpdatedAt.IsZero() {
		t.Error("timestamps not set")
	}

	if _, err := s.Post(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Post(9999) = %v, want ErrNotFound", err)
	}
}

func TestCreatePostRejects(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "1")
	cases := []struct {
		name string
		p    Post
		want string
	}{
		{"published target", Post{PlannedAt: at("2026-01-01T00:00:00Z"), Targets: []Target{{AccountID: a.ID, State: StatePublished}}}, "draft or scheduled"},
		{"scheduled without time", Post{Targets: []Target{{AccountID: a.ID, State: StateScheduled}}}, "planned time"},
		{"same account twice", Post{Targets: []Target{{AccountID: a.ID}, {AccountID: a.ID}}}, "twice"},
		{"unknown account", Post{Targets: []Target{{AccountID: 777}}}, "account 777"},
		{"unknown media", Post{Media: []Media{{ID: 555}}}, "media 555"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := s.CreatePost(ctx, c.p); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("CreatePost = %v, want error mentioning %q", err, c.want)
			}
		})
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM posts`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rejected posts left %d rows (%v)", n, err)
	}
}

func TestUpdatePost(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "1")
	b := mustAccount(t, s, "x", "2")
	c := mustAccount(t, s, "bluesky", "3")
	p := mustPost(t, s, Post{Text: "v1", Targets: []Target{{AccountID: a.ID}, {AccountID: b.ID}}})
	keepID, keepKey := p.Targets[0].ID, p.Targets[0].IdempotencyKey

	p.Text = "v2"
	p.PlannedAt = at("2026-05-01T09:00:00Z")
	p.Targets = []Target{{AccountID: a.ID, State: StateScheduled}, {AccountID: c.ID, State: StateScheduled}}
	u, err := s.UpdatePost(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if u.Text != "v2" || u.State != StateScheduled || len(u.Targets) != 2 {
		t.Fatalf("updated %+v", u)
	}
	if u.Targets[0].ID != keepID || u.Targets[0].IdempotencyKey != keepKey || u.Targets[0].State != StateScheduled {
		t.Errorf("kept target changed identity: %+v", u.Targets[0])
	}
	if u.Targets[1].AccountID != c.ID {
		t.Errorf("new target %+v", u.Targets[1])
	}
	es, _ := s.CalendarEntries(ctx, at("2026-05-01T00:00:00Z"), at("2026-05-02T00:00:00Z"))
	if len(es) != 1 || es[0].Networks != "bluesky,mastodon" || es[0].Snippet != "v2" {
		t.Errorf("calendar after update %+v", es)
	}

	// Once a target is publishing, the post is locked for edits and deletion.
	if ok, err := s.ClaimTarget(ctx, u.Targets[0].ID, time.Now()); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if _, err := s.UpdatePost(ctx, u); !errors.Is(err, ErrPostLocked) {
		t.Errorf("UpdatePost while publishing = %v, want ErrPostLocked", err)
	}
	if err := s.DeletePost(ctx, u.ID); !errors.Is(err, ErrPostLocked) {
		t.Errorf("DeletePost while publishing = %v, want ErrPostLocked", err)
	}
	// Published: still not editable, but deletable (only the local record goes).
	if err := s.FinishAttempt(ctx, u.Targets[0].ID, Attempt{}, StatePublished, "r1", "https://x/1", "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdatePost(ctx, u); !errors.Is(err, ErrPostLocked) {
		t.Errorf("UpdatePost after publish = %v, want ErrPostLocked", err)
	}
	if err := s.DeletePost(ctx, u.ID); err != nil {
		t.Errorf("DeletePost of a published post: %v", err)
	}
	if _, err := s.Post(ctx, u.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Post after delete = %v", err)
	}
	if err := s.DeletePost(ctx, u.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeletePost twice = %v", err)
	}
	if _, err := s.UpdatePost(ctx, Post{ID: 4242}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdatePost of missing post = %v", err)
	}
}

func TestCalendarEntries(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "1")
	from, to := at("2026-04-01T00:00:00Z"), at("2026-05-01T00:00:00Z")
	times := []time.Time{
		from.Add(-time.Millisecond), // before
		from,                        // first in
		to.Add(-time.Millisecond),   // last in
		to,                          // after
		from.Add(48 * time.Hour),
	}
	for i, tm := range times {
		mustPost(t, s, Post{Text: "post " + itoa(i), PlannedAt: tm, Zone: "UTC",
			Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	}
	mustPost(t, s, Post{Text: "undated draft"})
	es, err := s.CalendarEntries(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Snippet)
		if e.State != StateScheduled || e.Networks != "mastodon" || e.Zone != "UTC" || e.PlannedAt.Location() != time.UTC {
			t.Errorf("entry %+v", e)
		}
	}
	if want := "post 1,post 4,post 2"; strings.Join(got, ",") != want {
		t.Errorf("entries %v, want %s", got, want)
	}
	if es, _ := s.CalendarEntries(ctx, to, from); len(es) != 0 {
		t.Errorf("reversed range gave %d entries", len(es))
	}
}

// The calendar's one-string fast path must give what the plain query gives,
// and fall back to it when a value holds a separator.
func TestCalendarFastPathMatchesRows(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "1")
	b := mustAccount(t, s, "x", "2")
	base := at("2026-07-01T00:00:00Z")
	texts := []string{"plain", "", "tab\there", "unit\x1fsep", "record\x1esep", "ünïcödé 🎉", strings.Repeat("long ", 40)}
	for i := 0; i < 60; i++ {
		ts := []Target{{AccountID: a.ID, State: StateScheduled}}
		if i%3 == 0 {
			ts = append(ts, Target{AccountID: b.ID})
		}
		// Several posts share an instant, so the id order matters too.
		mustPost(t, s, Post{Text: texts[i%len(texts)], PlannedAt: base.Add(time.Duration(i/2) * time.Hour), Zone: "Europe/Paris", Targets: ts})
	}
	from, to := base, base.Add(48*time.Hour)
	fallbacks := calendarFallbacks.Load()
	fast, err := s.CalendarEntries(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := s.calendarRows(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(fast) != 60 || !slices.Equal(fast, slow) {
		t.Fatalf("fast path differs:\n%v\n%v", fast, slow)
	}
	if calendarFallbacks.Load() != fallbacks {
		t.Error("clean data went down the plain path")
	}
	if es, _ := s.CalendarEntries(ctx, to, to.Add(time.Hour)); es == nil || len(es) != 0 {
		t.Errorf("empty range = %#v, want empty non-nil", es)
	}

	// A zone written behind the store's back with a separator in it.
	if _, err := s.w.Exec(`UPDATE posts SET zone = 'bad' || char(30) || '1' || char(31) WHERE id = ?`, fast[0].PostID); err != nil {
		t.Fatal(err)
	}
	fast, err = s.CalendarEntries(ctx, from, to)
	if calendarFallbacks.Load() != fallbacks+1 {
		t.Error("a separator in a value did not send the query down the plain path")
	}
	if err != nil || len(fast) != 60 || fast[0].Zone != "bad\x1e1\x1f" {
		t.Errorf("fallback: %d entries, first zone %q, %v", len(fast), fast[0].Zone, err)
	}
	if _, err := s.CreatePost(ctx, Post{Zone: "Europe/\x1eParis"}); err == nil {
		t.Error("a zone with a control character was accepted")
	}
}
