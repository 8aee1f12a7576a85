// Package youtube is the client for the YouTube Data API v3: Google OAuth
// for installed apps (PKCE, loopback redirect on any port), the channels a
// login owns, and publishing a video by the resumable upload protocol,
// streamed from disk and resumable after a dropped connection or a restart,
// with title, description, tags, privacy, native scheduling (publishAt) and
// a custom thumbnail.
//
// Every failed call returns a *platforms.Error whose Message is safe to show;
// no error or message ever holds a token.
package youtube

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"localpost/platforms"
)

// The real endpoints.
const (
	DefaultAPIURL    = "https://www.googleapis.com/youtube/v3"
	DefaultUploadURL = "https://www.googleapis.com/upload/youtube/v3"
	DefaultAuthURL   = "https://accounts.google.com/o/oauth2/v2/auth"
	DefaultTokenURL  = "https://oauth2.googleapis.com/token"
	DefaultSiteURL   = "https://www.youtube.com"
)

// The scopes asked for: upload videos (and set their thumbnails), read the
// channel list, and move or take back a video YouTube holds for later
// (videos.update and videos.delete accept no narrower scope).
const (
	ScopeUpload   = "https://www.googleapis.com/auth/youtube.upload"
	ScopeReadOnly = "https://www.googleapis.com/auth/youtube.readonly"
	ScopeForceSSL = "https://www.googleapis.com/auth/youtube.force-ssl"
)

// Scopes asked for when connecting.
var Scopes = []string{ScopeUpload, ScopeReadOnly, ScopeForceSSL}

// Text limits from the Videos resource reference
// (developers.google.com/youtube/v3/docs/videos): title 100 characters,
// description 5000 bytes, neither may hold < or >; tags 500 characters in
// all, commas between tags included and a tag with a space counted with
// the quotes YouTube puts around it.
const (
	MaxTitleChars       = 100
	MaxDescriptionBytes = 5000
	MaxTagChars         = 500
	MaxVideoBytes       = 256 << 30 // videos.insert mediaUpload.maxSize (274877906944)
	MaxThumbnailBytes   = 2 << 20   // thumbnails.set: "maximum file size 2MB"
)

// VideoTypes are the upload formats YouTube lists as supported
// (support.google.com/youtube/troubleshooter/2888402). The API accepts any
// video/*; the composer shows these.
var VideoTypes = []string{
	"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/mpeg",
	"video/x-msvideo", "video/x-ms-wmv", "video/x-flv", "video/3gpp",
}

// ChunkSize is how much of the file one PUT carries. Google wants a
// multiple of 256 KiB for every chunk but the last. A variable so tests can
// shrink it.
var ChunkSize int64 = 8 << 20

// Retry tuning for the upload: a dropped connection or a 5xx within one
// Publish call is retried this many times, waiting RetryWait (doubled each
// time) before asking the session how much arrived.
var (
	UploadRetries       = 4
	RetryWait           = time.Second
	chunkAlign    int64 = 256 << 10
)

// Config holds the HTTP client and every base URL; zero values mean the
// real ones.
type Config struct {
	HTTP      *http.Client
	APIURL    string // https://www.googleapis.com/youtube/v3
	UploadURL string // https://www.googleapis.com/upload/youtube/v3
	AuthURL   string // https://accounts.google.com/o/oauth2/v2/auth
	TokenURL  string // https://oauth2.googleapis.com/token
	SiteURL   string // https://www.youtube.com (watch and channel links)
}

// Provider is YouTube as the app uses it.
type Provider struct {
	cfg Config
	now func() time.Time
}

var _ platforms.Provider = (*Provider)(nil)

// New returns a provider; empty Config fields get the real endpoints.
func New(cfg Config) *Provider {
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
		*s = strings.TrimRight(*s, "/")
	}
	def(&cfg.APIURL, DefaultAPIURL)
	def(&cfg.UploadURL, DefaultUploadURL)
	def(&cfg.AuthURL, DefaultAuthURL)
	def(&cfg.TokenURL, DefaultTokenURL)
	def(&cfg.SiteURL, DefaultSiteURL)
	return &Provider{cfg: cfg, now: time.Now}
}

