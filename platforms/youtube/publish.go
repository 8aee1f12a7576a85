package youtube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"localpost/platforms"
)

// Pending is the state Publish saves after every step, as JSON. The app
// stores it with the target and hands it back after a restart.
type Pending struct {
	// Session is the resumable upload session URL (Location of the
	// videos.insert POST). Google keeps it about a week.
	Session   string `json:"session,omitempty"`
	Size      int64  `json:"size,omitempty"`      // the file size the session was opened for
	Confirmed int64  `json:"confirmed,omitempty"` // bytes Google confirmed (308 Range)
	VideoID   string `json:"video_id,omitempty"`  // set once the upload is complete
	Thumbnail string `json:"thumbnail,omitempty"` // "done" or "refused" once thumbnails.set ran
}

// Validate lists what YouTube would refuse in p, for the composer and
// before any upload.
func (p *Provider) Validate(post platforms.Post) []platforms.Problem {
	var probs []platforms.Problem
	add := func(field, msg string) { probs = append(probs, platforms.Problem{Field: field, Message: msg}) }
	title := Title(post)
	switch n := utf8.RuneCountInString(title); {
	case strings.TrimSpace(title) == "":
		add("title", "A YouTube video needs a title: fill in the title or start the text with one line.")
	case n > MaxTitleChars && strings.TrimSpace(post.Options.Title) != "":
		add("title", fmt.Sprintf("The title has %d characters, %d over YouTube's limit of %d.", n, n-MaxTitleChars, MaxTitleChars))
	}
	if strings.ContainsAny(title, "<>") {
		add("title", "YouTube does not allow < or > in a title.")
	}
	if n := len(post.Text); n > MaxDescriptionBytes {
		add("text", fmt.Sprintf("The description is %d bytes, %d over YouTube's limit of %d (letters outside English take 2–4 bytes each).", n, n-MaxDescriptionBytes, MaxDescriptionBytes))
	}
	if strings.ContainsAny(post.Text, "<>") {
		add("text", "YouTube does not allow < or > in a description.")
	}
	if n := TagChars(post.Options.Tags); n > MaxTagChars {
		add("tags", fmt.Sprintf("The tags take %d characters, %d over YouTube's limit of %d (commas count, and a tag with a space counts 2 more).", n, n-MaxTagChars, MaxTagChars))
	}
	switch post.Options.Privacy {
	case "", "public", "unlisted", "private":
	default:
		add("privacy", fmt.Sprintf("%q is not a YouTube privacy setting; use public, unlisted or private.", post.Options.Privacy))
	}
	switch {
	case len(post.Media) == 0:
		add("media", "YouTube needs a video: attach one.")
	case len(post.Media) > 1:
		add("media", fmt.Sprintf("%d attachments: YouTube takes exactly one video.", len(post.Media)))
	}
	for i, m := range post.Media {
		field := fmt.Sprintf("media[%d]", i)
		if mt := mediaType(m); !strings.HasPrefix(mt, "video/") {
			add(field, fmt.Sprintf("%s is not a video (%s).", filepath.Base(m.Path), nonEmpty(mt, "unknown type")))
		}
		if m.Size > MaxVideoBytes {
			add(field, fmt.Sprintf("%s is larger than YouTube's limit of 256 GB.", filepath.Base(m.Path)))
		}
	}
	if th := post.Options.Thumbnail; th != "" {
		if thumbType(th) == "" {
			add("thumbnail", "The thumbnail must be a JPEG or PNG image.")
		}
		if st, err := os.Stat(th); err != nil {
			add("thumbnail", fmt.Sprintf("The thumbnail %s cannot be read; choose it again.", filepath.Base(th)))
		} else if st.Size() > MaxThumbnailBytes {
			add("thumbnail", fmt.Sprintf("The thumbnail is %.1f MB; YouTube takes at most 2 MB.", float64(st.Size())/(1<<20)))
		}
	}
	return probs
}

