package mastodon_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/mastodon"
)

func findSetup(t *testing.T) (*mastodon.Client, platforms.Identity, platforms.Token) {
	t.Helper()
	_, c := newFake(t)
	_, token := connect(t, c)
	acc, err := c.VerifyCredentials(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return c, platforms.Identity{RemoteID: acc.RemoteID}, platforms.Token{Access: token}
}

func TestFindRecent(t *testing.T) {
	f, c := newFake(t)
	_, token := connect(t, c)
	ctx := context.Background()
	acc, err := c.VerifyCredentials(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	id, tok := platforms.Identity{RemoteID: acc.RemoteID}, platforms.Token{Access: token}
	since := time.Now().Add(-time.Minute)
	posts := []platforms.Post{
		{Text: "Winter hours\n\nMon–Fri 8 to 6 & Sat 9 to 1 <3"}, // paragraphs, entities in the HTML
		{Text: "Menu: https://example.com/winter/menu"},
		{Text: "Our window", Media: []platforms.Media{{Path: writeImage(t, "w.png"), Mime: "image/png"}}},
	}
	var want []platforms.Result
	for _, p := range posts {
		res, err := c.Publish(ctx, token, p)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, res)
	}
	for i, p := range posts {
		res, found, err := c.FindRecent(ctx, id, tok, p, since)
		if err != nil || !found || res != want[i] {
			t.Errorf("%q: found %v %+v, %v; want %+v", p.Text, found, res, err, want[i])
		}
	}
	if _, found, err := c.FindRecent(ctx, id, tok, platforms.Post{Text: "Never posted"}, since); found || err != nil {
		t.Errorf("a status never made: found %v, %v", found, err)
	}
	// Statuses before the moment asked about are not it, and the first
	// older one ends the look: one page.
	before := len(f.Requests())
	if _, found, err := c.FindRecent(ctx, id, tok, posts[0], time.Now().Add(time.Minute)); found || err != nil {
		t.Errorf("an older status: found %v, %v", found, err)
	}
	if n := len(f.Requests()) - before; n != 1 {
		t.Errorf("%d requests for a look that ends on the first page", n)
	}
	checkSpec(t, f)
	for _, r := range f.Requests() {
		if strings.HasSuffix(r.Path, "/statuses") && r.Method == "GET" {
			q, _ := url.ParseQuery(r.Query)
			if q.Get("limit") != "40" || q.Get("exclude_reblogs") != "true" {
				t.Errorf("statuses listed with %s", r.Query)
			}
		}
	}
}

// TestFindRecentPagesBack: a status behind the first page of 40 is found
// through max_id.
func TestFindRecentPagesBack(t *testing.T) {
	f, c := newFake(t)
	_, token := connect(t, c)
	ctx := context.Background()
	acc, err := c.VerifyCredentials(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-time.Minute)
	first := platforms.Post{Text: "The first of many"}
	want, err := c.Publish(ctx, token, first)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 45 {
		if _, err := c.Publish(ctx, token, platforms.Post{Text: fmt.Sprintf("Status %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	before := len(f.Requests())
	res, found, err := c.FindRecent(ctx, platforms.Identity{RemoteID: acc.RemoteID}, platforms.Token{Access: token}, first, since)
	if err != nil || !found || res != want {
		t.Fatalf("found %v %+v, %v; want %+v", found, res, err, want)
	}
	reqs := f.Requests()[before:]
	if len(reqs) != 2 || !strings.Contains(reqs[1].Query, "max_id=") {
		t.Fatalf("%d requests, want 2 pages (the second by max_id): %+v", len(reqs), reqs)
	}
	checkSpec(t, f)
}

func TestFindRecentCannotCheck(t *testing.T) {
	c, id, tok := findSetup(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	if _, _, err := c.FindRecent(ctx, id, tok, platforms.Post{Text: " "}, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("no text: %v", err)
	}
	// An account the server does not know: it will not tell.
	if _, _, err := c.FindRecent(ctx, platforms.Identity{RemoteID: "1"}, tok, platforms.Post{Text: "x"}, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("unknown account: %v", err)
	}
	// The server is down: no answer, try again later.
	down, err := mastodon.New("http://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, found, err := down.FindRecent(ctx, id, tok, platforms.Post{Text: "x"}, since)
	if found || err == nil || errors.Is(err, platforms.ErrCannotCheck) || platforms.KindOf(err) != platforms.KindRetry {
		t.Errorf("server down: found %v, %v", found, err)
	}
}
