package tiktok

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
	"slices"
	"strings"
	"time"
	"unicode/utf16"

	"localpost/platforms"
)

// Privacy levels, most private first.
const (
	SelfOnly            = "SELF_ONLY"
	MutualFollowFriends = "MUTUAL_FOLLOW_FRIENDS"
	FollowerOfCreator   = "FOLLOWER_OF_CREATOR"
	PublicToEveryone    = "PUBLIC_TO_EVERYONE"
	// Draft is the Options.Privacy value that sends the post to the
	// creator's TikTok inbox (video.upload scope) to finish in the app.
	Draft = "DRAFT"
)

var privacyOrder = []string{SelfOnly, MutualFollowFriends, FollowerOfCreator, PublicToEveryone}

var privacyAliases = map[string]string{
	"public": PublicToEveryone, "everyone": PublicToEveryone,
	"friends": MutualFollowFriends, "mutual": MutualFollowFriends,
	"followers": FollowerOfCreator,
	"private":   SelfOnly, "self": SelfOnly, "only_me": SelfOnly, "self_only": SelfOnly,
}

// Publish modes kept in State.Mode.
const (
	ModeVideo      = "video"       // Direct Post of a video file
	ModeVideoDraft = "video_draft" // inbox upload of a video file
	ModePhoto      = "photo"       // Direct Post of photos pulled from public URLs
	ModePhotoDraft = "photo_draft" // photos sent to the inbox
)

// Post statuses of /v2/post/publish/status/fetch/.
const (
	statusProcessingUpload   = "PROCESSING_UPLOAD"
	statusProcessingDownload = "PROCESSING_DOWNLOAD"
	statusSendToInbox        = "SEND_TO_USER_INBOX"
	statusComplete           = "PUBLISH_COMPLETE"
	statusFailed             = "FAILED"
)

// State is the pending publish Publish hands to save after every step
// (JSON). The app stores it with the target and passes it back; a nil
// save(nil) means nothing is pending any more (the post failed for good
// and the next attempt starts afresh).
type State struct {
	Mode        string `json:"mode"`
	PublishID   string `json:"publish_id"`
	UploadURL   string `json:"upload_url,omitempty"` // FILE_UPLOAD only; valid for an hour
	VideoSize   int64  `json:"video_size,omitempty"`
	ChunkSize   int64  `json:"chunk_size,omitempty"`
	TotalChunks int    `json:"total_chunk_count,omitempty"`
	ChunksDone  int    `json:"chunks_done"`
	Privacy     string `json:"privacy_level,omitempty"` // what was sent to TikTok
	Note        string `json:"note,omitempty"`          // e.g. the privacy was lowered, for the UI
	Username    string `json:"username,omitempty"`
	MaxDuration int    `json:"max_video_post_duration_sec,omitempty"`
}

// DecodeState reads a saved state (for the UI: Privacy and Note).
func DecodeState(b []byte) (State, error) {
	var s State
	err := json.Unmarshal(b, &s)
	return s, err
}

type creatorInfoJSON struct {
	AvatarURL           string   `json:"creator_avatar_url"`
	Username            string   `json:"creator_username"`
	Nickname            string   `json:"creator_nickname"`
	PrivacyLevelOptions []string `json:"privacy_level_options"`
	CommentDisabled     bool     `json:"comment_disabled"`
	DuetDisabled        bool     `json:"duet_disabled"`
	StitchDisabled      bool     `json:"stitch_disabled"`
	MaxDurationSec      int      `json:"max_video_post_duration_sec"`
}

func (p *Provider) creatorInfo(ctx context.Context, token string) (creatorInfoJSON, error) {
	var ci creatorInfoJSON
	err := p.apiCall(ctx, http.MethodPost, "/v2/post/publish/creator_info/query/", token, map[string]any{}, &ci)
	return ci, err
}

// ChoosePrivacy picks the privacy level to send: the wanted one (a TikTok
// level or an alias: public, friends, followers, private) if the creator
// allows it, else the most private level allowed. note says what changed.
func ChoosePrivacy(want string, allowed []string) (level, note string) {
	w := strings.ToUpper(strings.TrimSpace(want))
	if a, ok := privacyAliases[strings.ToLower(strings.TrimSpace(want))]; ok {
		w = a
	}
	if w != "" && (len(allowed) == 0 || slices.Contains(allowed, w)) {
		return w, ""
	}
	level = SelfOnly
	for _, l := range privacyOrder {
		if slices.Contains(allowed, l) {
			level = l
			break
		}
	}
	if w == "" {
		return level, "No TikTok privacy was chosen, so the post went out as " + level
	}
	return level, fmt.Sprintf("TikTok does not allow %s for this account now (allowed: %s), so the post went out as %s", w, strings.Join(allowed, ", "), level)
}

