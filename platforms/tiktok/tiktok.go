// Package tiktok is the client for TikTok's Login Kit (desktop OAuth with
// PKCE) and Content Posting API: it connects an account, reads the
// creator's posting options, uploads a video in chunks from disk (or has
// TikTok pull photos from public URLs) and polls until the post is done.
//
// Publishing is resumable: the publish id and upload URL are handed to the
// app's save callback after every step, and a Publish given that state
// continues the upload or the polling instead of starting a second post.
//
// Every failed call returns a *platforms.Error whose Message is safe to
// show; no error or message ever holds a token or the client secret.
package tiktok

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"localpost/platforms"
)

// The real endpoints.
const (
	DefaultAuthURL = "https://www.tiktok.com/v2/auth/authorize/"
	DefaultAPIURL  = "https://open.tiktokapis.com"
)

// RedirectPath is the path of the redirect URI the user registers as
// http://127.0.0.1:*/callback/ (TikTok matches the path exactly, trailing
// slash included; the port may be the wildcard *).
const RedirectPath = "/callback/"

// Scopes asked for when connecting. user.info.basic gives open_id,
// display_name and avatar; video.publish is Direct Post (and the
// creator_info query, which also gives the username); video.upload is the
// inbox/draft upload; video.list and user.info.stats read the videos'
// and the account's numbers (logins made without them must reconnect).
var Scopes = []string{"user.info.basic", "video.publish", "video.upload", "video.list", "user.info.stats"}

// Limits from TikTok's docs (see Provider.Limits).
const (
	MaxCaption      = 2200             // video title (= caption), UTF-16 runes per the Direct Post reference
	MaxPhotoTitle   = 90               // photo post title
	MaxPhotoDesc    = 4000             // photo post description
	MaxPhotos       = 35               // photos per photo post
	MaxVideoBytes   = int64(4) << 30   // 4 GB
	MaxPhotoBytes   = int64(20) << 20  // 20 MB per photo
	maxChunk        = int64(64) << 20  // 64 MB
	maxChunks       = 1000             // chunks per upload
	verifierLen     = 64               // PKCE verifier length (43–128 allowed)
	verifierLife    = 30 * time.Minute // how long Authorize remembers a verifier
	maxJSON         = 1 << 20          // cap on a JSON answer
	defaultPostWait = 2 * time.Minute  // see PollTimeout
	unreservedChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
)

// ChunkSize is the size of the chunks a video is uploaded in (TikTok: 5–64
// MB, the last one may be up to 128 MB). A video not larger than ChunkSize
// goes in one piece. A variable so tests can use small files.
var ChunkSize = maxChunk

// PollInterval and PollTimeout bound the wait for TikTok to process a post
// (POST /v2/post/publish/status/fetch/, limited to 30 requests a minute).
// When the wait runs out Publish returns KindRetry and the saved state
// makes the next call continue polling. Variables so tests can shorten them.
var (
	PollInterval = 5 * time.Second
	PollTimeout  = defaultPostWait
)

// Config holds the HTTP client and every base URL the provider calls.
// Zero values mean the real ones. The upload URL is not configured: TikTok
// returns it from the init call (open-upload.tiktokapis.com).
type Config struct {
	HTTP    *http.Client
	AuthURL string // the authorize page, default DefaultAuthURL
	APIURL  string // the API and token endpoint, default DefaultAPIURL
}

// Provider is TikTok as the app uses it. It is safe for concurrent use.
type Provider struct {
	http    *http.Client
	authURL string
	apiURL  string

	mu        sync.Mutex
	verifiers map[string]verifier // by redirect URI, see Authorize
}

type verifier struct {
	v       string
	expires time.Time
}

var _ platforms.Provider = (*Provider)(nil)

// New returns a provider; a nil cfg.HTTP means http.DefaultClient.
func New(cfg Config) *Provider {
	p := &Provider{http: cfg.HTTP, authURL: cfg.AuthURL, apiURL: strings.TrimSuffix(cfg.APIURL, "/"), verifiers: map[string]verifier{}}
	if p.http == nil {
		p.http = http.DefaultClient
	}
	if p.authURL == "" {
		p.authURL = DefaultAuthURL
	}
	if p.apiURL == "" {
		p.apiURL = DefaultAPIURL
	}
	return p
}

