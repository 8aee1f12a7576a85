package fakes_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/tiktok"
)

// TikTok publishes no machine-readable API description, so the contract
// is a set of fixtures written from its docs pages (testdata/tiktok/, one
// file per endpoint, each citing its page and the date it was read). The
// test turns them into a small OpenAPI document and checks every recorded
// request and answer with the same Spec checker as Mastodon, plus the
// headers, query enums and nested request fields TikTok requires.

type ttFixture struct {
	Source             string                    `json:"source"`
	Read               string                    `json:"read"`
	Method             string                    `json:"method"`
	Path               string                    `json:"path"`
	Auth               string                    `json:"auth"`
	Headers            map[string]string         `json:"headers"`
	Query              ttQuery                   `json:"query"`
	RequestContentType string                    `json:"request_content_type"`
	Request            any                       `json:"request"`
	RequestNested      map[string]map[string]any `json:"request_nested"`
	Responses          map[string]any            `json:"responses"`
	ExampleRequest     any                       `json:"example_request"`
	ExampleResponse    any                       `json:"example_response"`
}

type ttQuery struct {
	Required []string            `json:"required"`
	Enums    map[string][]string `json:"enums"`
}

type ttContract struct {
	spec     *fakes.Spec
	fixtures map[string]*ttFixture // by "METHOD path"
}

func loadTikTokContract(t *testing.T) *ttContract {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "tiktok", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no TikTok fixtures: %v", err)
	}
	c := &ttContract{fixtures: map[string]*ttFixture{}}
	paths := map[string]any{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fx ttFixture
		if err := json.Unmarshal(b, &fx); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !strings.HasPrefix(fx.Source, "https://developers.tiktok.com/") || fx.Read == "" {
			t.Fatalf("%s: cite the docs page and the date it was read", file)
		}
		c.fixtures[fx.Method+" "+fx.Path] = &fx
		op := map[string]any{}
		var params []any
		for _, q := range fx.Query.Required {
			params = append(params, map[string]any{"in": "query", "name": q, "required": true, "schema": map[string]any{"type": "string"}})
		}
		op["parameters"] = params
		if fx.Auth == "bearer" {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
		}
		if fx.RequestContentType != "" {
			media := map[string]any{}
			if fx.Request != nil {
				media["schema"] = fx.Request
			}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{fx.RequestContentType: media}}
		}
		responses := map[string]any{}
		for code, schema := range fx.Responses {
			r := map[string]any{"description": code}
			if schema != nil {
				r["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
			}
			responses[code] = r
		}
		op["responses"] = responses
		item, _ := paths[fx.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[fx.Path] = item
		}
		item[strings.ToLower(fx.Method)] = op
	}
	doc := map[string]any{"openapi": "3.0.3", "info": map[string]any{"title": "TikTok (from docs fixtures)", "version": "1"}, "paths": paths}
	b, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "tiktok.openapi.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if c.spec, err = fakes.LoadSpec(path); err != nil {
		t.Fatal(err)
	}
	return c
}

// ttAllowed are what the fake serves that is not TikTok API: the consent
// page's form (a browser page) and the avatar file.
func ttAllowed(r fakes.Request) bool {
	return r.Method == http.MethodPost && r.Path == "/v2/auth/authorize/" || r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/avatar/")
}

