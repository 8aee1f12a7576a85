package instagram_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
	"localpost/platforms/instagram"
)

func init() { instagram.PollInterval = 5 * time.Millisecond }

func account(t *testing.T, f *fakes.Meta) (*instagram.Provider, platforms.Identity, platforms.Token) {
	t.Helper()
	p := instagram.New(instagram.Config{GraphURL: f.URL, VideoURL: f.URL, AuthURL: f.URL, RuploadURL: f.URL})
	info := p.Info()
	ar := p.Authorize(platforms.AppCredentials{ClientID: f.AppID}, info.PasteURL)
	v := oauth2.GenerateVerifier()
	q := url.Values{"client_id": {f.AppID}, "redirect_uri": {info.PasteURL}, "state": {"s"}, "scope": {strings.Join(ar.Scopes, ar.ScopeSep)},
		"response_type": {"code"}, "code_challenge": {oauth2.S256ChallengeFromVerifier(v)}, "code_challenge_method": {"S256"}}
	landed, err := f.Landed(ar.AuthURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	code, err := facebook.ParsePasted(landed, "s")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Exchange(context.Background(), platforms.AppCredentials{ClientID: f.AppID, ClientSecret: f.AppSecret}, info.PasteURL, code, v)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := p.Identities(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0].RemoteID != fakes.MetaIGUserID || ids[0].Kind != "business" || ids[0].Handle != "@democafe" ||
		ids[0].Extra["page_id"] != fakes.MetaPageID || !ids[0].NeedsPublic || ids[0].Token == "" || ids[0].AvatarURL == "" {
		t.Fatalf("identities %+v", ids)
	}
	return p, ids[0], tok
}

func img(name string) platforms.Media {
	return platforms.Media{Path: "/nowhere/" + name, Mime: "image/jpeg", Size: 1000, PublicURL: "https://media.example.com/" + name, Alt: "alt " + name}
}

func video(t *testing.T, n int) platforms.Media {
	t.Helper()
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	p := filepath.Join(t.TempDir(), "reel.mp4")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return platforms.Media{Path: p, Mime: "video/mp4", Size: int64(n)}
}

type saver struct{ last []byte }

func (s *saver) save(b []byte) error { s.last = append([]byte(nil), b...); return nil }

func TestInfoAndLimits(t *testing.T) {
	p := instagram.New(instagram.Config{})
	if i := p.Info(); i.PasteURL != "https://www.facebook.com/connect/login_success.html" || !i.NeedsSecret || i.CanSchedule || i.Redirect != platforms.RedirectPaste {
		t.Fatalf("info %+v", i)
	}
	l := p.Limits()
	if l.MaxChars != 2200 || l.MaxMedia != 10 || !l.MediaRequired {
		t.Fatalf("limits %+v", l)
	}
	for name, post := range map[string]platforms.Post{
		"no media":  {Text: "hi"},
		"too long":  {Text: strings.Repeat("x", 2201), Media: []platforms.Media{img("a.jpg")}},
		"png":       {Text: "x", Media: []platforms.Media{{Path: "a.png", Mime: "image/png", PublicURL: "https://x/a.png"}}},
		"11 items":  {Text: "x", Media: []platforms.Media{img("1"), img("2"), img("3"), img("4"), img("5"), img("6"), img("7"), img("8"), img("9"), img("10"), img("11")}},
		"no public": {Text: "x", Media: []platforms.Media{{Path: "a.jpg", Mime: "image/jpeg"}}},
	} {
		if len(p.Validate(post)) == 0 {
			t.Errorf("%s: no problem", name)
		}
		_, err := p.Publish(context.Background(), platforms.Identity{RemoteID: "1", Token: "t"}, platforms.Token{}, post, nil, nil)
		if platforms.KindOf(err) != platforms.KindFixPost {
			t.Errorf("%s: %v", name, err)
		}
		if name == "no public" && !strings.Contains(err.Error(), "public media location") {
			t.Errorf("no public: %v", err)
		}
	}
}

func TestPublishImageWithFirstComment(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	f.SetContainerPolls(2)
	p, id, tok := account(t, f)
	var s saver
	res, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "Croissants!", Media: []platforms.Media{img("c.jpg")},
		Options: platforms.Options{FirstComment: "#bakery"}}, nil, s.save)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].Network != "instagram" || posts[0].ID != res.RemoteID || posts[0].Text != "Croissants!" || res.URL == "" ||
		res.URL != posts[0].URL || len(posts[0].Comments) != 1 {
		t.Fatalf("posts %+v res %+v", posts, res)
	}
	var st instagram.State
	_ = json.Unmarshal(s.last, &st)
	if st.Container == "" || st.MediaID != res.RemoteID || st.Comment == "" {
		t.Fatalf("state %s", s.last)
	}
}

