package platforms

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// The networks beyond Mastodon. Values are stored in the database.
const (
	X         Network = "x"
	Facebook  Network = "facebook"  // Pages
	FBGroup   Network = "fbgroup"   // Groups: publish by reminder only
	Instagram Network = "instagram" // Business / Creator accounts
	LinkedIn  Network = "linkedin"
	Pinterest Network = "pinterest"
	TikTok    Network = "tiktok"
	YouTube   Network = "youtube"
)

// RedirectMode is how a network accepts the OAuth redirect.
type RedirectMode int

// Redirect modes.
const (
	// RedirectLoopbackAnyPort: http://127.0.0.1:<random>/callback is
	// accepted (RFC 8252), register it once without a port.
	RedirectLoopbackAnyPort RedirectMode = iota
	// RedirectLoopbackFixedPort: the network matches the address exactly,
	// so the user registers http://127.0.0.1:<port>/callback and Localpost
	// listens on that port (configurable).
	RedirectLoopbackFixedPort
	// RedirectPaste: no loopback support (Meta); the user is sent to an
	// https page and pastes the address they landed on into Localpost.
	RedirectPaste
)

// Info is what the app tells the user about a network before connecting.
type Info struct {
	Network      Network
	Name         string // "X", "Facebook Pages", ...
	NeedsSecret  bool   // the developer app's client secret is needed
	Redirect     RedirectMode
	DefaultPort  int    // for RedirectLoopbackFixedPort
	PasteURL     string // for RedirectPaste: the redirect URI to register
	Guide        string // where to create the app, which scopes/products to request
	Gates        string // what the network's review gates mean for the user
	ConsoleURL   string // the developer console
	CanSchedule  bool   // the network can hold a scheduled post itself
	MinLead      time.Duration
	ReminderOnly bool // no API: the app reminds the user at the due time
}

// AppCredentials are the user's own developer app for a network (kept in
// the keyring by the app).
type AppCredentials struct {
	ClientID     string
	ClientSecret string
}

// AuthRequest is what the app needs to send the user to the network's
// authorize page. The app adds state and the PKCE challenge itself when
// PKCE is true.
type AuthRequest struct {
	AuthURL   string            // authorize endpoint
	Params    map[string]string // extra query parameters (e.g. access_type=offline)
	ClientKey string            // name of the client id parameter if not "client_id" (TikTok: client_key)
	Scopes    []string
	ScopeSep  string // " " unless the network wants "," (TikTok, Meta)
	PKCE      bool
}

// Token is what a login yields. Access and Refresh are secrets: the app
// keeps them only in the keyring.
type Token struct {
	Access        string
	Refresh       string
	Expiry        time.Time // zero = does not expire
	RefreshExpiry time.Time // zero = unknown or none
	Scopes        []string
}

// Identity is something a login can publish as: the profile itself, a
// Facebook Page, the Instagram account linked to a Page, a LinkedIn
// organization, a YouTube channel, a Pinterest board owner.
type Identity struct {
	RemoteID    string
	Kind        string // profile, page, business, organization, channel, group
	Name        string // display name
	Handle      string
	AvatarURL   string
	URL         string
	Token       string            // a token of its own (Facebook Page token); secret, keyring only
	Extra       map[string]string // what the network needs later (author URN, linked page id, ...)
	Boards      []Board           // Pinterest
	NeedsPublic bool              // Instagram: images must be at a public URL
}

// Board is a Pinterest board.
type Board struct {
	ID, Name string
}

// Provider is one network as the app uses it. Every base URL a provider
// calls is injectable (see each package's Config) so tests and --demo run
// against platforms/fakes.
type Provider interface {
	Info() Info
	Limits() Limits
	// Authorize describes the authorize request for the user's app and the
	// redirect URI chosen by the app.
	Authorize(creds AppCredentials, redirectURI string) AuthRequest
	// Exchange trades the code (with the PKCE verifier, "" when the network
	// has no PKCE) for a token.
	Exchange(ctx context.Context, creds AppCredentials, redirectURI, code, verifier string) (Token, error)
	// Refresh renews a token; ErrNoRefresh when the network has none.
	Refresh(ctx context.Context, creds AppCredentials, t Token) (Token, error)
	// Identities lists what the login can publish as.
	Identities(ctx context.Context, t Token) ([]Identity, error)
	// Publish publishes p as id. Multi-step networks call save with their
	// pending state after every step and receive it back in state after a
	// restart, so they continue instead of starting over; single-step
	// networks ignore both.
	Publish(ctx context.Context, id Identity, t Token, p Post, state []byte, save func([]byte) error) (Result, error)
}

