package facebook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
)

func cfg(f *fakes.Meta) facebook.Config {
	return facebook.Config{GraphURL: f.URL, VideoURL: f.URL, AuthURL: f.URL, RuploadURL: f.URL}
}

func creds(f *fakes.Meta) platforms.AppCredentials {
	return platforms.AppCredentials{ClientID: f.AppID, ClientSecret: f.AppSecret}
}

// authURL builds the dialog address the way the app does from an AuthRequest.
func authURL(ar platforms.AuthRequest, clientID, redirect, state, verifier string) string {
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "state": {state}, "scope": {strings.Join(ar.Scopes, ar.ScopeSep)}}
	for k, v := range ar.Params {
		q.Set(k, v)
	}
	if ar.PKCE {
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
		q.Set("code_challenge_method", "S256")
	}
	return ar.AuthURL + "?" + q.Encode()
}

// login runs dialog → pasted address → code exchange.
func login(t *testing.T, f *fakes.Meta, p *facebook.Provider) platforms.Token {
	t.Helper()
	info := p.Info()
	verifier := oauth2.GenerateVerifier()
	landed, err := f.Landed(authURL(p.Authorize(creds(f), info.PasteURL), f.AppID, info.PasteURL, "st4te", verifier))
	if err != nil {
		t.Fatal(err)
	}
	code, err := facebook.ParsePasted(landed, "st4te")
	if err != nil {
		t.Fatalf("ParsePasted(%s): %v", landed, err)
	}
	tok, err := p.Exchange(context.Background(), creds(f), info.PasteURL, code, verifier)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

func page(t *testing.T, f *fakes.Meta, p *facebook.Provider) (platforms.Identity, platforms.Token) {
	t.Helper()
	tok := login(t, f, p)
	ids, err := p.Identities(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	return ids[0], tok
}

func writeJPEG(t *testing.T, name string) platforms.Media {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	img.Set(1, 1, color.Black)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return platforms.Media{Path: p, Mime: "image/jpeg", Size: int64(buf.Len())}
}

func writeVideo(t *testing.T, n int) platforms.Media {
	t.Helper()
	b := make([]byte, n)
	copy(b, "\x00\x00\x00\x18ftypmp42")
	for i := 16; i < n; i++ {
		b[i] = byte(i)
	}
	p := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return platforms.Media{Path: p, Mime: "video/mp4", Size: int64(n)}
}

type saver struct{ last []byte }

func (s *saver) save(b []byte) error { s.last = append([]byte(nil), b...); return nil }

func TestConnect(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	info := p.Info()
	if info.Redirect != platforms.RedirectPaste || info.PasteURL != f.URL+"/connect/login_success.html" || !info.NeedsSecret || !info.CanSchedule || info.MinLead != 10*time.Minute {
		t.Fatalf("info %+v", info)
	}
	if real := facebook.New(facebook.Config{}).Info().PasteURL; real != "https://www.facebook.com/connect/login_success.html" {
		t.Fatalf("real paste URL %s", real)
	}
	ar := p.Authorize(creds(f), info.PasteURL)
	u, _ := url.Parse(authURL(ar, f.AppID, info.PasteURL, "s", "v"))
	q := u.Query()
	if u.Path != "/v23.0/dialog/oauth" || q.Get("response_type") != "code" || q.Get("scope") != "pages_show_list,pages_manage_posts,pages_read_engagement,business_management,read_insights" ||
		q.Get("code_challenge_method") != "S256" {
		t.Fatalf("authorize %s", u)
	}

	// A wrong PKCE verifier is refused, and the code is single use.
	verifier := oauth2.GenerateVerifier()
	landed, err := f.Landed(authURL(ar, f.AppID, info.PasteURL, "s1", verifier))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := facebook.ParsePasted(landed, "other"); err == nil {
		t.Fatal("state mismatch accepted")
	}
	code, _ := facebook.ParsePasted(landed, "s1")
	ctx := context.Background()
	if _, err := p.Exchange(ctx, creds(f), info.PasteURL, code, oauth2.GenerateVerifier()); err == nil || strings.Contains(err.Error(), f.AppSecret) {
		t.Fatalf("wrong verifier: %v", err)
	}
	if _, err := p.Exchange(ctx, creds(f), info.PasteURL, code, verifier); err == nil {
		t.Fatal("code reused")
	}
	bad := creds(f)
	bad.ClientSecret = "nope"
	landed, _ = f.Landed(authURL(ar, f.AppID, info.PasteURL, "s2", verifier))
	code, _ = facebook.ParsePasted(landed, "s2")
	if _, err := p.Exchange(ctx, bad, info.PasteURL, code, verifier); err == nil {
		t.Fatal("wrong secret accepted")
	}

	tok := login(t, f, p)
	if d := time.Until(tok.Expiry); d < 59*24*time.Hour || d > 61*24*time.Hour {
		t.Fatalf("expiry in %v", d)
	}
	if _, err := p.Refresh(ctx, creds(f), tok); err != platforms.ErrNoRefresh {
		t.Fatalf("Refresh: %v", err)
	}
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids[0].Kind != "page" || ids[0].Name != "Demo Café" || ids[0].Token == "" || ids[0].Token == tok.Access ||
		ids[0].AvatarURL == "" || ids[0].Extra["page_id"] != fakes.MetaPageID {
		t.Fatalf("identities %+v", ids)
	}
	for _, r := range f.Requests() {
		if strings.Contains(r.Path, "/me/") && (r.Auth != "Bearer" || queryHas(r.Query, "access_token")) {
			t.Errorf("%s %s: the token must travel in the Authorization header", r.Method, r.Path)
		}
		all := r.Query + string(r.Body) + string(r.Response)
		if strings.Contains(all, tok.Access) || strings.Contains(all, ids[0].Token) || strings.Contains(all, f.AppSecret) || strings.Contains(all, verifier) {
			t.Errorf("%s %s recorded a secret", r.Method, r.Path)
		}
	}
}

func TestPublishTextLinkAndFirstComment(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	var s saver
	res, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "Fresh bread today",
		Options: platforms.Options{Link: "https://example.com/bread", FirstComment: "Open 8–18"}}, nil, s.save)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].ID != res.RemoteID || posts[0].Text != "Fresh bread today" || !posts[0].Published || len(posts[0].Comments) != 1 || posts[0].Comments[0] != "Open 8–18" {
		t.Fatalf("posts %+v", posts)
	}
	if res.URL != posts[0].URL {
		t.Fatalf("url %s", res.URL)
	}
	var st facebook.State
	_ = json.Unmarshal(s.last, &st)
	if st.PostID != res.RemoteID || st.Comment == "" {
		t.Fatalf("state %s", s.last)
	}
	// Publishing again with the final state creates nothing.
	if res2, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "Fresh bread today", Options: platforms.Options{FirstComment: "Open 8–18"}}, s.last, s.save); err != nil || res2 != res || len(f.Posts()) != 1 || len(f.Posts()[0].Comments) != 1 {
		t.Fatalf("repeat: %+v %v", res2, err)
	}
}

