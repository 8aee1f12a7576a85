package fakes_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/linkedin"
)

func liProvider(f *fakes.LinkedIn) *linkedin.Provider {
	return linkedin.New(linkedin.Config{
		APIURL: f.URL, AuthURL: f.URL + "/oauth/native-pkce/authorization", StandardAuthURL: f.URL + "/oauth/v2/authorization",
		TokenURL: f.URL + "/oauth/v2/accessToken", WebURL: f.URL, UploadURL: f.URL, PollInterval: time.Millisecond,
	})
}

func liFile(t *testing.T, name string, size int) platforms.Media {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, bytes.Repeat([]byte{7}, size), 0o600); err != nil {
		t.Fatal(err)
	}
	mt := map[string]string{".png": "image/png", ".jpg": "image/jpeg", ".mp4": "video/mp4", ".pdf": "application/pdf"}[filepath.Ext(name)]
	return platforms.Media{Path: p, Mime: mt, Size: int64(size)}
}

func liConnect(t *testing.T, f *fakes.LinkedIn, p *linkedin.Provider, creds platforms.AppCredentials, redirect string) platforms.Token {
	t.Helper()
	f.AutoApprove = true
	ar := p.Authorize(creds, redirect)
	v := oauth2.GenerateVerifier()
	q := url.Values{"response_type": {"code"}, "client_id": {creds.ClientID}, "redirect_uri": {redirect}, "state": {"s"},
		"scope": {strings.Join(ar.Scopes, ar.ScopeSep)}, "code_challenge": {oauth2.S256ChallengeFromVerifier(v)}, "code_challenge_method": {"S256"}}
	resp, err := noRedirect.Get(ar.AuthURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := p.Exchange(context.Background(), creds, redirect, loc.Query().Get("code"), v)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

var liContract = func(t *testing.T) *fakes.LinkedInContract {
	t.Helper()
	c, err := fakes.LoadLinkedInContract(filepath.Join("testdata", "linkedin", "linkedin-rest.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// liAllowed are what the fake serves that is no API: the post's web
// page and the member's picture.
func liAllowed(r fakes.LinkedInRequest) bool {
	return r.Method == http.MethodGet && (strings.HasPrefix(r.Path, "/feed/update/") || strings.HasPrefix(r.Path, "/dms/image/"))
}

// TestLinkedInContract drives the real client through connect (native
// PKCE and the standard flow with refresh), identities, and publishing
// text, one image, several images, a video in parts, a document and a
// first comment, as a member and as a page, then checks every request and
// answer against the description written from LinkedIn's docs.
func TestLinkedInContract(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	f.IssueRefreshTokens(true)
	f.SetVideoPartSize(40 << 10)
	p := liProvider(f)
	ctx := context.Background()

	tok := liConnect(t, f, p, platforms.AppCredentials{ClientID: f.ClientID}, "http://127.0.0.1:49152/callback")
	std := liConnect(t, f, p, platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}, "http://127.0.0.1:8910/callback")
	if _, err := p.Refresh(ctx, platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}, std); err != nil {
		t.Fatal(err)
	}
	ids, err := p.Identities(ctx, tok)
	if err != nil || len(ids) != 2 {
		t.Fatalf("Identities: %v %v", ids, err)
	}
	member, org := ids[0], ids[1]
	if resp, err := http.Get(member.AvatarURL); err != nil || resp.StatusCode != 200 {
		t.Fatalf("avatar: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	publish := func(id platforms.Identity, post platforms.Post) platforms.Result {
		t.Helper()
		res, err := p.Publish(ctx, id, tok, post, nil, func([]byte) error { return nil })
		if err != nil {
			t.Fatalf("Publish %q: %v", post.Text, err)
		}
		return res
	}
	publish(member, platforms.Post{Text: "Text only (with [reserved] chars) #tag", Options: platforms.Options{FirstComment: "first!"}})
	img := liFile(t, "a.png", 300)
	img.Alt = "a cup"
	publish(org, platforms.Post{Text: "one image", Media: []platforms.Media{img}})
	publish(org, platforms.Post{Text: "two images", Media: []platforms.Media{liFile(t, "b.jpg", 200), liFile(t, "c.png", 100)}})
	publish(member, platforms.Post{Text: "video", Media: []platforms.Media{liFile(t, "v.mp4", 100<<10)}})
	res := publish(org, platforms.Post{Text: "document", Media: []platforms.Media{liFile(t, "menu.pdf", 5000)}})
	publish(org, platforms.Post{Text: "link", Options: platforms.Options{Link: "https://example.com/", Title: "Example"}})
	if resp, err := http.Get(res.URL); err == nil {
		resp.Body.Close()
	}
	// The paths a resume takes: the author finder and the comments list.
	f.DropNext(1)
	var state []byte
	save := func(b []byte) error { state = b; return nil }
	if _, err := p.Publish(ctx, org, tok, platforms.Post{Text: "dropped", Options: platforms.Options{FirstComment: "c"}}, nil, save); err == nil {
		t.Fatal("drop not seen")
	}
	f.DropStep(fakes.LinkedInStepComment, 0, 1)
	if _, err := p.Publish(ctx, org, tok, platforms.Post{Text: "dropped", Options: platforms.Options{FirstComment: "c"}}, state, save); err == nil {
		t.Fatal("comment drop not seen")
	}
	if _, err := p.Publish(ctx, org, tok, platforms.Post{Text: "dropped", Options: platforms.Options{FirstComment: "c"}}, state, save); err != nil {
		t.Fatal(err)
	}
	// An error answer: LinkedIn's body is described too.
	f.FailNext(1, 422, 0)
	if _, err := p.Publish(ctx, member, tok, platforms.Post{Text: "x"}, nil, nil); err == nil {
		t.Fatal("422 not seen")
	}

	c := liContract(t)
	reqs := f.Requests()
	seen := map[string]bool{}
	for _, r := range reqs {
		seen[c.Operation(r.Request)] = true
		if liAllowed(r) {
			continue
		}
		if c.Operation(r.Request) == "" {
			t.Errorf("%s %s: not in the description", r.Method, r.Path)
		}
		for _, e := range c.Check(r) {
			t.Error(e)
		}
		if loc := r.ResponseHeader.Get("Location"); strings.Contains(loc, "code=") && !strings.Contains(loc, "code=%5Bredacted%5D") {
			t.Errorf("%s %s: the authorization code was recorded: %s", r.Method, r.Path, loc)
		}
		all := string(r.Body) + r.Query + string(r.Response) + r.Header.Get("Authorization")
		for _, secret := range []string{tok.Access, std.Access, std.Refresh, f.ClientSecret} {
			if strings.Contains(all, secret) {
				t.Errorf("%s %s: a secret was recorded", r.Method, r.Path)
			}
		}
	}
	for _, want := range []string{
		"GET /oauth/native-pkce/authorization", "GET /oauth/v2/authorization", "POST /oauth/v2/accessToken", "GET /v2/userinfo",
		"GET /rest/organizationAcls", "GET /rest/organizations/{id}",
		"POST /rest/images?action=initializeUpload", "POST /rest/documents?action=initializeUpload", "GET /rest/documents/{urn}",
		"POST /rest/videos?action=initializeUpload", "POST /rest/videos?action=finalizeUpload", "GET /rest/videos/{urn}",
		"PUT /dms-uploads/{key}", "POST /rest/posts", "GET /rest/posts", "POST /rest/socialActions/{urn}/comments", "GET /rest/socialActions/{urn}/comments",
	} {
		if !seen[want] {
			t.Errorf("the flow did not exercise %s", want)
		}
	}
}

// TestLinkedInContractIsStrict makes sure the check notices a client or a
// fake that drifts from the description.
func TestLinkedInContractIsStrict(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	f.SetVideoPartSize(40 << 10)
	p := liProvider(f)
	tok := liConnect(t, f, p, platforms.AppCredentials{ClientID: f.ClientID}, "http://127.0.0.1:49152/callback")
	ids, err := p.Identities(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Publish(context.Background(), ids[1], tok, platforms.Post{Text: "strict", Media: []platforms.Media{liFile(t, "v.mp4", 100<<10)}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	c := liContract(t)
	find := func(op string) fakes.LinkedInRequest {
		for _, r := range f.Requests() {
			if c.Operation(r.Request) == op {
				return r
			}
		}
		t.Fatalf("no %s recorded", op)
		return fakes.LinkedInRequest{}
	}
	editJSON := jsonEditor(t)
	post := find("POST /rest/posts")
	initV := find("POST /rest/videos?action=initializeUpload")
	acls := find("GET /rest/organizationAcls")
	for _, r := range []fakes.LinkedInRequest{post, initV, acls} {
		if errs := c.Check(r); len(errs) != 0 {
			t.Fatalf("clean request flagged: %v", errs)
		}
	}
	type mutation struct {
		name string
		r    fakes.LinkedInRequest
	}
	var ms []mutation
	add := func(name string, base fakes.LinkedInRequest, edit func(r *fakes.LinkedInRequest)) {
		r := base
		r.Header = base.Header.Clone()
		r.ResponseHeader = base.ResponseHeader.Clone()
		edit(&r)
		ms = append(ms, mutation{name, r})
	}
	add("no LinkedIn-Version", post, func(r *fakes.LinkedInRequest) { r.Header.Del("LinkedIn-Version") })
	add("wrong protocol version", post, func(r *fakes.LinkedInRequest) { r.Header.Set("X-Restli-Protocol-Version", "1.0.0") })
	add("no bearer", post, func(r *fakes.LinkedInRequest) { r.Auth = "" })
	add("no x-restli-id", post, func(r *fakes.LinkedInRequest) { r.ResponseHeader.Del("X-Restli-Id") })
	add("nested required feedDistribution", post, func(r *fakes.LinkedInRequest) {
		r.Body = editJSON(r.Body, func(m map[string]any) { delete(m["distribution"].(map[string]any), "feedDistribution") })
	})
	add("typo in content", post, func(r *fakes.LinkedInRequest) {
		r.Body = editJSON(r.Body, func(m map[string]any) {
			m["content"] = map[string]any{"media": map[string]any{"idd": "urn:li:video:1"}}
		})
	})
	add("bad visibility", post, func(r *fakes.LinkedInRequest) {
		r.Body = editJSON(r.Body, func(m map[string]any) { m["visibility"] = "public" })
	})
	add("no lifecycleState", post, func(r *fakes.LinkedInRequest) {
		r.Body = editJSON(r.Body, func(m map[string]any) { delete(m, "lifecycleState") })
	})
	add("no fileSizeBytes", initV, func(r *fakes.LinkedInRequest) {
		r.Body = editJSON(r.Body, func(m map[string]any) { delete(m["initializeUploadRequest"].(map[string]any), "fileSizeBytes") })
	})
	add("no action", initV, func(r *fakes.LinkedInRequest) { r.Query = "" })
	add("answer without uploadInstructions", initV, func(r *fakes.LinkedInRequest) {
		r.Response = editJSON(r.Response, func(m map[string]any) { delete(m["value"].(map[string]any), "uploadInstructions") })
	})
	add("lastByte as a string", initV, func(r *fakes.LinkedInRequest) {
		r.Response = editJSON(r.Response, func(m map[string]any) {
			m["value"].(map[string]any)["uploadInstructions"].([]any)[0].(map[string]any)["lastByte"] = "9"
		})
	})
	add("acl without organization", acls, func(r *fakes.LinkedInRequest) {
		r.Response = editJSON(r.Response, func(m map[string]any) { delete(m["elements"].([]any)[0].(map[string]any), "organization") })
	})
	add("acl finder missing q", acls, func(r *fakes.LinkedInRequest) { r.Query = "role=ADMINISTRATOR" })
	for _, m := range ms {
		if errs := c.Check(m.r); len(errs) == 0 {
			t.Errorf("%s: not flagged", m.name)
		}
	}
	unknown := fakes.LinkedInRequest{Request: fakes.Request{Method: "POST", Path: "/rest/ugcPosts", Auth: "Bearer", Status: 201}}
	if len(c.Check(unknown)) == 0 {
		t.Error("an undescribed path was not flagged")
	}
}
