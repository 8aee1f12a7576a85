package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"
	"golang.org/x/oauth2"
)

// oauthServer is a real OAuth 2 authorization server (fosite) in the test
// process: PKCE enforced, one public client with a loopback redirect.
type oauthServer struct {
	srv *httptest.Server
}

func startOAuthServer(t *testing.T) *oauthServer {
	t.Helper()
	store := storage.NewMemoryStore()
	store.Clients["localpost"] = &fosite.DefaultClient{
		ID:            "localpost",
		Public:        true,
		RedirectURIs:  []string{"http://127.0.0.1" + callbackPath},
		ResponseTypes: []string{"code"},
		GrantTypes:    []string{"authorization_code", "refresh_token"},
		Scopes:        []string{"read", "offline"},
	}
	cfg := &fosite.Config{
		GlobalSecret:                   []byte("a-test-secret-that-is-32-bytes!!"),
		EnforcePKCE:                    true,
		EnablePKCEPlainChallengeMethod: false,
		AccessTokenLifespan:            time.Hour,
	}
	provider := compose.Compose(cfg, store,
		&compose.CommonStrategy{CoreStrategy: compose.NewOAuth2HMACStrategy(cfg)},
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OAuth2PKCEFactory,
	)
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ar, err := provider.NewAuthorizeRequest(ctx, r)
		if err != nil {
			provider.WriteAuthorizeError(ctx, w, ar, err)
			return
		}
		// The user approves every scope asked for.
		for _, s := range ar.GetRequestedScopes() {
			ar.GrantScope(s)
		}
		resp, err := provider.NewAuthorizeResponse(ctx, ar, &fosite.DefaultSession{Subject: "alice"})
		if err != nil {
			provider.WriteAuthorizeError(ctx, w, ar, err)
			return
		}
		provider.WriteAuthorizeResponse(ctx, w, ar, resp)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		req, err := provider.NewAccessRequest(ctx, r, &fosite.DefaultSession{})
		if err != nil {
			provider.WriteAccessError(ctx, w, req, err)
			return
		}
		resp, err := provider.NewAccessResponse(ctx, req)
		if err != nil {
			provider.WriteAccessError(ctx, w, req, err)
			return
		}
		provider.WriteAccessResponse(ctx, w, req, resp)
	})
	s := &oauthServer{srv: httptest.NewServer(mux)}
	t.Cleanup(s.srv.Close)
	return s
}

func (s *oauthServer) config(redirect string, scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:    "localpost",
		Endpoint:    oauth2.Endpoint{AuthURL: s.srv.URL + "/authorize", TokenURL: s.srv.URL + "/token", AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: redirect,
		Scopes:      scopes,
	}
}

