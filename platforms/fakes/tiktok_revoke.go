package fakes

import (
	"net/http"
)

// ttRevoke is POST /v2/oauth/revoke/: client_key, client_secret and the
// user access token as a form; the token and the refresh token issued with
// it stop working, and the answer is an empty object.
func (f *TikTok) ttRevoke(w http.ResponseWriter, r *http.Request) {
	v, ok := f.ttClientForm(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	t := f.tokens[v.Get("token")]
	if t == nil || t.revoked {
		f.mu.Unlock()
		ttOAuthError(w, http.StatusBadRequest, "invalid_request", "Access token is invalid or not found.")
		return
	}
	t.revoked = true // the same struct is the refresh token's
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

// Revocations counts the revocation requests the fake granted.
func (f *TikTok) Revocations() int {
	return countRequests(f.Requests(), http.MethodPost, "/v2/oauth/revoke/")
}