// Title is the video title: Options.Title, else the first non-empty line
// of the text, cut to 100 characters.
func Title(post platforms.Post) string {
	if t := strings.TrimSpace(post.Options.Title); t != "" {
		return t
	}
	for _, line := range strings.Split(post.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if r := []rune(line); len(r) > MaxTitleChars {
				return strings.TrimSpace(string(r[:MaxTitleChars-1])) + "…"
			}
			return line
		}
	}
	return ""
}

// TagChars counts tags the way YouTube does: commas between tags count,
// and a tag holding a space counts with the quotes YouTube adds.
func TagChars(tags []string) int {
	n, k := 0, 0
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		n += utf8.RuneCountInString(t)
		if strings.ContainsRune(t, ' ') {
			n += 2
		}
		k++
	}
	if k > 1 {
		n += k - 1
	}
	return n
}

func mediaType(m platforms.Media) string {
	if m.Mime != "" {
		return m.Mime
	}
	mt, _, _ := mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(m.Path)))
	return mt
}

func thumbType(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	}
	return ""
}

// Publish uploads the video with its metadata by the resumable protocol,
// then sets the thumbnail. It saves a Pending after every step; called
// again with that state it continues the same upload (or only the
// thumbnail), so a video is never uploaded twice.
//
// When the video is published but YouTube refuses the thumbnail for good
// (e.g. the channel is not verified), Publish returns the Result together
// with a KindFixPost error that says so; called again with the saved state
// it returns the Result alone.
func (p *Provider) Publish(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, state []byte, save func([]byte) error) (platforms.Result, error) {
	var st Pending
	if len(bytes.TrimSpace(state)) > 0 {
		if err := json.Unmarshal(state, &st); err != nil {
			return platforms.Result{}, &platforms.Error{Message: "The saved YouTube upload progress is unreadable", Err: err}
		}
	}
	store := func() error {
		if save == nil {
			return nil
		}
		b, _ := json.Marshal(st)
		if err := save(b); err != nil {
			return &platforms.Error{Kind: platforms.KindRetry, Message: "Could not save the YouTube upload progress", Err: err}
		}
		return nil
	}
	if st.VideoID == "" {
		if probs := p.Validate(post); len(probs) > 0 {
			msgs := make([]string, len(probs))
			for i, pr := range probs {
				msgs[i] = pr.Message
			}
			return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: strings.Join(msgs, " ")}
		}
		if err := p.upload(ctx, t.Access, post, &st, store); err != nil {
			return platforms.Result{}, err
		}
	}
	res := platforms.Result{RemoteID: st.VideoID, URL: p.cfg.SiteURL + "/watch?v=" + url.QueryEscape(st.VideoID)}
	if post.Options.Thumbnail == "" || st.Thumbnail != "" {
		return res, nil
	}
	if err := p.setThumbnail(ctx, t.Access, st.VideoID, post.Options.Thumbnail); err != nil {
		if platforms.KindOf(err) == platforms.KindRetry || platforms.KindOf(err) == platforms.KindReconnect {
			return platforms.Result{}, err // the saved state has the video: a retry only redoes this step
		}
		st.Thumbnail = "refused"
		if serr := store(); serr != nil {
			return platforms.Result{}, serr
		}
		var pe *platforms.Error
		msg := err.Error()
		if errors.As(err, &pe) {
			msg = pe.Message
		}
		return res, &platforms.Error{Kind: platforms.KindFixPost, Message: "The video is published, but YouTube refused the thumbnail: " + msg, Err: err}
	}
	st.Thumbnail = "done"
	if err := store(); err != nil {
		return res, err
	}
	return res, nil
}

type videoMeta struct {
	Snippet videoSnippet `json:"snippet"`
	Status  videoStatus  `json:"status"`
}

type videoSnippet struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Tags        []string `json:"tags,omitempty"`
}

type videoStatus struct {
	PrivacyStatus string `json:"privacyStatus"`
	PublishAt     string `json:"publishAt,omitempty"`
}

