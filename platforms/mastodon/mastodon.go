// Package mastodon is the client for any Mastodon-compatible server: it
// registers Localpost on the server, reads the server's limits, checks a
// token, uploads media and posts statuses.
//
// Every failed call returns a *platforms.Error whose Message is safe to show;
// no error or message ever holds a token.
package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"golang.org/x/oauth2"

	"localpost/platforms"
)

// DefaultLimits apply when the server does not say (500 characters, 4 media).
var DefaultLimits = platforms.Limits{
	MaxChars:       500,
	URLWeight:      23,
	MaxMedia:       4,
	MaxImageBytes:  16 << 20,
	MaxVideoBytes:  99 << 20,
	MediaTypes:     []string{"image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/quicktime", "video/webm"},
	AltText:        true,
	MaxAltChars:    1500,
	NativeSchedule: true,
}

// Defaults returns a copy of DefaultLimits whose MediaTypes slice is not
// shared, safe to modify or to json.Unmarshal into (which would otherwise
// write into DefaultLimits' backing array).
func Defaults() platforms.Limits { return cloneLimits(DefaultLimits) }

// Scopes asked for when connecting.
var Scopes = []string{"read:accounts", "read:statuses", "write:statuses", "write:media"}

// ClientName is the name Localpost registers under; the server shows it
// on the consent page and under every status.
const ClientName = "Localpost"

// MediaPollInterval and MediaPollTimeout bound the wait for a server to
// finish processing an upload (202 from POST /api/v2/media). Variables so
// tests can shorten them.
var (
	MediaPollInterval = time.Second
	MediaPollTimeout  = 60 * time.Second
)

// ErrNotMastodon is wrapped by the error Instance returns when the address
// answers but not as a Mastodon server.
var ErrNotMastodon = errors.New("not a Mastodon server")

// maxJSON caps how much of a JSON answer is read.
const maxJSON = 4 << 20

// Client talks to one server.
type Client struct {
	BaseURL string // e.g. https://mastodon.social (no trailing slash)
	HTTP    *http.Client
}

// NormalizeServer turns what a user typed ("mastodon.social",
// "https://mastodon.social/", "@me@mastodon.social", "http://127.0.0.1:8080")
// into a base URL. Plain http is accepted only for loopback addresses; any
// other http address is upgraded to https. A loopback address typed without
// a scheme gets http, since local test servers rarely have TLS.
func NormalizeServer(s string) (string, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return "", errors.New("type your server's address, the part after the second @ of your handle, e.g. mastodon.social")
	}
	bad := func() error {
		return fmt.Errorf("“%s” is not a server address; type the part after the second @ of your handle, e.g. mastodon.social", in)
	}
	scheme, host := "", in
	if i := strings.Index(in, "://"); i >= 0 {
		u, err := url.Parse(in)
		if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
			return "", bad()
		}
		scheme = strings.ToLower(u.Scheme)
		if scheme != "http" && scheme != "https" {
			return "", bad()
		}
		host = u.Host
	} else {
		// A handle: @me@server or me@server.
		host = strings.TrimPrefix(host, "@")
		if i := strings.LastIndex(host, "@"); i >= 0 {
			if i == 0 || strings.Contains(host[:i], "@") {
				return "", bad()
			}
			host = host[i+1:]
		}
		host = strings.TrimSuffix(host, "/")
	}
	host = strings.ToLower(host)
	name, port := host, ""
	if h, p, err := net.SplitHostPort(host); err == nil {
		name, port = h, p
		if !validPort(p) {
			return "", bad()
		}
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		name = host[1 : len(host)-1]
	}
	if !validHostname(name) {
		return "", bad()
	}
	loop := isLoopback(name)
	switch {
	case loop && scheme == "":
		scheme = "http"
	case !loop:
		scheme = "https"
	}
	if port == "443" && scheme == "https" {
		port = ""
	}
	h := name
	if strings.Contains(name, ":") {
		h = "[" + name + "]"
	}
	if port != "" {
		h += ":" + port
	}
	return scheme + "://" + h, nil
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	n := 0
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
		n = n*10 + int(r-'0')
	}
	return n > 0 && n < 65536
}

