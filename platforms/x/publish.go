package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// State is what Publish saves after every step that created something on
// X, and continues from when it is given back: the upload of each
// attachment (its media id and how far it got) and the ids of the posts
// created so far (the post, then the thread parts, then the first comment).
// Sending marks a POST /2/tweets whose answer never came: on resume the
// user's recent posts are searched for it before it is sent again.
type State struct {
	Media   []MediaState `json:"media,omitempty"`
	Posts   []string     `json:"posts,omitempty"`
	Sending *Sending     `json:"sending,omitempty"`
}

// MediaState is the upload of one attachment.
type MediaState struct {
	Path      string `json:"path"`
	Size      int64  `json:"size"`
	ID        string `json:"id,omitempty"`      // X's media id, from INITIALIZE
	Expires   int64  `json:"expires,omitempty"` // Unix seconds when the upload session ends
	Chunk     int64  `json:"chunk,omitempty"`   // bytes per segment used for this upload
	Next      int    `json:"next"`              // next segment index to APPEND
	Finalized bool   `json:"finalized,omitempty"`
	Ready     bool   `json:"ready,omitempty"` // processing succeeded
	Alt       bool   `json:"alt,omitempty"`   // alt text stored
}

// Sending is a post creation whose outcome is unknown.
type Sending struct {
	Part  int   `json:"part"`
	Since int64 `json:"since"` // Unix seconds, just before the request
}

// parts returns the texts to post in order and, for each, which earlier
// part it replies to (-1 for none): the thread chains, the first comment
// replies to the post itself.
func parts(post platforms.Post) (texts []string, replyTo []int) {
	texts = append(texts, post.Text)
	replyTo = append(replyTo, -1)
	for _, t := range post.Options.Thread {
		replyTo = append(replyTo, len(texts)-1)
		texts = append(texts, t)
	}
	if post.Options.FirstComment != "" {
		texts = append(texts, post.Options.FirstComment)
		replyTo = append(replyTo, 0)
	}
	return texts, replyTo
}

