package pinterest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/pinterest"
)

const redirect = "http://localhost:8085/"

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func newProvider(f *fakes.Pinterest) *pinterest.Provider {
	return pinterest.New(pinterest.Config{APIURL: f.APIURL(), AuthURL: f.AuthURL(), WebURL: f.URL, PollInterval: time.Millisecond, PollTimeout: 5 * time.Second})
}

func authURL(ar platforms.AuthRequest, clientID, redirectURI, state string) string {
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURI}, "state": {state}, "scope": {strings.Join(ar.Scopes, ar.ScopeSep)}}
	for k, v := range ar.Params {
		q.Set(k, v)
	}
	return ar.AuthURL + "?" + q.Encode()
}

type env struct {
	f     *fakes.Pinterest
	p     *pinterest.Provider
	creds platforms.AppCredentials
	tok   platforms.Token
	id    platforms.Identity
}

// setup connects through the fake's authorize page and reads the identity.
func setup(t *testing.T) *env {
	t.Helper()
	f := fakes.NewPinterest()
	t.Cleanup(f.Close)
	f.AutoApprove = true
	e := &env{f: f, p: newProvider(f), creds: platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}}
	resp, err := noRedirect.Get(authURL(e.p.Authorize(e.creds, redirect), e.creds.ClientID, redirect, "s"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	e.tok, err = e.p.Exchange(context.Background(), e.creds, redirect, loc.Query().Get("code"), "")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := e.p.Identities(context.Background(), e.tok)
	if err != nil || len(ids) != 1 {
		t.Fatalf("Identities: %v %v", ids, err)
	}
	e.id = ids[0]
	return e
}

func writeImage(t *testing.T, name string) (string, []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 20, 10))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 13)
	}
	img.Set(2, 2, color.Black)
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(name, ".png") {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, buf.Bytes()
}

func writeVideo(t *testing.T) string {
	t.Helper()
	b := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{0x5A}, 200<<10)...)
	p := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) imagePost(t *testing.T) (platforms.Post, []byte) {
	path, data := writeImage(t, "photo.jpg")
	return platforms.Post{
		Text:    "Fresh croissants every morning ☕",
		Media:   []platforms.Media{{Path: path, Mime: "image/jpeg", Size: int64(len(data)), Alt: "A croissant on a plate"}},
		Options: platforms.Options{BoardID: e.id.Boards[0].ID, Title: "Croissants", Link: "https://example.com/menu"},
	}, data
}

func (e *env) videoPost(t *testing.T) platforms.Post {
	return platforms.Post{
		Text:    "Latte art in 10 seconds",
		Media:   []platforms.Media{{Path: writeVideo(t), Mime: "video/mp4", Size: 200 << 10}},
		Options: platforms.Options{BoardID: e.id.Boards[1].ID, Title: "Latte art"},
	}
}

// saver keeps the last saved state, as the app's pending data does.
type saver struct {
	state []byte
	saves int
}

func (s *saver) save(b []byte) error {
	s.state = append([]byte(nil), b...)
	s.saves++
	return nil
}

