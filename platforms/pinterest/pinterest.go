// Package pinterest is the client for Pinterest's REST API v5: OAuth with
// the user's own app (HTTP Basic at the token endpoint, continuous refresh),
// the profile and its boards, and Pins with one image or one video (the
// video is registered with POST /media, sent to the upload URL Pinterest
// hands out, polled until processed and then pinned with its cover).
//
// Every failed call returns a *platforms.Error whose Message is safe to show;
// no error or message ever holds a token, the client secret or an upload
// policy.
package pinterest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// The real endpoints.
const (
	DefaultAPIURL  = "https://api.pinterest.com/v5"
	DefaultAuthURL = "https://www.pinterest.com/oauth/"
	DefaultWebURL  = "https://www.pinterest.com"
)

// DefaultPort is the loopback port of the redirect address Pinterest's own
// quickstart registers (http://localhost:8085/). Pinterest compares the
// redirect URI exactly, so the user registers it once and Localpost
// listens on that port.
const DefaultPort = 8085

// RedirectURI is the redirect address to register for a port: the
// quickstart's form, http://localhost:PORT/ (path "/").
func RedirectURI(port int) string {
	if port <= 0 {
		port = DefaultPort
	}
	return "http://localhost:" + strconv.Itoa(port) + "/"
}

// Scopes asked for: read the profile and boards, create Pins. Secret
// boards would need boards:read_secret and pins:write_secret.
var Scopes = []string{"boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read"}

// Text limits from the API description (PinCreate, pinterest-v5 5.23.0).
const (
	MaxTitle       = 100
	MaxDescription = 800
	MaxLink        = 2048
	MaxAlt         = 500
	MaxImageBytes  = 20 << 20 // Pinterest's image Pin spec: up to 20 MB
	MaxVideoBytes  = 2 << 30  // video Pins: up to 2 GB
)

// ImageTypes are what image_base64 accepts (the spec's ContentType enum).
var ImageTypes = []string{"image/jpeg", "image/png"}

// VideoTypes are the video containers Pinterest takes (.mp4, .mov, .m4v).
var VideoTypes = []string{"video/mp4", "video/quicktime", "video/x-m4v"}

// Config holds every base URL (defaults: the real ones) and the HTTP client.
type Config struct {
	HTTP    *http.Client // nil = http.DefaultClient; the app passes its one client
	APIURL  string       // https://api.pinterest.com/v5 (no trailing slash)
	AuthURL string       // https://www.pinterest.com/oauth/
	WebURL  string       // https://www.pinterest.com: Pin and profile pages
	// The video upload address is not configured: POST /media hands it out
	// (the fake hands out one of its own).

	PollInterval time.Duration // between GET /media/{id} (default 2 s)
	PollTimeout  time.Duration // give up waiting for processing (default 10 min)
	// CoverFrameTime is the second of the video used as its cover when no
	// Options.Thumbnail is given (default 1).
	CoverFrameTime int
}

// Provider is Pinterest as the app uses it.
type Provider struct {
	cfg Config
}

var _ platforms.Provider = (*Provider)(nil)

// New returns a provider; zero fields of cfg get the real defaults.
func New(cfg Config) *Provider {
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.AuthURL == "" {
		cfg.AuthURL = DefaultAuthURL
	}
	if cfg.WebURL == "" {
		cfg.WebURL = DefaultWebURL
	}
	cfg.APIURL = strings.TrimSuffix(cfg.APIURL, "/")
	cfg.WebURL = strings.TrimSuffix(cfg.WebURL, "/")
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 10 * time.Minute
	}
	if cfg.CoverFrameTime <= 0 {
		cfg.CoverFrameTime = 1
	}
	return &Provider{cfg: cfg}
}

// Info tells the user what connecting Pinterest takes.
func (p *Provider) Info() platforms.Info {
	return platforms.Info{
		Network:     platforms.Pinterest,
		Name:        "Pinterest",
		NeedsSecret: true,
		Redirect:    platforms.RedirectLoopbackFixedPort,
		DefaultPort: DefaultPort,
		Guide: "Create an app at developers.pinterest.com/apps (it needs a Pinterest business account). " +
			"Under Redirect URIs add exactly " + RedirectURI(DefaultPort) + " (or the port you set here). " +
			"Localpost asks for the scopes " + strings.Join(Scopes, ", ") + ". " +
			"Copy the App ID and the App secret key into Localpost.",
		Gates: "New apps get Trial access: 1,000 API requests a day, and the Pins you create are visible only to you " +
			"until Pinterest grants Standard access (apply in the app's settings with a demo video).",
		ConsoleURL:  "https://developers.pinterest.com/apps/",
		CanSchedule: false,
	}
}

