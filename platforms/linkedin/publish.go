package linkedin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"localpost/platforms"
)

// State is what Publish saves after every step that created something on
// LinkedIn, and continues from when it is handed back. It is JSON; the
// field names are the stored format.
type State struct {
	V        int          `json:"v"`
	Author   string       `json:"author"`
	Images   []*Upload    `json:"images,omitempty"` // aligned with Post.Media
	Video    *VideoUpload `json:"video,omitempty"`
	Document *Upload      `json:"document,omitempty"`
	// PostStarted is set before POST /rest/posts and cleared when LinkedIn
	// answered with an error; still set without Post means the connection
	// broke after sending, and the post may exist.
	PostStarted    bool   `json:"postStarted,omitempty"`
	Post           string `json:"post,omitempty"` // urn:li:share:… or urn:li:ugcPost:…
	CommentStarted bool   `json:"commentStarted,omitempty"`
	CommentDone    bool   `json:"commentDone,omitempty"`
}

// Upload is one image or document: initialized (URN, upload address), then
// uploaded (Done), then processed (Ready, documents only).
type Upload struct {
	URN       string `json:"urn"`
	UploadURL string `json:"uploadUrl"`
	Done      bool   `json:"done,omitempty"`
	Ready     bool   `json:"ready,omitempty"`
}

// VideoUpload is a video: its parts' addresses and the ETags LinkedIn gave
// for the parts already sent, then finalized, then processed.
type VideoUpload struct {
	URN         string   `json:"urn"`
	UploadToken string   `json:"uploadToken"`
	Parts       []Part   `json:"parts"`
	ETags       []string `json:"etags,omitempty"` // ETags[i] is part i's, "" = not sent
	Finalized   bool     `json:"finalized,omitempty"`
	Ready       bool     `json:"ready,omitempty"`
}

// Part is one byte range of a video and where it goes.
type Part struct {
	URL   string `json:"url"`
	First int64  `json:"first"`
	Last  int64  `json:"last"`
}

// ErrMaybePublished is wrapped by the error Publish returns when an earlier
// attempt lost the connection while creating the post and LinkedIn does
// not let Localpost look: the user has to check before it posts again.
var ErrMaybePublished = platforms.ErrMaybePublished

type publishRun struct {
	p     *Provider
	token string
	st    *State
	save  func([]byte) error
}

func (r *publishRun) persist() error {
	b, err := json.Marshal(r.st)
	if err != nil {
		return &platforms.Error{Message: "could not save the upload's progress", Err: err}
	}
	if r.save == nil {
		return nil
	}
	if err := r.save(b); err != nil {
		return &platforms.Error{Kind: platforms.KindRetry, Message: "could not save the upload's progress", Err: err}
	}
	return nil
}

// Publish uploads the media, creates the post and adds the first comment,
// saving its State after every step; with a saved state it continues.
func (p *Provider) Publish(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, state []byte, save func([]byte) error) (platforms.Result, error) {
	author := id.Extra[ExtraAuthor]
	if author == "" {
		switch id.Kind {
		case KindOrganization:
			author = "urn:li:organization:" + id.RemoteID
		default:
			author = "urn:li:person:" + id.RemoteID
		}
	}
	st := &State{V: 1, Author: author}
	if len(state) > 0 {
		if err := json.Unmarshal(state, st); err != nil {
			return platforms.Result{}, &platforms.Error{Message: "the saved progress of this post is unreadable", Err: err}
		}
		if st.Author != author {
			return platforms.Result{}, &platforms.Error{Message: "the saved progress belongs to another LinkedIn account"}
		}
	}
	r := &publishRun{p: p, token: t.Access, st: st, save: save}

	if st.Post == "" {
		if probs := p.Validate(post); len(probs) > 0 {
			return platforms.Result{}, problemsError(probs)
		}
		content, err := r.uploadAll(ctx, post)
		if err != nil {
			return platforms.Result{}, err
		}
		if err := r.createPost(ctx, post, content); err != nil {
			return platforms.Result{}, err
		}
	}
	if c := strings.TrimSpace(post.Options.FirstComment); c != "" && !st.CommentDone {
		if err := r.comment(ctx, c); err != nil {
			return platforms.Result{}, err
		}
	}
	return platforms.Result{RemoteID: st.Post, URL: p.PostURL(st.Post)}, nil
}

// PostURL is where a post can be seen.
func (p *Provider) PostURL(urn string) string {
	return p.cfg.WebURL + "/feed/update/" + urn + "/"
}