func (p *Provider) metadata(post platforms.Post) videoMeta {
	var m videoMeta
	m.Snippet.Title = Title(post)
	m.Snippet.Description = post.Text
	for _, tag := range post.Options.Tags {
		if tag = strings.TrimSpace(tag); tag != "" {
			m.Snippet.Tags = append(m.Snippet.Tags, tag)
		}
	}
	m.Status.PrivacyStatus = nonEmpty(post.Options.Privacy, "private")
	if at := post.Options.PublishAt; !at.IsZero() && at.After(p.now().Add(time.Minute)) {
		// Scheduled: private until publishAt, then public (YouTube's rule).
		m.Status.PrivacyStatus = "private"
		m.Status.PublishAt = at.UTC().Format(time.RFC3339)
	}
	return m
}

// upload runs (or continues) the resumable upload until YouTube answers
// with the video; st.VideoID is set and saved at the end.
func (p *Provider) upload(ctx context.Context, token string, post platforms.Post, st *Pending, store func() error) error {
	m := post.Media[0]
	name := filepath.Base(m.Path)
	f, err := os.Open(m.Path)
	if err != nil {
		msg := fmt.Sprintf("The video %s could not be read; attach it again", name)
		if errors.Is(err, os.ErrNotExist) {
			msg = fmt.Sprintf("The video %s no longer exists; attach it again", name)
		}
		return &platforms.Error{Kind: platforms.KindFixPost, Message: msg, Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return &platforms.Error{Kind: platforms.KindFixPost, Message: fmt.Sprintf("The video %s could not be read; attach it again", name), Err: err}
	}
	size := fi.Size()
	if size == 0 {
		return &platforms.Error{Kind: platforms.KindFixPost, Message: fmt.Sprintf("The video %s is empty", name)}
	}
	mt := mediaType(m)
	if st.Session != "" && st.Size != size {
		// The file changed since the session was opened: that session
		// never completes, so no video exists yet; start a new one.
		*st = Pending{}
	}
	restarted := false
	if st.Session != "" {
		done, err := p.query(ctx, token, st)
		if err != nil {
			if !isExpired(err) {
				return err
			}
			*st = Pending{}
		} else if done {
			return store()
		} else if err := store(); err != nil {
			return err
		}
	}
	for tries := 0; ; {
		if st.Session == "" {
			if err := p.startSession(ctx, token, post, size, mt, st); err != nil {
				return err
			}
			if err := store(); err != nil {
				return err
			}
		}
		done, err := p.sendChunk(ctx, token, f, mt, st)
		if err == nil {
			if err := store(); err != nil {
				return err
			}
			if done {
				return nil
			}
			tries = 0
			continue
		}
		if isExpired(err) && !restarted {
			// The session is gone (Google keeps one about a week); nothing
			// was created, so a new session is safe.
			restarted = true
			*st = Pending{}
			continue
		}
		if platforms.KindOf(err) != platforms.KindRetry {
			return err
		}
		tries++
		if tries > UploadRetries {
			return err
		}
		if werr := sleep(ctx, RetryWait<<(tries-1)); werr != nil {
			return err
		}
		done, qerr := p.query(ctx, token, st)
		switch {
		case qerr != nil && isExpired(qerr) && !restarted:
			restarted = true
			*st = Pending{}
		case qerr != nil && platforms.KindOf(qerr) == platforms.KindRetry:
			// keep trying with what we knew
		case qerr != nil:
			return qerr
		default:
			if serr := store(); serr != nil {
				return serr
			}
			if done {
				return nil
			}
		}
	}
}

func isExpired(err error) bool {
	var pe *platforms.Error
	return errors.As(err, &pe) && (pe.Status == http.StatusNotFound || pe.Status == http.StatusGone)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// startSession is videos.insert with uploadType=resumable: the metadata
// goes now, the file later to the session URL in Location.
func (p *Provider) startSession(ctx context.Context, token string, post platforms.Post, size int64, mt string, st *Pending) error {
	body, err := json.Marshal(p.metadata(post))
	if err != nil {
		return &platforms.Error{Message: "could not build the video metadata", Err: err}
	}
	u := p.cfg.UploadURL + "/videos?" + url.Values{"uploadType": {"resumable"}, "part": {"snippet,status"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return &platforms.Error{Message: "could not build the upload request", Err: err}
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("X-Upload-Content-Length", strconv.FormatInt(size, 10))
	req.Header.Set("X-Upload-Content-Type", mt)
	resp, err := p.do(req, token)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := p.decode(resp, token, nil); err != nil {
		return err
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil || resp.Header.Get("Location") == "" || (loc.Scheme != "https" && loc.Scheme != "http") {
		return &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode,
			Message: resp.Request.URL.Host + " opened no upload session (no Location)"}
	}
	*st = Pending{Session: loc.String(), Size: size}
	return nil
}

// sendChunk PUTs the next chunk from st.Confirmed. It reports done when
// YouTube answered with the video.
func (p *Provider) sendChunk(ctx context.Context, token string, f *os.File, mt string, st *Pending) (bool, error) {
	start := st.Confirmed
	n := min(ChunkSize, st.Size-start)
	if ChunkSize%chunkAlign != 0 && start+n < st.Size {
		n = max(n/chunkAlign*chunkAlign, chunkAlign)
		n = min(n, st.Size-start)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, st.Session, io.NewSectionReader(f, start, n))
	if err != nil {
		return false, &platforms.Error{Message: "could not build the upload request", Err: err}
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", mt)
	req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+n-1, st.Size))
	return p.sessionAnswer(req, token, st)
}

// query asks the session how much arrived (Content-Range: bytes */size).
func (p *Provider) query(ctx context.Context, token string, st *Pending) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, st.Session, http.NoBody)
	if err != nil {
		return false, &platforms.Error{Message: "could not build the upload request", Err: err}
	}
	req.ContentLength = 0
	req.Header.Set("Content-Range", fmt.Sprintf("bytes */%d", st.Size))
	return p.sessionAnswer(req, token, st)
}

// sessionAnswer sends a PUT to the session and reads 308 (Range: how much
// arrived) or 200/201 (the video).
func (p *Provider) sessionAnswer(req *http.Request, token string, st *Pending) (bool, error) {
	resp, err := p.do(req, token)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusPermanentRedirect {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		got, ok := parseRange(resp.Header.Get("Range"))
		if !ok {
			got = 0 // no Range: nothing kept
		}
		if got > st.Size {
			return false, &platforms.Error{Kind: platforms.KindRetry, Status: 308, Message: "YouTube reported more bytes than the file has"}
		}
		st.Confirmed = got
		return false, nil
	}
	var v struct {
		ID string `json:"id"`
	}
	if err := p.decode(resp, token, &v); err != nil {
		return false, err
	}
	if v.ID == "" {
		return false, &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode,
			Message: "YouTube finished the upload without a video id"}
	}
	st.VideoID, st.Confirmed = v.ID, st.Size
	return true, nil
}

