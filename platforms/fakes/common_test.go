package fakes_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"localpost/platforms/fakes"
)

// Test set-up the fakes' tests share.

// allowedIn reports whether r is listed in allowed ("METHOD /path"; a path
// ending in "/" covers everything below it).
func allowedIn(allowed map[string]string, r fakes.Request) bool {
	for k := range allowed {
		m, p, _ := strings.Cut(k, " ")
		if r.Method == m && (r.Path == p || strings.HasSuffix(p, "/") && strings.HasPrefix(r.Path, p)) {
			return true
		}
	}
	return false
}

// specLoader loads an OpenAPI description of testdata once per test binary.
func specLoader(file string) func(t *testing.T) *fakes.Spec {
	once := sync.OnceValues(func() (*fakes.Spec, error) {
		return fakes.LoadSpec(filepath.Join("testdata", file))
	})
	return func(t *testing.T) *fakes.Spec {
		t.Helper()
		spec, err := once()
		if err != nil {
			t.Fatal(err)
		}
		return spec
	}
}

// checkEach reports every finding of check on the requests not allowed.
func checkEach(t *testing.T, reqs []fakes.Request, allowed func(fakes.Request) bool, check func(fakes.Request) []string) {
	t.Helper()
	for _, r := range reqs {
		if allowed(r) {
			continue
		}
		for _, e := range check(r) {
			t.Error(e)
		}
	}
}

// jsonEditor returns an editJSON for a test: it decodes a JSON object,
// lets edit change it and encodes it again.
func jsonEditor(t *testing.T) func(b []byte, edit func(m map[string]any)) []byte {
	return func(b []byte, edit func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		out, _ := json.Marshal(m)
		return out
	}
}