// Limits are Pinterest's as data: the description is the text; exactly one
// image or video. Sizes differ for images and videos, so MaxImageBytes is
// left 0 here and Validate checks them per kind.
func (p *Provider) Limits() platforms.Limits {
	return platforms.Limits{
		MaxChars:      MaxDescription,
		MaxMedia:      1,
		MediaTypes:    append(append([]string(nil), ImageTypes...), VideoTypes...),
		MediaRequired: true,
		AltText:       true,
		MaxAltChars:   MaxAlt,
	}
}

// Validate checks a post the way Pinterest would, plus what Limits cannot
// say: a board is needed, title and link lengths, per-kind sizes, the cover.
func (p *Provider) Validate(post platforms.Post) []platforms.Problem {
	probs := p.Limits().Validate(post)
	o := post.Options
	if strings.TrimSpace(o.BoardID) == "" {
		probs = append(probs, platforms.Problem{Field: "board", Message: "Choose the board to pin to."})
	} else if !allDigits(o.BoardID) {
		probs = append(probs, platforms.Problem{Field: "board", Message: "The board id should be a number; choose the board again."})
	}
	if n := runeLen(o.Title); n > MaxTitle {
		probs = append(probs, platforms.Problem{Field: "title", Message: "The title is " + strconv.Itoa(n) + " characters; Pinterest takes at most " + strconv.Itoa(MaxTitle) + "."})
	}
	if o.Link != "" {
		if n := len(o.Link); n > MaxLink {
			probs = append(probs, platforms.Problem{Field: "link", Message: "The link is " + strconv.Itoa(n) + " characters; Pinterest takes at most " + strconv.Itoa(MaxLink) + "."})
		} else if u, err := url.Parse(o.Link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			probs = append(probs, platforms.Problem{Field: "link", Message: "The link should be a web address starting with https://."})
		}
	}
	for i, m := range post.Media {
		field := "media[" + strconv.Itoa(i) + "]"
		switch {
		case isVideo(m.Mime) && m.Size > MaxVideoBytes:
			probs = append(probs, platforms.Problem{Field: field, Message: "The video is larger than Pinterest's 2 GB."})
		case !isVideo(m.Mime) && m.Size > MaxImageBytes:
			probs = append(probs, platforms.Problem{Field: field, Message: "The image is larger than Pinterest's 20 MB."})
		}
	}
	if o.Thumbnail != "" {
		if ct := coverType(o.Thumbnail); ct == "" {
			probs = append(probs, platforms.Problem{Field: "thumbnail", Message: "The video cover must be a JPEG or PNG file."})
		}
	}
	return probs
}

func isVideo(mt string) bool { return strings.HasPrefix(mt, "video/") }

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func runeLen(s string) int { return len([]rune(s)) }

// Authorize describes Pinterest's authorize request: comma-separated
// scopes, no PKCE (the API description's authorizationCode flow has none;
// the client secret protects the exchange instead).
func (p *Provider) Authorize(creds platforms.AppCredentials, redirectURI string) platforms.AuthRequest {
	return platforms.AuthRequest{
		AuthURL:  p.cfg.AuthURL,
		Params:   map[string]string{"response_type": "code"},
		Scopes:   append([]string(nil), Scopes...),
		ScopeSep: ",",
		PKCE:     false,
	}
}

// Exchange trades the code for tokens (POST /oauth/token, HTTP Basic with
// the app id and secret). continuous_refresh=true asks apps created before
// 2025-09-25 for the continuous refresh token; newer apps get it anyway.
func (p *Provider) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string) (platforms.Token, error) {
	form := url.Values{
		"grant_type":         {"authorization_code"},
		"code":               {code},
		"redirect_uri":       {redirectURI},
		"continuous_refresh": {"true"},
	}
	return p.token(ctx, creds, form, platforms.Token{})
}

// Refresh renews the access token. Pinterest's continuous refresh hands
// out a new refresh token each time; when it does not, the old one stays.
// A refused refresh token means the user has to connect again.
func (p *Provider) Refresh(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) (platforms.Token, error) {
	if t.Refresh == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindReconnect, Message: "No refresh token was saved for this Pinterest account; connect it again"}
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {t.Refresh}}
	nt, err := p.token(ctx, creds, form, t)
	var pe *platforms.Error
	if errors.As(err, &pe) && (pe.Status == 400 || pe.Status == 401) {
		pe.Kind = platforms.KindReconnect
	}
	return nt, err
}

