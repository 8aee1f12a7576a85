package fakes

import (
	"net/http"
)

// revoke is POST /2/oauth2/revoke: the client names itself as at the token
// endpoint (client_id in the form, or Basic auth for a confidential
// client); the token, access or refresh, stops working at once. Like RFC
// 7009 servers, a token it does not know is answered 200 as well.
func (f *X) revoke(w http.ResponseWriter, r *http.Request) {
	v, id, pass, basic, ok := clientForm(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.clients[id]
	if c == nil || c.secret != "" && (!basic || pass != c.secret) {
		oauthError(w, http.StatusUnauthorized, "unauthorized_client", "Missing valid authorization header")
		return
	}
	tok := v.Get("token")
	if tok == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter [token].")
		return
	}
	if t := f.tokens[tok]; t != nil && t.clientID == c.id {
		t.revoked = true
	}
	if rt := f.refresh[tok]; rt != nil && rt.clientID == c.id {
		rt.revoked = true
	}
	writeJSON(w, http.StatusOK, map[string]any{"revoked": true})
}

// Revocations counts the revocation requests the fake granted.
func (f *X) Revocations() int {
	return countRequests(f.Requests(), http.MethodPost, "/2/oauth2/revoke")
}
