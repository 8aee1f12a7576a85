// Package instagram publishes to Instagram professional (Business or
// Creator) accounts linked to a Facebook Page, through the Graph API's
// container flow: create a container → wait until it is FINISHED → publish
// it. Images are fetched by Meta from a public address (Media.PublicURL);
// videos are pushed from disk with the resumable upload on rupload.
//
// The login is Meta's (package facebook). Every failed call returns a
// *platforms.Error; no error or message ever holds a token.
package instagram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
	"localpost/platforms/facebook"
)

// Scopes asked for when connecting (Facebook Login for Business);
// instagram_manage_insights is for the analytics (IG Media insights).
var Scopes = []string{"instagram_basic", "instagram_content_publish", "pages_show_list", "pages_read_engagement", "business_management", "instagram_manage_insights"}

// Config is the Meta configuration (HTTP client and base URLs).
type Config = facebook.Config

// Polling of a container's status_code; variables so tests can shorten them.
var (
	PollInterval = 3 * time.Second
	PollTimeout  = 5 * time.Minute
)

// MaxImageBytes is Instagram's image limit (8 MB, content publishing guide).
const MaxImageBytes = 8 << 20

// ErrNeedsPublicURL is the message for an image without a public address.
const ErrNeedsPublicURL = "Instagram fetches images from a public web address; set a public media location in Settings"

// Provider is Instagram.
type Provider struct {
	g *facebook.Graph
}

var _ platforms.Provider = (*Provider)(nil)

// New returns the Instagram provider; empty Config fields mean Meta's hosts.
func New(cfg Config) *Provider { return &Provider{g: facebook.NewGraph(cfg)} }

// Info describes Instagram.
func (p *Provider) Info() platforms.Info {
	return platforms.Info{
		Network:     platforms.Instagram,
		Name:        "Instagram",
		NeedsSecret: true,
		Redirect:    platforms.RedirectPaste,
		PasteURL:    p.g.PasteURL(),
		Guide: facebook.Guide(p.g.PasteURL(), Scopes) + " The Instagram account must be a Business or Creator account " +
			"linked to a Facebook Page you manage. Image posts need a public media location (Settings): Instagram fetches " +
			"every image from a public web address; videos are uploaded from this computer.",
		Gates: facebook.Gates + " Instagram limits how many posts an account can publish through apps in a rolling 24 hours " +
			"(Localpost reads the quota before publishing).",
		ConsoleURL: "https://developers.facebook.com/apps/",
	}
}

// Limits of an Instagram post: caption 2,200, up to 10 carousel items,
// JPEG images (the only format the content publishing API takes) or
// MP4/MOV videos, media required.
func (p *Provider) Limits() platforms.Limits {
	return platforms.Limits{
		MaxChars:      2200,
		MaxMedia:      10,
		MediaTypes:    []string{"image/jpeg", "video/mp4", "video/quicktime"},
		MediaRequired: true,
		AltText:       true,
	}
}

// Validate adds what Limits cannot express: public image addresses, image
// size, stories of one item.
func (p *Provider) Validate(post platforms.Post) []platforms.Problem {
	probs := p.Limits().Validate(post)
	for i, m := range post.Media {
		f := fmt.Sprintf("media[%d]", i)
		if !isVideo(m.Mime) {
			if m.PublicURL == "" {
				probs = append(probs, platforms.Problem{Field: f, Message: ErrNeedsPublicURL + "."})
			}
			if m.Size > MaxImageBytes {
				probs = append(probs, platforms.Problem{Field: f, Message: "Instagram accepts images up to 8 MB."})
			}
		}
	}
	kind := strings.ToUpper(post.Options.Kind)
	if kind == "STORIES" && len(post.Media) > 1 {
		probs = append(probs, platforms.Problem{Field: "media", Message: "A story holds one image or video."})
	}
	if kind == "REELS" && (len(post.Media) != 1 || !isVideo(post.Media[0].Mime)) {
		probs = append(probs, platforms.Problem{Field: "media", Message: "A reel is one video."})
	}
	return probs
}