// check returns every way r disagrees with the fixtures.
func (c *ttContract) check(r fakes.Request) []string {
	if ttAllowed(r) {
		return nil
	}
	errs := c.spec.Check(r)
	fx := c.fixtures[r.Method+" "+r.Path]
	if fx == nil {
		return errs
	}
	where := r.Method + " " + r.Path
	for k, v := range fx.Headers {
		if got := r.Header.Get(k); got == "" || !strings.HasPrefix(strings.ToLower(got), strings.ToLower(v)) {
			errs = append(errs, where+": header "+k+" is "+got+", the docs want "+v+"…")
		}
	}
	q, _ := url.ParseQuery(r.Query)
	for k, allowed := range fx.Query.Enums {
		if !slices.Contains(allowed, q.Get(k)) {
			errs = append(errs, where+": query "+k+"="+q.Get(k)+" is not one of "+strings.Join(allowed, ","))
		}
	}
	if fx.RequestContentType == "application/json" && fx.Request != nil {
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return append(errs, where+": request body is not a JSON object")
		}
		for _, e := range c.spec.Validate(body, fx.Request) {
			errs = append(errs, where+": request "+e)
		}
		for field, schema := range fx.RequestNested {
			obj, _ := body[field].(map[string]any)
			props, _ := schema["properties"].(map[string]any)
			for k := range obj {
				if _, ok := props[k]; !ok {
					errs = append(errs, where+": request field "+field+"."+k+" is not in the docs")
				}
			}
		}
	}
	return errs
}

// tiktokFlow drives the real client through connect → identities →
// publish video (in chunks), photos and a draft, plus the errors whose
// answers the contract also covers.
func tiktokFlow(t *testing.T) (*fakes.TikTok, platforms.Token, platforms.AppCredentials) {
	t.Helper()
	f := fakes.NewTikTok()
	t.Cleanup(f.Close)
	f.AutoApprove = true
	f.SetChunkLimits(1024, 4096)
	oldChunk, oldPoll := tiktok.ChunkSize, tiktok.PollInterval
	tiktok.ChunkSize, tiktok.PollInterval = 1024, 5*time.Millisecond
	t.Cleanup(func() { tiktok.ChunkSize, tiktok.PollInterval = oldChunk, oldPoll })

	ctx := context.Background()
	p := tiktok.New(tiktok.Config{AuthURL: f.URL + "/v2/auth/authorize/", APIURL: f.URL})
	creds := platforms.AppCredentials{ClientID: f.ClientKey(), ClientSecret: f.ClientSecret()}
	const redirect = "http://127.0.0.1:53682/callback/"
	ar := p.Authorize(creds, redirect)
	q := url.Values{ar.ClientKey: {creds.ClientID}, "redirect_uri": {redirect}, "scope": {strings.Join(ar.Scopes, ar.ScopeSep)}, "state": {"st4te"}}
	for k, v := range ar.Params {
		q.Set(k, v)
	}
	resp, err := noRedirect.Get(ar.AuthURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := p.Exchange(ctx, creds, redirect, loc.Query().Get("code"), "")
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if _, err := p.Exchange(ctx, creds, redirect, loc.Query().Get("code"), ""); err == nil {
		t.Fatal("a code worked twice")
	}
	if tok, err = p.Refresh(ctx, creds, tok); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		t.Fatalf("Identities: %v", err)
	}
	id := ids[0]

	dir := t.TempDir()
	vid := filepath.Join(dir, "clip.mp4")
	if err := os.WriteFile(vid, make([]byte, 2*1024+300), 0o600); err != nil {
		t.Fatal(err)
	}
	videoPost := platforms.Post{Text: "Contract test ☕ #localpost", Media: []platforms.Media{{Path: vid, Mime: "video/mp4", Size: 2*1024 + 300}}, Options: platforms.Options{Privacy: "public"}}
	vres, err := p.Publish(ctx, id, tok, videoPost, nil, nil)
	if err != nil {
		t.Fatalf("Publish video: %v", err)
	}
	photos := platforms.Post{Text: "Two photos", Options: platforms.Options{Kind: "photo", Title: "Café"}, Media: []platforms.Media{
		{Path: "/x/a.jpg", Mime: "image/jpeg", Size: 10, PublicURL: "https://media.localpost.example/a.jpg"},
		{Path: "/x/b.webp", Mime: "image/webp", Size: 10, PublicURL: "https://media.localpost.example/b.webp"},
	}}
	if _, err := p.Publish(ctx, id, tok, photos, nil, nil); err != nil {
		t.Fatalf("Publish photos: %v", err)
	}
	draft := videoPost
	draft.Options.Privacy = tiktok.Draft
	if _, err := p.Publish(ctx, id, tok, draft, nil, nil); err != nil {
		t.Fatalf("Publish draft: %v", err)
	}
	f.FailNext(1, 429, 2*time.Second)
	if _, err := p.Publish(ctx, id, tok, videoPost, nil, nil); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("429: %v", err)
	}
	if n := len(f.Posts()); n != 3 {
		t.Fatalf("%d posts, want 3", n)
	}
	// Analytics: the video's counts (an unknown id is left out) and the followers.
	if got, err := p.PostMetrics(ctx, id, tok, []string{vres.RemoteID, "1"}); err != nil || len(got) != 1 {
		t.Fatalf("PostMetrics: %v %v", got, err)
	}
	if _, err := p.AccountMetrics(ctx, id, tok); err != nil {
		t.Fatalf("AccountMetrics: %v", err)
	}
	return f, tok, creds
}

