// Package facebook publishes to Facebook Pages through Meta's Graph API and
// holds the Meta login (Graph, Exchange, ParsePasted) the instagram
// package shares.
//
// Meta documents no loopback redirect for desktop apps, so the login is
// "paste the address you landed on": the user registers
// https://www.facebook.com/connect/login_success.html, logs in in the system
// browser and pastes the address back (ParsePasted). Every failed call
// returns a *platforms.Error; no error or message ever holds a token.
package facebook

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
)

// Scopes asked for when connecting Pages; read_insights is for the
// analytics (Page Post insights).
var Scopes = []string{"pages_show_list", "pages_manage_posts", "pages_read_engagement", "business_management", "read_insights"}

// Native scheduling window for scheduled_publish_time (Pages API posts
// guide: between 10 minutes and 30 days after the request).
const (
	MinLead = 10 * time.Minute
	MaxLead = 30 * 24 * time.Hour
)

// MaxPhotoBytes is the Photo node's documented upload limit (4 MB).
const MaxPhotoBytes = 4 << 20

// ChunkSize is the piece size of the resumable video upload (the server
// may ask for other offsets; it is a variable so tests can shrink it).
var ChunkSize int64 = 8 << 20

// Limits for a Page post.
var pageLimits = platforms.Limits{
	MaxChars:       63206,
	MaxMedia:       10,
	MediaTypes:     []string{"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "video/mp4", "video/quicktime"},
	AltText:        true,
	NativeSchedule: true,
}

// Provider is Facebook Pages.
type Provider struct {
	g *Graph
}

var _ platforms.Provider = (*Provider)(nil)

// New returns the Pages provider; empty Config fields mean Meta's hosts.
func New(cfg Config) *Provider { return &Provider{g: NewGraph(cfg)} }

// Graph returns the shared Graph client.
func (p *Provider) Graph() *Graph { return p.g }

// Guide is the setup text shared by Facebook and Instagram.
func Guide(pasteURL string, scopes []string) string {
	return "Create an app of type Business at developers.facebook.com/apps, add the product \"Facebook Login for Business\", " +
		"and under its settings add " + pasteURL + " as a valid OAuth redirect URI. Copy the App ID and App secret " +
		"(App settings → Basic) into Localpost. Permissions used: " + strings.Join(scopes, ", ") + ". " +
		"After logging in, copy the address of the page Facebook shows (it says \"Success\") and paste it into Localpost."
}

// Gates explains Meta's review, shared by Facebook and Instagram.
const Gates = "Until Meta's App Review approves pages_manage_posts (and instagram_content_publish for Instagram), " +
	"only people with a role on your app (admins, developers, testers) can connect and publish. " +
	"The login lasts about 60 days and cannot be renewed without logging in again; Localpost reminds you before it ends."

// Info describes Facebook Pages.
func (p *Provider) Info() platforms.Info {
	return platforms.Info{
		Network:     platforms.Facebook,
		Name:        "Facebook Pages",
		NeedsSecret: true,
		Redirect:    platforms.RedirectPaste,
		PasteURL:    p.g.PasteURL(),
		Guide:       Guide(p.g.PasteURL(), Scopes),
		Gates:       Gates + " Posts go to Pages you manage, never to your personal profile.",
		ConsoleURL:  "https://developers.facebook.com/apps/",
		CanSchedule: true,
		MinLead:     MinLead,
	}
}

// Limits of a Page post. Photos are also limited to MaxPhotoBytes and a
// post holds photos or one video (see Validate).
func (p *Provider) Limits() platforms.Limits {
	l := pageLimits
	l.MediaTypes = append([]string(nil), pageLimits.MediaTypes...)
	return l
}

// Validate adds the rules Limits cannot express: one video alone, photo size.
func (p *Provider) Validate(post platforms.Post) []platforms.Problem {
	probs := p.Limits().Validate(post)
	videos := 0
	for i, m := range post.Media {
		if isVideo(m.Mime) {
			videos++
		} else if m.Size > MaxPhotoBytes {
			probs = append(probs, platforms.Problem{Field: fmt.Sprintf("media[%d]", i), Message: "Facebook accepts photos up to 4 MB."})
		}
	}
	if videos > 0 && len(post.Media) > 1 {
		probs = append(probs, platforms.Problem{Field: "media", Message: "A Facebook post holds photos or one video, not both and not several videos."})
	}
	return probs
}

func isVideo(mt string) bool { return strings.HasPrefix(mt, "video/") }

// Authorize describes the Meta login dialog.
func (p *Provider) Authorize(creds platforms.AppCredentials, redirectURI string) platforms.AuthRequest {
	return p.g.Authorize(creds, Scopes)
}

// Exchange trades the code for a long-lived (about 60 days) user token.
func (p *Provider) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string) (platforms.Token, error) {
	return p.g.Exchange(ctx, creds, redirectURI, code, verifier, Scopes)
}