// fakeBrowser stands in for the system browser: it loads the authorize page
// and follows the server's redirect to wherever it points (the loopback
// listener), exactly as a browser would after the user approved.
func fakeBrowser(t *testing.T) func(string) error {
	return func(u string) error {
		go func() {
			nc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := nc.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			if loc == "" {
				t.Errorf("browser: authorize answered %s without a redirect", resp.Status)
				return
			}
			resp, err = nc.Get(loc)
			if err != nil {
				t.Errorf("browser: following redirect: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

// answering returns an opener that skips the server and hits the loopback
// listener with query built from the authorize URL's state.
func answering(t *testing.T, redirect string, query func(state string) url.Values) func(string) error {
	return func(u string) error {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		q := query(pu.Query().Get("state"))
		go func() {
			resp, err := http.Get(redirect + "?" + q.Encode())
			if err != nil {
				t.Errorf("answer: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

func mustListen(t *testing.T) *loopback {
	t.Helper()
	lb, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lb.close)
	return lb
}

func assertClosed(t *testing.T, lb *loopback) {
	t.Helper()
	addr := strings.TrimPrefix(strings.TrimSuffix(lb.redirectURI, callbackPath), "http://")
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("loopback listener %s still accepts connections", addr)
	}
}

func TestAuthorizeAgainstRealServer(t *testing.T) {
	s := startOAuthServer(t)
	lb := mustListen(t)
	tok, err := authorize(context.Background(), s.config(lb.redirectURI, "read"), http.DefaultClient, fakeBrowser(t), nil, lb, 10*time.Second)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if tok.AccessToken == "" || !tok.Valid() {
		t.Fatalf("no usable token: %+v", tok.Type())
	}
	assertClosed(t, lb)
}

func TestServerEnforcesPKCE(t *testing.T) {
	// Proves the test server is strict: without a code challenge the
	// server refuses, so the passing test above did send PKCE.
	s := startOAuthServer(t)
	lb := mustListen(t)
	cfg := s.config(lb.redirectURI, "read")
	nc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := nc.Get(cfg.AuthCodeURL("some-long-random-state-value"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=") {
		t.Fatalf("authorize without PKCE was not refused: %s %s", resp.Status, loc)
	}
}

func TestAuthorizeWrongState(t *testing.T) {
	s := startOAuthServer(t)
	lb := mustListen(t)
	open := answering(t, lb.redirectURI, func(string) url.Values {
		return url.Values{"code": {"abc"}, "state": {"not-the-state-we-sent"}}
	})
	_, err := authorize(context.Background(), s.config(lb.redirectURI, "read"), http.DefaultClient, open, nil, lb, 10*time.Second)
	if !errors.Is(err, ErrStateMismatch) {
		t.Fatalf("err = %v, want ErrStateMismatch", err)
	}
	assertClosed(t, lb)
}

func TestAuthorizeMissingCode(t *testing.T) {
	s := startOAuthServer(t)
	lb := mustListen(t)
	open := answering(t, lb.redirectURI, func(state string) url.Values { return url.Values{"state": {state}} })
	_, err := authorize(context.Background(), s.config(lb.redirectURI, "read"), http.DefaultClient, open, nil, lb, 10*time.Second)
	if !errors.Is(err, ErrNoCode) {
		t.Fatalf("err = %v, want ErrNoCode", err)
	}
}

func TestAuthorizeErrorRedirect(t *testing.T) {
	// The client may not ask for "admin": the real server answers with an
	// error redirect, which must reach the user as a refusal.
	s := startOAuthServer(t)
	lb := mustListen(t)
	_, err := authorize(context.Background(), s.config(lb.redirectURI, "read", "admin"), http.DefaultClient, fakeBrowser(t), nil, lb, 10*time.Second)
	var denied *LoginDeniedError
	if !errors.As(err, &denied) || denied.Code != "invalid_scope" {
		t.Fatalf("err = %v, want a LoginDeniedError with invalid_scope", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("error leaks internals: %v", err)
	}
}

func TestAuthorizeUserDeclines(t *testing.T) {
	s := startOAuthServer(t)
	lb := mustListen(t)
	open := answering(t, lb.redirectURI, func(state string) url.Values {
		return url.Values{"error": {"access_denied"}, "state": {state}}
	})
	_, err := authorize(context.Background(), s.config(lb.redirectURI, "read"), http.DefaultClient, open, nil, lb, 10*time.Second)
	var denied *LoginDeniedError
	if !errors.As(err, &denied) || !strings.Contains(err.Error(), "declined") {
		t.Fatalf("err = %v, want the user's refusal", err)
	}
}

func TestAuthorizeTimeout(t *testing.T) {
	s := startOAuthServer(t)
	lb := mustListen(t)
	never := func(string) error { return nil }
	_, err := authorize(context.Background(), s.config(lb.redirectURI, "read"), http.DefaultClient, never, nil, lb, 100*time.Millisecond)
	if !errors.Is(err, ErrLoginTimeout) {
		t.Fatalf("err = %v, want ErrLoginTimeout", err)
	}
	assertClosed(t, lb)
}

func TestAuthorizeCancel(t *testing.T) {
	s := startOAuthServer(t)
	lb := mustListen(t)
	ctx, cancel := context.WithCancel(context.Background())
	open := func(string) error { cancel(); return nil }
	_, err := authorize(ctx, s.config(lb.redirectURI, "read"), http.DefaultClient, open, nil, lb, 10*time.Second)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("err = %v, want ErrCancelled", err)
	}
	assertClosed(t, lb)
}

func TestAuthorizeWithoutBrowserShowsAddress(t *testing.T) {
	// No browser could be opened: the address is handed to the UI and the
	// user pastes it into a browser themselves.
	s := startOAuthServer(t)
	lb := mustListen(t)
	fail := func(string) error { return errors.New("xdg-open: not found") }
	pasted := fakeBrowser(t)
	var shown string
	tok, err := authorize(context.Background(), s.config(lb.redirectURI, "read"), http.DefaultClient, fail, func(u string) {
		shown = u
		_ = pasted(u)
	}, lb, 10*time.Second)
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("authorize: %v", err)
	}
	if !strings.HasPrefix(shown, s.srv.URL+"/authorize?") || !strings.Contains(shown, "code_challenge_method=S256") {
		t.Fatalf("address shown to the user: %q", shown)
	}
}
