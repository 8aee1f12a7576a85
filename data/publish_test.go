package data

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDueTargets(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-06-01T12:00:00Z")
	ok := mustAccount(t, s, "mastodon", "ok")
	other := mustAccount(t, s, "x", "other")
	broken := mustAccount(t, s, "linkedin", "broken")
	if err := s.SetAccountState(ctx, broken.ID, AccountNeedsReconnect); err != nil {
		t.Fatal(err)
	}
	m, err := s.AddMedia(ctx, tempFile(t, "a.png", pngBytes(t, 2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	sched := func(text string, planned time.Time, accounts ...Account) Post {
		var ts []Target
		for _, a := range accounts {
			ts = append(ts, Target{AccountID: a.ID, State: StateScheduled})
		}
		return mustPost(t, s, Post{Text: text, PlannedAt: planned, Targets: ts, Media: []Media{{ID: m.ID, Alt: "dot"}}})
	}
	older := sched("older", now.Add(-time.Hour), ok, broken)
	exact := sched("exact", now, ok, other)
	sched("future", now.Add(time.Millisecond), ok)
	mustPost(t, s, Post{Text: "draft", PlannedAt: now.Add(-time.Hour), Targets: []Target{{AccountID: other.ID}}})
	backoff := sched("backing off", now.Add(-2*time.Hour), other)
	if err := s.FinishAttempt(ctx, backoff.Targets[0].ID, Attempt{StartedAt: now}, StateScheduled, "", "", "429", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	due, err := s.DueTargets(ctx, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range due {
		got = append(got, d.Post.Text+"@"+d.Account.RemoteID)
		if d.Target.PostID != d.Post.ID || d.Target.AccountID != d.Account.ID {
			t.Errorf("mismatched due target %+v", d)
		}
		if len(d.Post.Media) != 1 || d.Post.Media[0].Alt != "dot" || len(d.Post.Targets) == 0 {
			t.Errorf("due post lacks media or targets: %+v", d.Post)
		}
	}
	want := []string{"older@ok", "exact@ok", "exact@other"}
	if len(got) != len(want) {
		t.Fatalf("due = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("due = %v, want %v", got, want)
		}
	}
	if due, _ := s.DueTargets(ctx, now, 1); len(due) != 1 || due[0].Post.ID != older.ID {
		t.Errorf("limit 1 gave %d", len(due))
	}
	// After its backoff the retried target is due again.
	if due, _ := s.DueTargets(ctx, now.Add(time.Minute), 0); len(due) != 5 {
		t.Errorf("after backoff %d due, want 5 (incl. future and retry)", len(due))
	}
	_ = exact
}

func TestClaimTargetRace(t *testing.T) {
	dir := t.TempDir()
	s1 := mustOpenDir(t, dir)
	s2 := mustOpenDir(t, dir) // a second opener, like `localpost publish-due` beside the app
	ctx := context.Background()
	a := mustAccount(t, s1, "mastodon", "1")
	p := mustPost(t, s1, Post{PlannedAt: at("2026-01-01T00:00:00Z"), Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	id := p.Targets[0].ID

	var wins, errs atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 32; i++ {
		st := s1
		if i%2 == 1 {
			st = s2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := st.ClaimTarget(ctx, id, time.Now())
			if err != nil {
				t.Error(err)
				errs.Add(1)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins.Load() != 1 || errs.Load() != 0 {
		t.Fatalf("%d claimants won (%d errors), want exactly 1", wins.Load(), errs.Load())
	}
	got, _ := s1.Post(ctx, p.ID)
	if got.State != StatePublishing || got.Targets[0].State != StatePublishing {
		t.Errorf("after claim: post %s target %s", got.State, got.Targets[0].State)
	}
	if _, err := s1.ClaimTarget(ctx, 987654, time.Now()); !errors.Is(err, ErrNotFound) {
		t.Errorf("claim of missing target = %v", err)
	}
}

func TestFinishAttempt(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-06-01T12:00:00Z")
	a := mustAccount(t, s, "mastodon", "1")
	b := mustAccount(t, s, "x", "2")
	p := mustPost(t, s, Post{PlannedAt: now, Targets: []Target{{AccountID: a.ID, State: StateScheduled}, {AccountID: b.ID, State: StateScheduled}}})
	ta, tb := p.Targets[0].ID, p.Targets[1].ID

	steps := []struct {
		name      string
		target    int64
		st        TargetState
		errMsg    string
		next      time.Time
		wantPost  PostState
		wantError string
	}{
		{"a retries", ta, StateScheduled, "server said 503", now.Add(time.Minute), StateScheduled, "server said 503"},
		{"a published", ta, StatePublished, "ignored on success", time.Time{}, StateScheduled, ""},
		{"b failed", tb, StateFailed, "text too long", time.Time{}, StateFailed, "text too long"},
	}
	for _, step := range steps {
		if ok, err := s.ClaimTarget(ctx, step.target, now); !ok || err != nil {
			t.Fatalf("%s: claim %v %v", step.name, ok, err)
		}
		att := Attempt{StartedAt: now, EndedAt: now.Add(time.Second), HTTPStatus: 200, Message: step.name}
		if err := s.FinishAttempt(ctx, step.target, att, step.st, "remote-"+step.name, "https://example/"+step.name, step.errMsg, step.next); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, _ := s.Post(ctx, p.ID)
		if got.State != step.wantPost {
			t.Errorf("%s: post state %s, want %s", step.name, got.State, step.wantPost)
		}
		for _, tg := range got.Targets {
			if tg.ID == step.target && (tg.State != step.st || tg.LastError != step.wantError || !tg.NextAttemptAt.Equal(step.next)) {
				t.Errorf("%s: target %+v", step.name, tg)
			}
		}
	}
	got, _ := s.Post(ctx, p.ID)
	pa := got.Targets[0]
	if pa.Attempts != 2 || pa.RemoteID != "remote-a published" || pa.RemoteURL != "https://example/a published" ||
		!pa.PublishedAt.Equal(now.Add(time.Second)) || !pa.NextAttemptAt.IsZero() {
		t.Errorf("published target %+v", pa)
	}
	if got.Targets[1].RemoteID != "" || !got.Targets[1].PublishedAt.IsZero() {
		t.Errorf("failed target kept a remote id: %+v", got.Targets[1])
	}
	atts, err := s.Attempts(ctx, ta)
	if err != nil || len(atts) != 2 || atts[0].Outcome != "scheduled" || atts[1].Outcome != "published" ||
		atts[1].HTTPStatus != 200 || !atts[1].EndedAt.Equal(now.Add(time.Second)) {
		t.Errorf("attempts %+v %v", atts, err)
	}
	if err := s.FinishAttempt(ctx, 99999, Attempt{}, StateFailed, "", "", "x", time.Time{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("FinishAttempt on missing target = %v", err)
	}
	if err := s.FinishAttempt(ctx, ta, Attempt{}, "bogus", "", "", "", time.Time{}); err == nil {
		t.Error("FinishAttempt accepted an unknown state")
	}
}

func TestTargetsInStateAndSetTargetState(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-06-01T12:00:00Z")
	a := mustAccount(t, s, "mastodon", "1")
	p := mustPost(t, s, Post{PlannedAt: now, Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	id := p.Targets[0].ID
	if ok, _ := s.ClaimTarget(ctx, id, now); !ok {
		t.Fatal("claim failed")
	}
	// After a crash the publisher finds it and, unable to check, marks it uncertain.
	stuck, err := s.TargetsInState(ctx, StatePublishing)
	if err != nil || len(stuck) != 1 || stuck[0].ID != id || !stuck[0].ClaimedAt.Equal(now) {
		t.Fatalf("TargetsInState(publishing) = %+v, %v", stuck, err)
	}
	if err := s.SetTargetState(ctx, id, StateUncertain, "the app stopped while posting", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Post(ctx, p.ID)
	if got.State != StateUncertain || got.Targets[0].LastError != "the app stopped while posting" {
		t.Errorf("after uncertain: %+v", got)
	}
	// The user says "post it again in an hour".
	if err := s.SetTargetState(ctx, id, StateScheduled, "", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Post(ctx, p.ID)
	if got.State != StateScheduled || !got.Targets[0].NextAttemptAt.Equal(now.Add(time.Hour)) ||
		got.Targets[0].LastError != "the app stopped while posting" {
		t.Errorf("after reschedule: %+v", got.Targets[0])
	}
	if err := s.SetTargetState(ctx, id, StatePublishing, "", time.Time{}); !errors.Is(err, ErrClaimOnly) {
		t.Errorf("SetTargetState(publishing) = %v, want ErrClaimOnly", err)
	}
	if err := s.SetTargetState(ctx, id, StatePublished, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Post(ctx, p.ID)
	if got.State != StatePublished || got.Targets[0].PublishedAt.IsZero() {
		t.Errorf("after marking published: %+v", got)
	}
	if err := s.SetTargetState(ctx, id, StateScheduled, "", time.Time{}); !errors.Is(err, ErrClaimOnly) {
		t.Errorf("moving out of published = %v, want ErrClaimOnly", err)
	}
	if err := s.SetTargetState(ctx, 5555, StateDraft, "", time.Time{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetTargetState on missing target = %v", err)
	}
}

func TestPendingStateKeptUntilPublished(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	acc, err := s.SaveAccount(ctx, Account{Network: "youtube", RemoteID: "UC1", Handle: "chan", Extra: `{"a":"b"}`})
	if err != nil {
		t.Fatal(err)
	}
	if acc.Extra != `{"a":"b"}` {
		t.Fatalf("extra %q", acc.Extra)
	}
	p, err := s.CreatePost(ctx, Post{Text: "v", PlannedAt: time.Now().UTC(), Zone: "UTC",
		Targets: []Target{{AccountID: acc.ID, State: StateScheduled, Options: `{"Title":"T"}`}}})
	if err != nil {
		t.Fatal(err)
	}
	tid := p.Targets[0].ID
	if p.Targets[0].Options != `{"Title":"T"}` {
		t.Fatalf("options %q", p.Targets[0].Options)
	}
	if err := s.SetTargetPending(ctx, tid, []byte(`{"session":"s1"}`)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Post(ctx, p.ID)
	if string(got.Targets[0].Pending) != `{"session":"s1"}` {
		t.Fatalf("pending %q", got.Targets[0].Pending)
	}
	if err := s.FinishAttempt(ctx, tid, Attempt{Outcome: "published"}, StatePublished, "v1", "https://x/v1", "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Post(ctx, p.ID)
	if got.Targets[0].Pending != nil {
		t.Fatalf("pending kept after publishing: %q", got.Targets[0].Pending)
	}
	if err := s.SetTargetPending(ctx, 9999, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing target: %v", err)
	}
}

func TestHandOverToNetworkScheduler(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	fb, err := s.SaveAccount(ctx, Account{Network: "facebook", RemoteID: "page1", Handle: "Café"})
	if err != nil {
		t.Fatal(err)
	}
	md, err := s.SaveAccount(ctx, Account{Network: "mastodon", Server: "https://m.example", RemoteID: "1", Handle: "@c"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	p, err := s.CreatePost(ctx, Post{Text: "later", PlannedAt: now.Add(3 * time.Hour), Zone: "UTC",
		Targets: []Target{{AccountID: fb.ID, State: StateScheduled}, {AccountID: md.ID, State: StateScheduled}}})
	if err != nil {
		t.Fatal(err)
	}
	up, err := s.UpcomingTargets(ctx, now, now.Add(24*time.Hour), []string{"facebook"}, 0)
	if err != nil || len(up) != 1 || up[0].Account.ID != fb.ID {
		t.Fatalf("upcoming %+v %v", up, err)
	}
	tid := up[0].Target.ID
	if ok, err := s.ClaimTarget(ctx, tid, now); !ok || err != nil {
		t.Fatalf("claim %v %v", ok, err)
	}
	if err := s.HandOver(ctx, tid, Attempt{StartedAt: now, EndedAt: now}, "fb_1", "https://fb/1", "scheduled there"); err != nil {
		t.Fatal(err)
	}
	if up, _ := s.UpcomingTargets(ctx, now, now.Add(24*time.Hour), []string{"facebook"}, 0); len(up) != 0 {
		t.Fatalf("handed-over target still upcoming: %+v", up)
	}
	later := now.Add(4 * time.Hour)
	due, _ := s.DueTargets(ctx, later, 0)
	if len(due) != 1 || due[0].Account.ID != md.ID {
		t.Fatalf("due at the time: %+v (the handed-over one must not be due)", due)
	}
	if hd, _ := s.HandedOverDue(ctx, now); len(hd) != 0 {
		t.Fatalf("handed over and due before the time: %+v", hd)
	}
	hd, err := s.HandedOverDue(ctx, later)
	if err != nil || len(hd) != 1 || hd[0].RemoteURL != "https://fb/1" {
		t.Fatalf("handed over at the time: %+v %v", hd, err)
	}
	// Saved unchanged, a handed-over post queues nothing for the network
	// (native_test.go: what a change queues).
	got, _ := s.Post(ctx, p.ID)
	if _, err := s.UpdatePost(ctx, got); err != nil {
		t.Fatalf("update of a handed-over post: %v", err)
	}
	if cs, err := s.PendingRemoteChanges(ctx, later, 0); err != nil || len(cs) != 0 {
		t.Fatalf("unchanged post queued %+v, %v", cs, err)
	}
	at, _ := s.Attempts(ctx, tid)
	if len(at) != 1 || at[0].Outcome != "handed_over" {
		t.Fatalf("attempts %+v", at)
	}
}