// Mode says how a post will be published.
func Mode(post platforms.Post) string {
	draft := strings.EqualFold(strings.TrimSpace(post.Options.Privacy), Draft)
	photo := false
	switch strings.ToLower(post.Options.Kind) {
	case "photo":
		photo = true
	case "video":
	default:
		photo = len(post.Media) > 0
		for _, m := range post.Media {
			if !strings.HasPrefix(m.Mime, "image/") {
				photo = false
			}
		}
	}
	switch {
	case photo && draft:
		return ModePhotoDraft
	case photo:
		return ModePhoto
	case draft:
		return ModeVideoDraft
	}
	return ModeVideo
}

func isPhoto(mode string) bool { return mode == ModePhoto || mode == ModePhotoDraft }

// utf16Len counts as TikTok does ("UTF-16 runes").
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// Validate checks a post against the limits and TikTok's rules per kind:
// one video, or 1–35 photos that have a public URL.
func (p *Provider) Validate(post platforms.Post) []platforms.Problem {
	probs := p.Limits().Validate(post)
	mode := Mode(post)
	if isPhoto(mode) {
		if utf16Len(post.Options.Title) > MaxPhotoTitle {
			probs = append(probs, platforms.Problem{Field: "title", Message: fmt.Sprintf("A TikTok photo title can have at most %d characters.", MaxPhotoTitle)})
		}
		for i, m := range post.Media {
			field := fmt.Sprintf("media[%d]", i)
			name := filepath.Base(m.Path)
			switch {
			case m.Mime != "image/jpeg" && m.Mime != "image/webp":
				probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s: TikTok photo posts take JPEG or WebP only, and no mix of photos and video.", name)})
			case m.Size > MaxPhotoBytes:
				probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s is over TikTok's 20 MB limit for photos.", name)})
			case m.PublicURL == "":
				probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s: TikTok fetches photos from a public address on a domain verified for your TikTok app; set up the public media location first.", name)})
			}
		}
		return probs
	}
	if len(post.Media) > 1 {
		probs = append(probs, platforms.Problem{Field: "media", Message: "A TikTok video post takes exactly one video."})
	}
	if utf16Len(post.Text) > MaxCaption && p.Limits().CountChars(post.Text) <= MaxCaption {
		probs = append(probs, platforms.Problem{Field: "text", Message: fmt.Sprintf("The caption is over TikTok's %d-character limit (emoji count as two).", MaxCaption)})
	}
	for i, m := range post.Media {
		field := fmt.Sprintf("media[%d]", i)
		if !strings.HasPrefix(m.Mime, "video/") {
			probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s: a TikTok video post takes one MP4, MOV or WebM video.", filepath.Base(m.Path))})
		}
		if m.Size > MaxVideoBytes {
			probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s is over TikTok's 4 GB limit.", filepath.Base(m.Path))})
		}
	}
	return probs
}

// Publish publishes post to the profile: creator_info query, then a video
// init + chunked upload, or a photo init; then it polls until TikTok says
// the post is complete. save receives the State (JSON) after the init and
// after every chunk; given that state back, Publish continues where it
// stopped and never calls init again (unless the upload URL expired before
// the upload finished, which cannot have made a post).
func (p *Provider) Publish(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, state []byte, save func([]byte) error) (platforms.Result, error) {
	if save == nil {
		save = func([]byte) error { return nil }
	}
	var st State
	if len(state) > 0 {
		if err := json.Unmarshal(state, &st); err != nil {
			return platforms.Result{}, &platforms.Error{Message: "The saved TikTok upload state is unreadable", Err: err}
		}
	}
	store := func() error {
		b, _ := json.Marshal(st)
		if err := save(b); err != nil {
			return &platforms.Error{Message: "Could not save the TikTok upload progress", Err: err}
		}
		return nil
	}
	if st.PublishID == "" {
		if probs := p.Validate(post); len(probs) > 0 {
			msgs := make([]string, len(probs))
			for i, pr := range probs {
				msgs[i] = pr.Message
			}
			return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: strings.Join(msgs, " ")}
		}
		var err error
		if st, err = p.initPost(ctx, t.Access, post); err != nil {
			return platforms.Result{}, err
		}
		if err := store(); err != nil {
			return platforms.Result{}, err
		}
	}
	if st.Username == "" {
		st.Username = id.Extra["username"]
		if st.Username == "" {
			st.Username = strings.TrimPrefix(id.Handle, "@")
		}
	}
	if !isPhoto(st.Mode) && st.ChunksDone < st.TotalChunks {
		if err := p.upload(ctx, t.Access, post, &st, store); err != nil {
			return platforms.Result{}, err
		}
	}
	return p.poll(ctx, t.Access, &st, save)
}