// ErrMaybePublished is wrapped by a Publish error when an earlier attempt
// may have created the post and the network offers no way to check: the
// app asks the user instead of posting again.
var ErrMaybePublished = errors.New("the post may already be on the network")

// ErrNoRefresh is returned by Refresh when a network has no refresh.
var ErrNoRefresh = errors.New("this network has no token refresh: reconnect the account before the token expires")

// Options are the per-network parts of a post (all optional).
type Options struct {
	Title        string    // YouTube, Pinterest
	Link         string    // Facebook, Pinterest, LinkedIn
	BoardID      string    // Pinterest
	Privacy      string    // YouTube: public, unlisted, private; TikTok privacy level
	Tags         []string  // YouTube
	FirstComment string    // X reply, Instagram, LinkedIn, Facebook
	Thread       []string  // X: further posts of a thread, after Text
	PublishAt    time.Time // native scheduling (Facebook, YouTube, Mastodon); zero = now
	Thumbnail    string    // YouTube thumbnail / Pinterest video cover, a file path
	Kind         string    // Instagram: "", "REELS", "STORIES"; TikTok: "video", "photo"
}

// HTTPDoer is the part of *http.Client providers use.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// ErrAlreadyPublished is wrapped by CancelScheduled and Reschedule when the
// network has already published the post it held: it can no longer be
// taken back or moved there.
var ErrAlreadyPublished = errors.New("the network has already published it")

// Unscheduler is a Provider whose network can take back a post it holds
// for its own scheduler (see Info.CanSchedule).
type Unscheduler interface {
	// CancelScheduled removes the post remoteID that the network holds for
	// later, so it never goes out. A post the network no longer has counts
	// as cancelled; one it has published returns an error wrapping
	// ErrAlreadyPublished.
	CancelScheduled(ctx context.Context, id Identity, t Token, remoteID string) error
}

// Rescheduler is a Provider whose network can move a post it holds to
// another time.
type Rescheduler interface {
	// Reschedule moves the post remoteID to at. A post the network has
	// published returns an error wrapping ErrAlreadyPublished.
	Reschedule(ctx context.Context, id Identity, t Token, remoteID string, at time.Time) error
}

// Revoker is a Provider whose network lets an app end a login itself, so
// that disconnecting in Localpost also withdraws its access there: X,
// YouTube (Google), TikTok, Facebook Pages and Instagram (Meta). LinkedIn
// documents no revocation for apps and Pinterest revokes only system users'
// tokens: there the user removes Localpost in the network's own settings.
type Revoker interface {
	// Revoke withdraws the login t at the network (the access token and,
	// where the network keeps it apart, the refresh token). A token the
	// network already no longer knows counts as revoked on networks that
	// say so; any other failure is an error and the login may still work.
	Revoke(ctx context.Context, creds AppCredentials, t Token) error
}

// ErrCannotCheck is wrapped by FindRecent when the network cannot tell
// whether this post is there: it has no text to match, the login may not
// list the account's posts, or more posts were made since than can be read.
var ErrCannotCheck = errors.New("the network cannot tell whether this post is there")

// Finder is a Provider (or the Mastodon client) that can look for a post
// Localpost may have created before it stopped without recording the
// answer. Mastodon, X, Facebook Pages, LinkedIn (organizations; members'
// posts are listed only to approved partners) and Pinterest implement it.
// Not the others: Facebook Groups have no API; Instagram, TikTok and
// YouTube create a container, publish id or upload session first and save
// it as progress, so a restart continues from that instead (Instagram
// could list GET /{ig-user-id}/media; YouTube's search costs quota).
type Finder interface {
	// FindRecent looks among id's posts created since since for p, by its
	// text as the network shows it (see SameText). Found: its id and
	// address. Not found with a nil error is a sure answer: the network
	// listed every post of id since then and none is p, so publishing p
	// again makes no duplicate. An error wrapping ErrCannotCheck means the
	// network cannot tell for this post; any other error is passing
	// (offline, rate limited) and the look can be tried again.
	FindRecent(ctx context.Context, id Identity, t Token, p Post, since time.Time) (res Result, found bool, err error)
}