type tokenJSON struct {
	AccessToken           string `json:"access_token"`
	RefreshToken          string `json:"refresh_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	RefreshTokenExpiresAt int64  `json:"refresh_token_expires_at"`
	Scope                 string `json:"scope"`
	TokenType             string `json:"token_type"`
}

func (p *Provider) token(ctx context.Context, creds platforms.AppCredentials, form url.Values, old platforms.Token) (platforms.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.APIURL+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return platforms.Token{}, &platforms.Error{Message: "could not build the request to Pinterest", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(creds.ClientID, creds.ClientSecret)
	var tj tokenJSON
	secrets := []string{creds.ClientSecret, form.Get("code"), form.Get("refresh_token")}
	if _, err := p.do(req, "", secrets, &tj); err != nil {
		return platforms.Token{}, err
	}
	if tj.AccessToken == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindRetry, Message: "Pinterest answered without an access token"}
	}
	now := time.Now()
	t := platforms.Token{Access: tj.AccessToken, Refresh: tj.RefreshToken, RefreshExpiry: old.RefreshExpiry}
	if t.Refresh == "" {
		t.Refresh = old.Refresh
	}
	if tj.ExpiresIn > 0 {
		t.Expiry = now.Add(time.Duration(tj.ExpiresIn) * time.Second)
	}
	switch {
	case tj.RefreshTokenExpiresAt > 1e9:
		t.RefreshExpiry = time.Unix(tj.RefreshTokenExpiresAt, 0)
	case tj.RefreshTokenExpiresIn > 0:
		t.RefreshExpiry = now.Add(time.Duration(tj.RefreshTokenExpiresIn) * time.Second)
	}
	// Pinterest answers "boards:read,pins:read" or with spaces, depending on
	// the grant; accept both.
	t.Scopes = strings.FieldsFunc(tj.Scope, func(r rune) bool { return r == ',' || r == ' ' })
	return t, nil
}

// Identities returns the profile the token belongs to, with its boards.
func (p *Provider) Identities(ctx context.Context, t platforms.Token) ([]platforms.Identity, error) {
	var acct struct {
		ID           string `json:"id"`
		Username     string `json:"username"`
		ProfileImage string `json:"profile_image"`
		AccountType  string `json:"account_type"`
		BusinessName string `json:"business_name"`
	}
	if err := p.get(ctx, "/user_account", nil, t.Access, &acct); err != nil {
		return nil, err
	}
	if acct.Username == "" && acct.ID == "" {
		return nil, &platforms.Error{Kind: platforms.KindRetry, Message: "Pinterest answered without an account"}
	}
	boards, err := p.Boards(ctx, t.Access)
	if err != nil {
		return nil, err
	}
	name := acct.BusinessName
	if name == "" {
		name = acct.Username
	}
	id := acct.ID
	if id == "" {
		id = acct.Username
	}
	return []platforms.Identity{{
		RemoteID:  id,
		Kind:      "profile",
		Name:      name,
		Handle:    acct.Username,
		AvatarURL: acct.ProfileImage,
		URL:       p.cfg.WebURL + "/" + url.PathEscape(acct.Username) + "/",
		Extra:     map[string]string{"username": acct.Username, "account_type": acct.AccountType},
		Boards:    boards,
	}}, nil
}

// Boards lists every board the token can pin to (GET /boards, following
// the bookmark). Call it again to keep the app's list in sync.
func (p *Provider) Boards(ctx context.Context, access string) ([]platforms.Board, error) {
	var out []platforms.Board
	bookmark := ""
	for range 100 { // 100 pages of 250: far more boards than anyone has
		q := url.Values{"page_size": {"250"}}
		if bookmark != "" {
			q.Set("bookmark", bookmark)
		}
		var page struct {
			Items []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"items"`
			Bookmark *string `json:"bookmark"`
		}
		if err := p.get(ctx, "/boards", q, access, &page); err != nil {
			return nil, err
		}
		for _, b := range page.Items {
			out = append(out, platforms.Board{ID: b.ID, Name: b.Name})
		}
		if page.Bookmark == nil || *page.Bookmark == "" || *page.Bookmark == bookmark {
			return out, nil
		}
		bookmark = *page.Bookmark
	}
	return out, nil
}

// RedirectURI is the package's RedirectURI, for the app to ask a provider.
func (p *Provider) RedirectURI(port int) string { return RedirectURI(port) }