func (s *saver) decoded(t *testing.T) pinterest.State {
	t.Helper()
	var st pinterest.State
	if err := json.Unmarshal(s.state, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestInfo(t *testing.T) {
	p := pinterest.New(pinterest.Config{})
	info := p.Info()
	if info.Network != platforms.Pinterest || !info.NeedsSecret || info.Redirect != platforms.RedirectLoopbackFixedPort || info.DefaultPort != 8085 || info.CanSchedule {
		t.Fatalf("Info %+v", info)
	}
	if !strings.Contains(info.Guide, "http://localhost:8085/") || !strings.Contains(info.Gates, "1,000") || !strings.Contains(info.Gates, "visible only to you") {
		t.Fatalf("guide/gates: %q %q", info.Guide, info.Gates)
	}
	if pinterest.RedirectURI(0) != "http://localhost:8085/" || pinterest.RedirectURI(9000) != "http://localhost:9000/" {
		t.Fatal(pinterest.RedirectURI(0))
	}
	ar := p.Authorize(platforms.AppCredentials{ClientID: "1"}, redirect)
	if ar.AuthURL != "https://www.pinterest.com/oauth/" || ar.ScopeSep != "," || ar.PKCE || ar.Params["response_type"] != "code" || len(ar.Scopes) != 5 {
		t.Fatalf("Authorize %+v", ar)
	}
	l := p.Limits()
	if l.MaxChars != 800 || l.MaxMedia != 1 || !l.MediaRequired || l.MaxAltChars != 500 || l.NativeSchedule || l.URLWeight != 0 {
		t.Fatalf("Limits %+v", l)
	}
}

func TestValidate(t *testing.T) {
	p := pinterest.New(pinterest.Config{})
	img := platforms.Media{Path: "/x/a.jpg", Mime: "image/jpeg", Size: 1000}
	ok := platforms.Post{Text: "hi", Media: []platforms.Media{img}, Options: platforms.Options{BoardID: "123"}}
	if probs := p.Validate(ok); len(probs) != 0 {
		t.Fatalf("clean post: %v", probs)
	}
	cases := []struct {
		name  string
		edit  func(*platforms.Post)
		field string
	}{
		{"no board", func(p *platforms.Post) { p.Options.BoardID = "" }, "board"},
		{"board not an id", func(p *platforms.Post) { p.Options.BoardID = "Recipes" }, "board"},
		{"text over 800", func(p *platforms.Post) { p.Text = strings.Repeat("é", 801) }, "text"},
		{"title over 100", func(p *platforms.Post) { p.Options.Title = strings.Repeat("t", 101) }, "title"},
		{"link over 2048", func(p *platforms.Post) { p.Options.Link = "https://example.com/" + strings.Repeat("a", 2030) }, "link"},
		{"link not a web address", func(p *platforms.Post) { p.Options.Link = "example.com" }, "link"},
		{"no media", func(p *platforms.Post) { p.Media = nil }, "media"},
		{"two media", func(p *platforms.Post) { p.Media = append(p.Media, img) }, "media"},
		{"gif", func(p *platforms.Post) { p.Media[0].Mime = "image/gif" }, "media[0]"},
		{"image over 20 MB", func(p *platforms.Post) { p.Media[0].Size = 21 << 20 }, "media[0]"},
		{"video over 2 GB", func(p *platforms.Post) { p.Media[0] = platforms.Media{Path: "v.mp4", Mime: "video/mp4", Size: 3 << 30} }, "media[0]"},
		{"alt over 500", func(p *platforms.Post) { p.Media[0].Alt = strings.Repeat("a", 501) }, "media[0]"},
		{"cover not jpeg/png", func(p *platforms.Post) { p.Options.Thumbnail = "/x/cover.webp" }, "thumbnail"},
	}
	for _, c := range cases {
		post := ok
		post.Media = append([]platforms.Media(nil), ok.Media...)
		c.edit(&post)
		probs := p.Validate(post)
		found := false
		for _, pr := range probs {
			found = found || pr.Field == c.field
		}
		if !found {
			t.Errorf("%s: no problem on %s: %v", c.name, c.field, probs)
		}
	}
	// A big video is fine: the 20 MB image limit does not apply to it.
	vid := ok
	vid.Media = []platforms.Media{{Path: "v.mp4", Mime: "video/mp4", Size: 500 << 20}}
	if probs := p.Validate(vid); len(probs) != 0 {
		t.Fatalf("500 MB video: %v", probs)
	}
	// Publish refuses what Validate refuses, as "fix the post", without a call.
	bad := ok
	bad.Options.BoardID = ""
	_, err := p.Publish(context.Background(), platforms.Identity{}, platforms.Token{Access: "t"}, bad, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "board") {
		t.Fatalf("Publish without board: %v", err)
	}
}

func TestConnectAndRefresh(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if e.tok.Access == "" || e.tok.Refresh == "" || len(e.tok.Scopes) != 5 {
		t.Fatalf("token %+v", e.tok)
	}
	if d := time.Until(e.tok.Expiry); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Fatalf("access expiry in %v, want 30 days", d)
	}
	if d := time.Until(e.tok.RefreshExpiry); d < 59*24*time.Hour || d > 61*24*time.Hour {
		t.Fatalf("refresh expiry in %v, want 60 days (continuous refresh)", d)
	}
	nt, err := e.p.Refresh(ctx, e.creds, e.tok)
	if err != nil {
		t.Fatal(err)
	}
	if nt.Access == e.tok.Access || nt.Refresh == e.tok.Refresh || nt.Refresh == "" {
		t.Fatalf("refresh did not renew both tokens")
	}
	if _, err := e.p.Identities(ctx, nt); err != nil {
		t.Fatal(err)
	}
	// The used refresh token is spent: reconnect, and no secret in the message.
	_, err = e.p.Refresh(ctx, e.creds, e.tok)
	if platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), e.tok.Refresh) {
		t.Fatalf("spent refresh token: %v", err)
	}
	if _, err := e.p.Refresh(ctx, e.creds, platforms.Token{Access: "x"}); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("no refresh token: %v", err)
	}
	// The fake authenticates the app with HTTP Basic.
	wrong := e.creds
	wrong.ClientSecret = "not-the-secret"
	if _, err := e.p.Refresh(ctx, wrong, nt); platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), "not-the-secret") {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestIdentitiesPaginatesBoards(t *testing.T) {
	e := setup(t)
	var names []string
	for i := range 300 {
		names = append(names, "Board "+string(rune('A'+i%26)))
	}
	e.f.AddBoards(names...)
	ids, err := e.p.Identities(context.Background(), e.tok)
	if err != nil {
		t.Fatal(err)
	}
	id := ids[0]
	if len(id.Boards) != 303 || id.Boards[0].Name != "Café recipes" || id.Boards[302].ID != e.f.Boards()[302].ID {
		t.Fatalf("%d boards", len(id.Boards))
	}
	if id.Kind != "profile" || id.Handle != "localpostdemo" || id.Name != "Demo Café" || id.RemoteID != "1022106146234561234" ||
		id.URL != e.f.URL+"/localpostdemo/" || id.Extra["account_type"] != "BUSINESS" || id.Extra["username"] != "localpostdemo" || id.AvatarURL == "" {
		t.Fatalf("identity %+v", id)
	}
	pages := 0
	for _, r := range e.f.Requests() {
		if r.Path == "/v5/boards" {
			pages++
		}
	}
	if pages != 1+2 { // setup read one page, then two pages of 250
		t.Fatalf("%d board pages", pages)
	}
}

func TestPublishImage(t *testing.T) {
	e := setup(t)
	post, data := e.imagePost(t)
	var s saver
	res, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, s.save)
	if err != nil {
		t.Fatal(err)
	}
	pins := e.f.Pins()
	if len(pins) != 1 {
		t.Fatalf("%d pins", len(pins))
	}
	pin := pins[0]
	if res.RemoteID != pin.ID || res.URL != e.f.URL+"/pin/"+pin.ID+"/" {
		t.Fatalf("result %+v", res)
	}
	if pin.SourceType != "image_base64" || pin.ContentType != "image/jpeg" || !bytes.Equal(pin.Image, data) || pin.Title != "Croissants" ||
		pin.Description != post.Text || pin.Link != "https://example.com/menu" || pin.Alt != "A croissant on a plate" || pin.BoardID != post.Options.BoardID {
		t.Fatalf("pin %+v", pin)
	}
	if st := s.decoded(t); st.PinID != pin.ID {
		t.Fatalf("state %+v", st)
	}
	// Handed its final state back, Publish answers without pinning again.
	res2, err := e.p.Publish(context.Background(), e.id, e.tok, post, s.state, s.save)
	if err != nil || res2 != res || len(e.f.Pins()) != 1 {
		t.Fatalf("repeat with state: %+v %v", res2, err)
	}

	// A PNG, and an image the app put at a public URL.
	pngPath, pngData := writeImage(t, "b.png")
	post.Media = []platforms.Media{{Path: pngPath, Mime: "image/png"}}
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	post.Media[0].PublicURL = "https://media.example.com/b.png"
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	pins = e.f.Pins()
	if len(pins) != 3 || !bytes.Equal(pins[1].Image, pngData) || pins[2].SourceType != "image_url" || pins[2].ImageURL != "https://media.example.com/b.png" {
		t.Fatalf("pins %+v", pins[1:])
	}
}

