package fakes_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
)

// TestPinterestMetrics reads two Pins' analytics twice through the real
// client: the numbers grow and land under the shared names, a Pin that is
// gone is left out, followers grow, and every request and answer matches
// the API description (required dates and metric_types included).
func TestPinterestMetrics(t *testing.T) {
	f := fakes.NewPinterest()
	defer f.Close()
	f.AutoApprove = true
	p := pinterestProvider(f)
	ctx := context.Background()
	_, tok := pinterestConnect(t, f, p)
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	id := ids[0]
	img := writeJPEG(t, "a.jpg")
	fi, _ := os.Stat(img)
	var posted []string
	for _, title := range []string{"one", "two"} {
		post := platforms.Post{Text: "Metrics " + title, Media: []platforms.Media{{Path: img, Mime: "image/jpeg", Size: fi.Size()}},
			Options: platforms.Options{BoardID: id.Boards[0].ID, Title: title}}
		res, err := p.Publish(ctx, id, tok, post, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, res.RemoteID)
	}
	if p.MetricsWindow() != 90*24*time.Hour {
		t.Errorf("window %v, want 90 days", p.MetricsWindow())
	}
	first, err := p.PostMetrics(ctx, id, tok, []string{posted[0], "999999999", posted[1]})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 {
		t.Fatalf("answer for %d Pins, want the 2 that exist: %v", len(first), first)
	}
	second, err := p.PostMetrics(ctx, id, tok, posted)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{platforms.MetricImpressions, platforms.MetricClicks, platforms.MetricOutboundClicks, platforms.MetricSaves}
	checkGrown(t, first, second, posted, names)
	calls := 0
	for _, r := range f.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/analytics") {
			calls++
			q := r.Query
			if !strings.Contains(q, "IMPRESSION%2CPIN_CLICK%2COUTBOUND_CLICK%2CSAVE") {
				t.Errorf("metric_types in %q", q)
			}
		}
	}
	if calls != 5 {
		t.Errorf("%d analytics calls for 3 then 2 Pins, want 5 (one a Pin)", calls)
	}
	checkFollowersGrow(t, ctx, p, id, tok)
	pinterestCheckAll(t, loadPinterestSpec(t), f.Requests())
}

// TestPinterestMetricsErrors: a 429 becomes retry-later with its
// Retry-After, an expired login needs a reconnect, and the fake refuses a
// range longer than Pinterest allows.
func TestPinterestMetricsErrors(t *testing.T) {
	f := fakes.NewPinterest()
	defer f.Close()
	f.AutoApprove = true
	p := pinterestProvider(f)
	ctx := context.Background()
	_, tok := pinterestConnect(t, f, p)
	id := platforms.Identity{RemoteID: "1022106146234561234"}

	f.FailAnalytics(1, http.StatusTooManyRequests, 30*time.Second)
	_, err := p.PostMetrics(ctx, id, tok, []string{"1"})
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter != 30*time.Second {
		t.Fatalf("429: %v, want KindRetry after 30s", err)
	}
	if got, err := p.PostMetrics(ctx, id, tok, []string{"1"}); err != nil || len(got) != 0 {
		t.Fatalf("after the 429: %v, %v; want an empty answer", got, err)
	}

	old := time.Now().UTC().AddDate(0, 0, -120).Format(time.DateOnly)
	req, _ := http.NewRequest(http.MethodGet, f.APIURL()+"/pins/1/analytics?metric_types=IMPRESSION&end_date="+old+"&start_date="+old, nil)
	req.Header.Set("Authorization", "Bearer "+tok.Access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("start 120 days back: status %d, want 400", resp.StatusCode)
	}

	f.ExpireAll()
	if _, err := p.PostMetrics(ctx, id, tok, []string{"1"}); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Errorf("expired: %v, want KindReconnect", err)
	}
	if _, err := p.AccountMetrics(ctx, id, tok); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Errorf("expired, account: %v, want KindReconnect", err)
	}
	pinterestCheckAll(t, loadPinterestSpec(t), answered(f.Requests()))
}
