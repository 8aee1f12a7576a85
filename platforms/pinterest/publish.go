package pinterest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"localpost/platforms"
)

// State is what Publish saves after every step that created something at
// Pinterest, and continues from when it is handed back. It is JSON in the
// target's pending data; it holds no token. UploadURL and UploadParams are
// the short-lived upload policy Pinterest hands out for one video file.
type State struct {
	MediaID      string            `json:"media_id,omitempty"`
	UploadURL    string            `json:"upload_url,omitempty"`
	UploadParams map[string]string `json:"upload_parameters,omitempty"`
	Uploaded     bool              `json:"uploaded,omitempty"`
	Processed    bool              `json:"processed,omitempty"`
	// PinAttempt is set just before POST /pins. If that call got no
	// answer, a later Publish first looks on the board for the Pin.
	PinAttempt time.Time `json:"pin_attempt,omitzero"`
	PinID      string    `json:"pin_id,omitempty"`
	PinURL     string    `json:"pin_url,omitempty"`
}

// Publish pins post to post.Options.BoardID: one image (base64 from disk,
// or image_url when the app put it at a public URL) or one video
// (register, upload, wait, pin). It saves its State after each step and
// continues from state when given one, so a retry never makes a second Pin
// or uploads a video twice.
func (p *Provider) Publish(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, state []byte, save func([]byte) error) (platforms.Result, error) {
	var st State
	if len(state) > 0 {
		if err := json.Unmarshal(state, &st); err != nil {
			return platforms.Result{}, &platforms.Error{Message: "The saved progress of this Pin cannot be read; check on Pinterest whether it was posted", Err: err}
		}
	}
	if st.PinID != "" {
		return platforms.Result{RemoteID: st.PinID, URL: p.pinURL(st.PinID)}, nil
	}
	if probs := p.Validate(post); len(probs) > 0 {
		msgs := make([]string, len(probs))
		for i, pr := range probs {
			msgs[i] = pr.Message
		}
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: strings.Join(msgs, " ")}
	}
	if save == nil {
		save = func([]byte) error { return nil }
	}
	store := func() error {
		b, _ := json.Marshal(st)
		if err := save(b); err != nil {
			return &platforms.Error{Message: "Could not save the progress of the Pin", Err: err}
		}
		return nil
	}
	m := post.Media[0]
	var src map[string]any
	var files map[string]string
	if isVideo(m.Mime) {
		if err := p.video(ctx, t.Access, m, &st, len(state) > 0, store); err != nil {
			return platforms.Result{}, err
		}
		src = map[string]any{"source_type": "video_id", "media_id": st.MediaID}
		if th := post.Options.Thumbnail; th != "" {
			ph := placeholder()
			src["cover_image_content_type"] = coverType(th)
			src["cover_image_data"] = ph
			files = map[string]string{ph: th}
		} else {
			src["cover_image_key_frame_time"] = p.cfg.CoverFrameTime
		}
	} else if m.PublicURL != "" {
		src = map[string]any{"source_type": "image_url", "url": m.PublicURL}
	} else {
		ph := placeholder()
		src = map[string]any{"source_type": "image_base64", "content_type": imageType(m), "data": ph}
		files = map[string]string{ph: m.Path}
	}

	if !st.PinAttempt.IsZero() {
		found, err := p.findPin(ctx, t.Access, post, st.PinAttempt)
		if err != nil {
			return platforms.Result{}, err
		}
		if found != "" {
			st.PinID, st.PinURL = found, p.pinURL(found)
			_ = store()
			return platforms.Result{RemoteID: found, URL: st.PinURL}, nil
		}
	}
	body := map[string]any{"board_id": post.Options.BoardID, "media_source": src}
	if post.Text != "" {
		body["description"] = post.Text
	}
	if post.Options.Title != "" {
		body["title"] = post.Options.Title
	}
	if post.Options.Link != "" {
		body["link"] = post.Options.Link
	}
	if m.Alt != "" {
		body["alt_text"] = m.Alt
	}
	st.PinAttempt = time.Now().UTC()
	if err := store(); err != nil {
		return platforms.Result{}, err
	}
	var pin struct {
		ID string `json:"id"`
	}
	err := p.createPin(ctx, t.Access, body, files, &pin)
	if err != nil {
		if !isNet(err) {
			// Pinterest answered: nothing was created.
			st.PinAttempt = time.Time{}
			_ = store()
		}
		return platforms.Result{}, err
	}
	if pin.ID == "" {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindRetry, Status: 200, Message: "Pinterest answered without a Pin id; Localpost looks for the Pin on the board before trying again"}
	}
	st.PinID, st.PinURL = pin.ID, p.pinURL(pin.ID)
	_ = store() // the Pin exists: the result matters more than the note
	return platforms.Result{RemoteID: pin.ID, URL: st.PinURL}, nil
}

func (p *Provider) pinURL(id string) string { return p.cfg.WebURL + "/pin/" + url.PathEscape(id) + "/" }