// Info describes TikTok for the Settings screen.
func (p *Provider) Info() platforms.Info {
	return platforms.Info{
		Network:     platforms.TikTok,
		Name:        "TikTok",
		NeedsSecret: true,
		Redirect:    platforms.RedirectLoopbackAnyPort,
		Guide: "Create an app at developers.tiktok.com (Manage apps), add the products Login Kit and Content Posting API " +
			"(turn on Direct Post), choose Desktop as the platform and register the redirect URI http://127.0.0.1:*/callback/ " +
			"(the * is a wildcard port; keep the trailing slash). Request the scopes user.info.basic, video.publish and video.upload, and video.list and user.info.stats for the numbers in Analytics. " +
			"Enter the app's Client key and Client secret here.",
		Gates: "Until TikTok audits your app, everything it posts is private (only you can see it), your TikTok account must be " +
			"set to private when posting, and at most 5 accounts can post through the app per day. After the audit public posting works. " +
			"TikTok also caps how many posts an account may make per day and allows 6 new uploads a minute.",
		ConsoleURL:  "https://developers.tiktok.com/apps/",
		CanSchedule: false,
	}
}

// Limits are TikTok's: a 2,200-character caption (Direct Post reference;
// Postiz enforces 2,000), media required, one video (MP4/MOV/WebM, up to
// 4 GB) or up to 35 photos (JPEG/WebP, 20 MB each). MaxImageBytes is left 0
// because the shared check would apply it to videos too; Validate checks
// sizes per type.
func (p *Provider) Limits() platforms.Limits {
	return platforms.Limits{
		MaxChars:      MaxCaption,
		MaxMedia:      MaxPhotos,
		MediaTypes:    []string{"video/mp4", "video/quicktime", "video/webm", "image/jpeg", "image/webp"},
		MediaRequired: true,
	}
}

// Challenge is the PKCE code challenge TikTok's desktop flow expects: the
// SHA-256 of the verifier, hex-encoded (not base64url as RFC 7636 says;
// see developers.tiktok.com/doc/login-kit-desktop). The method is still
// sent as "S256".
func Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return hex.EncodeToString(sum[:])
}

// NewVerifier returns a fresh PKCE verifier of TikTok's unreserved
// characters.
func NewVerifier() string {
	b := make([]byte, verifierLen)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = unreservedChars[int(b[i])%len(unreservedChars)]
	}
	return string(b)
}

// Authorize describes the authorize request. Because TikTok wants a
// hex-encoded challenge, which the app's generic PKCE (base64url) would
// get wrong, PKCE is false and the provider adds code_challenge and
// code_challenge_method itself from a verifier it keeps for this redirect
// URI; Exchange uses it when the app passes no verifier. The app only adds
// state.
func (p *Provider) Authorize(creds platforms.AppCredentials, redirectURI string) platforms.AuthRequest {
	v := NewVerifier()
	p.mu.Lock()
	now := time.Now()
	for k, x := range p.verifiers {
		if now.After(x.expires) {
			delete(p.verifiers, k)
		}
	}
	p.verifiers[redirectURI] = verifier{v: v, expires: now.Add(verifierLife)}
	p.mu.Unlock()
	return p.AuthorizeWithVerifier(creds, redirectURI, v)
}

// AuthorizeWithVerifier is Authorize for an app that keeps the verifier
// itself: it passes the same verifier to Exchange.
func (p *Provider) AuthorizeWithVerifier(_ platforms.AppCredentials, _ string, verifier string) platforms.AuthRequest {
	return platforms.AuthRequest{
		AuthURL: p.authURL,
		Params: map[string]string{
			"response_type":         "code",
			"code_challenge":        Challenge(verifier),
			"code_challenge_method": "S256",
		},
		ClientKey: "client_key",
		Scopes:    append([]string(nil), Scopes...),
		ScopeSep:  ",",
		PKCE:      false,
	}
}

// takeVerifier returns (and forgets) the verifier Authorize made for
// redirectURI.
func (p *Provider) takeVerifier(redirectURI string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	x, ok := p.verifiers[redirectURI]
	delete(p.verifiers, redirectURI)
	if !ok || time.Now().After(x.expires) {
		return ""
	}
	return x.v
}

// RedirectPath is the path of the redirect address TikTok matches (with
// its trailing slash), for the app to ask a provider.
func (p *Provider) RedirectPath() string { return RedirectPath }