func TestPublishPhotos(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	ctx := context.Background()
	one := writeJPEG(t, "a.jpg")
	one.Alt = "a loaf"
	if _, err := p.Publish(ctx, id, tok, platforms.Post{Text: "One photo", Media: []platforms.Media{one}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	three := []platforms.Media{writeJPEG(t, "1.jpg"), writeJPEG(t, "2.jpg"), writeJPEG(t, "3.jpg")}
	res, err := p.Publish(ctx, id, tok, platforms.Post{Text: "Three photos", Media: three, Options: platforms.Options{Link: "https://example.com"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 2 || posts[0].Kind != "photo" || len(posts[1].Media) != 3 || posts[1].ID != res.RemoteID || posts[1].Text != "Three photos\n\nhttps://example.com" {
		t.Fatalf("posts %+v", posts)
	}
}

func TestPublishVideoResumesAfterDrop(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	old := facebook.ChunkSize
	facebook.ChunkSize = 1000
	defer func() { facebook.ChunkSize = old }()
	video := writeVideo(t, 2500)
	post := platforms.Post{Text: "A short film", Media: []platforms.Media{video}, Options: platforms.Options{Title: "Film"}}
	var s saver
	f.DropStep(fakes.MetaStepTransfer, 1)
	ctx := context.Background()
	// The first piece's answer is lost.
	if _, err := p.Publish(ctx, id, tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("dropped piece: %v", err)
	}
	var st facebook.State
	_ = json.Unmarshal(s.last, &st)
	if st.Video == nil || st.Video.Session == "" || st.Video.Offset != 0 {
		t.Fatalf("state after drop %s", s.last)
	}
	session := st.Video.Session
	res, err := p.Publish(ctx, id, tok, post, s.last, s.save)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(s.last, &st)
	posts := f.Posts()
	if len(posts) != 1 || posts[0].ID != res.RemoteID || posts[0].Kind != "video" || st.Video.Session != session || posts[0].Text != "A short film" {
		t.Fatalf("posts %+v state %s", posts, s.last)
	}
	starts := 0
	for _, r := range f.Requests() {
		if strings.Contains(string(r.Body), "upload_phase=start") {
			starts++
		}
	}
	if starts != 1 {
		t.Fatalf("%d upload sessions started", starts)
	}
	if !strings.HasPrefix(res.URL, "https://www.facebook.com/"+fakes.MetaPageID+"/videos/") {
		t.Fatalf("video URL %s", res.URL)
	}
}

func TestResumeAfterDroppedPhotoAndPost(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	ctx := context.Background()
	post := platforms.Post{Text: "Two photos", Media: []platforms.Media{writeJPEG(t, "1.jpg"), writeJPEG(t, "2.jpg")}}
	var s saver
	var st facebook.State
	f.DropNext(1) // the post is made but its answer is lost
	if _, err := p.Publish(ctx, id, tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("dropped post: %v", err)
	}
	_ = json.Unmarshal(s.last, &st)
	if len(st.Photos) != 2 || st.Posting == 0 || st.PostID != "" {
		t.Fatalf("state %s", s.last)
	}
	res, err := p.Publish(ctx, id, tok, post, s.last, s.save)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].ID != res.RemoteID || posts[0].Media[0] != st.Photos[0] {
		t.Fatalf("posts %+v", posts)
	}

	// A photo upload dropped mid-way: the first photo is reused.
	f2 := fakes.NewMeta()
	defer f2.Close()
	p2 := facebook.New(cfg(f2))
	id2, tok2 := page(t, f2, p2)
	s = saver{}
	if _, err := p2.Publish(ctx, id2, tok2, post, nil, func(b []byte) error {
		s.save(b)
		f2.DropStep(fakes.MetaStepPhoto, 1) // after the first photo is saved
		return nil
	}); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("dropped photo: %v", err)
	}
	st = facebook.State{}
	_ = json.Unmarshal(s.last, &st)
	first := st.Photos[0]
	if _, err := p2.Publish(ctx, id2, tok2, post, s.last, s.save); err != nil {
		t.Fatal(err)
	}
	if posts := f2.Posts(); len(posts) != 1 || posts[0].Media[0] != first || len(posts[0].Media) != 2 {
		t.Fatalf("posts %+v", posts)
	}
}

func TestScheduled(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	ctx := context.Background()
	at := time.Now().Add(2 * time.Hour).Truncate(time.Second)
	res, err := p.Publish(ctx, id, tok, platforms.Post{Text: "Later", Options: platforms.Options{PublishAt: at, FirstComment: "not now"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].ID != res.RemoteID || posts[0].Published || !posts[0].Scheduled.Equal(at) || len(posts[0].Comments) != 0 {
		t.Fatalf("posts %+v", posts)
	}
	// Within the minimum lead: published now.
	if _, err := p.Publish(ctx, id, tok, platforms.Post{Text: "Soon", Options: platforms.Options{PublishAt: time.Now().Add(5 * time.Minute)}}, nil, nil); err != nil || !f.Posts()[1].Published {
		t.Fatalf("soon: %v", err)
	}
	// Too far ahead: the app must hand it over later.
	_, err = p.Publish(ctx, id, tok, platforms.Post{Text: "Far", Options: platforms.Options{PublishAt: time.Now().Add(40 * 24 * time.Hour)}}, nil, nil)
	if platforms.KindOf(err) != platforms.KindRetry || platforms.RetryAfterOf(err) < 9*24*time.Hour {
		t.Fatalf("far: %v %v", err, platforms.RetryAfterOf(err))
	}
}

func TestErrors(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	ctx := context.Background()
	post := platforms.Post{Text: "hello"}

	f.FailNext(1, 429, 30*time.Second)
	_, err := p.Publish(ctx, id, tok, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindRetry || platforms.RetryAfterOf(err) != 30*time.Second {
		t.Fatalf("429: %v", err)
	}
	f.FailWith(fakes.MetaStepPublish, 1, 400, 100, "(#100) The post links to a blocked website")
	_, err = p.Publish(ctx, id, tok, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "blocked website") {
		t.Fatalf("400: %v", err)
	}
	f.FailWith(fakes.MetaStepPublish, 1, 400, 368, "It looks like you were misusing this feature by going too fast.")
	if _, err = p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindFixPost {
		t.Fatalf("368: %v", err)
	}
	f.FailWith(fakes.MetaStepPublish, 1, 403, 200, "(#200) Requires pages_manage_posts permission")
	if _, err = p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindReconnect || !strings.Contains(err.Error(), "grant") {
		t.Fatalf("200: %v", err)
	}
	f.FailWith(fakes.MetaStepPublish, 1, 400, 32, "(#32) Page request limit reached")
	if _, err = p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("32: %v", err)
	}
	f.FailNext(1, 401, 0)
	if _, err = p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("401: %v", err)
	}
	if len(f.Posts()) != 0 {
		t.Fatalf("a failed call posted: %+v", f.Posts())
	}
	f.RevokeAll()
	_, err = p.Publish(ctx, id, tok, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), id.Token) {
		t.Fatalf("revoked: %v", err)
	}
	if _, err := p.Identities(ctx, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("revoked identities: %v", err)
	}
	f.Close()
	if _, err := p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("server gone: %v", err)
	}
}

func TestValidate(t *testing.T) {
	p := facebook.New(facebook.Config{})
	l := p.Limits()
	if l.MaxChars != 63206 || l.MaxMedia != 10 || !l.NativeSchedule {
		t.Fatalf("limits %+v", l)
	}
	img := platforms.Media{Path: "a.jpg", Mime: "image/jpeg", Size: 1000}
	vid := platforms.Media{Path: "v.mp4", Mime: "video/mp4", Size: 50 << 20}
	cases := []struct {
		name string
		post platforms.Post
		want string
	}{
		{"too long", platforms.Post{Text: strings.Repeat("a", 63207)}, "over"},
		{"too many", platforms.Post{Text: "x", Media: []platforms.Media{img, img, img, img, img, img, img, img, img, img, img}}, "at most 10"},
		{"wrong type", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "a.svg", Mime: "image/svg+xml"}}}, "not accepted"},
		{"mixed", platforms.Post{Text: "x", Media: []platforms.Media{img, vid}}, "one video"},
		{"big photo", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "b.jpg", Mime: "image/jpeg", Size: 5 << 20}}}, "4 MB"},
		{"empty", platforms.Post{}, "empty"},
	}
	for _, c := range cases {
		probs := p.Validate(c.post)
		if len(probs) == 0 || !strings.Contains(probs[len(probs)-1].Message+probs[0].Message, c.want) {
			t.Errorf("%s: %v", c.name, probs)
		}
		f := fakes.NewMeta()
		_, err := facebook.New(cfg(f)).Publish(context.Background(), platforms.Identity{RemoteID: fakes.MetaPageID, Token: "t"}, platforms.Token{}, c.post, nil, nil)
		if platforms.KindOf(err) != platforms.KindFixPost || len(f.Requests()) != 0 {
			t.Errorf("%s: publish %v, %d requests", c.name, err, len(f.Requests()))
		}
		f.Close()
	}
	if probs := p.Validate(platforms.Post{Text: "a video", Media: []platforms.Media{vid}}); len(probs) != 0 {
		t.Errorf("a 50 MB video: %v", probs)
	}
}

