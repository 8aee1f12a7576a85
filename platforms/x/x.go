// Package x is the client for X (Twitter) API v2: OAuth 2.0 with PKCE as a
// public "Native App" client, the signed-in user, chunked media upload
// (/2/media/upload/initialize, append, finalize, status), alt text
// (/2/media/metadata) and posts (/2/tweets) with threads and a first
// comment posted as a reply.
//
// Every failed call returns a *platforms.Error whose Message is safe to
// show; no error or message ever holds a token.
package x

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"localpost/platforms"
)

// The real endpoints. The authorize page is on x.com: the API description
// (securitySchemes.OAuth2UserToken) names https://api.x.com/2/oauth2/authorize,
// but X's OAuth 2.0 docs send the user to https://x.com/i/oauth2/authorize.
const (
	DefaultAPIURL    = "https://api.x.com"
	DefaultUploadURL = "https://api.x.com"
	DefaultAuthURL   = "https://x.com/i/oauth2/authorize"
	DefaultTokenURL  = "https://api.x.com/2/oauth2/token"
	DefaultWebURL    = "https://x.com"
)

// DefaultPort is the loopback port Localpost listens on for X's redirect:
// X matches the registered callback exactly, port included.
const DefaultPort = 53682

// Scopes asked for when connecting; offline.access yields a refresh token.
var Scopes = []string{"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"}

// Size limits per kind of upload (X media best practices).
const (
	MaxImageBytes = 5 << 20
	MaxGIFBytes   = 15 << 20
	MaxVideoBytes = 512 << 20
	MaxAltChars   = 1000 // CreateMediaMetadataMetadataAltText.text maxLength
)

// Config is where the provider sends its requests. Zero fields take the
// real X addresses and defaults.
type Config struct {
	HTTP      *http.Client
	APIURL    string // base of /2/users/me, /2/tweets (no trailing slash)
	UploadURL string // base of /2/media/upload/...
	AuthURL   string // the authorize page, a full URL
	TokenURL  string // the token endpoint, a full URL
	WebURL    string // base of post and profile links shown to the user

	ChunkSize    int64         // bytes per APPEND, default 4 MiB
	PollInterval time.Duration // if > 0, replaces X's check_after_secs between status polls
	PollTimeout  time.Duration // how long to wait for media processing, default 10 min
}

// Provider is X as the app uses it.
type Provider struct {
	cfg Config
}

var _ platforms.Provider = (*Provider)(nil)

// New returns the provider; zero Config fields take the real defaults.
func New(cfg Config) *Provider {
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	def := func(s *string, d string) {
		*s = strings.TrimRight(*s, "/")
		if *s == "" {
			*s = d
		}
	}
	def(&cfg.APIURL, DefaultAPIURL)
	def(&cfg.UploadURL, DefaultUploadURL)
	def(&cfg.AuthURL, DefaultAuthURL)
	def(&cfg.TokenURL, DefaultTokenURL)
	def(&cfg.WebURL, DefaultWebURL)
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = 4 << 20
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 10 * time.Minute
	}
	return &Provider{cfg: cfg}
}

// Info tells the user what connecting X takes.
func (p *Provider) Info() platforms.Info {
	return platforms.Info{
		Network:     platforms.X,
		Name:        "X",
		NeedsSecret: false,
		Redirect:    platforms.RedirectLoopbackFixedPort,
		DefaultPort: DefaultPort,
		Guide: "In the X developer console create a Project and an App. Under User authentication settings choose " +
			"OAuth 2.0, app type \"Native App\" (a public client: no secret is needed), permissions Read and write, and add the " +
			"callback URI exactly as shown below (127.0.0.1, not localhost; port included). " +
			"Paste the OAuth 2.0 Client ID here. Localpost asks for the scopes " + strings.Join(Scopes, ", ") + ".",
		Gates: "X API access is pay-per-use: X charges your developer account for every post Localpost creates " +
			"(about $0.015 a post, $0.20 for a post that contains a link, per X's pricing page) and for reads; " +
			"threads and first comments are posts too. Without credits in the console, posting fails.",
		ConsoleURL:  "https://developer.x.com/en/portal/dashboard",
		CanSchedule: false,
	}
}