// Publish uploads the media, posts the text with them, then each thread
// part as a reply to the previous one and the first comment as a reply to
// the post. It calls save after every step that created something and,
// given a saved state, continues from it without creating anything twice.
func (p *Provider) Publish(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, state []byte, save func([]byte) error) (platforms.Result, error) {
	if probs := p.Validate(post); len(probs) > 0 {
		msgs := make([]string, len(probs))
		for i, pr := range probs {
			msgs[i] = pr.String()
		}
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: strings.Join(msgs, " ")}
	}
	var st State
	if len(bytes.TrimSpace(state)) > 0 {
		if err := json.Unmarshal(state, &st); err != nil {
			return platforms.Result{}, &platforms.Error{Message: "the saved progress of this post cannot be read; check X before posting it again", Err: err}
		}
	}
	persist := func() error {
		if save == nil {
			return nil
		}
		b, err := json.Marshal(st)
		if err == nil {
			err = save(b)
		}
		if err != nil {
			return &platforms.Error{Kind: platforms.KindRetry, Message: "could not save the progress of the post", Err: err}
		}
		return nil
	}

	texts, replyTo := parts(post)
	var mediaIDs []string
	if len(st.Posts) == 0 {
		ids, err := p.uploadAll(ctx, t.Access, post.Media, &st, persist)
		if err != nil {
			return platforms.Result{}, err
		}
		mediaIDs = ids
	}
	for i := len(st.Posts); i < len(texts); i++ {
		if s := st.Sending; s != nil && s.Part == i {
			found, err := p.findSent(ctx, id, t.Access, texts[i], s.Since)
			if err != nil {
				return platforms.Result{}, err
			}
			if found != "" {
				st.Posts, st.Sending = append(st.Posts, found), nil
				if err := persist(); err != nil {
					return platforms.Result{}, err
				}
				continue
			}
		}
		body := map[string]any{"text": texts[i]}
		if i == 0 && len(mediaIDs) > 0 {
			body["media"] = map[string]any{"media_ids": mediaIDs}
		}
		if r := replyTo[i]; r >= 0 {
			body["reply"] = map[string]any{"in_reply_to_tweet_id": st.Posts[r]}
		}
		st.Sending = &Sending{Part: i, Since: time.Now().Add(-time.Minute).Unix()}
		if err := persist(); err != nil {
			return platforms.Result{}, err
		}
		var out struct {
			Data struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"data"`
			Errors []struct {
				Message string `json:"message"`
				Detail  string `json:"detail"`
			} `json:"errors"`
		}
		err := p.call(ctx, http.MethodPost, p.cfg.APIURL+"/2/tweets", t.Access, body, &out)
		if err == nil && out.Data.ID == "" {
			msg := "X answered without the id of the new post"
			if len(out.Errors) > 0 {
				msg = platforms.CleanMessage(out.Errors[0].Message+" "+out.Errors[0].Detail, t.Access)
			}
			err = &platforms.Error{Kind: platforms.KindRetry, Status: http.StatusCreated, Message: msg}
		}
		if err != nil {
			if isStatus(err, 400, 401, 403, 404, 429) {
				// X answered and refused: nothing was created.
				st.Sending = nil
				_ = persist()
			}
			return platforms.Result{}, err
		}
		st.Posts, st.Sending = append(st.Posts, out.Data.ID), nil
		if err := persist(); err != nil {
			return platforms.Result{}, err
		}
	}
	return platforms.Result{RemoteID: st.Posts[0], URL: p.postURL(id, st.Posts[0])}, nil
}

func (p *Provider) postURL(id platforms.Identity, postID string) string {
	user := id.Extra["username"]
	if user == "" {
		user = strings.TrimPrefix(id.Handle, "@")
	}
	if user == "" {
		user = "i/web"
	}
	return p.cfg.WebURL + "/" + user + "/status/" + postID
}

// sameText compares a text as sent with one as X returns it: X escapes
// &, < and > and replaces links with t.co links, and appends a link to
// attached media.
func sameText(sent, got string) bool {
	return platforms.SameText(sent, html.UnescapeString(got))
}

// findSent looks for a post whose creation was cut off before X answered:
// GET /2/users/{id}/tweets since just before the attempt. It returns the
// id of a post with the same text, or "".
func (p *Provider) findSent(ctx context.Context, id platforms.Identity, token, text string, since int64) (string, error) {
	if id.RemoteID == "" {
		return "", nil
	}
	q := url.Values{
		"max_results": {"10"},
		"start_time":  {time.Unix(since, 0).UTC().Format(time.RFC3339)},
	}
	var out struct {
		Data []struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, p.cfg.APIURL+"/2/users/"+url.PathEscape(id.RemoteID)+"/tweets?"+q.Encode(), token, nil, &out); err != nil {
		return "", err
	}
	for _, d := range out.Data {
		if sameText(text, d.Text) {
			return d.ID, nil
		}
	}
	return "", nil
}

// uploadAll uploads every attachment not yet ready and returns the media ids.
func (p *Provider) uploadAll(ctx context.Context, token string, media []platforms.Media, st *State, persist func() error) ([]string, error) {
	if len(st.Media) != len(media) {
		st.Media = make([]MediaState, len(media))
	}
	ids := make([]string, len(media))
	for i, m := range media {
		ms := &st.Media[i]
		if ms.Path != m.Path {
			*ms = MediaState{Path: m.Path}
		}
		if ms.ID != "" && ms.Expires > 0 && time.Now().Unix() >= ms.Expires {
			// The media id has expired (X keeps it expires_after_secs): no
			// post uses it yet, so upload the file again.
			*ms = MediaState{Path: m.Path}
		}
		if err := p.upload(ctx, token, m, ms, persist); err != nil {
			return nil, err
		}
		ids[i] = ms.ID
	}
	return ids, nil
}

func fileError(name string, err error) error {
	msg := fmt.Sprintf("%s could not be read; attach it again", name)
	if errors.Is(err, os.ErrNotExist) {
		msg = fmt.Sprintf("%s no longer exists; attach it again", name)
	}
	return &platforms.Error{Kind: platforms.KindFixPost, Message: msg, Err: err}
}

type processingInfo struct {
	State          string `json:"state"`
	CheckAfterSecs int    `json:"check_after_secs"`
	ProgressPct    int    `json:"progress_percent"`
}

type mediaData struct {
	ID               string          `json:"id"`
	ExpiresAfterSecs int64           `json:"expires_after_secs"`
	ProcessingInfo   *processingInfo `json:"processing_info"`
}

// upload runs INITIALIZE → APPEND (chunks streamed from disk) → FINALIZE
// → STATUS polls → metadata for one file, skipping what ms says is done.
func (p *Provider) upload(ctx context.Context, token string, m platforms.Media, ms *MediaState, persist func() error) error {
	name := baseName(m.Path)
	f, err := os.Open(m.Path)
	if err != nil {
		return fileError(name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileError(name, err)
	}
	size := fi.Size()
	if ms.ID != "" && ms.Size != size {
		*ms = MediaState{Path: m.Path} // the file changed since: start over
	}
	ms.Size = size
	kind := mediaKind(m.Mime)
	base := p.cfg.UploadURL + "/2/media/upload"

	if ms.ID == "" {
		var out struct {
			Data mediaData `json:"data"`
		}
		body := map[string]any{"media_type": m.Mime, "media_category": kind.category(), "total_bytes": size}
		if err := p.call(ctx, http.MethodPost, base+"/initialize", token, body, &out); err != nil {
			return withName(name, err)
		}
		if out.Data.ID == "" {
			return &platforms.Error{Kind: platforms.KindRetry, Status: 200, Message: "X accepted " + name + " but gave no media id"}
		}
		ms.ID, ms.Chunk, ms.Next = out.Data.ID, p.cfg.ChunkSize, 0
		if out.Data.ExpiresAfterSecs > 0 {
			ms.Expires = time.Now().Unix() + out.Data.ExpiresAfterSecs
		}
		if err := persist(); err != nil {
			return err
		}
	}
	if ms.Chunk <= 0 {
		ms.Chunk = p.cfg.ChunkSize
	}
	for !ms.Finalized && int64(ms.Next)*ms.Chunk < size {
		off := int64(ms.Next) * ms.Chunk
		n := min(ms.Chunk, size-off)
		if err := p.appendChunk(ctx, token, base+"/"+url.PathEscape(ms.ID)+"/append", ms.Next, io.NewSectionReader(f, off, n), n); err != nil {
			return withName(name, err)
		}
		ms.Next++
		if err := persist(); err != nil {
			return err
		}
	}
	if !ms.Finalized {
		var out struct {
			Data mediaData `json:"data"`
		}
		if err := p.call(ctx, http.MethodPost, base+"/"+url.PathEscape(ms.ID)+"/finalize", token, nil, &out); err != nil {
			return withName(name, err)
		}
		ms.Finalized = true
		pi := out.Data.ProcessingInfo
		if pi != nil && pi.State == "failed" {
			return &platforms.Error{Kind: platforms.KindFixPost, Status: 200, Message: "X could not process " + name + "; check the file's format, length and size"}
		}
		ms.Ready = pi == nil || pi.State == "succeeded"
		if err := persist(); err != nil {
			return err
		}
		if !ms.Ready {
			if err := p.sleep(ctx, pi.CheckAfterSecs); err != nil {
				return err
			}
		}
	}
	if !ms.Ready {
		if err := p.waitProcessing(ctx, token, ms.ID, name); err != nil {
			return err
		}
		ms.Ready = true
		if err := persist(); err != nil {
			return err
		}
	}
	if m.Alt != "" && !ms.Alt {
		body := map[string]any{"id": ms.ID, "metadata": map[string]any{"alt_text": map[string]any{"text": m.Alt}}}
		if err := p.call(ctx, http.MethodPost, p.cfg.UploadURL+"/2/media/metadata", token, body, nil); err != nil {
			return withName(name, err)
		}
		ms.Alt = true
		if err := persist(); err != nil {
			return err
		}
	}
	return nil
}

// withName prefixes a refusal of a file with its name.
func withName(name string, err error) error {
	var pe *platforms.Error
	if errors.As(err, &pe) && pe.Kind == platforms.KindFixPost && pe.Message != "" && !strings.Contains(pe.Message, name) {
		pe.Message = name + ": " + pe.Message
	}
	return err
}

// appendChunk sends one segment as multipart/form-data, streamed with a
// known length.
func (p *Provider) appendChunk(ctx context.Context, token, rawURL string, segment int, data io.Reader, n int64) error {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if err := mw.WriteField("segment_index", strconv.Itoa(segment)); err != nil {
		return &platforms.Error{Message: "could not build the upload", Err: err}
	}
	ph := textproto.MIMEHeader{}
	ph.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "media", "filename": "blob"}))
	ph.Set("Content-Type", "application/octet-stream")
	if _, err := mw.CreatePart(ph); err != nil {
		return &platforms.Error{Message: "could not build the upload", Err: err}
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), data, strings.NewReader(tail))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, body)
	if err != nil {
		return &platforms.Error{Message: "could not build the upload", Err: err}
	}
	req.ContentLength = int64(head.Len()) + n + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	_, err = p.do(req, token, nil)
	return err
}

func (p *Provider) sleep(ctx context.Context, checkAfter int) error {
	d := time.Duration(min(max(checkAfter, 1), 60)) * time.Second
	if p.cfg.PollInterval > 0 {
		d = p.cfg.PollInterval
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return platforms.NetError(hostOf(p.cfg.UploadURL), ctx.Err())
	case <-t.C:
		return nil
	}
}

// waitProcessing polls GET /2/media/upload?command=STATUS until X has
// processed the upload (videos and GIFs).
func (p *Provider) waitProcessing(ctx context.Context, token, mediaID, name string) error {
	deadline := time.Now().Add(p.cfg.PollTimeout)
	q := url.Values{"command": {"STATUS"}, "media_id": {mediaID}}
	for {
		var out struct {
			Data mediaData `json:"data"`
		}
		if err := p.call(ctx, http.MethodGet, p.cfg.UploadURL+"/2/media/upload?"+q.Encode(), token, nil, &out); err != nil {
			return withName(name, err)
		}
		pi := out.Data.ProcessingInfo
		switch {
		case pi == nil || pi.State == "succeeded":
			return nil
		case pi.State == "failed":
			return &platforms.Error{Kind: platforms.KindFixPost, Status: 200, Message: "X could not process " + name + "; check the file's format, length and size"}
		}
		if time.Now().After(deadline) {
			return &platforms.Error{Kind: platforms.KindRetry, Message: "X is still processing " + name + "; Localpost will try again later"}
		}
		if err := p.sleep(ctx, pi.CheckAfterSecs); err != nil {
			return err
		}
	}
}