func TestErrorFromResponse(t *testing.T) {
	body := func(code, sub int, msg string) []byte {
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException", "code": code, "error_subcode": sub, "fbtrace_id": "Axyz"}})
		return b
	}
	buc := http.Header{"X-Business-Use-Case-Usage": {`{"101":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":7}]}`}}
	cases := []struct {
		status, code, sub int
		h                 http.Header
		kind              platforms.Kind
		after             time.Duration
	}{
		{400, 190, 463, nil, platforms.KindReconnect, 0},
		{403, 10, 0, nil, platforms.KindReconnect, 0},
		{403, 200, 0, nil, platforms.KindReconnect, 0},
		{403, 299, 0, nil, platforms.KindReconnect, 0},
		{400, 4, 0, nil, platforms.KindRetry, 15 * time.Minute},
		{400, 17, 0, nil, platforms.KindRetry, 15 * time.Minute},
		{400, 32, 0, buc, platforms.KindRetry, 7 * time.Minute},
		{400, 613, 0, nil, platforms.KindRetry, 15 * time.Minute},
		{400, 80001, 0, buc, platforms.KindRetry, 7 * time.Minute},
		{500, 2, 0, nil, platforms.KindRetry, 0},
		{400, 368, 1390008, nil, platforms.KindFixPost, 0},
		{400, 100, 0, nil, platforms.KindFixPost, 0},
		{400, 100, 33, nil, platforms.KindDisconnected, 0},
		{400, 1234, 0, nil, platforms.KindFixPost, 0},
	}
	for _, c := range cases {
		e := facebook.ErrorFromResponse(c.status, c.h, body(c.code, c.sub, "bad thing with SECRET-TOKEN inside"), "SECRET-TOKEN")
		if e.Kind != c.kind || e.RetryAfter != c.after || strings.Contains(e.Error(), "SECRET-TOKEN") || !strings.Contains(e.Message, "bad thing") {
			t.Errorf("%d/%d: %v kind %v after %v", c.status, c.code, e, e.Kind, e.RetryAfter)
		}
	}
	if e := facebook.ErrorFromResponse(502, nil, []byte("<html>"), ""); e.Kind != platforms.KindRetry {
		t.Errorf("html 502: %v", e.Kind)
	}
}

func queryHas(q, k string) bool {
	v, _ := url.ParseQuery(q)
	return v.Has(k)
}
