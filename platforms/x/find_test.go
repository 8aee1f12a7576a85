package x_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
)

func TestFindRecent(t *testing.T) {
	f, p, tok, id := setup(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	posts := []platforms.Post{
		{Text: "Menu: https://example.com/winter/menu today"}, // X stores the link as t.co
		{Text: "Tom & Jerry <3 our café"},                     // X escapes & < >
		{Text: "Our window", Media: []platforms.Media{writePNG(t, "w.png")}},
	}
	for _, post := range posts {
		if _, err := p.Publish(ctx, id, tok, post, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	got := f.Posts()
	for i, post := range posts {
		res, found, err := p.FindRecent(ctx, id, tok, post, since)
		if err != nil || !found {
			t.Fatalf("%q: found %v, %v", post.Text, found, err)
		}
		if res.RemoteID != got[i].ID || !strings.HasSuffix(res.URL, "/"+fakes.XUsername+"/status/"+got[i].ID) {
			t.Errorf("%q: found %+v, want post %s", post.Text, res, got[i].ID)
		}
	}
	// Not there: a sure answer, no error.
	if _, found, err := p.FindRecent(ctx, id, tok, platforms.Post{Text: "Never posted"}, since); found || err != nil {
		t.Errorf("a post never made: found %v, %v", found, err)
	}
	// Posted before the moment asked about: not it.
	if _, found, err := p.FindRecent(ctx, id, tok, posts[0], time.Now().Add(time.Minute)); found || err != nil {
		t.Errorf("an older post: found %v, %v", found, err)
	}
	for _, r := range f.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/tweets") {
			q, _ := url.ParseQuery(r.Query)
			if q.Get("start_time") == "" || q.Get("max_results") != "100" {
				t.Errorf("timeline read without start_time or with %s a page: %s", q.Get("max_results"), r.Query)
			}
		}
	}
}

// TestFindRecentPagesToTheEnd: a post behind the first page of 100 is
// found; the answer "not there" comes only after the last page.
func TestFindRecentPagesToTheEnd(t *testing.T) {
	f, p, tok, id := setup(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	first := platforms.Post{Text: "The first of many"}
	if _, err := p.Publish(ctx, id, tok, first, nil, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		if _, err := p.Publish(ctx, id, tok, platforms.Post{Text: fmt.Sprintf("Post %d", i)}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	before := len(f.Requests())
	res, found, err := p.FindRecent(ctx, id, tok, first, since)
	if err != nil || !found || res.RemoteID != f.Posts()[0].ID {
		t.Fatalf("found %v %+v, %v", found, res, err)
	}
	spec, err := fakes.LoadSpec(filepath.Join("..", "fakes", "testdata", "x-api-v2.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, r := range f.Requests()[before:] {
		if strings.HasSuffix(r.Path, "/tweets") {
			for _, e := range spec.Check(r) {
				t.Error(e)
			}
			pages++
			if pages == 2 && !strings.Contains(r.Query, "pagination_token=") {
				t.Errorf("second page without pagination_token: %s", r.Query)
			}
		}
	}
	if pages != 2 {
		t.Errorf("%d pages read, want 2", pages)
	}
}

func TestFindRecentCannotCheck(t *testing.T) {
	f, p, tok, id := setup(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	// A media-only post has no text to match.
	if _, _, err := p.FindRecent(ctx, id, tok, platforms.Post{Media: []platforms.Media{writePNG(t, "a.png")}}, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("no text: %v", err)
	}
	// X refuses to list (the app's access level): cannot check.
	f.FailStep(fakes.XStepTimeline, 1, http.StatusForbidden)
	if _, _, err := p.FindRecent(ctx, id, tok, platforms.Post{Text: "x"}, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("403: %v", err)
	}
	// A passing failure is not an answer: the look can be tried again.
	f.FailStep(fakes.XStepTimeline, 1, http.StatusServiceUnavailable)
	_, found, err := p.FindRecent(ctx, id, tok, platforms.Post{Text: "x"}, since)
	if err == nil || found || errors.Is(err, platforms.ErrCannotCheck) || platforms.KindOf(err) != platforms.KindRetry {
		t.Errorf("503: found %v, %v", found, err)
	}
	if strings.Contains(err.Error(), tok.Access) {
		t.Error("the token is in the error")
	}
}