// TestTikTokContract checks every request the real client sent and every
// answer the fake gave against the fixtures written from TikTok's docs.
func TestTikTokContract(t *testing.T) {
	f, tok, creds := tiktokFlow(t)
	c := loadTikTokContract(t)
	reqs := f.Requests()
	seen := map[string]bool{}
	for _, r := range reqs {
		seen[r.Method+" "+r.Path] = true
		for _, e := range c.check(r) {
			t.Error(e)
		}
		all := string(r.Body) + r.Query + string(r.Response) + strings.Join(r.Header.Values("Authorization"), "")
		for _, s := range []string{tok.Access, tok.Refresh, creds.ClientSecret} {
			if strings.Contains(all, s) {
				t.Errorf("%s %s: a secret was recorded", r.Method, r.Path)
			}
		}
		if strings.Contains(r.Query, "upload_token=") && !strings.Contains(r.Query, "upload_token=%5Bredacted%5D") && !strings.Contains(r.Query, "upload_token=[redacted]") {
			t.Errorf("%s %s: the upload token was recorded: %s", r.Method, r.Path, r.Query)
		}
	}
	for key := range c.fixtures {
		if !seen[key] {
			t.Errorf("the flow did not exercise %s", key)
		}
	}
}

// TestTikTokFixturesAreConsistent checks each fixture's example (copied
// from its docs page) against the fixture's own schemas.
func TestTikTokFixturesAreConsistent(t *testing.T) {
	c := loadTikTokContract(t)
	for key, fx := range c.fixtures {
		if m, ok := fx.ExampleResponse.(map[string]any); ok {
			if errs := c.spec.Validate(m, fx.Responses["200"]); len(errs) > 0 {
				t.Errorf("%s: example response: %v", key, errs)
			}
		}
		if m, ok := fx.ExampleRequest.(map[string]any); ok && fx.Request != nil {
			if errs := c.spec.Validate(m, fx.Request); len(errs) > 0 {
				t.Errorf("%s: example request: %v", key, errs)
			}
		}
	}
}

