package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// callbackPath is where the loopback listener receives the redirect.
const callbackPath = "/callback"

// loopback is a one-shot listener on 127.0.0.1 for one OAuth redirect.
type loopback struct {
	ln          net.Listener
	ln6         net.Listener // [::1] on the same port, for redirects to "localhost"
	srv         *http.Server
	redirectURI string
	results     chan callback
	once        sync.Once
}

type callback struct {
	code, state, errCode, errDesc string
}

// listenLoopback opens the listener on a random free port. The port must be
// known before a Mastodon app is registered, so this comes first.
func listenLoopback() (*loopback, error) { return listenLoopbackPort(0) }

// listenLoopbackPort opens the listener on a given port, for networks that
// match the registered redirect address exactly (0 = any free port).
func listenLoopbackPort(port int) (*loopback, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		if port != 0 {
			return nil, fmt.Errorf("port %d is in use by another program; choose another port in Settings → Networks and register the new address with the network: %w", port, err)
		}
		return nil, fmt.Errorf("could not open a local port for the login: %w", err)
	}
	lb := &loopback{
		ln:          ln,
		redirectURI: fmt.Sprintf("http://%s%s", ln.Addr().String(), callbackPath),
		results:     make(chan callback, 1),
	}
	// Any path: networks differ in the path they redirect to ("/callback",
	// "/"); only the browser's own favicon request is not an answer.
	mux := http.NewServeMux()
	mux.HandleFunc("/favicon.ico", http.NotFound)
	mux.HandleFunc("/", lb.handle)
	lb.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go lb.srv.Serve(ln) //nolint:errcheck // ends with Close
	// "localhost" may resolve to ::1 in the browser; best effort.
	if ln6, err := net.Listen("tcp", fmt.Sprintf("[::1]:%d", ln.Addr().(*net.TCPAddr).Port)); err == nil {
		lb.ln6 = ln6
		go lb.srv.Serve(ln6) //nolint:errcheck // ends with Close
	}
	return lb, nil
}

func (lb *loopback) handle(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cb := callback{code: q.Get("code"), state: q.Get("state"), errCode: q.Get("error"), errDesc: q.Get("error_description")}
	delivered := false
	select {
	case lb.results <- cb:
		delivered = true
	default:
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	msg := "You can close this tab and go back to Localpost."
	title := "Localpost received your answer"
	if !delivered {
		title = "Localpost is no longer waiting"
		msg = "This login was already answered or cancelled. Start again from Localpost if needed."
	} else if cb.errCode != "" {
		title = "Login not completed"
	}
	fmt.Fprintf(w, `<!doctype html><meta charset="utf-8"><title>%s</title>
<body style="font-family:sans-serif;max-width:32em;margin:4em auto"><h1>%s</h1><p>%s</p></body>`,
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(msg))
}

// pasteInbox is a loopback without a listener, for networks that redirect
// to a web page: the user pastes the address and PasteRedirect delivers it.
func pasteInbox(redirectURI string) *loopback {
	return &loopback{redirectURI: redirectURI, results: make(chan callback, 1)}
}

// deliver hands a redirect address to the waiting login.
func (lb *loopback) deliver(q url.Values) bool {
	select {
	case lb.results <- callback{code: q.Get("code"), state: q.Get("state"), errCode: q.Get("error"), errDesc: q.Get("error_description")}:
		return true
	default:
		return false
	}
}

// close stops the listener; safe to call more than once.
func (lb *loopback) close() {
	lb.once.Do(func() {
		if lb.srv == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = lb.srv.Shutdown(ctx)
		// Serve may not have started yet; the port must close now anyway.
		_ = lb.ln.Close()
		if lb.ln6 != nil {
			_ = lb.ln6.Close()
		}
	})
}

// Errors of the browser step, each with a message a user can act on.
var (
	ErrLoginTimeout  = errors.New("no answer from the browser within the time allowed; start the connection again")
	ErrStateMismatch = errors.New("the browser returned an answer to a different login attempt (state mismatch); nothing was saved — start the connection again")
	ErrNoCode        = errors.New("the server redirected back without an authorization code; nothing was saved — start the connection again")
)

// LoginDeniedError is the error redirect of the authorization server.
type LoginDeniedError struct{ Code, Description string }

func (e *LoginDeniedError) Error() string {
	if e.Code == "access_denied" {
		return "you declined access in the browser; nothing was saved"
	}
	d := e.Description
	if d == "" {
		d = e.Code
	}
	return "the server refused the login: " + d
}

// authorize runs the authorization-code flow with PKCE and a random state
// for an oauth2.Config (Mastodon, and the tests' OAuth server): see
// waitForCode; the code is exchanged through hc.
func authorize(ctx context.Context, cfg *oauth2.Config, hc *http.Client, open func(string) error, openFailed func(url string), lb *loopback, timeout time.Duration) (*oauth2.Token, error) {
	verifier := oauth2.GenerateVerifier()
	code, err := waitForCode(ctx, open, openFailed, lb, timeout, func(state string) string {
		return cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
	})
	if err != nil {
		return nil, err
	}
	xctx := context.WithValue(ctx, oauth2.HTTPClient, hc)
	tok, err := cfg.Exchange(xctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, exchangeError(err)
	}
	return tok, nil
}

// waitForCode opens the authorize page built by authURL for a fresh random
// state, waits on lb for the redirect (until timeout or ctx ends) and
// checks the state before anything else. lb is closed when it returns.
//
// If the browser cannot be opened, openFailed gets the address to show and
// the wait goes on: the user can paste it into a browser by hand.
func waitForCode(ctx context.Context, open func(string) error, openFailed func(url string), lb *loopback, timeout time.Duration, authURL func(state string) string) (string, error) {
	defer lb.close()
	state, err := randomString(24)
	if err != nil {
		return "", err
	}
	u := authURL(state)
	if err := open(u); err != nil && openFailed != nil {
		openFailed(u)
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var cb callback
	select {
	case <-ctx.Done():
		return "", ErrCancelled
	case <-timer.C:
		return "", ErrLoginTimeout
	case cb = <-lb.results:
	}
	lb.close()
	if cb.state != state {
		return "", ErrStateMismatch
	}
	if cb.errCode != "" {
		return "", &LoginDeniedError{Code: cb.errCode, Description: cb.errDesc}
	}
	if cb.code == "" {
		return "", ErrNoCode
	}
	return cb.code, nil
}

// exchangeError keeps the server's error code but drops the response body,
// which could echo what we sent.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		if code == "" && re.Response != nil {
			code = re.Response.Status
		}
		return fmt.Errorf("the server refused to finish the login (%s); start the connection again", code)
	}
	return fmt.Errorf("could not finish the login: %w", err)
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