// validHostname accepts IP addresses, "localhost" and dotted DNS names
// (Unicode letters allowed; net/http converts them to punycode).
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if net.ParseIP(h) != nil || h == "localhost" {
		return true
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

func isLoopback(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// New returns a client for the server the user typed. A nil hc means
// http.DefaultClient; the app passes its one shared client.
func New(server string, hc *http.Client) (*Client, error) {
	base, err := NormalizeServer(server)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{BaseURL: base, HTTP: hc}, nil
}

// App is a registration of Localpost on one server.
type App struct {
	ClientID     string
	ClientSecret string
}

// RegisterApp registers Localpost on the server (POST /api/v1/apps).
func (c *Client) RegisterApp(ctx context.Context, redirectURI string) (App, error) {
	form := url.Values{
		"client_name":   {ClientName},
		"redirect_uris": {redirectURI},
		"scopes":        {strings.Join(Scopes, " ")},
	}
	var out struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := c.call(ctx, http.MethodPost, "/api/v1/apps", "", form, nil, &out); err != nil {
		return App{}, err
	}
	if out.ClientID == "" || out.ClientSecret == "" {
		return App{}, c.notMastodon(0)
	}
	return App{ClientID: out.ClientID, ClientSecret: out.ClientSecret}, nil
}

// Endpoint is the server's OAuth endpoint. Mastodon wants the client
// credentials in the form body.
func (c *Client) Endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{
		AuthURL:   c.BaseURL + "/oauth/authorize",
		TokenURL:  c.BaseURL + "/oauth/token",
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// instanceJSON covers both /api/v2/instance and /api/v1/instance.
type instanceJSON struct {
	Domain        string `json:"domain"` // v2
	URI           string `json:"uri"`    // v1
	Version       string `json:"version"`
	MaxTootChars  int    `json:"max_toot_chars"` // v1 on Pleroma, Akkoma and forks
	Configuration *struct {
		Statuses struct {
			MaxCharacters            int `json:"max_characters"`
			MaxMediaAttachments      int `json:"max_media_attachments"`
			CharactersReservedPerURL int `json:"characters_reserved_per_url"`
		} `json:"statuses"`
		MediaAttachments struct {
			SupportedMimeTypes []string `json:"supported_mime_types"`
			ImageSizeLimit     int64    `json:"image_size_limit"`
			VideoSizeLimit     int64    `json:"video_size_limit"`
			DescriptionLimit   int      `json:"description_limit"`
		} `json:"media_attachments"`
	} `json:"configuration"`
}

// Instance reads the server's limits (GET /api/v2/instance, falling back to
// v1, then to DefaultLimits). A server that answers but is not Mastodon
// returns an error that says so (wrapping ErrNotMastodon).
func (c *Client) Instance(ctx context.Context) (platforms.Limits, error) {
	var inst instanceJSON
	err := c.call(ctx, http.MethodGet, "/api/v2/instance", "", nil, nil, &inst)
	var pe *platforms.Error
	if errors.As(err, &pe) && pe.Status != 0 {
		switch pe.Status {
		case 404, 410, 401, 403:
			// Older than 4.0 (404), or a server that hides its details
			// from anonymous callers (401/403): ask v1.
			inst = instanceJSON{}
			err = c.call(ctx, http.MethodGet, "/api/v1/instance", "", nil, nil, &inst)
			if errors.As(err, &pe) && (pe.Status == 404 || pe.Status == 410) {
				return cloneLimits(DefaultLimits), c.notMastodon(pe.Status)
			}
			if errors.As(err, &pe) && (pe.Status == 401 || pe.Status == 403) {
				return cloneLimits(DefaultLimits), nil
			}
		}
	}
	if err != nil {
		if errors.Is(err, errNotJSON) {
			return cloneLimits(DefaultLimits), c.notMastodon(0)
		}
		return cloneLimits(DefaultLimits), err
	}
	if inst.Domain == "" && inst.URI == "" && inst.Version == "" && inst.Configuration == nil {
		return cloneLimits(DefaultLimits), c.notMastodon(0)
	}
	return limitsFrom(inst), nil
}

func cloneLimits(l platforms.Limits) platforms.Limits {
	l.MediaTypes = append([]string(nil), l.MediaTypes...)
	return l
}

func limitsFrom(inst instanceJSON) platforms.Limits {
	l := cloneLimits(DefaultLimits)
	if inst.MaxTootChars > 0 {
		l.MaxChars = inst.MaxTootChars
	}
	cfg := inst.Configuration
	if cfg == nil {
		return l
	}
	if n := cfg.Statuses.MaxCharacters; n > 0 {
		l.MaxChars = n
	}
	if n := cfg.Statuses.CharactersReservedPerURL; n > 0 {
		l.URLWeight = n
	}
	if n := cfg.Statuses.MaxMediaAttachments; n > 0 {
		l.MaxMedia = n
	}
	if n := cfg.MediaAttachments.ImageSizeLimit; n > 0 {
		l.MaxImageBytes = n
	}
	if n := cfg.MediaAttachments.DescriptionLimit; n > 0 {
		l.MaxAltChars = n
	}
	if n := cfg.MediaAttachments.VideoSizeLimit; n > 0 {
		l.MaxVideoBytes = n
	}
	// Images and videos are what Localpost attaches; audio is left out.
	var types []string
	for _, t := range cfg.MediaAttachments.SupportedMimeTypes {
		if strings.HasPrefix(t, "image/") || strings.HasPrefix(t, "video/") {
			types = append(types, t)
		}
	}
	if len(types) > 0 {
		l.MediaTypes = types
	}
	return l
}

func (c *Client) notMastodon(status int) error {
	return &platforms.Error{
		Kind:    platforms.KindUnknown,
		Status:  status,
		Message: c.host() + " does not look like a Mastodon server",
		Err:     ErrNotMastodon,
	}
}

// VerifyCredentials returns the account the token belongs to.
func (c *Client) VerifyCredentials(ctx context.Context, token string) (platforms.Account, error) {
	var a struct {
		ID           string `json:"id"`
		Username     string `json:"username"`
		Acct         string `json:"acct"`
		DisplayName  string `json:"display_name"`
		Avatar       string `json:"avatar"`
		AvatarStatic string `json:"avatar_static"`
		URL          string `json:"url"`
	}
	if err := c.call(ctx, http.MethodGet, "/api/v1/accounts/verify_credentials", token, nil, nil, &a); err != nil {
		return platforms.Account{}, err
	}
	if a.ID == "" {
		return platforms.Account{}, c.notMastodon(0)
	}
	acct := a.Acct
	if acct == "" {
		acct = a.Username
	}
	if !strings.Contains(acct, "@") {
		acct += "@" + c.hostname()
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	avatar := a.AvatarStatic
	if avatar == "" {
		avatar = a.Avatar
	}
	return platforms.Account{RemoteID: a.ID, Handle: "@" + acct, DisplayName: name, AvatarURL: avatar, URL: a.URL}, nil
}

// Publish uploads the media (POST /api/v2/media, waiting for async
// processing), then posts the status with an Idempotency-Key header (and
// the parts of Options.Thread as a chain of replies), so
// a repeat with the same key within the server's window (an hour on
// Mastodon) returns the first status instead of posting again.
//
// With Options.PublishAt set the server holds the status until then
// (scheduled_at) and the Result is the scheduled status: its id, no
// address yet. The server refuses (422) a time less than MinScheduleLead
// away by its own clock, and more than its limit of scheduled statuses.
func (c *Client) Publish(ctx context.Context, token string, p platforms.Post) (platforms.Result, error) {
	form := url.Values{"status": {p.Text}} // sent even when empty, as a media-only post
	at := p.Options.PublishAt
	if !at.IsZero() && len(p.Options.Thread) > 0 {
		// A held status has no id to answer until it is out.
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost,
			Message: c.host() + " cannot hold a thread for later; Localpost has to publish it at the time"}
	}
	if !at.IsZero() {
		form.Set("scheduled_at", at.UTC().Format(time.RFC3339))
	}

	for _, m := range p.Media {
		id, err := c.upload(ctx, token, m)
		if err != nil {
			return platforms.Result{}, err
		}
		form.Add("media_ids[]", id)
	}
	hdr := http.Header{}
	if p.IdempotencyKey != "" {
		hdr.Set("Idempotency-Key", p.IdempotencyKey)
	}
	var st struct {
		ID          string `json:"id"`
		URL         string `json:"url"`
		URI         string `json:"uri"`
		ScheduledAt string `json:"scheduled_at"` // only in a ScheduledStatus
	}
	if err := c.call(ctx, http.MethodPost, "/api/v1/statuses", token, form, hdr, &st); err != nil {
		return platforms.Result{}, err
	}
	if st.ID == "" {
		// Something answered 200 without a status: it may have posted, so
		// let the publisher retry with the same key.
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindRetry, Status: 200,
			Message: c.host() + " gave an answer without a status"}
	}
	if !at.IsZero() && st.ScheduledAt != "" {
		return platforms.Result{RemoteID: st.ID}, nil
	}
	u := st.URL
	if u == "" {
		u = st.URI
	}
	res := platforms.Result{RemoteID: st.ID, URL: u}
	if !at.IsZero() {
		// A server without scheduling ignored scheduled_at: the status is
		// out now. Returned with the Result, so it counts as published.
		return res, &platforms.Error{Kind: platforms.KindFixPost,
			Message: c.host() + " cannot hold posts for later and published this one at once"}
	}
	if err := c.postThread(ctx, token, st.ID, p); err != nil {
		return platforms.Result{}, err
	}
	return res, nil
}

// postThread posts Options.Thread, each part answering the one before
// (in_reply_to_id), after the first status parent. Each part has its own
// idempotency key derived from the post's, so a retry after a part failed
// gets the parts already posted back from the server instead of posting
// them again (within the server's hour of remembering keys).
func (c *Client) postThread(ctx context.Context, token, parent string, p platforms.Post) error {
	for i, text := range p.Options.Thread {
		form := url.Values{"status": {text}, "in_reply_to_id": {parent}}
		hdr := http.Header{}
		if p.IdempotencyKey != "" {
			hdr.Set("Idempotency-Key", fmt.Sprintf("%s-thread-%d", p.IdempotencyKey, i+1))
		}
		var st struct {
			ID string `json:"id"`
		}
		if err := c.call(ctx, http.MethodPost, "/api/v1/statuses", token, form, hdr, &st); err != nil {
			return fmt.Errorf("part %d of the thread: %w", i+2, err)
		}
		if st.ID == "" {
			return &platforms.Error{Kind: platforms.KindRetry, Status: 200,
				Message: fmt.Sprintf("%s gave an answer without a status for part %d of the thread", c.host(), i+2)}
		}
		parent = st.ID
	}
	return nil
}

// Revoke revokes a token (POST /oauth/revoke); used when disconnecting.
func (c *Client) Revoke(ctx context.Context, app App, token string) error {
	form := url.Values{
		"client_id":     {app.ClientID},
		"client_secret": {app.ClientSecret},
		"token":         {token},
	}
	return c.call(ctx, http.MethodPost, "/oauth/revoke", "", form, nil, nil)
}

var _ platforms.Publisher = (*Client)(nil)