// TestTikTokContractIsStrict proves the check fails when a request or an
// answer loses something the docs require.
func TestTikTokContractIsStrict(t *testing.T) {
	f, _, _ := tiktokFlow(t)
	c := loadTikTokContract(t)
	find := func(method, path string) fakes.Request {
		for _, r := range f.Requests() {
			if r.Method == method && r.Path == path && r.Status > 0 && r.Status < 400 {
				return r
			}
		}
		t.Fatalf("no %s %s recorded", method, path)
		return fakes.Request{}
	}
	editJSON := jsonEditor(t)
	cases := []struct {
		name string
		r    fakes.Request
		want string
	}{}
	add := func(name string, r fakes.Request, want string) {
		if errs := c.check(r); len(errs) != 0 && name == "" {
			t.Fatalf("the unmodified request already fails: %v", errs)
		}
		cases = append(cases, struct {
			name string
			r    fakes.Request
			want string
		}{name, r, want})
	}

	r := find(http.MethodPost, "/v2/post/publish/video/init/")
	add("", r, "")
	r.Response = editJSON(r.Response, func(m map[string]any) { delete(m["data"].(map[string]any), "publish_id") })
	add("init answer without publish_id", r, `"publish_id" missing`)

	r = find(http.MethodPost, "/v2/post/publish/video/init/")
	r.Body = editJSON(r.Body, func(m map[string]any) { delete(m["post_info"].(map[string]any), "privacy_level") })
	add("init without privacy_level", r, `"privacy_level" missing`)

	r = find(http.MethodPost, "/v2/post/publish/video/init/")
	r.Body = editJSON(r.Body, func(m map[string]any) { m["post_info"].(map[string]any)["privacy"] = "PUBLIC" })
	add("init with an unknown field", r, "post_info.privacy is not in the docs")

	r = find(http.MethodPost, "/v2/post/publish/status/fetch/")
	r.Response = editJSON(r.Response, func(m map[string]any) { m["data"].(map[string]any)["status"] = "DONE" })
	add("status not in the enum", r, "DONE is not one of")

	r = find(http.MethodPost, "/v2/post/publish/status/fetch/")
	r.Response = editJSON(r.Response, func(m map[string]any) {
		m["data"].(map[string]any)["publicaly_available_post_id"] = []any{"7290485839484657985"}
	})
	add("post id as a string", r, "the spec says integer")

	r = find(http.MethodPut, "/video/")
	r.Header = r.Header.Clone()
	r.Header.Del("Content-Range")
	add("chunk without Content-Range", r, "header Content-Range")

	r = find(http.MethodGet, "/v2/auth/authorize/")
	q, _ := url.ParseQuery(r.Query)
	q.Del("code_challenge")
	r.Query = q.Encode()
	add("authorize without PKCE", r, `"code_challenge" missing`)

	r = find(http.MethodPost, "/v2/oauth/token/")
	r.Response = editJSON(r.Response, func(m map[string]any) { delete(m, "refresh_expires_in") })
	add("token without refresh_expires_in", r, `"refresh_expires_in" missing`)

	r = find(http.MethodGet, "/v2/user/info/")
	r.Path = "/v2/user/infos/"
	add("unknown path", r, "path not in the spec")

	for _, tc := range cases[1:] {
		errs := c.check(tc.r)
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
			t.Errorf("%s: want an error containing %q, got %v", tc.name, tc.want, errs)
		}
	}
}

func TestTikTokAuthorizePageAndApprove(t *testing.T) {
	f := fakes.NewTikTok()
	defer f.Close()
	got := make(chan url.Values, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.URL.Query() })}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	redirect := "http://" + ln.Addr().String() + "/callback/"
	p := tiktok.New(tiktok.Config{AuthURL: f.URL + "/v2/auth/authorize/", APIURL: f.URL})
	ar := p.Authorize(platforms.AppCredentials{ClientID: f.ClientKey()}, redirect)
	q := url.Values{"client_key": {f.ClientKey()}, "redirect_uri": {redirect}, "scope": {strings.Join(ar.Scopes, ",")}, "state": {"s"}}
	for k, v := range ar.Params {
		q.Set(k, v)
	}
	u := ar.AuthURL + "?" + q.Encode()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("page: %d", resp.StatusCode)
	}
	if err := f.Approve(u); err != nil {
		t.Fatal(err)
	}
	if v := <-got; v.Get("code") == "" || v.Get("state") != "s" {
		t.Fatalf("callback %v", v)
	}
	// Deny.
	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("decision", "deny")
	resp, err = noRedirect.PostForm(f.URL+"/v2/auth/authorize/", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=access_denied") {
		t.Fatalf("deny redirected to %q", loc)
	}
	if err := f.Approve("http://example.com/v2/auth/authorize/"); err == nil {
		t.Fatal("Approve accepted another host's address")
	}
}