func TestPublishVideo(t *testing.T) {
	e := setup(t)
	e.f.SetVideoProcessing(3)
	post := e.videoPost(t)
	cover, coverData := writeImage(t, "cover.png")
	post.Options.Thumbnail = cover
	var s saver
	res, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, s.save)
	if err != nil {
		t.Fatal(err)
	}
	pins, media := e.f.Pins(), e.f.Media()
	if len(pins) != 1 || len(media) != 1 || media[0].Uploads != 1 || media[0].Size != 200<<10+24 || media[0].Status != "succeeded" {
		t.Fatalf("pins %d media %+v", len(pins), media)
	}
	if pins[0].MediaType != "video" || pins[0].MediaID != media[0].ID || pins[0].Cover != "data" || !bytes.Equal(pins[0].CoverBytes, coverData) || res.RemoteID != pins[0].ID {
		t.Fatalf("pin %+v", pins[0])
	}
	// register, uploaded, processed, pin attempt, pin id: a save after each.
	if st := s.decoded(t); s.saves < 5 || st.PinID != res.RemoteID || st.MediaID != media[0].ID || !st.Uploaded || st.UploadParams != nil {
		t.Fatalf("saves %d state %s", s.saves, s.state)
	}
	// Without a cover file, a key frame is the cover.
	post.Options.Thumbnail = ""
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	if pins := e.f.Pins(); pins[1].Cover != "frame:1" {
		t.Fatalf("cover %q", pins[1].Cover)
	}
}