// initPost queries the creator's options and initializes the post.
func (p *Provider) initPost(ctx context.Context, token string, post platforms.Post) (State, error) {
	mode := Mode(post)
	ci, err := p.creatorInfo(ctx, token)
	if err != nil {
		return State{}, err
	}
	st := State{Mode: mode, Username: ci.Username, MaxDuration: ci.MaxDurationSec}
	draft := mode == ModeVideoDraft || mode == ModePhotoDraft
	if !draft {
		st.Privacy, st.Note = ChoosePrivacy(post.Options.Privacy, ci.PrivacyLevelOptions)
	}
	var out struct {
		PublishID string `json:"publish_id"`
		UploadURL string `json:"upload_url"`
	}
	switch {
	case isPhoto(mode):
		urls := make([]string, len(post.Media))
		for i, m := range post.Media {
			urls[i] = m.PublicURL
		}
		info := map[string]any{"description": post.Text}
		if post.Options.Title != "" {
			info["title"] = post.Options.Title
		}
		postMode := "MEDIA_UPLOAD"
		if !draft {
			postMode = "DIRECT_POST"
			info["privacy_level"] = st.Privacy
			info["disable_comment"] = ci.CommentDisabled
			info["auto_add_music"] = true
			info["brand_content_toggle"] = false
			info["brand_organic_toggle"] = false
		}
		body := map[string]any{
			"post_info":   info,
			"source_info": map[string]any{"source": "PULL_FROM_URL", "photo_cover_index": 0, "photo_images": urls},
			"post_mode":   postMode,
			"media_type":  "PHOTO",
		}
		if err := p.apiCall(ctx, http.MethodPost, "/v2/post/publish/content/init/", token, body, &out); err != nil {
			return State{}, err
		}
	default:
		m := post.Media[0]
		fi, err := os.Stat(m.Path)
		if err != nil {
			return State{}, fileError(m.Path, err)
		}
		st.VideoSize = fi.Size()
		st.ChunkSize, st.TotalChunks = chunkPlan(st.VideoSize)
		source := map[string]any{"source": "FILE_UPLOAD", "video_size": st.VideoSize, "chunk_size": st.ChunkSize, "total_chunk_count": st.TotalChunks}
		path := "/v2/post/publish/inbox/video/init/"
		body := map[string]any{"source_info": source}
		if !draft {
			path = "/v2/post/publish/video/init/"
			body["post_info"] = map[string]any{
				"title":                post.Text,
				"privacy_level":        st.Privacy,
				"disable_comment":      ci.CommentDisabled,
				"disable_duet":         ci.DuetDisabled,
				"disable_stitch":       ci.StitchDisabled,
				"brand_content_toggle": false,
				"brand_organic_toggle": false,
			}
		}
		if err := p.apiCall(ctx, http.MethodPost, path, token, body, &out); err != nil {
			return State{}, err
		}
		if out.UploadURL == "" {
			return State{}, &platforms.Error{Kind: platforms.KindRetry, Message: p.host() + " gave no upload address"}
		}
		st.UploadURL = out.UploadURL
	}
	if out.PublishID == "" {
		return State{}, &platforms.Error{Kind: platforms.KindRetry, Message: p.host() + " gave no publish id"}
	}
	st.PublishID = out.PublishID
	return st, nil
}