func placeholder() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "LOCALPOSTFILE" + hex.EncodeToString(b)
}

func imageType(m platforms.Media) string {
	if slices.Contains(ImageTypes, m.Mime) {
		return m.Mime
	}
	return mime.TypeByExtension(strings.ToLower(filepath.Ext(m.Path)))
}

func coverType(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	}
	return ""
}

// createPin sends POST /pins. Files named by placeholders in body are
// streamed from disk as base64, so a large image is never held in memory.
func (p *Provider) createPin(ctx context.Context, access string, body map[string]any, files map[string]string, out any) error {
	js, err := json.Marshal(body)
	if err != nil {
		return &platforms.Error{Message: "could not build the Pin", Err: err}
	}
	var parts []io.Reader
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			_ = c.Close()
		}
	}()
	size := int64(0)
	rest := js
	for len(rest) > 0 {
		// Find the earliest placeholder left.
		at, ph := -1, ""
		for k := range files {
			if i := bytes.Index(rest, []byte(k)); i >= 0 && (at < 0 || i < at) {
				at, ph = i, k
			}
		}
		if at < 0 {
			parts = append(parts, bytes.NewReader(rest))
			size += int64(len(rest))
			break
		}
		parts = append(parts, bytes.NewReader(rest[:at]))
		size += int64(at)
		f, n, err := openMedia(files[ph])
		if err != nil {
			return err
		}
		closers = append(closers, f)
		parts = append(parts, &b64Reader{r: io.LimitReader(f, n)})
		size += int64(base64.StdEncoding.EncodedLen(int(n)))
		rest = rest[at+len(ph):]
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.APIURL+"/pins", io.MultiReader(parts...))
	if err != nil {
		return &platforms.Error{Message: "could not build the Pin", Err: err}
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/json")
	status, err := p.do(req, access, nil, out)
	var pe *platforms.Error
	if errors.As(err, &pe) && status == http.StatusNotFound {
		// POST /pins answers 404 when the board is gone: pick another.
		pe.Kind = platforms.KindFixPost
		if pe.Message == "" {
			pe.Message = "The board was not found; choose another board"
		}
	}
	return err
}

func openMedia(path string) (*os.File, int64, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		msg := name + " could not be read; attach it again"
		if errors.Is(err, os.ErrNotExist) {
			msg = name + " no longer exists; attach it again"
		}
		return nil, 0, &platforms.Error{Kind: platforms.KindFixPost, Message: msg, Err: err}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, &platforms.Error{Kind: platforms.KindFixPost, Message: name + " could not be read; attach it again", Err: err}
	}
	return f, fi.Size(), nil
}

// b64Reader encodes r as standard base64 while it is read.
type b64Reader struct {
	r   io.Reader
	buf [48 << 10]byte // a multiple of 3: padding only at the very end
	out bytes.Buffer
	eof bool
}

func (b *b64Reader) Read(p []byte) (int, error) {
	for b.out.Len() == 0 && !b.eof {
		n, err := io.ReadFull(b.r, b.buf[:])
		if n > 0 {
			enc := make([]byte, base64.StdEncoding.EncodedLen(n))
			base64.StdEncoding.Encode(enc, b.buf[:n])
			b.out.Write(enc)
		}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			b.eof = true
		case err != nil:
			return 0, err
		}
	}
	if b.out.Len() == 0 {
		return 0, io.EOF
	}
	return b.out.Read(p)
}

// findPin looks on the board for a Pin made by an attempt that got no
// answer: same description, title and link, created since the attempt.
func (p *Provider) findPin(ctx context.Context, access string, post platforms.Post, since time.Time) (string, error) {
	var page struct {
		Items []struct {
			ID          string  `json:"id"`
			Title       *string `json:"title"`
			Description *string `json:"description"`
			Link        *string `json:"link"`
			CreatedAt   string  `json:"created_at"`
		} `json:"items"`
	}
	q := url.Values{"page_size": {"25"}}
	if err := p.get(ctx, "/boards/"+url.PathEscape(post.Options.BoardID)+"/pins", q, access, &page); err != nil {
		return "", err
	}
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	for _, it := range page.Items {
		created, err := time.Parse(time.RFC3339, it.CreatedAt)
		if err == nil && created.Before(since.Add(-2*time.Minute)) {
			continue
		}
		if deref(it.Description) == post.Text && deref(it.Title) == post.Options.Title && deref(it.Link) == post.Options.Link {
			return it.ID, nil
		}
	}
	return "", nil
}

// ---- video ----

type mediaJSON struct {
	MediaID          string            `json:"media_id"`
	Status           string            `json:"status"`
	UploadURL        string            `json:"upload_url"`
	UploadParameters map[string]string `json:"upload_parameters"`
}

