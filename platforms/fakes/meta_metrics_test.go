package fakes_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
	"localpost/platforms/instagram"
)

// TestMetaMetricsContract drives the facebook and instagram metric reads
// (post fields, insights edges, Page fans, IG followers) and checks every
// request and answer against Meta's node descriptions. The insights
// answers' value is typed Object in the codegen while Graph answers
// numbers, so InsightsResult is not in testdata: the requests (edge,
// parameters) are checked, the answer rows are not.
func TestMetaMetricsContract(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	oldPoll := instagram.PollInterval
	instagram.PollInterval = 5 * time.Millisecond
	defer func() { instagram.PollInterval = oldPoll }()
	cfg := facebook.Config{GraphURL: f.URL, VideoURL: f.URL, AuthURL: f.URL, RuploadURL: f.URL}
	ctx := context.Background()

	fb := facebook.New(cfg)
	tok := metaLogin(t, f, fb)
	pages, err := fb.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	pg := pages[0]
	var fbIDs []string
	for _, post := range []platforms.Post{{Text: "text"}, {Text: "photo", Media: []platforms.Media{metaJPEG(t, "a.jpg")}},
		{Text: "video", Media: []platforms.Media{metaVideo(t)}}} {
		res, err := fb.Publish(ctx, pg, tok, post, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		fbIDs = append(fbIDs, res.RemoteID)
	}
	if got, err := fb.PostMetrics(ctx, pg, tok, fbIDs); err != nil || len(got) != 3 {
		t.Fatalf("facebook: %v %v", got, err)
	}
	if _, err := fb.AccountMetrics(ctx, pg, tok); err != nil {
		t.Fatal(err)
	}

	ig := instagram.New(cfg)
	itok := metaLogin(t, f, ig)
	accts, err := ig.Identities(ctx, itok)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ig.Publish(ctx, accts[0], itok, platforms.Post{Text: "IG", Media: []platforms.Media{metaJPEG(t, "b.jpg")}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ig.PostMetrics(ctx, accts[0], itok, []string{res.RemoteID}); err != nil || len(got) != 1 {
		t.Fatalf("instagram: %v %v", got, err)
	}
	if _, err := ig.AccountMetrics(ctx, accts[0], itok); err != nil {
		t.Fatal(err)
	}

	spec := loadGraphSpec(t)
	seen := map[string]bool{}
	for _, r := range f.Requests() {
		if metaIsAllowed(r) || r.Method != "GET" {
			continue
		}
		q := r.Query
		if !strings.Contains(q, "metric=") && !strings.Contains(q, "count") && !strings.Contains(q, "views") && !strings.Contains(q, "shares") {
			continue
		}
		segs := strings.Split(strings.Trim(r.Path, "/"), "/")
		key := r.Method + " " + f.NodeType(segs[1])
		if len(segs) > 2 {
			key += " " + segs[2]
		}
		seen[key] = true
		for _, e := range spec.Check(r, f.NodeType) {
			t.Error(e)
		}
	}
	for _, want := range []string{"GET PagePost", "GET PagePost insights", "GET AdVideo", "GET Page", "GET IGMedia", "GET IGMedia insights", "GET IGUser"} {
		if !seen[want] {
			t.Errorf("the metric reads did not exercise %s (saw %v)", want, seen)
		}
	}
}

// TestMetaMetricsSpecCheckIsStrict: a metric field the node lacks and an
// insights parameter the edge lacks are caught.
func TestMetaMetricsSpecCheckIsStrict(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	spec := loadGraphSpec(t)
	for _, r := range []fakes.Request{
		{Method: "GET", Path: "/v23.0/" + fakes.MetaIGUserID, Query: "fields=follower_count"},
		{Method: "GET", Path: "/v23.0/" + fakes.MetaPageID, Query: "fields=fans"},
	} {
		if errs := spec.Check(r, f.NodeType); len(errs) == 0 {
			t.Errorf("%s ?%s passed the check", r.Path, r.Query)
		}
	}
}