func TestPublishErrors(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	post, _ := e.imagePost(t)

	e.f.FailNext(1, http.StatusTooManyRequests, 7*time.Second)
	_, err := e.p.Publish(ctx, e.id, e.tok, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindRetry || platforms.RetryAfterOf(err) != 7*time.Second || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("429: %v (retry after %v)", err, platforms.RetryAfterOf(err))
	}
	e.f.FailNext(1, http.StatusServiceUnavailable, 0)
	if _, err := e.p.Publish(ctx, e.id, e.tok, post, nil, nil); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("503: %v", err)
	}

	// Pinterest's own message reaches the user: a PNG sent as JPEG.
	pngPath, _ := writeImage(t, "really-a.png")
	bad := post
	bad.Media = []platforms.Media{{Path: pngPath, Mime: "image/jpeg"}}
	_, err = e.p.Publish(ctx, e.id, e.tok, bad, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "could not read this image") || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("400: %v", err)
	}
	// A board that was deleted: choose another (not "account gone").
	gone := post
	gone.Options.BoardID = "999"
	_, err = e.p.Publish(ctx, e.id, e.tok, gone, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "Board not found") {
		t.Fatalf("404 board: %v", err)
	}
	// A missing file is the user's to fix.
	missing := post
	missing.Media = []platforms.Media{{Path: filepath.Join(t.TempDir(), "gone.jpg"), Mime: "image/jpeg"}}
	if _, err := e.p.Publish(ctx, e.id, e.tok, missing, nil, nil); platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "no longer exists") {
		t.Fatalf("missing file: %v", err)
	}

	e.f.ExpireAll()
	_, err = e.p.Publish(ctx, e.id, e.tok, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), e.tok.Access) {
		t.Fatalf("expired token: %v", err)
	}
	nt, err := e.p.Refresh(ctx, e.creds, e.tok)
	if err != nil {
		t.Fatal(err)
	}
	e.f.RevokeAll()
	if _, err := e.p.Identities(ctx, nt); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("revoked: %v", err)
	}
	if _, err := e.p.Publish(ctx, e.id, nt, post, nil, nil); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("revoked publish: %v", err)
	}
	if n := len(e.f.Pins()); n != 0 {
		t.Fatalf("%d pins after failures", n)
	}
}

// TestResumeAfterDroppedUpload: the connection breaks after the video
// reached the upload host; the next Publish continues from the saved
// state: same media, no second upload, one Pin.
func TestResumeAfterDroppedUpload(t *testing.T) {
	e := setup(t)
	post := e.videoPost(t)
	var s saver
	e.f.DropStep(fakes.PinterestStepUpload, 1)
	_, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, s.save)
	if platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("dropped upload: %v", err)
	}
	st := s.decoded(t)
	if st.MediaID == "" || st.Uploaded || st.PinID != "" {
		t.Fatalf("state after drop %s", s.state)
	}
	res, err := e.p.Publish(context.Background(), e.id, e.tok, post, s.state, s.save)
	if err != nil {
		t.Fatal(err)
	}
	pins, media := e.f.Pins(), e.f.Media()
	if len(pins) != 1 || len(media) != 1 || media[0].ID != st.MediaID || media[0].Uploads != 1 || pins[0].MediaID != st.MediaID || res.RemoteID != pins[0].ID {
		t.Fatalf("pins %+v media %+v", pins, media)
	}
}