// uploadAll uploads what the post carries and returns its "content".
func (r *publishRun) uploadAll(ctx context.Context, post platforms.Post) (map[string]any, error) {
	var images []map[string]any
	for i, m := range post.Media {
		switch kindOf(m.Mime) {
		case kindImage:
			for len(r.st.Images) <= i {
				r.st.Images = append(r.st.Images, nil)
			}
			urn, err := r.simpleUpload(ctx, "images", "image", &r.st.Images[i], m, false)
			if err != nil {
				return nil, err
			}
			img := map[string]any{"id": urn}
			if m.Alt != "" {
				img["altText"] = m.Alt
			}
			images = append(images, img)
		case kindVideo:
			urn, err := r.video(ctx, m)
			if err != nil {
				return nil, err
			}
			media := map[string]any{"id": urn}
			if post.Options.Title != "" {
				media["title"] = post.Options.Title
			}
			return map[string]any{"media": media}, nil
		case kindDocument:
			urn, err := r.simpleUpload(ctx, "documents", "document", &r.st.Document, m, true)
			if err != nil {
				return nil, err
			}
			title := post.Options.Title
			if title == "" {
				title = strings.TrimSuffix(filepath.Base(m.Path), filepath.Ext(m.Path))
			}
			return map[string]any{"media": map[string]any{"id": urn, "title": title}}, nil
		}
	}
	switch {
	case len(images) == 1:
		return map[string]any{"media": images[0]}, nil
	case len(images) > 1:
		return map[string]any{"multiImage": map[string]any{"images": images}}, nil
	case post.Options.Link != "":
		title := post.Options.Title
		if title == "" {
			title = post.Options.Link
		}
		return map[string]any{"article": map[string]any{"source": post.Options.Link, "title": title}}, nil
	}
	return nil, nil
}

// simpleUpload is the images and documents flow: initializeUpload → PUT.
func (r *publishRun) simpleUpload(ctx context.Context, resource, field string, slot **Upload, m platforms.Media, wait bool) (string, error) {
	if *slot == nil {
		var out struct {
			Value map[string]any `json:"value"`
		}
		body := map[string]any{"initializeUploadRequest": map[string]any{"owner": r.st.Author}}
		u := r.p.restURL("/rest/"+resource, url.Values{"action": {"initializeUpload"}})
		if _, err := r.p.call(ctx, http.MethodPost, u, r.token, body, &out); err != nil {
			return "", named(err, m)
		}
		urn, _ := out.Value[field].(string)
		up, _ := out.Value["uploadUrl"].(string)
		if urn == "" || up == "" {
			return "", &platforms.Error{Kind: platforms.KindRetry, Message: "LinkedIn gave no upload address for " + filepath.Base(m.Path)}
		}
		*slot = &Upload{URN: urn, UploadURL: up}
		if err := r.persist(); err != nil {
			return "", err
		}
	}
	up := *slot
	if !up.Done {
		if _, err := r.put(ctx, up.UploadURL, m, 0, -1); err != nil {
			if k := platforms.KindOf(err); k == platforms.KindFixPost || k == platforms.KindDisconnected {
				// The upload address expired or was refused: start
				// this file over next time (an unused upload is harmless).
				*slot = nil
				_ = r.persist()
			}
			return "", err
		}
		up.Done = true
		if err := r.persist(); err != nil {
			return "", err
		}
	}
	if wait && !up.Ready {
		if err := r.waitReady(ctx, resource, up.URN, m); err != nil {
			return "", err
		}
		up.Ready = true
		if err := r.persist(); err != nil {
			return "", err
		}
	}
	return up.URN, nil
}

