package app

import (
	"context"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// TestMastodonThreadPublishedAtItsTime: a Mastodon thread is not handed to
// the server's scheduler (its replies need the head's id); Localpost
// publishes it at the time as a chain of replies.
func TestMastodonThreadPublishedAtItsTime(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	plain := e.schedule(t, e.draft("Soup of the day", at, e.masto))
	d := e.draft("Our week, a thread. 1/3", at, e.masto)
	d.Variants = map[int64]Variant{e.masto.ID: {Options: platforms.Options{Thread: []string{"Monday: bread. 2/3", "Tuesday: cake. 3/3"}}}}
	thread := e.schedule(t, d)
	e.app.Start(ctx)
	e.waitHanded(t, plain.ID) // the same round looked at the thread

	if held := e.nets.Mastodon.Scheduled(); len(held) != 1 || held[0].Text != "Soup of the day" {
		t.Fatalf("the server holds %+v, want only the post without a thread", held)
	}
	if tg := e.target(t, thread.ID, e.masto); tg.RemoteID != "" || tg.State != data.StateScheduled {
		t.Fatalf("thread target %+v", tg)
	}

	e.clock.Set(at.Add(time.Minute))
	e.app.Wake()
	waitFor(t, "thread published", func() bool { return e.post(t, thread.ID).State == data.StatePublished })
	var chain []string
	parent := map[string]string{}
	for _, s := range e.nets.Mastodon.Statuses() {
		parent[s.ID] = s.InReplyTo
		if s.Text != "Soup of the day" {
			chain = append(chain, s.ID)
		}
	}
	if len(chain) != 3 || parent[chain[0]] != "" || parent[chain[1]] != chain[0] || parent[chain[2]] != chain[1] {
		t.Fatalf("thread statuses %v, parents %v", chain, parent)
	}
	if tg := e.target(t, thread.ID, e.masto); tg.RemoteID != chain[0] {
		t.Errorf("target links %q, want the head %q", tg.RemoteID, chain[0])
	}
}
