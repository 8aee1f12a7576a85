// Package data keeps everything Localpost knows in one SQLite file, and the
// tokens in the operating system's keyring. It imports neither Fyne nor the
// network clients: it speaks in the domain types below.
package data

import (
	"errors"
	"time"
)

// ErrNotFound is returned when a row asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// AccountState is whether an account can publish.
type AccountState string

// The states of an account.
const (
	AccountConnected      AccountState = "connected"
	AccountNeedsReconnect AccountState = "needs_reconnect"
	AccountDisconnected   AccountState = "disconnected"
)

// Account is one connected profile on one network. It never holds a token:
// the token lives in the keyring under SecretKey().
type Account struct {
	ID          int64
	Network     string // platforms.Network value, e.g. "mastodon"
	RemoteID    string
	Handle      string // @alice@example.social
	DisplayName string
	AvatarPath  string // file name inside the data folder's avatars/, "" if none
	Server      string // base URL for networks with many servers (Mastodon)
	Kind        string // profile, page, group, business, channel, board
	URL         string // the profile's web address
	State       AccountState
	TokenExpiry time.Time // zero when the token does not expire
	CreatedAt   time.Time
	Extra       string // JSON the network needs to publish as this account (no secrets)
}

// SecretKey is the keyring entry that holds this account's token.
func (a Account) SecretKey() string { return AccountSecretKey(a.Network, a.Server, a.RemoteID) }

// AccountSecretKey is SecretKey for an account not yet stored.
func AccountSecretKey(network, server, remoteID string) string {
	return "account:" + network + ":" + server + ":" + remoteID
}

// PostState is the state of a post, derived from its targets.
type PostState string

// TargetState is where one post stands on one account.
type TargetState = PostState

// The states a target (and, derived, a post) moves through.
//
//	draft → scheduled → publishing → published | failed | uncertain
//	scheduled → missed (due while the app was closed, too late to post unasked)
const (
	StateDraft      PostState = "draft"
	StateScheduled  PostState = "scheduled"
	StatePublishing PostState = "publishing"
	StatePublished  PostState = "published"
	StateFailed     PostState = "failed"
	StateUncertain  PostState = "uncertain"
	StateMissed     PostState = "missed"
)

// Post is one piece of content planned for one instant on one or more
// accounts (its targets).
type Post struct {
	ID        int64
	Text      string
	Title     string    // internal note, never published
	PlannedAt time.Time // UTC instant; zero for an undated draft
	Zone      string    // IANA zone the user planned it in, e.g. "Europe/Berlin"
	State     PostState // derived from the targets on every write
	Targets   []Target
	Media     []Media  // in order
	Labels    []string // label names in order; written with the post (see CleanLabels)
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Target is a post on one account.
type Target struct {
	ID             int64
	PostID         int64
	AccountID      int64
	TextOverride   string // "" = use the post's text
	State          TargetState
	RemoteID       string
	RemoteURL      string
	Attempts       int
	LastError      string // human message of the last failure
	IdempotencyKey string // written before the first network call
	NextAttemptAt  time.Time
	PublishedAt    time.Time
	Options        string    // JSON of the network's options (title, board, ...)
	Pending        []byte    // state of a multi-step publish, for resuming after a restart
	ClaimedAt      time.Time // when ClaimTarget last moved it to publishing; zero if never
}

// Media is a file copied into the data folder under its sha256 name.
type Media struct {
	ID     int64
	SHA256 string
	File   string // name inside the data folder's media/, e.g. <sha256>.png
	Mime   string
	Size   int64
	Width  int
	Height int
	Alt    string // per post; filled when read through a post
}

// Attempt is one try to publish a target, kept forever.
type Attempt struct {
	ID         int64
	TargetID   int64
	StartedAt  time.Time
	EndedAt    time.Time
	Outcome    string // "published", "retry", "failed", "needs_reconnect", "uncertain"
	HTTPStatus int
	Message    string
}

// CalendarEntry is the light row the calendar shows for a post.
type CalendarEntry struct {
	PostID    int64
	PlannedAt time.Time
	Zone      string
	State     PostState
	Snippet   string // the title, else the start of the text, one line (see data.Snippet)
	Networks  string // comma separated networks of the targets
	SeriesID  int64  // the repeating series it belongs to; 0 for a post on its own
}

// DueTarget is a target the publisher may work on, with what it needs.
type DueTarget struct {
	Target  Target
	Post    Post // with Media
	Account Account
}