func TestCarouselResumesAfterDroppedContainer(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p, id, tok := account(t, f)
	post := platforms.Post{Text: "Three breads", Media: []platforms.Media{img("1.jpg"), img("2.jpg"), img("3.jpg")}}
	var s saver
	n := 0
	_, err := p.Publish(context.Background(), id, tok, post, nil, func(b []byte) error {
		n++
		if n == 1 {
			f.DropStep(fakes.MetaStepContainer, 1) // the second item's answer is lost
		}
		return s.save(b)
	})
	if platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("drop: %v", err)
	}
	var st instagram.State
	_ = json.Unmarshal(s.last, &st)
	if len(st.Children) != 1 {
		t.Fatalf("state %s", s.last)
	}
	first := st.Children[0]
	res, err := p.Publish(context.Background(), id, tok, post, s.last, s.save)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].ID != res.RemoteID || posts[0].Kind != "CAROUSEL_ALBUM" || len(posts[0].Media) != 4 || posts[0].Media[1] != first {
		t.Fatalf("posts %+v", posts)
	}
}

func TestReelResumesAfterDroppedUpload(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p, id, tok := account(t, f)
	post := platforms.Post{Text: "Reel", Media: []platforms.Media{video(t, 4000)}, Options: platforms.Options{Kind: "REELS"}}
	var s saver
	f.DropStep(fakes.MetaStepRupload, 1)
	if _, err := p.Publish(context.Background(), id, tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("drop: %v", err)
	}
	var st instagram.State
	_ = json.Unmarshal(s.last, &st)
	container := st.Container
	if container == "" || st.Uploaded1 {
		t.Fatalf("state %s", s.last)
	}
	res, err := p.Publish(context.Background(), id, tok, post, s.last, s.save)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].ID != res.RemoteID || posts[0].Media[0] != container || posts[0].Kind != "VIDEO" {
		t.Fatalf("posts %+v", posts)
	}
	// The resume sent only the missing half.
	var offsets []string
	for _, r := range f.Requests() {
		if strings.HasPrefix(r.Path, "/ig-api-upload/") {
			offsets = append(offsets, r.Header.Get("offset"))
			if r.Auth != "OAuth" {
				t.Errorf("rupload auth %q", r.Auth)
			}
		}
	}
	// A dropped request is recorded when its handler ends, which may be
	// after the resumed one arrived: compare without order.
	slices.Sort(offsets)
	if len(offsets) != 2 || offsets[0] != "0" || offsets[1] != "2000" {
		t.Fatalf("offsets %v", offsets)
	}
}

func TestPublishDroppedAnswerFindsThePost(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p, id, tok := account(t, f)
	post := platforms.Post{Text: "Once only", Media: []platforms.Media{img("o.jpg")}}
	var s saver
	f.DropNext(1)
	if _, err := p.Publish(context.Background(), id, tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("drop: %v", err)
	}
	res, err := p.Publish(context.Background(), id, tok, post, s.last, s.save)
	if err != nil {
		t.Fatal(err)
	}
	if posts := f.Posts(); len(posts) != 1 || posts[0].ID != res.RemoteID {
		t.Fatalf("posts %+v", posts)
	}
}

func TestErrors(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p, id, tok := account(t, f)
	ctx := context.Background()
	post := platforms.Post{Text: "x", Media: []platforms.Media{img("e.jpg")}}

	f.FailNext(1, 429, 20*time.Second)
	if _, err := p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindRetry || platforms.RetryAfterOf(err) != 20*time.Second {
		t.Fatalf("429: %v", err)
	}
	f.FailWith(fakes.MetaStepContainer, 1, 400, 100, "(#100) The aspect ratio is not supported.")
	if _, err := p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "aspect ratio") {
		t.Fatalf("400: %v", err)
	}
	bad := post
	bad.Media = []platforms.Media{{Path: "x.jpg", Mime: "image/jpeg", PublicURL: "https://media.example.com/x.png"}}
	if _, err := p.Publish(ctx, id, tok, bad, nil, nil); platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "Media download has failed") {
		t.Fatalf("container ERROR: %v", err)
	}
	f.SetQuota(100, 100)
	if _, err := p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindRetry || !strings.Contains(err.Error(), "100 posts") {
		t.Fatalf("quota: %v", err)
	}
	f.SetQuota(0, 100)
	f.FailNext(1, 401, 0)
	if _, err := p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("401: %v", err)
	}
	if len(f.Posts()) != 0 {
		t.Fatalf("posted: %+v", f.Posts())
	}
	f.RevokeAll()
	if _, err := p.Publish(ctx, id, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), id.Token) {
		t.Fatalf("revoked: %v", err)
	}
}