// video is initializeUpload → PUT every part (keeping ETags) →
// finalizeUpload → wait until LinkedIn has processed it.
func (r *publishRun) video(ctx context.Context, m platforms.Media) (string, error) {
	if r.st.Video == nil {
		size, err := fileSize(m)
		if err != nil {
			return "", err
		}
		var out struct {
			Value struct {
				Video              string `json:"video"`
				UploadToken        string `json:"uploadToken"`
				UploadInstructions []struct {
					UploadURL string `json:"uploadUrl"`
					FirstByte int64  `json:"firstByte"`
					LastByte  int64  `json:"lastByte"`
				} `json:"uploadInstructions"`
			} `json:"value"`
		}
		body := map[string]any{"initializeUploadRequest": map[string]any{
			"owner": r.st.Author, "fileSizeBytes": size, "uploadCaptions": false, "uploadThumbnail": false}}
		u := r.p.restURL("/rest/videos", url.Values{"action": {"initializeUpload"}})
		if _, err := r.p.call(ctx, http.MethodPost, u, r.token, body, &out); err != nil {
			return "", named(err, m)
		}
		if out.Value.Video == "" || len(out.Value.UploadInstructions) == 0 {
			return "", &platforms.Error{Kind: platforms.KindRetry, Message: "LinkedIn gave no upload address for " + filepath.Base(m.Path)}
		}
		v := &VideoUpload{URN: out.Value.Video, UploadToken: out.Value.UploadToken}
		for _, in := range out.Value.UploadInstructions {
			v.Parts = append(v.Parts, Part{URL: in.UploadURL, First: in.FirstByte, Last: in.LastByte})
		}
		v.ETags = make([]string, len(v.Parts))
		r.st.Video = v
		if err := r.persist(); err != nil {
			return "", err
		}
	}
	v := r.st.Video
	for len(v.ETags) < len(v.Parts) {
		v.ETags = append(v.ETags, "")
	}
	for i, part := range v.Parts {
		if v.ETags[i] != "" {
			continue
		}
		h, err := r.put(ctx, part.URL, m, part.First, part.Last-part.First+1)
		if err != nil {
			return "", err
		}
		etag := h.Get("ETag")
		if etag == "" {
			return "", &platforms.Error{Kind: platforms.KindRetry, Message: "LinkedIn took part of " + filepath.Base(m.Path) + " without confirming it"}
		}
		v.ETags[i] = etag
		if err := r.persist(); err != nil {
			return "", err
		}
	}
	if !v.Finalized {
		body := map[string]any{"finalizeUploadRequest": map[string]any{
			"video": v.URN, "uploadToken": v.UploadToken, "uploadedPartIds": v.ETags}}
		u := r.p.restURL("/rest/videos", url.Values{"action": {"finalizeUpload"}})
		if _, err := r.p.call(ctx, http.MethodPost, u, r.token, body, nil); err != nil {
			return "", named(err, m)
		}
		v.Finalized = true
		if err := r.persist(); err != nil {
			return "", err
		}
	}
	if !v.Ready {
		if err := r.waitReady(ctx, "videos", v.URN, m); err != nil {
			return "", err
		}
		v.Ready = true
		if err := r.persist(); err != nil {
			return "", err
		}
	}
	return v.URN, nil
}

// waitReady polls GET /rest/{videos|documents}/{urn} until AVAILABLE.
func (r *publishRun) waitReady(ctx context.Context, resource, urn string, m platforms.Media) error {
	deadline := time.Now().Add(r.p.cfg.PollTimeout)
	for {
		var out struct {
			Status string `json:"status"`
		}
		if _, err := r.p.call(ctx, http.MethodGet, r.p.restURL("/rest/"+resource+"/"+escURN(urn), nil), r.token, nil, &out); err != nil {
			return err
		}
		switch out.Status {
		case "AVAILABLE":
			return nil
		case "PROCESSING_FAILED":
			return &platforms.Error{Kind: platforms.KindFixPost, Message: "LinkedIn could not process " + filepath.Base(m.Path) + "; check the file and attach it again"}
		}
		if time.Now().After(deadline) {
			return &platforms.Error{Kind: platforms.KindRetry, Message: "LinkedIn is still processing " + filepath.Base(m.Path) + "; Localpost will try again"}
		}
		t := time.NewTimer(r.p.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return platforms.NetError("LinkedIn", ctx.Err())
		case <-t.C:
		}
	}
}

func fileSize(m platforms.Media) (int64, error) {
	st, err := os.Stat(m.Path)
	if err != nil {
		return 0, missing(m, err)
	}
	return st.Size(), nil
}

func missing(m platforms.Media, err error) error {
	msg := fmt.Sprintf("%s could not be read; attach it again", filepath.Base(m.Path))
	if errors.Is(err, os.ErrNotExist) {
		msg = fmt.Sprintf("%s no longer exists; attach it again", filepath.Base(m.Path))
	}
	return &platforms.Error{Kind: platforms.KindFixPost, Message: msg, Err: err}
}

// named prefixes a "fix the post" message with the file it is about.
func named(err error, m platforms.Media) error {
	var pe *platforms.Error
	if errors.As(err, &pe) && pe.Kind == platforms.KindFixPost {
		pe.Message = filepath.Base(m.Path) + ": " + pe.Message
	}
	return err
}