// Info describes YouTube for the connect dialog.
func (p *Provider) Info() platforms.Info {
	return platforms.Info{
		Network:     platforms.YouTube,
		Name:        "YouTube",
		NeedsSecret: true,
		Redirect:    platforms.RedirectLoopbackAnyPort,
		ConsoleURL:  "https://console.cloud.google.com/apis/credentials",
		Guide: "In the Google Cloud console create a project, enable the YouTube Data API v3, " +
			"configure the OAuth consent screen (add yourself as a test user while it is in Testing) " +
			"with the scopes youtube.upload, youtube.readonly and youtube.force-ssl (to move or take back a video YouTube " +
			"holds for later), then create an OAuth client ID of type " +
			"\"Desktop app\" and paste its client ID and client secret here. No redirect address needs " +
			"registering: desktop clients accept http://127.0.0.1 on any port.",
		Gates: "Videos uploaded through the API by a project that has not passed Google's compliance audit " +
			"(projects created after 28 July 2020) are locked to private until the project is audited; " +
			"the audit is requested from the YouTube API Services form. " +
			"Quota: 10,000 units a day per project, an upload costs about 1,600 (so about 6 a day) on the " +
			"older price list, or counts against a separate allowance of about 100 uploads a day on the newer " +
			"one; the quota resets at midnight Pacific time. " +
			"While the OAuth consent screen is in \"Testing\", Google expires the login after 7 days: " +
			"publish the consent screen (\"In production\") to keep it. " +
			"Custom thumbnails need a channel verified by phone.",
		CanSchedule: true,
	}
}

// Limits are what the composer checks: the description is the post text,
// exactly one video.
func (p *Provider) Limits() platforms.Limits {
	return platforms.Limits{
		MaxChars:       MaxDescriptionBytes,
		MaxMedia:       1,
		MaxImageBytes:  MaxVideoBytes,
		MediaTypes:     slices.Clone(VideoTypes),
		MediaRequired:  true,
		NativeSchedule: true,
	}
}

// Authorize asks for offline access with the consent prompt, so Google
// sends a refresh token on every connect, not only the first.
func (p *Provider) Authorize(creds platforms.AppCredentials, redirectURI string) platforms.AuthRequest {
	return platforms.AuthRequest{
		AuthURL: p.cfg.AuthURL,
		Params: map[string]string{
			"access_type":            "offline",
			"prompt":                 "consent",
			"include_granted_scopes": "true",
		},
		Scopes:   slices.Clone(Scopes),
		ScopeSep: " ",
		PKCE:     true,
	}
}

// AuthCodeURL builds the full authorize address from an AuthRequest the way
// the app does (for tests and tools): client id, redirect, state and the
// PKCE S256 challenge.
func AuthCodeURL(ar platforms.AuthRequest, clientID, redirectURI, state, challenge string) string {
	q := url.Values{}
	key := ar.ClientKey
	if key == "" {
		key = "client_id"
	}
	q.Set(key, clientID)
	q.Set("redirect_uri", redirectURI)
	q.Set("response_type", "code")
	sep := ar.ScopeSep
	if sep == "" {
		sep = " "
	}
	q.Set("scope", strings.Join(ar.Scopes, sep))
	if state != "" {
		q.Set("state", state)
	}
	if ar.PKCE {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	for k, v := range ar.Params {
		q.Set(k, v)
	}
	sepQ := "?"
	if strings.Contains(ar.AuthURL, "?") {
		sepQ = "&"
	}
	return ar.AuthURL + sepQ + q.Encode()
}

// Identities lists the channels of the login (channels.list mine=true):
// one Identity of kind "channel" each.
func (p *Provider) Identities(ctx context.Context, t platforms.Token) ([]platforms.Identity, error) {
	q := url.Values{"part": {"snippet"}, "mine": {"true"}, "maxResults": {"50"}}
	var out struct {
		Items []struct {
			ID      string `json:"id"`
			Snippet struct {
				Title      string `json:"title"`
				CustomURL  string `json:"customUrl"`
				Thumbnails map[string]struct {
					URL string `json:"url"`
				} `json:"thumbnails"`
			} `json:"snippet"`
		} `json:"items"`
	}
	if err := p.getJSON(ctx, p.cfg.APIURL+"/channels?"+q.Encode(), t.Access, &out); err != nil {
		return nil, err
	}
	if len(out.Items) == 0 {
		return nil, &platforms.Error{Kind: platforms.KindDisconnected,
			Message: "This Google account has no YouTube channel yet: create one on youtube.com, then connect again"}
	}
	ids := make([]platforms.Identity, 0, len(out.Items))
	for _, it := range out.Items {
		if it.ID == "" {
			continue
		}
		avatar := ""
		for _, k := range []string{"medium", "high", "default"} {
			if th, ok := it.Snippet.Thumbnails[k]; ok && th.URL != "" {
				avatar = th.URL
				break
			}
		}
		handle := it.Snippet.CustomURL
		if handle != "" && !strings.HasPrefix(handle, "@") {
			handle = "@" + handle
		}
		ids = append(ids, platforms.Identity{
			RemoteID:  it.ID,
			Kind:      "channel",
			Name:      it.Snippet.Title,
			Handle:    handle,
			AvatarURL: avatar,
			URL:       p.cfg.SiteURL + "/channel/" + url.PathEscape(it.ID),
			Extra:     map[string]string{"channel_id": it.ID},
		})
	}
	return ids, nil
}

func (p *Provider) host(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return "YouTube"
}