// Refresh: Meta user tokens cannot be refreshed without the user; Page
// tokens obtained from a long-lived user token do not expire.
func (p *Provider) Refresh(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) (platforms.Token, error) {
	return t, platforms.ErrNoRefresh
}

// Account is one entry of GET /me/accounts.
type Account struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AccessToken string `json:"access_token"`
	Link        string `json:"link"`
	Picture     struct {
		Data struct {
			URL string `json:"url"`
		} `json:"data"`
	} `json:"picture"`
	IG *struct {
		ID                string `json:"id"`
		Username          string `json:"username"`
		Name              string `json:"name"`
		ProfilePictureURL string `json:"profile_picture_url"`
	} `json:"instagram_business_account"`
}

// Accounts lists the Pages the user manages (every page of results), with
// the given fields.
func (g *Graph) Accounts(ctx context.Context, token, fields string) ([]Account, error) {
	var all []Account
	q := url.Values{"fields": {fields}, "limit": {"100"}}
	for range 50 {
		var page struct {
			Data   []Account `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := g.Call(ctx, http.MethodGet, "/me/accounts", token, q, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if page.Paging.Next == "" || page.Paging.Cursors.After == "" {
			break
		}
		q.Set("after", page.Paging.Cursors.After)
	}
	return all, nil
}

// Identities lists the Pages the login manages, each with its Page token.
func (p *Provider) Identities(ctx context.Context, t platforms.Token) ([]platforms.Identity, error) {
	accts, err := p.g.Accounts(ctx, t.Access, "id,name,access_token,picture{url},link")
	if err != nil {
		return nil, err
	}
	var out []platforms.Identity
	for _, a := range accts {
		u := a.Link
		if u == "" {
			u = "https://www.facebook.com/" + a.ID
		}
		out = append(out, platforms.Identity{RemoteID: a.ID, Kind: "page", Name: a.Name, AvatarURL: a.Picture.Data.URL, URL: u,
			Token: a.AccessToken, Extra: map[string]string{"page_id": a.ID}})
	}
	return out, nil
}

// State is what Publish saves between steps (JSON). A restart continues
// from it: uploaded photos and a started video upload are reused, and a
// post whose answer was lost is looked up before posting again.
type State struct {
	Photos  []string    `json:"photos,omitempty"`  // unpublished photo ids, in media order
	Video   *VideoState `json:"video,omitempty"`   // resumable upload session
	Posting int64       `json:"posting,omitempty"` // unix time the final call was sent
	PostID  string      `json:"post_id,omitempty"`
	URL     string      `json:"url,omitempty"`
	Comment string      `json:"comment_id,omitempty"`
}

// VideoState is a resumable video upload session.
type VideoState struct {
	Session  string `json:"upload_session_id"`
	VideoID  string `json:"video_id"`
	Offset   int64  `json:"start_offset"`
	Size     int64  `json:"file_size"`
	Finished bool   `json:"finished,omitempty"`
}

// Publish posts p to the Page id. With PublishAt at least MinLead ahead the
// Page holds it (native scheduling) and the first comment is not posted
// (Meta has no scheduled comments).
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
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindReconnect, Message: "No Page login is saved; reconnect the account"}
	}
	if st.PostID == "" {
		if probs := p.Validate(post); len(probs) > 0 {
			return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: probs[0].String()}
		}
	}
	pub := &publish{g: p.g, page: id.RemoteID, token: token, post: post, st: &st, save: save}
	if err := pub.schedule(time.Now()); err != nil {
		return platforms.Result{}, err
	}
	return pub.run(ctx)
}

type publish struct {
	g         *Graph
	page      string
	token     string
	post      platforms.Post
	st        *State
	save      func([]byte) error
	scheduled time.Time
}

func (pb *publish) persist() error {
	b, _ := json.Marshal(pb.st)
	if err := pb.save(b); err != nil {
		return &platforms.Error{Message: "could not save the upload progress", Err: err}
	}
	return nil
}

// schedule decides whether the Page holds the post.
func (pb *publish) schedule(now time.Time) error {
	at := pb.post.Options.PublishAt
	if at.IsZero() || at.Before(now.Add(MinLead)) {
		return nil
	}
	if at.After(now.Add(MaxLead)) {
		wait := at.Sub(now.Add(MaxLead)) + time.Hour
		return &platforms.Error{Kind: platforms.KindRetry, RetryAfter: wait,
			Message: "Facebook holds scheduled posts at most 30 days ahead; Localpost hands this one over later"}
	}
	pb.scheduled = at
	return nil
}

func (pb *publish) scheduleParams(v url.Values) {
	if !pb.scheduled.IsZero() {
		v.Set("published", "false")
		v.Set("scheduled_publish_time", unix(pb.scheduled))
	}
}

func (pb *publish) run(ctx context.Context) (platforms.Result, error) {
	st := pb.st
	if st.PostID == "" {
		if err := pb.create(ctx); err != nil {
			return platforms.Result{}, err
		}
	}
	if st.URL == "" {
		st.URL = pb.permalink(ctx, st.PostID)
		_ = pb.persist()
	}
	if c := strings.TrimSpace(pb.post.Options.FirstComment); c != "" && st.Comment == "" && pb.scheduled.IsZero() {
		var out struct {
			ID string `json:"id"`
		}
		if err := pb.g.Call(ctx, http.MethodPost, "/"+st.PostID+"/comments", pb.token, url.Values{"message": {c}}, &out); err != nil {
			return platforms.Result{RemoteID: st.PostID, URL: st.URL}, fmt.Errorf("the post is published, the first comment failed: %w", err)
		}
		st.Comment = out.ID
		if err := pb.persist(); err != nil {
			return platforms.Result{}, err
		}
	}
	return platforms.Result{RemoteID: st.PostID, URL: st.URL}, nil
}

func (pb *publish) create(ctx context.Context) error {
	st := pb.st
	media := pb.post.Media
	switch {
	case len(media) == 1 && isVideo(media[0].Mime):
		return pb.video(ctx, media[0])
	case len(media) == 1:
		return pb.final(ctx, func() (string, error) {
			v := url.Values{"caption": {pb.message()}}
			if media[0].Alt != "" {
				v.Set("alt_text_custom", media[0].Alt)
			}
			pb.scheduleParams(v)
			var out struct {
				ID     string `json:"id"`
				PostID string `json:"post_id"`
			}
			err := pb.g.Upload(ctx, pb.g.cfg.GraphURL, "/"+pb.page+"/photos", pb.token, v, File{Field: "source", Path: media[0].Path, Mime: media[0].Mime}, &out)
			if out.PostID == "" {
				out.PostID = out.ID
			}
			return out.PostID, err
		})
	}
	for i := len(st.Photos); i < len(media); i++ {
		v := url.Values{"published": {"false"}}
		if !pb.scheduled.IsZero() {
			v.Set("temporary", "true") // required for photos of a scheduled post
		}
		if media[i].Alt != "" {
			v.Set("alt_text_custom", media[i].Alt)
		}
		var out struct {
			ID string `json:"id"`
		}
		if err := pb.g.Upload(ctx, pb.g.cfg.GraphURL, "/"+pb.page+"/photos", pb.token, v, File{Field: "source", Path: media[i].Path, Mime: media[i].Mime}, &out); err != nil {
			return err
		}
		st.Photos = append(st.Photos, out.ID)
		if err := pb.persist(); err != nil {
			return err
		}
	}
	return pb.final(ctx, func() (string, error) {
		v := url.Values{"message": {pb.message()}}
		if len(media) == 0 && pb.post.Options.Link != "" {
			v.Set("link", pb.post.Options.Link)
			v.Set("message", pb.post.Text)
		}
		for i, id := range st.Photos {
			b, _ := json.Marshal(map[string]string{"media_fbid": id})
			v.Set(fmt.Sprintf("attached_media[%d]", i), string(b))
		}
		pb.scheduleParams(v)
		var out struct {
			ID string `json:"id"`
		}
		err := pb.g.Call(ctx, http.MethodPost, "/"+pb.page+"/feed", pb.token, v, &out)
		return out.ID, err
	})
}

// message is the text, with the link appended when the post has media
// (Meta ignores link next to attached photos).
func (pb *publish) message() string {
	text, link := pb.post.Text, pb.post.Options.Link
	if link != "" && len(pb.post.Media) > 0 && !strings.Contains(text, link) {
		text = strings.TrimSpace(text + "\n\n" + link)
	}
	return text
}

// final runs the call that creates the post. Meta has no idempotency key,
// so the moment is saved first; a resume after a lost answer looks for the
// post on the Page before posting again.
func (pb *publish) final(ctx context.Context, call func() (string, error)) error {
	st := pb.st
	if st.Posting != 0 {
		if id, err := pb.find(ctx, time.Unix(st.Posting, 0)); err != nil {
			return err
		} else if id != "" {
			st.PostID = id
			return pb.persist()
		}
	}
	st.Posting = time.Now().Unix()
	if err := pb.persist(); err != nil {
		return err
	}
	id, err := call()
	if err != nil {
		if platforms.KindOf(err) != platforms.KindRetry {
			st.Posting = 0 // refused: nothing was created
			_ = pb.persist()
		}
		return err
	}
	if id == "" {
		return &platforms.Error{Kind: platforms.KindRetry, Message: "Facebook accepted the post but gave no id"}
	}
	st.PostID = id
	return pb.persist()
}

// find looks for a post made since the given moment with this text.
func (pb *publish) find(ctx context.Context, since time.Time) (string, error) {
	edge := "/feed"
	if !pb.scheduled.IsZero() {
		edge = "/scheduled_posts"
	}
	var out struct {
		Data []struct {
			ID          string `json:"id"`
			Message     string `json:"message"`
			CreatedTime string `json:"created_time"`
		} `json:"data"`
	}
	q := url.Values{"fields": {"id,message,created_time"}, "limit": {"25"}}
	if err := pb.g.Call(ctx, http.MethodGet, "/"+pb.page+edge, pb.token, q, &out); err != nil {
		return "", err
	}
	want := strings.TrimSpace(pb.message())
	for _, d := range out.Data {
		ct, err := time.Parse("2006-01-02T15:04:05-0700", d.CreatedTime)
		if err == nil && ct.Before(since.Add(-time.Minute)) {
			continue
		}
		if strings.TrimSpace(d.Message) == want {
			return d.ID, nil
		}
	}
	return "", nil
}

func (pb *publish) permalink(ctx context.Context, id string) string {
	var out struct {
		Permalink string `json:"permalink_url"`
	}
	if err := pb.g.Call(ctx, http.MethodGet, "/"+id, pb.token, url.Values{"fields": {"permalink_url"}}, &out); err == nil && out.Permalink != "" {
		if strings.HasPrefix(out.Permalink, "/") {
			return "https://www.facebook.com" + out.Permalink
		}
		return out.Permalink
	}
	return "https://www.facebook.com/" + id
}

// video runs the resumable upload (start → transfer… → finish) on the
// video host, saving the session after every piece.
func (pb *publish) video(ctx context.Context, m platforms.Media) error {
	st := pb.st
	base := pb.g.cfg.VideoURL
	path := "/" + pb.page + "/videos"
	if st.Video == nil {
		fi, err := os.Stat(m.Path)
		if err != nil {
			return FileError(m.Path, err)
		}
		var out struct {
			Session string `json:"upload_session_id"`
			VideoID string `json:"video_id"`
			Start   string `json:"start_offset"`
		}
		v := url.Values{"upload_phase": {"start"}, "file_size": {strconv.FormatInt(fi.Size(), 10)}}
		if err := pb.g.callAt(ctx, base, path, pb.token, v, &out); err != nil {
			return err
		}
		off, _ := strconv.ParseInt(out.Start, 10, 64)
		st.Video = &VideoState{Session: out.Session, VideoID: out.VideoID, Offset: off, Size: fi.Size()}
		if err := pb.persist(); err != nil {
			return err
		}
	}
	vs := st.Video
	for !vs.Finished && vs.Offset < vs.Size {
		v := url.Values{"upload_phase": {"transfer"}, "upload_session_id": {vs.Session}, "start_offset": {strconv.FormatInt(vs.Offset, 10)}}
		var out struct {
			Start string `json:"start_offset"`
			End   string `json:"end_offset"`
		}
		err := pb.g.Upload(ctx, base, path, pb.token, v, File{Field: "video_file_chunk", Path: m.Path, Mime: m.Mime, Offset: vs.Offset, Length: ChunkSize}, &out)
		if err != nil {
			return err
		}
		next, perr := strconv.ParseInt(out.Start, 10, 64)
		if perr != nil || next <= vs.Offset && next < vs.Size {
			return &platforms.Error{Kind: platforms.KindRetry, Message: "Facebook did not accept the video piece; try again", Err: perr}
		}
		vs.Offset = next
		if err := pb.persist(); err != nil {
			return err
		}
	}
	if !vs.Finished {
		v := url.Values{"upload_phase": {"finish"}, "upload_session_id": {vs.Session}, "description": {pb.message()}}
		if pb.post.Options.Title != "" {
			v.Set("title", pb.post.Options.Title)
		}
		pb.scheduleParams(v)
		var out struct {
			Success bool `json:"success"`
		}
		if err := pb.g.callAt(ctx, base, path, pb.token, v, &out); err != nil {
			return err
		}
		if !out.Success {
			return &platforms.Error{Kind: platforms.KindRetry, Message: "Facebook did not finish the video upload; try again"}
		}
		vs.Finished = true
	}
	st.PostID = vs.VideoID
	return pb.persist()
}

// callAt is Call on another base URL (the video host).
func (g *Graph) callAt(ctx context.Context, base, path, token string, params url.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/"+Version+path, strings.NewReader(params.Encode()))
	if err != nil {
		return &platforms.Error{Message: "could not build the request to Facebook", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return g.do(req, token, out)
}
