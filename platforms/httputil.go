package platforms

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// NetError is a failure without an HTTP answer: always worth a retry.
func NetError(host string, err error) *Error {
	msg := "Lost the connection to " + host + " before it answered"
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		msg = "Gave up waiting for " + host
	case errors.As(err, &dnsErr), errors.As(err, &opErr) && opErr.Op == "dial":
		msg = "Could not reach " + host + ": check the address and your connection"
	}
	return &Error{Kind: KindRetry, Message: msg, Err: err}
}

// RetryAfter reads Retry-After (seconds or an HTTP date) and, failing that,
// the x-rate-limit-reset header some networks send (Unix seconds).
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if v := strings.TrimSpace(h.Get("X-Rate-Limit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 1e9 {
			return max(time.Unix(n, 0).Sub(now), 0)
		}
	}
	return 0
}

// CleanMessage makes a network's error text safe to show and store: the
// secrets given are cut out and the length is capped.
func CleanMessage(msg string, secrets ...string) string {
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "…")
		}
	}
	msg = strings.TrimSpace(msg)
	if utf8.RuneCountInString(msg) > 300 {
		msg = string([]rune(msg)[:300]) + "…"
	}
	return msg
}
