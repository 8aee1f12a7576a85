package fakes_test

import (
	"context"
	"testing"

	"localpost/platforms"
)

// checkGrown fails unless each post in ids has exactly the metrics names
// in the first reading and every one of them grew by the second.
func checkGrown(t *testing.T, first, second map[string]platforms.Values, ids, names []string) {
	t.Helper()
	for _, rid := range ids {
		a, b := first[rid], second[rid]
		if len(a) != len(names) {
			t.Errorf("%s: %v, want exactly %v", rid, a, names)
		}
		for _, n := range names {
			if !(b[n] > a[n]) {
				t.Errorf("%s %s: %v then %v, want growth", rid, n, a[n], b[n])
			}
		}
	}
}

// checkFollowersGrow reads the account's numbers twice and fails unless
// its followers are there and grew.
func checkFollowersGrow(t *testing.T, ctx context.Context, r platforms.MetricsReader, id platforms.Identity, tok platforms.Token) {
	t.Helper()
	acc1, err := r.AccountMetrics(ctx, id, tok)
	if err != nil {
		t.Fatal(err)
	}
	acc2, err := r.AccountMetrics(ctx, id, tok)
	if err != nil {
		t.Fatal(err)
	}
	if acc1[platforms.MetricFollowers] <= 0 || acc2[platforms.MetricFollowers] <= acc1[platforms.MetricFollowers] {
		t.Errorf("followers %v then %v, want growth", acc1, acc2)
	}
}