// chunkPlan follows the media transfer guide: one chunk if the file fits
// in ChunkSize, else floor(size/ChunkSize) chunks, the last one taking the
// remaining bytes.
func chunkPlan(size int64) (chunk int64, count int) {
	cs := ChunkSize
	if cs <= 0 {
		cs = maxChunk
	}
	if size <= cs {
		return size, 1
	}
	for size/cs > maxChunks {
		cs *= 2
	}
	return cs, int(size / cs)
}

func fileError(path string, err error) error {
	name := filepath.Base(path)
	msg := fmt.Sprintf("video %s could not be read; attach it again", name)
	if errors.Is(err, os.ErrNotExist) {
		msg = fmt.Sprintf("video %s no longer exists; attach it again", name)
	}
	return &platforms.Error{Kind: platforms.KindFixPost, Message: msg, Err: err}
}

// upload PUTs the remaining chunks, streamed from disk, saving after each.
func (p *Provider) upload(ctx context.Context, token string, post platforms.Post, st *State, store func() error) error {
	if len(post.Media) == 0 {
		return &platforms.Error{Kind: platforms.KindFixPost, Message: "The video of this TikTok post is missing; attach it again"}
	}
	m := post.Media[0]
	f, err := os.Open(m.Path)
	if err != nil {
		return fileError(m.Path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileError(m.Path, err)
	}
	if fi.Size() != st.VideoSize {
		return &platforms.Error{Kind: platforms.KindFixPost, Message: fmt.Sprintf("video %s changed while it was being sent to TikTok; publish it again", filepath.Base(m.Path))}
	}
	mt := m.Mime
	if mt == "" {
		mt = "video/mp4"
	}
	restarted := false
	for st.ChunksDone < st.TotalChunks {
		i := st.ChunksDone
		first := int64(i) * st.ChunkSize
		n := st.ChunkSize
		if i == st.TotalChunks-1 {
			n = st.VideoSize - first
		}
		err := p.putChunk(ctx, st.UploadURL, mt, f, first, n, st.VideoSize)
		if err != nil {
			var pe *platforms.Error
			if !restarted && errors.As(err, &pe) && (pe.Status == 403 || pe.Status == 404 || pe.Status == 410) {
				// The upload address expired (it lives an hour). If TikTok
				// has the whole file the post is on its way: go poll.
				// Otherwise nothing was posted: start a new upload.
				s, serr := p.fetchStatus(ctx, token, st.PublishID)
				if serr == nil && (s.Status == statusComplete || s.Status == statusSendToInbox || s.Status == statusProcessingDownload || s.UploadedBytes >= st.VideoSize) {
					st.ChunksDone = st.TotalChunks
					return store()
				}
				restarted = true
				ns, ierr := p.initPost(ctx, token, post)
				if ierr != nil {
					return ierr
				}
				*st = ns
				if err := store(); err != nil {
					return err
				}
				continue
			}
			return err
		}
		st.ChunksDone++
		if err := store(); err != nil {
			return err
		}
	}
	return nil
}

func (p *Provider) putChunk(ctx context.Context, uploadURL, mime string, f *os.File, first, n, total int64) error {
	u, err := url.Parse(uploadURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return &platforms.Error{Kind: platforms.KindRetry, Message: "TikTok gave an upload address Localpost cannot use", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, uploadURL, io.NewSectionReader(f, first, n))
	if err != nil {
		return &platforms.Error{Message: "could not build the upload to " + u.Host, Err: err}
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", mime)
	req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", first, first+n-1, total))
	resp, err := p.http.Do(req)
	if err != nil {
		return platforms.NetError(u.Host, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusPartialContent || resp.StatusCode == http.StatusOK {
		return nil
	}
	var env envelope
	if json.Unmarshal(b, &env) == nil && env.Error != nil && env.Error.Code != "" && env.Error.Code != "ok" {
		pe := codeError(resp, env.Error)
		pe.Status = resp.StatusCode
		return pe
	}
	return platforms.ErrorFromStatus(resp.StatusCode, "", platforms.RetryAfter(resp.Header, time.Now()))
}

type statusJSON struct {
	Status          string        `json:"status"`
	FailReason      string        `json:"fail_reason"`
	PostIDs         []json.Number `json:"publicaly_available_post_id"` // sic, TikTok's spelling
	UploadedBytes   int64         `json:"uploaded_bytes"`
	DownloadedBytes int64         `json:"downloaded_bytes"`
}

func (p *Provider) fetchStatus(ctx context.Context, token, publishID string) (statusJSON, error) {
	var s statusJSON
	err := p.apiCall(ctx, http.MethodPost, "/v2/post/publish/status/fetch/", token, map[string]string{"publish_id": publishID}, &s)
	return s, err
}

// failReasons explain fail_reason values (status fetch reference).
var failReasons = map[string]struct {
	kind platforms.Kind
	msg  string
}{
	"file_format_check_failed":           {platforms.KindFixPost, "TikTok could not use the file's format"},
	"duration_check_failed":              {platforms.KindFixPost, "The video is too short or too long for this account"},
	"frame_rate_check_failed":            {platforms.KindFixPost, "TikTok does not accept the video's frame rate"},
	"picture_size_check_failed":          {platforms.KindFixPost, "TikTok does not accept the picture size"},
	"video_pull_failed":                  {platforms.KindFixPost, "TikTok could not download the video from its address"},
	"photo_pull_failed":                  {platforms.KindFixPost, "TikTok could not download a photo from its address"},
	"publish_cancelled":                  {platforms.KindFixPost, "The post was cancelled on TikTok"},
	"auth_removed":                       {platforms.KindReconnect, "The account removed Localpost's access on TikTok; reconnect it"},
	"spam_risk_too_many_posts":           {platforms.KindRetry, "TikTok's daily post limit for this account is reached"},
	"spam_risk_user_banned_from_posting": {platforms.KindFixPost, "TikTok does not let this account post at the moment"},
	"spam_risk_text":                     {platforms.KindFixPost, "TikTok flagged the caption as spam; change it"},
	"spam_risk":                          {platforms.KindFixPost, "TikTok flagged the post as spam"},
	"internal":                           {platforms.KindRetry, "TikTok failed inside while processing the post"},
}

// poll fetches the status until the post is complete or failed, or
// PollTimeout passes (KindRetry; the state stays, the next call polls on).
func (p *Provider) poll(ctx context.Context, token string, st *State, save func([]byte) error) (platforms.Result, error) {
	deadline := time.Now().Add(PollTimeout)
	for {
		s, err := p.fetchStatus(ctx, token, st.PublishID)
		if err != nil {
			return platforms.Result{}, err
		}
		switch s.Status {
		case statusComplete, statusSendToInbox:
			return p.result(st, s), nil
		case statusFailed:
			fr, ok := failReasons[s.FailReason]
			if !ok {
				fr.kind, fr.msg = platforms.KindFixPost, "TikTok could not publish the post ("+s.FailReason+")"
			}
			if s.FailReason == "duration_check_failed" && st.MaxDuration > 0 {
				fr.msg += fmt.Sprintf(" (3 s to %d s)", st.MaxDuration)
			}
			// Nothing is pending any more: the next attempt starts afresh.
			if err := save(nil); err != nil {
				return platforms.Result{}, &platforms.Error{Message: "Could not save the TikTok upload progress", Err: err}
			}
			return platforms.Result{}, &platforms.Error{Kind: fr.kind, Message: fr.msg, Err: errors.New("tiktok fail_reason " + s.FailReason)}
		}
		if time.Now().After(deadline) {
			return platforms.Result{}, &platforms.Error{Kind: platforms.KindRetry, Message: "TikTok is still processing the post; Localpost will check again"}
		}
		t := time.NewTimer(PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return platforms.Result{}, platforms.NetError(p.host(), ctx.Err())
		case <-t.C:
		}
	}
}

// result builds the post's address. TikTok gives the post id only once the
// post is public and moderated; until then RemoteID is the publish id
// (which starts with "v_pub_" or "p_pub_", never all digits).
func (p *Provider) result(st *State, s statusJSON) platforms.Result {
	profile := ""
	if st.Username != "" {
		profile = "https://www.tiktok.com/@" + st.Username
	}
	if len(s.PostIDs) == 0 {
		return platforms.Result{RemoteID: st.PublishID, URL: profile}
	}
	id := s.PostIDs[0].String()
	kind := "video"
	if isPhoto(st.Mode) {
		kind = "photo"
	}
	u := profile
	if profile != "" {
		u = profile + "/" + kind + "/" + id
	}
	return platforms.Result{RemoteID: id, URL: u}
}
