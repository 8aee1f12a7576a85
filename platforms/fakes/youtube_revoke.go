package fakes

import "net/http"

// revoke is POST /revoke (Google's https://oauth2.googleapis.com/revoke):
// the token comes in the form body or the query; an access or refresh
// token of the grant ends the whole grant, as Google does (the fake has
// one user and one app, so every token). An unknown token is 400
// invalid_token.
func (f *YouTube) revoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Could not read the request body.")
		return
	}
	tok := r.Form.Get("token")
	f.mu.Lock()
	defer f.mu.Unlock()
	at, rt := f.access[tok], f.refresh[tok]
	if tok == "" || (at == nil || at.revoked) && (rt == nil || rt.revoked) {
		oauthError(w, http.StatusBadRequest, "invalid_token", "Token expired or revoked")
		return
	}
	for _, t := range f.access {
		t.revoked = true
	}
	for _, t := range f.refresh {
		t.revoked = true
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("{}"))
}

// Revocations counts the revocation requests the fake granted.
func (f *YouTube) Revocations() int { return countRequests(f.Requests(), http.MethodPost, "/revoke") }
