package fakes_test

import (
	"context"
	"strings"
	"testing"

	"localpost/platforms"
	"localpost/platforms/fakes"
)

// TestLinkedInMetricsContract drives the real client's metric reads (a
// page's share statistics and followers, a member's social action
// summaries) and checks every request and answer against the description,
// then shows the check notices a drift in them.
func TestLinkedInMetricsContract(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := liProvider(f)
	ctx := context.Background()
	tok := liConnect(t, f, p, platforms.AppCredentials{ClientID: f.ClientID}, "http://127.0.0.1:49152/callback")
	ids, err := p.Identities(ctx, tok)
	if err != nil || len(ids) != 2 {
		t.Fatalf("Identities: %v %v", ids, err)
	}
	member, org := ids[0], ids[1]
	var orgPosts []string
	for _, text := range []string{"one", "two"} {
		res, err := p.Publish(ctx, org, tok, platforms.Post{Text: text}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		orgPosts = append(orgPosts, res.RemoteID)
	}
	mine, err := p.Publish(ctx, member, tok, platforms.Post{Text: "mine"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.PostMetrics(ctx, org, tok, append(orgPosts, "urn:li:ugcPost:5")); err != nil || len(got) != 2 {
		t.Fatalf("org posts: %v %v", got, err)
	}
	if got, err := p.AccountMetrics(ctx, org, tok); err != nil || got[platforms.MetricFollowers] <= 0 {
		t.Fatalf("followers: %v %v", got, err)
	}
	f.GrantScope("r_member_social")
	if got, err := p.PostMetrics(ctx, member, tok, []string{mine.RemoteID, "urn:li:share:1"}); err != nil || len(got) != 1 {
		t.Fatalf("member posts: %v %v", got, err)
	}

	c := liContract(t)
	byOp := map[string]fakes.LinkedInRequest{}
	for _, r := range f.Requests() {
		op := c.Operation(r.Request)
		if liAllowed(r) {
			continue
		}
		if op == "" {
			t.Errorf("%s %s: not in the description", r.Method, r.Path)
		}
		for _, e := range c.Check(r) {
			t.Error(e)
		}
		if strings.Contains(string(r.Response)+r.Query, tok.Access) {
			t.Errorf("%s %s: a secret was recorded", r.Method, r.Path)
		}
		if _, ok := byOp[op]; !ok && r.Status == 200 {
			byOp[op] = r // the first: the shares call, with elements
		}
	}
	stats, sizes, social := byOp["GET /rest/organizationalEntityShareStatistics"], byOp["GET /rest/networkSizes/{urn}"], byOp["GET /rest/socialActions/{urn}"]
	for name, r := range map[string]fakes.LinkedInRequest{"statistics": stats, "networkSizes": sizes, "socialActions": social} {
		if r.Method == "" {
			t.Fatalf("the flow did not exercise %s", name)
		}
	}

	// The check notices drift in the new operations.
	editJSON := jsonEditor(t)
	type mutation struct {
		name string
		r    fakes.LinkedInRequest
	}
	var ms []mutation
	add := func(name string, base fakes.LinkedInRequest, edit func(r *fakes.LinkedInRequest)) {
		r := base
		r.Header = base.Header.Clone()
		edit(&r)
		ms = append(ms, mutation{name, r})
	}
	add("statistics without q", stats, func(r *fakes.LinkedInRequest) {
		r.Query = strings.Replace(r.Query, "q=organizationalEntity&", "", 1)
	})
	add("shares not a Rest.li List", stats, func(r *fakes.LinkedInRequest) {
		r.Query = strings.Replace(strings.Replace(r.Query, "List%28", "", 1), "%29", "", 1) // recorded re-encoded
	})
	add("a person as the organizational entity", stats, func(r *fakes.LinkedInRequest) {
		r.Query = strings.Replace(r.Query, "urn%3Ali%3Aorganization%3A", "urn%3Ali%3Aperson%3A", 1)
	})
	add("no LinkedIn-Version", stats, func(r *fakes.LinkedInRequest) { r.Header.Del("LinkedIn-Version") })
	add("statistics without likeCount", stats, func(r *fakes.LinkedInRequest) {
		r.Response = editJSON(r.Response, func(m map[string]any) {
			delete(m["elements"].([]any)[0].(map[string]any)["totalShareStatistics"].(map[string]any), "likeCount")
		})
	})
	add("wrong edgeType", sizes, func(r *fakes.LinkedInRequest) { r.Query = "edgeType=CompanyFollowedByMember" })
	add("no firstDegreeSize", sizes, func(r *fakes.LinkedInRequest) {
		r.Response = editJSON(r.Response, func(m map[string]any) { delete(m, "firstDegreeSize") })
	})
	add("likes as a string", social, func(r *fakes.LinkedInRequest) {
		r.Response = editJSON(r.Response, func(m map[string]any) { m["likesSummary"].(map[string]any)["totalLikes"] = "3" })
	})
	for _, m := range ms {
		if errs := c.Check(m.r); len(errs) == 0 {
			t.Errorf("%s: not flagged (%s)", m.name, m.r.Query)
		}
	}
}