func isVideo(mt string) bool { return strings.HasPrefix(mt, "video/") }

// Authorize describes the Meta login dialog with Instagram's scopes.
func (p *Provider) Authorize(creds platforms.AppCredentials, redirectURI string) platforms.AuthRequest {
	return p.g.Authorize(creds, Scopes)
}

// Exchange trades the code for a long-lived (about 60 days) user token.
func (p *Provider) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string) (platforms.Token, error) {
	return p.g.Exchange(ctx, creds, redirectURI, code, verifier, Scopes)
}

// Refresh: a Facebook-login user token cannot be refreshed without the
// user (the ig_refresh_token grant is for Instagram Login tokens only).
func (p *Provider) Refresh(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) (platforms.Token, error) {
	return t, platforms.ErrNoRefresh
}

// Identities lists the Instagram accounts linked to the user's Pages. The
// Identity token is the Page token; Extra["page_id"] is the Page.
func (p *Provider) Identities(ctx context.Context, t platforms.Token) ([]platforms.Identity, error) {
	accts, err := p.g.Accounts(ctx, t.Access, "id,name,access_token,instagram_business_account{id,username,name,profile_picture_url}")
	if err != nil {
		return nil, err
	}
	var out []platforms.Identity
	for _, a := range accts {
		if a.IG == nil || a.IG.ID == "" {
			continue
		}
		name := a.IG.Name
		if name == "" {
			name = a.IG.Username
		}
		out = append(out, platforms.Identity{RemoteID: a.IG.ID, Kind: "business", Name: name, Handle: "@" + a.IG.Username,
			AvatarURL: a.IG.ProfilePictureURL, URL: "https://www.instagram.com/" + a.IG.Username + "/", Token: a.AccessToken,
			Extra: map[string]string{"page_id": a.ID, "page_name": a.Name}, NeedsPublic: true})
	}
	return out, nil
}

// State is what Publish saves between steps (JSON): a restart reuses the
// item containers, the carousel container and an upload in progress, and
// publishes the existing container instead of creating another.
type State struct {
	Children   []string `json:"children,omitempty"`  // carousel item containers, in media order
	Uploaded   []bool   `json:"uploaded,omitempty"`  // per item: video bytes sent to rupload
	Container  string   `json:"container,omitempty"` // the container to publish
	Uploaded1  bool     `json:"container_uploaded,omitempty"`
	Publishing int64    `json:"publishing,omitempty"` // unix time media_publish was sent
	MediaID    string   `json:"media_id,omitempty"`
	URL        string   `json:"url,omitempty"`
	Comment    string   `json:"comment_id,omitempty"`
}

type run struct {
	g     *facebook.Graph
	ig    string
	token string
	post  platforms.Post
	st    *State
	save  func([]byte) error
}

// Publish creates and publishes the post as the Instagram account id.
func (p *Provider) Publish(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, state []byte, save func([]byte) error) (platforms.Result, error) {
	var st State
	if len(state) > 0 {
		if err := json.Unmarshal(state, &st); err != nil {
			return platforms.Result{}, &platforms.Error{Message: "the saved upload state is damaged", Err: err}
		}
	}
	if save == nil {
		save = func([]byte) error { return nil }
	}
	token := id.Token
	if token == "" {
		token = t.Access
	}
	if token == "" {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindReconnect, Message: "No login is saved for this account; reconnect it"}
	}
	r := &run{g: p.g, ig: id.RemoteID, token: token, post: post, st: &st, save: save}
	if st.MediaID == "" && st.Container == "" && len(st.Children) == 0 {
		for i, m := range post.Media {
			if !isVideo(m.Mime) && m.PublicURL == "" {
				return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: ErrNeedsPublicURL + fmt.Sprintf(" (media %d)", i+1)}
			}
		}
		if probs := p.Validate(post); len(probs) > 0 {
			return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: probs[0].String()}
		}
		if err := r.quota(ctx); err != nil {
			return platforms.Result{}, err
		}
	}
	return r.run(ctx)
}

