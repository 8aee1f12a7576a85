package mastodon

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	cases := []struct {
		h    http.Header
		want time.Duration
	}{
		{h(), 0},
		{h("Retry-After", "120"), 2 * time.Minute},
		{h("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), 90 * time.Second},
		{h("Retry-After", now.Add(-time.Hour).Format(http.TimeFormat)), 0},
		{h("Retry-After", "soon"), 0},
		{h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", now.Add(5*time.Minute).Format(time.RFC3339)), 5 * time.Minute},
		{h("X-RateLimit-Remaining", "10", "X-RateLimit-Reset", now.Add(5*time.Minute).Format(time.RFC3339)), 0},
	}
	for i, c := range cases {
		if got := retryAfter(c.h, now); got != c.want {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
}

func TestDefaultsIsACopy(t *testing.T) {
	d := Defaults()
	d.MediaTypes[0] = "x"
	if DefaultLimits.MediaTypes[0] == "x" {
		t.Fatal("Defaults shares MediaTypes with DefaultLimits")
	}
}
