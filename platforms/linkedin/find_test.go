package linkedin_test

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
	"localpost/platforms/linkedin"
)

// checkLookups checks the GET /rest/posts requests against the description
// written from LinkedIn's docs and returns how many there were.
func checkLookups(t *testing.T, f *fakes.LinkedIn) int {
	t.Helper()
	c, err := fakes.LoadLinkedInContract(filepath.Join("..", "fakes", "testdata", "linkedin", "linkedin-rest.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range f.Requests() {
		if r.Method != http.MethodGet || r.Path != "/rest/posts" {
			continue
		}
		n++
		if c.Operation(r.Request) == "" {
			t.Errorf("%s %s: not in the description", r.Method, r.Path)
		}
		for _, e := range c.Check(r) {
			t.Error(e)
		}
	}
	return n
}

func TestFindRecent(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	_, org := identities(t, p, tok)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	posts := []platforms.Post{
		{Text: "Open (finally) [beta] <3 @team #launch https://example.com/a_(b)"}, // escaped as "little" text
		{Text: "A photo", Media: []platforms.Media{media(t, "a.png", "image/png", 200)}},
	}
	var want []platforms.Result
	for _, post := range posts {
		res, err := p.Publish(ctx, org, tok, post, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, res)
	}
	for i, post := range posts {
		res, found, err := p.FindRecent(ctx, org, tok, post, since)
		if err != nil || !found || res != want[i] {
			t.Errorf("%q: found %v %+v, %v; want %+v", post.Text, found, res, err, want[i])
		}
	}
	if _, found, err := p.FindRecent(ctx, org, tok, platforms.Post{Text: "Never posted"}, since); found || err != nil {
		t.Errorf("a post never made: found %v, %v", found, err)
	}
	if _, found, err := p.FindRecent(ctx, org, tok, posts[0], time.Now().Add(time.Minute)); found || err != nil {
		t.Errorf("an older post: found %v, %v", found, err)
	}
	if n := checkLookups(t, f); n != 4 {
		t.Errorf("%d lookups, want 4", n)
	}
	for _, r := range f.Requests() {
		if r.Path == "/rest/posts" && r.Method == http.MethodGet {
			q, _ := url.ParseQuery(r.Query)
			if q.Get("sortBy") != "CREATED" {
				t.Errorf("posts listed by %q: only CREATED makes an older post the end", q.Get("sortBy"))
			}
		}
	}
}

// TestFindRecentPagesToTheEnd: a post behind the first page of 50 is found
// by start.
func TestFindRecentPagesToTheEnd(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	_, org := identities(t, p, tok)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	first := platforms.Post{Text: "The first of many"}
	want, err := p.Publish(ctx, org, tok, first, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 55 {
		if _, err := p.Publish(ctx, org, tok, platforms.Post{Text: fmt.Sprintf("Post %d", i)}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	res, found, err := p.FindRecent(ctx, org, tok, first, since)
	if err != nil || !found || res != want {
		t.Fatalf("found %v %+v, %v; want %+v", found, res, err, want)
	}
	if n := checkLookups(t, f); n != 2 {
		t.Errorf("%d pages read, want 2", n)
	}
}

// TestFindRecentMemberCannotCheck: LinkedIn lists a member's posts only to
// approved partners, so for a profile the answer is "cannot check".
func TestFindRecentMemberCannotCheck(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	member, org := identities(t, p, tok)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	post := platforms.Post{Text: "Hello from me"}
	if _, err := p.Publish(ctx, member, tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, found, err := p.FindRecent(ctx, member, tok, post, since)
	if found || !errors.Is(err, platforms.ErrCannotCheck) || !strings.Contains(err.Error(), "approved partners") {
		t.Errorf("member: found %v, %v", found, err)
	}
	if _, _, err := p.FindRecent(ctx, org, tok, platforms.Post{}, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("no text: %v", err)
	}
	f.Close()
	_, found, err = p.FindRecent(ctx, org, tok, post, since)
	if found || err == nil || errors.Is(err, platforms.ErrCannotCheck) || platforms.KindOf(err) != platforms.KindRetry {
		t.Errorf("LinkedIn unreachable: found %v, %v", found, err)
	}
}

func TestUnescapeLittle(t *testing.T) {
	for _, s := range []string{"", "plain", "Open (finally) [beta] {v2} <3 @team ~ *news* a_b \\ | #launch", `C:\path\to`} {
		if got := linkedin.UnescapeLittle(linkedin.EscapeLittle(s)); got != s {
			t.Errorf("UnescapeLittle(EscapeLittle(%q)) = %q", s, got)
		}
	}
}