func (r *run) persist() error {
	b, _ := json.Marshal(r.st)
	if err := r.save(b); err != nil {
		return &platforms.Error{Message: "could not save the upload progress", Err: err}
	}
	return nil
}

// quota reads content_publishing_limit; a spent quota is a retry later.
func (r *run) quota(ctx context.Context) error {
	var out struct {
		Data []struct {
			QuotaUsage int `json:"quota_usage"`
			Config     struct {
				QuotaTotal    int `json:"quota_total"`
				QuotaDuration int `json:"quota_duration"`
			} `json:"config"`
		} `json:"data"`
	}
	if err := r.g.Call(ctx, http.MethodGet, "/"+r.ig+"/content_publishing_limit", r.token, url.Values{"fields": {"quota_usage,config"}}, &out); err != nil {
		return err
	}
	if len(out.Data) > 0 && out.Data[0].Config.QuotaTotal > 0 && out.Data[0].QuotaUsage >= out.Data[0].Config.QuotaTotal {
		return &platforms.Error{Kind: platforms.KindRetry, RetryAfter: time.Hour,
			Message: fmt.Sprintf("This Instagram account has used its %d posts through apps for the last 24 hours; Localpost tries again later", out.Data[0].Config.QuotaTotal)}
	}
	return nil
}

func (r *run) run(ctx context.Context) (platforms.Result, error) {
	st := r.st
	if st.MediaID == "" {
		if err := r.prepare(ctx); err != nil {
			return platforms.Result{}, err
		}
		if err := r.publish(ctx); err != nil {
			return platforms.Result{}, err
		}
	}
	if st.URL == "" {
		var out struct {
			Permalink string `json:"permalink"`
		}
		if err := r.g.Call(ctx, http.MethodGet, "/"+st.MediaID, r.token, url.Values{"fields": {"permalink"}}, &out); err == nil {
			st.URL = out.Permalink
			_ = r.persist()
		}
	}
	res := platforms.Result{RemoteID: st.MediaID, URL: st.URL}
	if c := strings.TrimSpace(r.post.Options.FirstComment); c != "" && st.Comment == "" && strings.ToUpper(r.post.Options.Kind) != "STORIES" {
		var out struct {
			ID string `json:"id"`
		}
		if err := r.g.Call(ctx, http.MethodPost, "/"+st.MediaID+"/comments", r.token, url.Values{"message": {c}}, &out); err != nil {
			return res, fmt.Errorf("the post is published, the first comment failed: %w", err)
		}
		st.Comment = out.ID
		if err := r.persist(); err != nil {
			return res, err
		}
	}
	return res, nil
}

// prepare makes sure st.Container exists and is FINISHED.
func (r *run) prepare(ctx context.Context) error {
	st := r.st
	media := r.post.Media
	kind := strings.ToUpper(r.post.Options.Kind)
	if st.Container == "" && len(media) > 1 {
		for len(st.Uploaded) < len(st.Children) {
			st.Uploaded = append(st.Uploaded, false)
		}
		for i, m := range media {
			if i >= len(st.Children) {
				v := url.Values{"is_carousel_item": {"true"}}
				id, err := r.item(ctx, m, v, "VIDEO")
				if err != nil {
					return err
				}
				st.Children = append(st.Children, id)
				st.Uploaded = append(st.Uploaded, !isVideo(m.Mime))
				if err := r.persist(); err != nil {
					return err
				}
			}
			if !st.Uploaded[i] {
				if err := r.upload(ctx, st.Children[i], m); err != nil {
					return err
				}
				st.Uploaded[i] = true
				if err := r.persist(); err != nil {
					return err
				}
			}
		}
		for _, c := range st.Children {
			if err := r.wait(ctx, c); err != nil {
				return err
			}
		}
		v := url.Values{"media_type": {"CAROUSEL"}, "children": {strings.Join(st.Children, ",")}, "caption": {r.post.Text}}
		var out struct {
			ID string `json:"id"`
		}
		if err := r.g.Call(ctx, http.MethodPost, "/"+r.ig+"/media", r.token, v, &out); err != nil {
			return err
		}
		st.Container, st.Uploaded1 = out.ID, true
		if err := r.persist(); err != nil {
			return err
		}
	}
	if st.Container == "" {
		m := media[0]
		v := url.Values{}
		if kind != "STORIES" {
			v.Set("caption", r.post.Text)
		}
		videoType := "REELS"
		if kind == "STORIES" {
			videoType = "STORIES"
			v.Set("media_type", "STORIES")
		}
		id, err := r.item(ctx, m, v, videoType)
		if err != nil {
			return err
		}
		st.Container, st.Uploaded1 = id, !isVideo(m.Mime)
		if err := r.persist(); err != nil {
			return err
		}
	}
	if !st.Uploaded1 {
		if err := r.upload(ctx, st.Container, media[0]); err != nil {
			return err
		}
		st.Uploaded1 = true
		if err := r.persist(); err != nil {
			return err
		}
	}
	return r.wait(ctx, st.Container)
}

