package youtube_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/youtube"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestMoveAndCancelScheduled moves a video YouTube holds, deletes another,
// and leaves one YouTube has published alone; every call is checked
// against the Discovery document.
func TestMoveAndCancelScheduled(t *testing.T) {
	f, p, creds := setup(t)
	clk := &clock{t: time.Now()}
	f.SetClock(clk.now)
	tok := connect(t, f, p, creds)
	ctx := context.Background()
	path, _ := writeVideo(t, 1000)
	at := time.Now().Add(2 * time.Hour).Truncate(time.Second)
	upload := func() string {
		post := videoPost(path)
		post.Options.PublishAt = at
		res, err := p.Publish(ctx, platforms.Identity{}, tok, post, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.RemoteID
	}
	moved, cancelled := upload(), upload()
	video := func(id string) (fakes.YouTubeVideo, bool) {
		for _, v := range f.Posts() {
			if v.ID == id {
				return v, true
			}
		}
		return fakes.YouTubeVideo{}, false
	}

	later := at.Add(3 * time.Hour)
	if err := p.Reschedule(ctx, platforms.Identity{}, tok, moved, later); err != nil {
		t.Fatal(err)
	}
	if v, _ := video(moved); v.Privacy != "private" || v.PublishAt != later.UTC().Format(time.RFC3339) {
		t.Fatalf("after the move: %+v", v)
	}
	if err := p.CancelScheduled(ctx, platforms.Identity{}, tok, cancelled); err != nil {
		t.Fatal(err)
	}
	if _, ok := video(cancelled); ok {
		t.Fatal("the cancelled video is still on the channel")
	}
	if err := p.CancelScheduled(ctx, platforms.Identity{}, tok, cancelled); err != nil {
		t.Fatalf("cancel a video already gone: %v", err)
	}

	// Its time comes: public now, so it is neither moved nor deleted.
	clk.add(6 * time.Hour)
	if err := p.CancelScheduled(ctx, platforms.Identity{}, tok, moved); !errors.Is(err, platforms.ErrAlreadyPublished) {
		t.Fatalf("cancel a public video: %v", err)
	}
	if err := p.Reschedule(ctx, platforms.Identity{}, tok, moved, time.Now().Add(9*time.Hour)); !errors.Is(err, platforms.ErrAlreadyPublished) {
		t.Fatalf("move a public video: %v", err)
	}
	if v, ok := video(moved); !ok || v.Privacy != "public" {
		t.Fatalf("the published video: %+v", v)
	}

	d, err := fakes.LoadDiscovery(filepath.Join("..", "fakes", "testdata", "youtube-v3.discovery.json"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range f.Requests() {
		if r.Path == "/o/oauth2/v2/auth" || r.Path == "/token" {
			continue
		}
		seen[d.Method(r.Method, r.Path, r.Query)] = true
		for _, e := range d.Check(r) {
			t.Error(e)
		}
	}
	for _, want := range []string{"youtube.videos.list", "youtube.videos.update", "youtube.videos.delete"} {
		if !seen[want] {
			t.Errorf("not exercised: %s (saw %v)", want, seen)
		}
	}
}

// TestMoveNeedsTheManageScope: a login from before Localpost asked for
// youtube.force-ssl is told to reconnect.
func TestMoveNeedsTheManageScope(t *testing.T) {
	f, p, creds := setup(t)
	lb := newLoopback(t)
	v := "0123456789012345678901234567890123456789abc"
	if err := f.ApproveScopes(authURL(t, p, creds, lb.uri, v), []string{youtube.ScopeUpload, youtube.ScopeReadOnly}); err != nil {
		t.Fatal(err)
	}
	tok, err := p.Exchange(context.Background(), creds, lb.uri, lb.query().Get("code"), v)
	if err != nil {
		t.Fatal(err)
	}
	path, _ := writeVideo(t, 1000)
	post := videoPost(path)
	post.Options.PublishAt = time.Now().Add(time.Hour)
	res, err := p.Publish(context.Background(), platforms.Identity{}, tok, post, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = p.CancelScheduled(context.Background(), platforms.Identity{}, tok, res.RemoteID)
	pe := kindOf(t, err, platforms.KindReconnect)
	if pe.Status != http.StatusForbidden || len(f.Posts()) != 1 {
		t.Fatalf("%v; %d videos", pe, len(f.Posts()))
	}
}