// Limits are X's for a standard (non-Premium) account.
func (p *Provider) Limits() platforms.Limits {
	return platforms.Limits{
		MaxChars:      280,
		URLWeight:     23,
		WideWeight:    2,
		MaxMedia:      4,
		MaxImageBytes: MaxImageBytes,
		MediaTypes:    []string{"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4"},
		AltText:       true,
		MaxAltChars:   MaxAltChars,
	}
}

// Validate checks a post the way X will: the weighted length of every
// part (text, thread parts, first comment), up to 4 images, or one GIF or
// one video alone, and the size limit of each kind. Use it instead of
// Limits().Validate, which applies the image size limit to videos too.
func (p *Provider) Validate(post platforms.Post) []platforms.Problem {
	l := p.Limits()
	var probs []platforms.Problem
	checkText := func(field, text string, mediaOK bool) {
		n := l.CountChars(text)
		switch {
		case n == 0 && !mediaOK:
			probs = append(probs, platforms.Problem{Field: field, Message: "This part is empty: write something."})
		case n > l.MaxChars:
			probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%d characters, %d over X's limit of %d (links count 23, CJK and emoji 2).", n, n-l.MaxChars, l.MaxChars)})
		}
	}
	checkText("text", post.Text, len(post.Media) > 0)
	for i, t := range post.Options.Thread {
		checkText(fmt.Sprintf("thread[%d]", i), t, false)
	}
	if post.Options.FirstComment != "" {
		checkText("first_comment", post.Options.FirstComment, false)
	}
	var images, gifs, videos int
	for i, m := range post.Media {
		field := fmt.Sprintf("media[%d]", i)
		name := baseName(m.Path)
		kind := mediaKind(m.Mime)
		var limit int64
		switch kind {
		case kindImage:
			images++
			limit = MaxImageBytes
		case kindGIF:
			gifs++
			limit = MaxGIFBytes
		case kindVideo:
			videos++
			limit = MaxVideoBytes
		default:
			probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s is not accepted by X (%s); use JPEG, PNG, WebP, GIF or MP4.", name, m.Mime)})
			continue
		}
		if m.Size > limit {
			probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s is %s, X's limit for this kind of file is %s.", name, human(m.Size), human(limit))})
		}
		if utf8.RuneCountInString(m.Alt) > MaxAltChars {
			probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("alt text is over %d characters.", MaxAltChars)})
		}
	}
	switch {
	case (gifs > 0 || videos > 0) && len(post.Media) > 1:
		probs = append(probs, platforms.Problem{Field: "media", Message: "X takes one video or one GIF on its own, or up to 4 images."})
	case images > l.MaxMedia:
		probs = append(probs, platforms.Problem{Field: "media", Message: fmt.Sprintf("%d images, X takes at most %d.", images, l.MaxMedia)})
	}
	return probs
}

type mkind int

const (
	kindOther mkind = iota
	kindImage
	kindGIF
	kindVideo
)

func mediaKind(mime string) mkind {
	switch mime {
	case "image/jpeg", "image/png", "image/webp":
		return kindImage
	case "image/gif":
		return kindGIF
	case "video/mp4":
		return kindVideo
	}
	return kindOther
}

func (k mkind) category() string {
	switch k {
	case kindGIF:
		return "tweet_gif"
	case kindVideo:
		return "tweet_video"
	}
	return "tweet_image"
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	if p == "" {
		return "the file"
	}
	return p
}

func human(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}