// item creates one container: an image by its public URL, or a video
// container for the resumable upload.
func (r *run) item(ctx context.Context, m platforms.Media, v url.Values, videoType string) (string, error) {
	if isVideo(m.Mime) {
		v.Set("media_type", videoType)
		v.Set("upload_type", "resumable")
	} else {
		v.Set("image_url", m.PublicURL)
		if m.Alt != "" && v.Get("media_type") != "STORIES" {
			v.Set("alt_text", m.Alt)
		}
	}
	var out struct {
		ID  string `json:"id"`
		URI string `json:"uri"`
	}
	if err := r.g.Call(ctx, http.MethodPost, "/"+r.ig+"/media", r.token, v, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", &platforms.Error{Kind: platforms.KindRetry, Message: "Instagram accepted the media but gave no container id"}
	}
	return out.ID, nil
}

// upload sends a video to rupload, from the offset Instagram already has.
func (r *run) upload(ctx context.Context, container string, m platforms.Media) error {
	var status struct {
		VideoStatus struct {
			Uploading struct {
				Status           string `json:"status"`
				BytesTransferred int64  `json:"bytes_transferred"`
			} `json:"uploading_phase"`
		} `json:"video_status"`
	}
	_ = r.g.Call(ctx, http.MethodGet, "/"+container, r.token, url.Values{"fields": {"video_status"}}, &status)
	f, err := os.Open(m.Path)
	if err != nil {
		return facebook.FileError(m.Path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return facebook.FileError(m.Path, err)
	}
	off := status.VideoStatus.Uploading.BytesTransferred
	if status.VideoStatus.Uploading.Status == "complete" || off >= fi.Size() && off > 0 {
		return nil
	}
	if off < 0 || off > fi.Size() {
		off = 0
	}
	if _, err := f.Seek(off, 0); err != nil {
		return facebook.FileError(m.Path, err)
	}
	cfg := r.g.Config()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.RuploadURL+"/ig-api-upload/"+facebook.Version+"/"+container, f)
	if err != nil {
		return &platforms.Error{Message: "could not build the video upload", Err: err}
	}
	req.ContentLength = fi.Size() - off
	req.Header.Set("offset", strconv.FormatInt(off, 10))
	req.Header.Set("file_size", strconv.FormatInt(fi.Size(), 10))
	req.Header.Set("Content-Type", "application/octet-stream")
	var out struct {
		Success bool   `json:"success"`
		Message string `json:"message"`
	}
	if err := r.g.Raw(req, "OAuth", r.token, &out); err != nil {
		return err
	}
	if !out.Success {
		return &platforms.Error{Kind: platforms.KindRetry, Message: "Instagram did not accept the video upload: " + platforms.CleanMessage(out.Message, r.token)}
	}
	return nil
}

