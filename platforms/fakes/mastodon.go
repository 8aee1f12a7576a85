package fakes

// THIS FILE IS A CONTRACT STUB: the platforms helper implements it, keeping
// every exported signature.

import (
	"net/http"
	"time"
)

// Mastodon is an in-process Mastodon server on 127.0.0.1.
type Mastodon struct {
	URL string // http://127.0.0.1:PORT

	// AutoApprove makes GET /oauth/authorize redirect at once, as if the
	// user had pressed Authorize. Otherwise it shows a page with a button.
	AutoApprove bool
}

// Status is a status the fake received.
type Status struct {
	ID             string
	Text           string
	MediaIDs       []string
	IdempotencyKey string
	Token          string // which token posted it (for tests; never logged)
	URL            string
	CreatedAt      time.Time
}

// Request is one request the fake served, for contract checks.
type Request struct {
	Method, Path string
	Header       http.Header // Authorization removed
	Body         []byte      // form or JSON body (multipart bodies: only the field names)
	Status       int
	Response     []byte
}

// NewMastodon starts the fake on 127.0.0.1 on a free port.
func NewMastodon() *Mastodon { return &Mastodon{} }

// StartMastodon starts the fake on a given address ("127.0.0.1:0" = free).
func StartMastodon(addr string) (*Mastodon, error) { return &Mastodon{}, nil }

// Close stops the fake.
func (f *Mastodon) Close() {}

// SetLimits sets what /api/v2/instance reports.
func (f *Mastodon) SetLimits(maxChars, maxMedia int) {}

// Statuses returns what was posted, in order.
func (f *Mastodon) Statuses() []Status { return nil }

// Requests returns every request served, in order.
func (f *Mastodon) Requests() []Request { return nil }

// RevokeAll makes every issued token invalid (401), as when the user
// revokes the app on the server.
func (f *Mastodon) RevokeAll() {}

// FailNext makes the next n POST /api/v1/statuses answer status (with
// Retry-After if retryAfter > 0) without posting.
func (f *Mastodon) FailNext(n, status int, retryAfter time.Duration) {}

// DropNext makes the next n POST /api/v1/statuses post the status and then
// cut the connection before answering, as a network failure would.
func (f *Mastodon) DropNext(n int) {}
