// Package mastodon is the client for any Mastodon-compatible server.
//
// THIS FILE IS A CONTRACT STUB: the platforms helper implements it, keeping
// every exported signature.
package mastodon

import (
	"context"
	"errors"
	"net/http"

	"golang.org/x/oauth2"

	"localpost/platforms"
)

var errTODO = errors.New("mastodon: not implemented yet")

// DefaultLimits apply when the server does not say (500 characters, 4 media).
var DefaultLimits = platforms.Limits{}

// Scopes asked for when connecting.
var Scopes = []string{"read:accounts", "read:statuses", "write:statuses", "write:media"}

// Client talks to one server.
type Client struct {
	BaseURL string // e.g. https://mastodon.social (no trailing slash)
	HTTP    *http.Client
}

// NormalizeServer turns what a user typed ("mastodon.social",
// "https://mastodon.social/", "@me@mastodon.social", "http://127.0.0.1:8080")
// into a base URL. Plain http is accepted only for loopback addresses.
func NormalizeServer(s string) (string, error) { return "", errTODO }

// New returns a client for the server the user typed.
func New(server string, hc *http.Client) (*Client, error) { return nil, errTODO }

// App is a registration of Localpost on one server.
type App struct {
	ClientID     string
	ClientSecret string
}

// RegisterApp registers Localpost on the server (POST /api/v1/apps).
func (c *Client) RegisterApp(ctx context.Context, redirectURI string) (App, error) { return App{}, errTODO }

// Endpoint is the server's OAuth endpoint.
func (c *Client) Endpoint() oauth2.Endpoint { return oauth2.Endpoint{} }

// Instance reads the server's limits (GET /api/v2/instance, falling back to
// v1, then to DefaultLimits). A server that answers but is not Mastodon
// returns an error that says so.
func (c *Client) Instance(ctx context.Context) (platforms.Limits, error) { return DefaultLimits, errTODO }

// VerifyCredentials returns the account the token belongs to.
func (c *Client) VerifyCredentials(ctx context.Context, token string) (platforms.Account, error) {
	return platforms.Account{}, errTODO
}

// Fetch GETs a URL on the server (the avatar) with a size cap.
func (c *Client) Fetch(ctx context.Context, url string, max int64) ([]byte, error) { return nil, errTODO }

// Publish uploads the media (POST /api/v2/media, waiting for async
// processing), then posts the status with an Idempotency-Key header.
func (c *Client) Publish(ctx context.Context, token string, p platforms.Post) (platforms.Result, error) {
	return platforms.Result{}, errTODO
}

// Revoke revokes a token (POST /oauth/revoke); used when disconnecting.
func (c *Client) Revoke(ctx context.Context, app App, token string) error { return errTODO }

var _ platforms.Publisher = (*Client)(nil)