// wait polls the container until FINISHED.
func (r *run) wait(ctx context.Context, container string) error {
	deadline := time.Now().Add(PollTimeout)
	for first := true; ; first = false {
		if !first {
			t := time.NewTimer(PollInterval)
			select {
			case <-ctx.Done():
				t.Stop()
				return platforms.NetError("graph.facebook.com", ctx.Err())
			case <-t.C:
			}
		}
		var out struct {
			StatusCode string `json:"status_code"`
			Status     string `json:"status"`
		}
		if err := r.g.Call(ctx, http.MethodGet, "/"+container, r.token, url.Values{"fields": {"status_code,status"}}, &out); err != nil {
			return err
		}
		switch out.StatusCode {
		case "FINISHED", "PUBLISHED":
			return nil
		case "ERROR":
			msg := "Instagram could not process the media"
			if out.Status != "" {
				msg += ": " + platforms.CleanMessage(out.Status, r.token)
			}
			r.forget(container)
			return &platforms.Error{Kind: platforms.KindFixPost, Message: msg}
		case "EXPIRED":
			r.forget(container)
			return &platforms.Error{Kind: platforms.KindRetry, Message: "The Instagram upload expired before it was published; Localpost starts it again"}
		}
		if time.Now().After(deadline) {
			return &platforms.Error{Kind: platforms.KindRetry, RetryAfter: time.Minute, Message: "Instagram is still processing the media; Localpost checks again later"}
		}
	}
}

// forget drops a container that cannot be published any more, so the next
// attempt creates a new one.
func (r *run) forget(container string) {
	st := r.st
	if st.Container == container {
		st.Container, st.Uploaded1 = "", false
	}
	for i, c := range st.Children {
		if c == container {
			st.Children, st.Uploaded = st.Children[:i], st.Uploaded[:min(i, len(st.Uploaded))]
			st.Container, st.Uploaded1 = "", false
			break
		}
	}
	_ = r.persist()
}

// publish turns the container into a post. A resume after a lost answer
// finds the container already PUBLISHED and looks the post up instead.
func (r *run) publish(ctx context.Context) error {
	st := r.st
	if st.Publishing != 0 {
		var out struct {
			StatusCode string `json:"status_code"`
		}
		if err := r.g.Call(ctx, http.MethodGet, "/"+st.Container, r.token, url.Values{"fields": {"status_code"}}, &out); err != nil {
			return err
		}
		if out.StatusCode == "PUBLISHED" {
			id, err := r.find(ctx, time.Unix(st.Publishing, 0))
			if err != nil {
				return err
			}
			if id == "" {
				return &platforms.Error{Message: "Instagram says the post was published but Localpost cannot find it; check the account and mark the post"}
			}
			st.MediaID = id
			return r.persist()
		}
	}
	st.Publishing = time.Now().Unix()
	if err := r.persist(); err != nil {
		return err
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := r.g.Call(ctx, http.MethodPost, "/"+r.ig+"/media_publish", r.token, url.Values{"creation_id": {st.Container}}, &out); err != nil {
		return err
	}
	if out.ID == "" {
		return &platforms.Error{Kind: platforms.KindRetry, Message: "Instagram published without giving the post id"}
	}
	st.MediaID = out.ID
	return r.persist()
}

// find looks for the account's media published since the given moment
// with this caption.
func (r *run) find(ctx context.Context, since time.Time) (string, error) {
	var out struct {
		Data []struct {
			ID        string `json:"id"`
			Caption   string `json:"caption"`
			Timestamp string `json:"timestamp"`
		} `json:"data"`
	}
	if err := r.g.Call(ctx, http.MethodGet, "/"+r.ig+"/media", r.token, url.Values{"fields": {"id,caption,timestamp"}, "limit": {"10"}}, &out); err != nil {
		return "", err
	}
	for _, d := range out.Data {
		ts, err := time.Parse("2006-01-02T15:04:05-0700", d.Timestamp)
		if err == nil && ts.Before(since.Add(-time.Minute)) {
			continue
		}
		if strings.ToUpper(r.post.Options.Kind) == "STORIES" || strings.TrimSpace(d.Caption) == strings.TrimSpace(r.post.Text) {
			return d.ID, nil
		}
	}
	return "", nil
}