// parseRange reads "bytes=0-N" into N+1 bytes received.
func parseRange(h string) (int64, bool) {
	h = strings.TrimSpace(h)
	rest, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return 0, false
	}
	from, to, ok := strings.Cut(rest, "-")
	if !ok || from != "0" {
		return 0, false
	}
	n, err := strconv.ParseInt(to, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n + 1, true
}

// setThumbnail is thumbnails.set with the image as the body.
func (p *Provider) setThumbnail(ctx context.Context, token, videoID, path string) error {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return &platforms.Error{Kind: platforms.KindFixPost, Message: fmt.Sprintf("The thumbnail %s cannot be read", name), Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return &platforms.Error{Kind: platforms.KindFixPost, Message: fmt.Sprintf("The thumbnail %s cannot be read", name), Err: err}
	}
	u := p.cfg.UploadURL + "/thumbnails/set?" + url.Values{"videoId": {videoID}, "uploadType": {"media"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, f)
	if err != nil {
		return &platforms.Error{Message: "could not build the thumbnail request", Err: err}
	}
	req.ContentLength = fi.Size()
	req.Header.Set("Content-Type", nonEmpty(thumbType(path), "application/octet-stream"))
	resp, err := p.do(req, token)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		Items []json.RawMessage `json:"items"`
	}
	return p.decode(resp, token, &out)
}
