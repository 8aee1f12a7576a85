package facebook_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestMoveAndCancelScheduled moves and deletes posts and a video the Page
// holds, and leaves a published one alone; every call is checked against
// Meta's node descriptions.
func TestMoveAndCancelScheduled(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	old := facebook.ChunkSize
	facebook.ChunkSize = 1024
	defer func() { facebook.ChunkSize = old }()
	clk := &clock{t: time.Now()}
	f.SetClock(clk.now)
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	ctx := context.Background()
	at := time.Now().Add(2 * time.Hour).Truncate(time.Second)
	var _ platforms.Unscheduler = p

	text, err := p.Publish(ctx, id, tok, platforms.Post{Text: "Later", Options: platforms.Options{PublishAt: at}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	photo, err := p.Publish(ctx, id, tok, platforms.Post{Text: "A photo later", Media: []platforms.Media{writeJPEG(t, "a.jpg")}, Options: platforms.Options{PublishAt: at}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	video, err := p.Publish(ctx, id, tok, platforms.Post{Text: "A video later", Media: []platforms.Media{writeVideo(t, 3000)}, Options: platforms.Options{PublishAt: at}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	held := func(remoteID string) (fakes.MetaPost, bool) {
		for _, mp := range f.Posts() {
			if mp.ID == remoteID {
				return mp, true
			}
		}
		return fakes.MetaPost{}, false
	}

	later := at.Add(3 * time.Hour)
	for _, r := range []platforms.Result{text, video} {
		if err := p.Reschedule(ctx, id, tok, r.RemoteID, later); err != nil {
			t.Fatalf("move %s: %v", r.RemoteID, err)
		}
		if mp, ok := held(r.RemoteID); !ok || mp.Published || !mp.Scheduled.Equal(later) {
			t.Fatalf("after the move %s: %+v", r.RemoteID, mp)
		}
	}
	if err := p.Reschedule(ctx, id, tok, text.RemoteID, time.Now().Add(time.Minute)); platforms.KindOf(err) != platforms.KindFixPost {
		t.Fatalf("a time within the lead: %v", err)
	}

	for _, r := range []platforms.Result{photo, video} {
		if err := p.CancelScheduled(ctx, id, tok, r.RemoteID); err != nil {
			t.Fatalf("cancel %s: %v", r.RemoteID, err)
		}
		if _, ok := held(r.RemoteID); ok {
			t.Fatalf("%s still held after cancelling", r.RemoteID)
		}
		// Gone already counts as cancelled.
		if err := p.CancelScheduled(ctx, id, tok, r.RemoteID); err != nil {
			t.Fatalf("cancel again %s: %v", r.RemoteID, err)
		}
	}

	// The time comes: the Page publishes the text post; now it can be
	// neither moved nor taken back, and is not deleted.
	clk.add(6 * time.Hour)
	if mp, ok := held(text.RemoteID); !ok || !mp.Published {
		t.Fatalf("after its time: %+v", mp)
	}
	if err := p.CancelScheduled(ctx, id, tok, text.RemoteID); !errors.Is(err, platforms.ErrAlreadyPublished) {
		t.Fatalf("cancel a published post: %v", err)
	}
	if err := p.Reschedule(ctx, id, tok, text.RemoteID, clk.now().Add(time.Hour)); !errors.Is(err, platforms.ErrAlreadyPublished) {
		t.Fatalf("move a published post: %v", err)
	}
	if _, ok := held(text.RemoteID); !ok || len(f.Posts()) != 1 {
		t.Fatalf("the published post was removed: %+v", f.Posts())
	}

	spec, err := fakes.LoadGraphSpec(filepath.Join("..", "fakes", "testdata", "facebook-graph-api"), fakes.MetaVersion)
	if err != nil {
		t.Fatal(err)
	}
	spec.AllowParam("Page", "POST", "photos", "source", "multipart file, Page Photos reference")
	spec.AllowParam("Page", "POST", "videos", "video_file_chunk", "sent as a multipart file (resumable upload guide)")
	seen := map[string]bool{}
	for _, r := range f.Requests() {
		segs := strings.Split(strings.Trim(r.Path, "/"), "/")
		if len(segs) != 2 || segs[0] != fakes.MetaVersion || segs[1] == "me" {
			continue
		}
		seen[r.Method+" "+f.NodeType(segs[1])] = true
		for _, e := range spec.Check(r, f.NodeType) {
			t.Error(e)
		}
	}
	for _, want := range []string{"GET PagePost", "POST PagePost", "DELETE PagePost", "GET AdVideo", "POST AdVideo", "DELETE AdVideo"} {
		if !seen[want] {
			t.Errorf("not exercised: %s (saw %v)", want, seen)
		}
	}
}