// video registers, uploads and waits for one video, saving after each step.
func (p *Provider) video(ctx context.Context, access string, m platforms.Media, st *State, resumed bool, store func() error) error {
	if st.MediaID != "" && !st.Uploaded && resumed {
		// The upload may have reached Pinterest before the connection
		// broke: ask before sending the file again.
		var mj mediaJSON
		if err := p.get(ctx, "/media/"+url.PathEscape(st.MediaID), nil, access, &mj); err != nil {
			return err
		}
		switch mj.Status {
		case "processing", "succeeded":
			st.Uploaded, st.UploadURL, st.UploadParams = true, "", nil
			if err := store(); err != nil {
				return err
			}
		case "failed":
			*st = State{}
		}
		if st.UploadURL == "" && !st.Uploaded {
			*st = State{} // the upload policy was not kept: register again
		}
	}
	if st.MediaID == "" {
		var mj mediaJSON
		if _, err := p.postJSON(ctx, "/media", access, map[string]any{"media_type": "video"}, &mj); err != nil {
			return err
		}
		if mj.MediaID == "" || mj.UploadURL == "" {
			return &platforms.Error{Kind: platforms.KindRetry, Message: "Pinterest registered the video without an upload address"}
		}
		*st = State{MediaID: mj.MediaID, UploadURL: mj.UploadURL, UploadParams: mj.UploadParameters}
		if err := store(); err != nil {
			return err
		}
	}
	if !st.Uploaded {
		if err := p.upload(ctx, m, st); err != nil {
			var pe *platforms.Error
			if errors.As(err, &pe) && pe.Status == http.StatusForbidden {
				// The upload policy expired: start over with a new one.
				*st = State{}
				_ = store()
				pe.Kind = platforms.KindRetry
			}
			return err
		}
		st.Uploaded, st.UploadURL, st.UploadParams = true, "", nil
		if err := store(); err != nil {
			return err
		}
	}
	if !st.Processed {
		if err := p.waitMedia(ctx, access, st, store); err != nil {
			return err
		}
		st.Processed = true
		if err := store(); err != nil {
			return err
		}
	}
	return nil
}

// upload POSTs the file to the upload address as multipart/form-data: the
// upload parameters first, then the file (streamed, known length).
func (p *Provider) upload(ctx context.Context, m platforms.Media, st *State) error {
	f, n, err := openMedia(m.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	keys := make([]string, 0, len(st.UploadParams))
	for k := range st.UploadParams {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := mw.WriteField(k, st.UploadParams[k]); err != nil {
			return &platforms.Error{Message: "could not build the upload", Err: err}
		}
	}
	mt := m.Mime
	if mt == "" {
		mt = "application/octet-stream"
	}
	ph := textproto.MIMEHeader{}
	ph.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": filepath.Base(m.Path)}))
	ph.Set("Content-Type", mt)
	if _, err := mw.CreatePart(ph); err != nil {
		return &platforms.Error{Message: "could not build the upload", Err: err}
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(f, n), strings.NewReader(tail))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.UploadURL, body)
	if err != nil {
		return &platforms.Error{Message: "could not build the upload", Err: err}
	}
	req.ContentLength = int64(head.Len()) + n + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	host := req.URL.Host
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return platforms.NetError(host, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	// The upload host is S3-like: <Error><Code>..</Code><Message>..</Message></Error>.
	var x struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	_ = xml.Unmarshal(b, &x)
	secrets := make([]string, 0, len(st.UploadParams))
	for _, v := range st.UploadParams {
		if len(v) >= 16 {
			secrets = append(secrets, v)
		}
	}
	msg := platforms.CleanMessage(strings.TrimSpace(x.Message), secrets...)
	if msg == "" {
		msg = "The video upload was refused"
	} else {
		msg = "The video upload was refused: " + msg
	}
	pe := platforms.ErrorFromStatus(resp.StatusCode, msg, platforms.RetryAfter(resp.Header, time.Now()))
	if resp.StatusCode == http.StatusNotFound {
		pe.Kind = platforms.KindRetry
	}
	return pe
}

// waitMedia polls GET /media/{id} until Pinterest has processed the video.
func (p *Provider) waitMedia(ctx context.Context, access string, st *State, store func() error) error {
	deadline := time.Now().Add(p.cfg.PollTimeout)
	for {
		var mj mediaJSON
		if err := p.get(ctx, "/media/"+url.PathEscape(st.MediaID), nil, access, &mj); err != nil {
			return err
		}
		switch mj.Status {
		case "succeeded":
			return nil
		case "failed":
			*st = State{}
			_ = store()
			return &platforms.Error{Kind: platforms.KindFixPost, Message: "Pinterest could not process the video; use an MP4 or MOV file (H.264) between 4 seconds and 15 minutes long"}
		}
		if time.Now().After(deadline) {
			return &platforms.Error{Kind: platforms.KindRetry, Message: fmt.Sprintf("Pinterest is still processing the video (%s); Localpost will try again", mj.Status)}
		}
		t := time.NewTimer(p.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return platforms.NetError(p.apiHost(), ctx.Err())
		case <-t.C:
		}
	}
}