// put sends length bytes of the file from offset (length < 0: all) to an
// upload address, streamed from disk with a known length.
func (r *publishRun) put(ctx context.Context, rawURL string, m platforms.Media, offset, length int64) (http.Header, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, &platforms.Error{Kind: platforms.KindRetry, Message: "LinkedIn gave an upload address Localpost cannot use"}
	}
	f, err := os.Open(m.Path)
	if err != nil {
		return nil, missing(m, err)
	}
	defer f.Close()
	if length < 0 {
		st, err := f.Stat()
		if err != nil {
			return nil, missing(m, err)
		}
		length = st.Size() - offset
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), io.NewSectionReader(f, offset, length))
	if err != nil {
		return nil, &platforms.Error{Message: "could not build the upload", Err: err}
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/octet-stream")
	tok := ""
	if r.p.trustedUpload(u) {
		tok = r.token
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	h, err := r.p.do(req, tok, nil)
	return h, named(err, m)
}

// createPost is POST /rest/posts; LinkedIn answers 201 with the post's URN
// in the x-restli-id header.
func (r *publishRun) createPost(ctx context.Context, post platforms.Post, content map[string]any) error {
	if r.st.PostStarted {
		urn, err := r.findPost(ctx, post)
		if err != nil {
			return err
		}
		if urn != "" {
			r.st.Post, r.st.PostStarted = urn, false
			return r.persist()
		}
	}
	body := map[string]any{
		"author":     r.st.Author,
		"commentary": EscapeLittle(post.Text),
		"visibility": "PUBLIC",
		"distribution": map[string]any{
			"feedDistribution":               "MAIN_FEED",
			"targetEntities":                 []any{},
			"thirdPartyDistributionChannels": []any{},
		},
		"lifecycleState":            "PUBLISHED",
		"isReshareDisabledByAuthor": false,
	}
	if content != nil {
		body["content"] = content
	}
	r.st.PostStarted = true
	if err := r.persist(); err != nil {
		return err
	}
	h, err := r.p.call(ctx, http.MethodPost, r.p.restURL("/rest/posts", nil), r.token, body, nil)
	if err != nil {
		var pe *platforms.Error
		if errors.As(err, &pe) && pe.Status != 0 {
			// LinkedIn answered: nothing was created.
			r.st.PostStarted = false
			_ = r.persist()
		}
		return err
	}
	urn := h.Get("X-RestLi-Id")
	if urn == "" {
		urn = h.Get("X-LinkedIn-Id")
	}
	if urn == "" {
		return &platforms.Error{Kind: platforms.KindUnknown, Status: http.StatusCreated, Err: ErrMaybePublished,
			Message: "LinkedIn accepted the post but did not say where it is; check your LinkedIn feed before publishing again"}
	}
	r.st.Post, r.st.PostStarted = urn, false
	return r.persist()
}

// findPost looks for a post an interrupted attempt may have created:
// GET /rest/posts?q=author, newest first, matching the commentary. Reading
// a member's posts needs a restricted permission; then the user decides.
func (r *publishRun) findPost(ctx context.Context, post platforms.Post) (string, error) {
	q := url.Values{"q": {"author"}, "author": {r.st.Author}, "count": {"10"}, "sortBy": {"LAST_MODIFIED"}}
	var out struct {
		Elements []struct {
			ID         string `json:"id"`
			Commentary string `json:"commentary"`
		} `json:"elements"`
	}
	if _, err := r.p.call(ctx, http.MethodGet, r.p.restURL("/rest/posts", q), r.token, nil, &out); err != nil {
		if platforms.KindOf(err) == platforms.KindRetry {
			return "", err
		}
		return "", &platforms.Error{Kind: platforms.KindUnknown, Err: errors.Join(ErrMaybePublished, err),
			Message: "The connection to LinkedIn broke while the post was being created, and LinkedIn does not let Localpost check whether it was. " +
				"Look at the profile's posts: mark this post published if it is there, or publish it again."}
	}
	want := EscapeLittle(post.Text)
	for _, e := range out.Elements {
		if e.Commentary == want || e.Commentary == post.Text {
			return e.ID, nil
		}
	}
	return "", nil
}

// comment adds the first comment: POST /rest/socialActions/{urn}/comments.
func (r *publishRun) comment(ctx context.Context, text string) error {
	u := r.p.restURL("/rest/socialActions/"+escURN(r.st.Post)+"/comments", nil)
	if r.st.CommentStarted {
		// An earlier attempt broke while commenting: look before adding.
		var out struct {
			Elements []struct {
				Actor   string `json:"actor"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"elements"`
		}
		if _, err := r.p.call(ctx, http.MethodGet, u, r.token, nil, &out); err != nil {
			if platforms.KindOf(err) == platforms.KindRetry {
				return err
			}
			// Cannot look: better no first comment than two.
			r.st.CommentDone = true
			return r.persist()
		}
		for _, e := range out.Elements {
			if e.Actor == r.st.Author && (e.Message.Text == EscapeLittle(text) || e.Message.Text == text) {
				r.st.CommentDone = true
				return r.persist()
			}
		}
	}
	r.st.CommentStarted = true
	if err := r.persist(); err != nil {
		return err
	}
	body := map[string]any{"actor": r.st.Author, "object": r.st.Post, "message": map[string]any{"text": EscapeLittle(text)}}
	if _, err := r.p.call(ctx, http.MethodPost, u, r.token, body, nil); err != nil {
		var pe *platforms.Error
		if errors.As(err, &pe) {
			if pe.Status != 0 {
				r.st.CommentStarted = false
				_ = r.persist()
			}
			pe.Message = "The post is published, but its first comment failed: " + pe.Message
		}
		return err
	}
	r.st.CommentDone = true
	return r.persist()
}