// TestResumeAfterFailedUpload: the upload host answered 500; the resume
// sends the file again to the same media id (not a new registration).
func TestResumeAfterFailedUpload(t *testing.T) {
	e := setup(t)
	post := e.videoPost(t)
	var s saver
	e.f.FailStep(fakes.PinterestStepUpload, 1, http.StatusInternalServerError)
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry || !strings.Contains(err.Error(), "internal error") {
		t.Fatalf("failed upload: %v", err)
	}
	if st := s.decoded(t); st.UploadURL == "" || len(st.UploadParams) == 0 {
		t.Fatalf("state keeps the upload address: %s", s.state)
	}
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, s.state, s.save); err != nil {
		t.Fatal(err)
	}
	if media := e.f.Media(); len(media) != 1 || media[0].Uploads != 1 || len(e.f.Pins()) != 1 {
		t.Fatalf("media %+v pins %d", media, len(e.f.Pins()))
	}
}

// TestResumeAfterPollFailure: Pinterest failed while we waited for the
// video; the resume polls the same media and pins once.
func TestResumeAfterPollFailure(t *testing.T) {
	e := setup(t)
	post := e.videoPost(t)
	var s saver
	e.f.FailStep(fakes.PinterestStepStatus, 1, http.StatusServiceUnavailable)
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("poll failure: %v", err)
	}
	if st := s.decoded(t); !st.Uploaded || st.Processed {
		t.Fatalf("state %s", s.state)
	}
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, s.state, s.save); err != nil {
		t.Fatal(err)
	}
	if media := e.f.Media(); len(media) != 1 || media[0].Uploads != 1 || len(e.f.Pins()) != 1 {
		t.Fatalf("media %+v pins %d", media, len(e.f.Pins()))
	}
}

// TestResumeAfterDroppedPin: Pinterest made the Pin but the answer was
// lost. Pinterest has no idempotency key, so the resume looks on the board
// for it and does not pin a second time.
func TestResumeAfterDroppedPin(t *testing.T) {
	for _, kind := range []string{"image", "video"} {
		t.Run(kind, func(t *testing.T) {
			e := setup(t)
			post, _ := e.imagePost(t)
			if kind == "video" {
				post = e.videoPost(t)
			}
			var s saver
			e.f.DropNext(1)
			_, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, s.save)
			if platforms.KindOf(err) != platforms.KindRetry {
				t.Fatalf("dropped: %v", err)
			}
			if st := s.decoded(t); st.PinAttempt.IsZero() || st.PinID != "" {
				t.Fatalf("state %s", s.state)
			}
			res, err := e.p.Publish(context.Background(), e.id, e.tok, post, s.state, s.save)
			if err != nil {
				t.Fatal(err)
			}
			pins := e.f.Pins()
			if len(pins) != 1 || res.RemoteID != pins[0].ID || s.decoded(t).PinID != pins[0].ID {
				t.Fatalf("%d pins, result %+v", len(pins), res)
			}
			if kind == "video" {
				if media := e.f.Media(); len(media) != 1 || media[0].Uploads != 1 {
					t.Fatalf("media %+v", media)
				}
			}
		})
	}
}

// TestFailedPinIsRetriedCleanly: an answered failure of POST /pins made
// nothing, so the retry pins without looking on the board.
func TestFailedPinIsRetriedCleanly(t *testing.T) {
	e := setup(t)
	post, _ := e.imagePost(t)
	var s saver
	e.f.FailNext(1, http.StatusInternalServerError, 0)
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatal(err)
	}
	if st := s.decoded(t); !st.PinAttempt.IsZero() {
		t.Fatalf("state %s", s.state)
	}
	if _, err := e.p.Publish(context.Background(), e.id, e.tok, post, s.state, s.save); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.f.Requests() {
		if strings.HasSuffix(r.Path, "/pins") && r.Method == http.MethodGet {
			t.Fatal("looked on the board after an answered failure")
		}
	}
	if len(e.f.Pins()) != 1 {
		t.Fatalf("%d pins", len(e.f.Pins()))
	}
}

func TestNetworkDown(t *testing.T) {
	f := fakes.NewPinterest()
	api := f.APIURL()
	f.Close()
	p := pinterest.New(pinterest.Config{APIURL: api})
	_, err := p.Identities(context.Background(), platforms.Token{Access: "secret-token"})
	if platforms.KindOf(err) != platforms.KindRetry || strings.Contains(err.Error(), "secret-token") {
		t.Fatalf("down: %v", err)
	}
}
