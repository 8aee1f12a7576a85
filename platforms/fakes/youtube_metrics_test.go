package fakes_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/youtube"
)

// ytConnect connects the real client to a new fake and returns the
// channel.
func ytConnect(t *testing.T) (*fakes.YouTube, *youtube.Provider, platforms.Identity, platforms.Token) {
	t.Helper()
	f := fakes.NewYouTube()
	t.Cleanup(f.Close)
	p := youtube.New(youtube.Config{APIURL: f.URL + "/youtube/v3", UploadURL: f.URL + "/upload/youtube/v3",
		AuthURL: f.URL + "/o/oauth2/v2/auth", TokenURL: f.URL + "/token", SiteURL: f.URL})
	creds := platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}
	var got url.Values
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.URL.Query() }))
	t.Cleanup(lb.Close)
	redirect := lb.URL + "/callback"
	v := oauth2.GenerateVerifier()
	if err := f.Approve(youtube.AuthCodeURL(p.Authorize(creds, redirect), creds.ClientID, redirect, "s", oauth2.S256ChallengeFromVerifier(v))); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, err := p.Exchange(ctx, creds, redirect, got.Get("code"), v)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return f, p, ids[0], tok
}

// TestYouTubeMetrics reads two videos' statistics twice through the real
// client: the numbers grow and land under the shared names, unknown
// videos are left out, 52 ids take two calls, subscribers grow, and every
// request and answer matches the Discovery document.
func TestYouTubeMetrics(t *testing.T) {
	f, p, id, tok := ytConnect(t)
	ctx := context.Background()
	vp := filepath.Join(t.TempDir(), "v.mp4")
	if err := os.WriteFile(vp, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	var posted []string
	for _, title := range []string{"one", "two"} {
		post := platforms.Post{Text: "Metrics " + title, Media: []platforms.Media{{Path: vp, Mime: "video/mp4"}},
			Options: platforms.Options{Privacy: "public"}}
		res, err := p.Publish(ctx, id, tok, post, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, res.RemoteID)
	}
	if p.MetricsWindow() != 0 {
		t.Errorf("window %v, want 0", p.MetricsWindow())
	}
	// posted[0], 50 unknown ids, posted[1]: two calls of 50 and 2.
	asked := []string{posted[0]}
	for i := range 50 {
		asked = append(asked, "gone"+strconv.Itoa(i))
	}
	asked = append(asked, posted[1])
	first, err := p.PostMetrics(ctx, id, tok, asked)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 {
		t.Fatalf("answer for %d videos, want the 2 that exist: %v", len(first), first)
	}
	calls := 0
	for _, r := range f.Requests() {
		if r.Method == http.MethodGet && r.Path == "/youtube/v3/videos" {
			calls++
		}
	}
	if calls != 2 {
		t.Errorf("%d videos.list calls for 52 ids, want 2", calls)
	}
	second, err := p.PostMetrics(ctx, id, tok, posted)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{platforms.MetricViews, platforms.MetricLikes, platforms.MetricComments}
	checkGrown(t, first, second, posted, names)
	checkFollowersGrow(t, ctx, p, id, tok)

	d, err := loadDiscoveryOnce()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Requests() {
		if ytAllowed(r) {
			continue
		}
		for _, e := range d.Check(r) {
			t.Error(e)
		}
		if r.Status == 200 && r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/videos") {
			for _, e := range d.CheckReads(r, "items[].id", "items[].statistics.viewCount", "items[].statistics.likeCount", "items[].statistics.commentCount") {
				t.Error(e)
			}
		}
		if r.Status == 200 && strings.HasSuffix(r.Path, "/channels") && strings.Contains(r.Query, "statistics") {
			for _, e := range d.CheckReads(r, "items[].statistics.subscriberCount", "items[].statistics.hiddenSubscriberCount") {
				t.Error(e)
			}
		}
	}
}

// TestYouTubeMetricsErrors: a 429 becomes retry-later with its
// Retry-After, a revoked login needs a reconnect, and the fake refuses
// more than 50 ids.
func TestYouTubeMetricsErrors(t *testing.T) {
	f, p, id, tok := ytConnect(t)
	ctx := context.Background()

	f.FailVideosList(1, http.StatusTooManyRequests, 45*time.Second)
	_, err := p.PostMetrics(ctx, id, tok, []string{"x"})
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter != 45*time.Second {
		t.Fatalf("429: %v, want KindRetry after 45s", err)
	}
	if got, err := p.PostMetrics(ctx, id, tok, []string{"x"}); err != nil || len(got) != 0 {
		t.Fatalf("after the 429: %v, %v; want an empty answer", got, err)
	}

	many := make([]string, 51)
	for i := range many {
		many[i] = "v" + strconv.Itoa(i)
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/youtube/v3/videos?part=statistics&id="+strings.Join(many, ","), nil)
	req.Header.Set("Authorization", "Bearer "+tok.Access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("51 ids: status %d, want 400", resp.StatusCode)
	}

	f.RevokeAll()
	if _, err := p.PostMetrics(ctx, id, tok, []string{"x"}); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Errorf("revoked: %v, want KindReconnect", err)
	}
	if _, err := p.AccountMetrics(ctx, id, tok); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Errorf("revoked, account: %v, want KindReconnect", err)
	}
	d, err := loadDiscoveryOnce()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Requests() {
		if !ytAllowed(r) {
			for _, e := range d.Check(r) {
				t.Error(e)
			}
		}
	}
}