// Authorize describes X's authorize request: PKCE (the app adds the S256
// challenge and state), space-separated scopes, client_id as usual.
func (p *Provider) Authorize(creds platforms.AppCredentials, redirectURI string) platforms.AuthRequest {
	return platforms.AuthRequest{
		AuthURL:  p.cfg.AuthURL,
		Scopes:   slices.Clone(Scopes),
		ScopeSep: " ",
		PKCE:     true,
	}
}

type tokenJSON struct {
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
}

// Exchange trades the code and PKCE verifier for a token. A Native App
// sends client_id in the body; a confidential client (a secret was given)
// authenticates with HTTP Basic, as X's docs describe.
func (p *Provider) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string) (platforms.Token, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirectURI},
		"code_verifier": {verifier},
	}
	return p.token(ctx, creds, form, code, verifier)
}

// Refresh renews the token. X rotates refresh tokens: the answer holds a
// new one and the old one stops working, so the caller must store it.
func (p *Provider) Refresh(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) (platforms.Token, error) {
	if t.Refresh == "" {
		return platforms.Token{}, platforms.ErrNoRefresh
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {t.Refresh}}
	nt, err := p.token(ctx, creds, form, t.Refresh, t.Access)
	if err != nil {
		return platforms.Token{}, err
	}
	if nt.Refresh == "" {
		nt.Refresh = t.Refresh
	}
	return nt, nil
}

func (p *Provider) token(ctx context.Context, creds platforms.AppCredentials, form url.Values, secrets ...string) (platforms.Token, error) {
	if creds.ClientSecret == "" {
		form.Set("client_id", creds.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return platforms.Token{}, &platforms.Error{Message: "could not build the request to X", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if creds.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(creds.ClientID), url.QueryEscape(creds.ClientSecret))
	}
	var tj tokenJSON
	secrets = append(secrets, creds.ClientSecret)
	if _, err := p.do(req, "", &tj, secrets...); err != nil {
		var pe *platforms.Error
		// invalid_grant and friends: the code or refresh token is spent,
		// expired or revoked; only a new login helps.
		if errors.As(err, &pe) && (pe.Status == http.StatusBadRequest || pe.Status == http.StatusUnauthorized) {
			pe.Kind = platforms.KindReconnect
		}
		return platforms.Token{}, err
	}
	if tj.AccessToken == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindRetry, Status: 200, Message: "X answered the login without an access token"}
	}
	t := platforms.Token{Access: tj.AccessToken, Refresh: tj.RefreshToken, Scopes: strings.Fields(tj.Scope)}
	if tj.ExpiresIn > 0 {
		t.Expiry = time.Now().Add(time.Duration(tj.ExpiresIn) * time.Second)
	}
	return t, nil
}

type userJSON struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Username        string `json:"username"`
	ProfileImageURL string `json:"profile_image_url"`
}

// Identities returns the signed-in user (GET /2/users/me) as one profile.
// Extra["username"] holds the handle without "@", used for post links.
func (p *Provider) Identities(ctx context.Context, t platforms.Token) ([]platforms.Identity, error) {
	var out struct {
		Data userJSON `json:"data"`
	}
	q := url.Values{"user.fields": {"profile_image_url,username,name"}}
	if err := p.call(ctx, http.MethodGet, p.cfg.APIURL+"/2/users/me?"+q.Encode(), t.Access, nil, &out); err != nil {
		return nil, err
	}
	u := out.Data
	if u.ID == "" || u.Username == "" {
		return nil, &platforms.Error{Kind: platforms.KindRetry, Status: 200, Message: "X answered without the account's id and username"}
	}
	name := u.Name
	if name == "" {
		name = u.Username
	}
	return []platforms.Identity{{
		RemoteID:  u.ID,
		Kind:      "profile",
		Name:      name,
		Handle:    "@" + u.Username,
		AvatarURL: u.ProfileImageURL,
		URL:       p.cfg.WebURL + "/" + u.Username,
		Extra:     map[string]string{"username": u.Username},
	}}, nil
}
