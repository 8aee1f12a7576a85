package pinterest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
)

// checkLookups checks the board listings against Pinterest's description
// (paths relative to /v5) and returns how many there were.
func checkLookups(t *testing.T, f *fakes.Pinterest) int {
	t.Helper()
	spec, err := fakes.LoadSpec(filepath.Join("..", "fakes", "testdata", "pinterest-v5.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range f.Requests() {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.Path, "/pins") {
			continue
		}
		n++
		r.Path = strings.TrimPrefix(r.Path, "/v5")
		for _, e := range spec.Check(r) {
			t.Error(e)
		}
	}
	return n
}

func TestFindRecent(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	post, _ := e.imagePost(t)
	want, err := e.p.Publish(ctx, e.id, e.tok, post, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, found, err := e.p.FindRecent(ctx, e.id, e.tok, post, since)
	if err != nil || !found || res != want {
		t.Errorf("found %v %+v, %v; want %+v", found, res, err, want)
	}
	other := post
	other.Text = "Never pinned"
	if _, found, err := e.p.FindRecent(ctx, e.id, e.tok, other, since); found || err != nil {
		t.Errorf("a Pin never made: found %v, %v", found, err)
	}
	retitled := post
	retitled.Options.Title = "Other title"
	if _, found, err := e.p.FindRecent(ctx, e.id, e.tok, retitled, since); found || err != nil {
		t.Errorf("another title: found %v, %v", found, err)
	}
	if _, found, err := e.p.FindRecent(ctx, e.id, e.tok, post, time.Now().Add(time.Minute)); found || err != nil {
		t.Errorf("an older Pin: found %v, %v", found, err)
	}
	onOther := post
	onOther.Options.BoardID = e.id.Boards[1].ID
	if _, found, err := e.p.FindRecent(ctx, e.id, e.tok, onOther, since); found || err != nil {
		t.Errorf("on another board: found %v, %v", found, err)
	}
	if n := checkLookups(t, e.f); n != 5 {
		t.Errorf("%d lookups, want 5", n)
	}
}

// TestFindRecentReadsTheWholeBoard: boards sorted by hand do not list the
// newest Pin first, so every page is read before "not there".
func TestFindRecentReadsTheWholeBoard(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	post, _ := e.imagePost(t)
	post.Media[0].PublicURL = "https://media.example.com/a.jpg"
	for i := range 260 {
		p := post
		p.Text = fmt.Sprintf("Pin %d", i)
		if _, err := e.p.Publish(ctx, e.id, e.tok, p, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	want, err := e.p.Publish(ctx, e.id, e.tok, post, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, found, err := e.p.FindRecent(ctx, e.id, e.tok, post, since); err != nil || !found || res != want {
		t.Fatalf("found %v %+v, %v; want %+v", found, res, err, want)
	}
	if n := checkLookups(t, e.f); n != 1 {
		t.Errorf("%d pages to find the newest Pin, want 1", n)
	}
	post.Text = "Never pinned"
	if _, found, err := e.p.FindRecent(ctx, e.id, e.tok, post, since); found || err != nil {
		t.Fatalf("a Pin never made: found %v, %v", found, err)
	}
	if n := checkLookups(t, e.f); n != 3 {
		t.Errorf("%d pages in all, want 1 + 2 (the whole board)", n)
	}
}

func TestFindRecentCannotCheck(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	post, _ := e.imagePost(t)
	noBoard := post
	noBoard.Options.BoardID = ""
	if _, _, err := e.p.FindRecent(ctx, e.id, e.tok, noBoard, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("no board: %v", err)
	}
	bare := post
	bare.Text, bare.Options.Title = "", ""
	if _, _, err := e.p.FindRecent(ctx, e.id, e.tok, bare, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("no text, no title: %v", err)
	}
	unknown := post
	unknown.Options.BoardID = "999"
	if _, _, err := e.p.FindRecent(ctx, e.id, e.tok, unknown, since); !errors.Is(err, platforms.ErrCannotCheck) {
		t.Errorf("unknown board: %v", err)
	}
	e.f.Close()
	_, found, err := e.p.FindRecent(ctx, e.id, e.tok, post, since)
	if found || err == nil || errors.Is(err, platforms.ErrCannotCheck) || platforms.KindOf(err) != platforms.KindRetry {
		t.Errorf("Pinterest unreachable: found %v, %v", found, err)
	}
}
