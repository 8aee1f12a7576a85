// Package linkedin publishes to LinkedIn member profiles and organization
// (company) pages through LinkedIn's versioned REST API: the Posts API with
// images, a video or a document uploaded first (initializeUpload → PUT →
// finalizeUpload), and a first comment through socialActions.
//
// Connecting uses LinkedIn's native PKCE flow (a loopback redirect on any
// port, no client secret), which LinkedIn enables per app on request.
//
// Every failed call returns a *platforms.Error whose Message is safe to
// show; no error or message ever holds a token.
package linkedin

import (
	"net/http"
	"strings"
	"time"

	"localpost/platforms"
)

// Real endpoints (learn.microsoft.com/linkedin/shared/authentication/
// authorization-code-flow-native and marketing/community-management/shares/
// posts-api, read 2026-11-29).
const (
	DefaultAPIURL          = "https://api.linkedin.com"
	DefaultAuthURL         = "https://www.linkedin.com/oauth/native-pkce/authorization"
	DefaultStandardAuthURL = "https://www.linkedin.com/oauth/v2/authorization"
	DefaultTokenURL        = "https://www.linkedin.com/oauth/v2/accessToken"
	DefaultWebURL          = "https://www.linkedin.com"
	// DefaultVersion is the LinkedIn-Version header (YYYYMM). LinkedIn
	// retires a version about a year after it ships and then answers 426.
	DefaultVersion = "202605"
)

// Scopes asked for when connecting: the member's own posts (Share on
// LinkedIn) and, for pages, the Community Management API scopes.
var Scopes = []string{"openid", "profile", "w_member_social", "w_organization_social", "r_organization_social", "rw_organization_admin"}

// Config holds every address the provider calls, so tests and --demo can
// point it at platforms/fakes. Zero fields take the real values.
type Config struct {
	HTTP            *http.Client
	APIURL          string // REST and /v2 API base
	AuthURL         string // native PKCE authorize page
	StandardAuthURL string // the standard authorize page, used when the user gave a client secret
	TokenURL        string
	WebURL          string // where post links point
	// UploadURL is the base of the upload addresses initializeUpload hands
	// out (they live on www.linkedin.com). The access token is sent with
	// upload bytes only to this host or the API host, never elsewhere.
	UploadURL string
	Version   string // LinkedIn-Version header

	// PollInterval and PollTimeout bound the wait for a video or document
	// to finish processing before the post is created.
	PollInterval time.Duration
	PollTimeout  time.Duration
}

// Provider is LinkedIn as the app uses it.
type Provider struct {
	cfg Config
}

var _ platforms.Provider = (*Provider)(nil)

// New returns a provider; zero Config fields take the real values.
func New(cfg Config) *Provider {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
		*s = strings.TrimSuffix(*s, "/")
	}
	def(&cfg.APIURL, DefaultAPIURL)
	def(&cfg.AuthURL, DefaultAuthURL)
	def(&cfg.StandardAuthURL, DefaultStandardAuthURL)
	def(&cfg.TokenURL, DefaultTokenURL)
	def(&cfg.WebURL, DefaultWebURL)
	def(&cfg.UploadURL, DefaultWebURL)
	def(&cfg.Version, DefaultVersion)
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 3 * time.Second
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 5 * time.Minute
	}
	return &Provider{cfg: cfg}
}

// Limits per the Posts, MultiImage, Images, Videos and Documents API pages
// (see platforms/fakes/testdata/linkedin/README.md for the pages and dates).
const (
	MaxChars      = 3000      // commentary
	MaxImages     = 20        // multiImage: 2..20
	MaxVideoBytes = 500 << 20 // Videos API: 75 KB .. 500 MB
	MinVideoBytes = 75 << 10
	MaxDocBytes   = 100 << 20 // Documents API: 100 MB, 300 pages
	MaxAltChars   = 4086      // altText of an image in a post
	maxJSON       = 4 << 20   // cap on a JSON answer read
)

// Media types LinkedIn accepts.
var (
	ImageTypes    = []string{"image/jpeg", "image/png", "image/gif"}
	VideoTypes    = []string{"video/mp4"}
	DocumentTypes = []string{
		"application/pdf",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation", // pptx
		"application/vnd.ms-powerpoint",                                             // ppt
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",   // docx
		"application/msword", // doc
	}
)

// Info describes LinkedIn for the connect dialog.
func (p *Provider) Info() platforms.Info {
	return platforms.Info{
		Network:     platforms.LinkedIn,
		Name:        "LinkedIn",
		NeedsSecret: false,
		Redirect:    platforms.RedirectLoopbackAnyPort,
		ConsoleURL:  "https://www.linkedin.com/developers/apps",
		Guide: "Create an app at linkedin.com/developers/apps (it must be linked to a LinkedIn Page you administer). " +
			"Under Products add \"Share on LinkedIn\" (posting as yourself) and \"Sign In with LinkedIn using OpenID Connect\" (your name and photo); " +
			"for company pages also request the \"Community Management API\". " +
			"Then ask LinkedIn (your LinkedIn contact or the Developer Support Portal) to enable the native PKCE OAuth flow for the app: " +
			"with it Localpost signs in through http://127.0.0.1 on a random port and needs only the Client ID. " +
			"Without native PKCE, register the redirect URL http://127.0.0.1:<port>/callback exactly and enter the Client Secret too: " +
			"Localpost then uses LinkedIn's standard sign-in.",
		Gates: "Posting as yourself works as soon as \"Share on LinkedIn\" is added. Posting as a company page needs the Community Management API, " +
			"which LinkedIn reviews (a development tier first, then Standard), and you must be an ADMINISTRATOR of the page. " +
			"LinkedIn must enable native PKCE for your app before the loopback sign-in works. " +
			"Logins last 60 days; LinkedIn gives refresh tokens only to approved partners, so Localpost asks you to reconnect before the date shown.",
		CanSchedule: false,
	}
}

// Limits returns LinkedIn's limits as data. MaxImageBytes is 0: the
// shared Validate applies it to every attachment, and LinkedIn's limits
// differ by kind (see Validate).
func (p *Provider) Limits() platforms.Limits {
	types := append(append(append([]string{}, ImageTypes...), VideoTypes...), DocumentTypes...)
	return platforms.Limits{
		MaxChars:    MaxChars,
		MaxMedia:    MaxImages,
		MediaTypes:  types,
		AltText:     true,
		MaxAltChars: MaxAltChars,
	}
}
