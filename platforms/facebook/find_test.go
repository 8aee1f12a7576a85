package facebook_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
)

// checkLookups checks the published_posts requests against Meta's node
// descriptions.
func checkLookups(t *testing.T, f *fakes.Meta) int {
	t.Helper()
	spec, err := fakes.LoadGraphSpec(filepath.Join("..", "fakes", "testdata", "facebook-graph-api"), fakes.MetaVersion)
	if err != nil {
		t.Fatal(err)
	}
	spec.AllowParam("Page", "GET", "published_posts", "since", "time-based paging, Graph API pagination guide (since/until on every edge)")
	n := 0
	for _, r := range f.Requests() {
		if !strings.HasSuffix(r.Path, "/published_posts") {
			continue
		}
		n++
		for _, e := range spec.Check(r, f.NodeType) {
			t.Error(e)
		}
	}
	return n
}

func TestFindRecent(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	posts := []platforms.Post{
		{Text: "Fresh bread today", Options: platforms.Options{Link: "https://example.com/bread"}},
		{Text: "One photo", Media: []platforms.Media{writeJPEG(t, "a.jpg")}},
		// The link goes into the message next to photos.
		{Text: "Two photos", Media: []platforms.Media{writeJPEG(t, "b.jpg"), writeJPEG(t, "c.jpg")}, Options: platforms.Options{Link: "https://example.com/menu"}},
	}
	var want []platforms.Result
	for _, post := range posts {
		res, err := p.Publish(ctx, id, tok, post, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, res)
	}
	for i, post := range posts {
		res, found, err := p.FindRecent(ctx, id, tok, post, since)
		if err != nil || !found || res != want[i] {
			t.Errorf("%q: found %v %+v, %v; want %+v", post.Text, found, res, err, want[i])
		}
	}
	if _, found, err := p.FindRecent(ctx, id, tok, platforms.Post{Text: "Never posted"}, since); found || err != nil {
		t.Errorf("a post never made: found %v, %v", found, err)
	}
	if _, found, err := p.FindRecent(ctx, id, tok, posts[0], time.Now().Add(time.Minute)); found || err != nil {
		t.Errorf("an older post: found %v, %v", found, err)
	}
	// A post the Page holds for later is not a published post.
	later := platforms.Post{Text: "Tomorrow's special", Options: platforms.Options{PublishAt: time.Now().Add(2 * time.Hour)}}
	if _, err := p.Publish(ctx, id, tok, later, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, found, err := p.FindRecent(ctx, id, tok, later, since); found || err != nil {
		t.Errorf("a scheduled post: found %v, %v", found, err)
	}
	if n := checkLookups(t, f); n != 6 {
		t.Errorf("%d lookups", n)
	}
	for _, r := range f.Requests() {
		if strings.Contains(r.Query+string(r.Response), tok.Access) || id.Token != "" && strings.Contains(r.Query+string(r.Response), id.Token) {
			t.Errorf("%s %s: a token was recorded", r.Method, r.Path)
		}
	}
}

// TestFindRecentPagesToTheEnd: a post behind the first page of 100 is
// found by the after cursor.
func TestFindRecentPagesToTheEnd(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	first := platforms.Post{Text: "The first of many"}
	want, err := p.Publish(ctx, id, tok, first, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 110 {
		if _, err := p.Publish(ctx, id, tok, platforms.Post{Text: fmt.Sprintf("Post %d", i)}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	res, found, err := p.FindRecent(ctx, id, tok, first, since)
	if err != nil || !found || res != want {
		t.Fatalf("found %v %+v, %v; want %+v", found, res, err, want)
	}
	if n := checkLookups(t, f); n != 2 {
		t.Errorf("%d pages read, want 2", n)
	}
}

func TestFindRecentCannotCheck(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	if _, _, err := p.FindRecent(ctx, id, tok, platforms.Post{Media: []platforms.Media{writeJPEG(t, "a.jpg")}}, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("no text: %v", err)
	}
	// With the user's token instead of the Page's, Graph refuses the list.
	user := id
	user.Token = ""
	if _, _, err := p.FindRecent(ctx, user, tok, platforms.Post{Text: "x"}, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("user token: %v", err)
	}
	f.Close()
	_, found, err := p.FindRecent(ctx, id, tok, platforms.Post{Text: "x"}, since)
	if found || err == nil || errors.Is(err, platforms.ErrCannotCheck) || platforms.KindOf(err) != platforms.KindRetry {
		t.Errorf("Facebook unreachable: found %v, %v", found, err)
	}
}
