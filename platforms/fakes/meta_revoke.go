package fakes

import (
	"net/http"
	"strings"
)

// deletePermissions is DELETE /{user-id}/permissions with a user token: the
// user de-authorizes the app, so every token of the app for that user
// (user and Page tokens; the fake has one user) stops working. A Page
// token cannot do it.
func (f *Meta) deletePermissions(c *metaCall) {
	if c.t.kind == "page" {
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) A user access token is required to remove permissions")
		return
	}
	f.mu.Lock()
	for _, t := range f.tokens {
		t.revoked = true
	}
	f.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{"success": true})
}

// Revocations counts the de-authorizations the fake granted.
func (f *Meta) Revocations() int {
	n := 0
	for _, r := range f.Requests() {
		segs := strings.Split(strings.Trim(strings.TrimPrefix(r.Path, "/"+MetaVersion), "/"), "/")
		if r.Method == http.MethodDelete && r.Status == http.StatusOK && len(segs) == 2 && segs[1] == "permissions" &&
			f.NodeType(segs[0]) == "User" {
			n++
		}
	}
	return n
}
