package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSaveAccountUpserts(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	expiry := at("2026-09-01T00:00:00Z")
	a, err := s.SaveAccount(ctx, Account{Network: "mastodon", Server: "https://example.social", RemoteID: "42",
		Handle: "@alice@example.social", DisplayName: "Alice", Kind: "profile", TokenExpiry: expiry})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.State != AccountConnected || !a.TokenExpiry.Equal(expiry) || a.CreatedAt.IsZero() {
		t.Fatalf("saved %+v", a)
	}
	// Same network, server and remote id: the same row, updated.
	b, err := s.SaveAccount(ctx, Account{Network: "mastodon", Server: "https://example.social", RemoteID: "42",
		Handle: "@alice@example.social", DisplayName: "Alice A.", State: AccountNeedsReconnect})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != a.ID || b.DisplayName != "Alice A." || b.State != AccountNeedsReconnect ||
		!b.TokenExpiry.IsZero() || !b.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("upserted %+v (first %+v)", b, a)
	}
	// Another server is another account.
	c, err := s.SaveAccount(ctx, Account{Network: "mastodon", Server: "https://other.social", RemoteID: "42"})
	if err != nil || c.ID == a.ID {
		t.Fatalf("other server: %+v %v", c, err)
	}
	as, err := s.Accounts(ctx)
	if err != nil || len(as) != 2 || as[0].ID != a.ID {
		t.Errorf("Accounts = %+v, %v", as, err)
	}
	if a.SecretKey() != "account:mastodon:https://example.social:42" {
		t.Errorf("SecretKey = %s", a.SecretKey())
	}

	for _, bad := range []Account{{Network: "x"}, {RemoteID: "1"}, {Network: "x", RemoteID: "1", State: "sleepy"}} {
		if _, err := s.SaveAccount(ctx, bad); err == nil {
			t.Errorf("SaveAccount(%+v) accepted", bad)
		}
	}
	if _, err := s.Account(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Account(999) = %v", err)
	}
	if err := s.SetAccountState(ctx, 999, AccountDisconnected); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetAccountState(999) = %v", err)
	}
}

func TestDeleteAccount(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-06-01T12:00:00Z")
	gone := mustAccount(t, s, "x", "gone")
	stays := mustAccount(t, s, "mastodon", "stays")
	avatar := filepath.Join(s.Dir, AvatarDir, "gone.png")
	os.MkdirAll(filepath.Dir(avatar), 0o700)
	writeFile(t, avatar, pngBytes(t, 1, 1))
	gone.AvatarPath = "gone.png"
	if _, err := s.SaveAccount(ctx, gone); err != nil {
		t.Fatal(err)
	}

	only := mustPost(t, s, Post{Text: "only on gone", PlannedAt: now, Targets: []Target{{AccountID: gone.ID, State: StateScheduled}}})
	both := mustPost(t, s, Post{Text: "on both", PlannedAt: now, Targets: []Target{
		{AccountID: gone.ID, State: StateScheduled}, {AccountID: stays.ID, State: StateDraft}}})
	if _, err := s.w.Exec(`INSERT INTO metrics (account_id, name, value, captured_at) VALUES (?, 'followers', 10, 0)`, gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishAttempt(ctx, only.Targets[0].ID, Attempt{StartedAt: now}, StateFailed, "", "", "nope", time.Time{}); err != nil {
		t.Fatal(err)
	}

	if err := s.DeleteAccount(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	p1, _ := s.Post(ctx, only.ID)
	p2, _ := s.Post(ctx, both.ID)
	if p1.State != StateDraft || len(p1.Targets) != 0 {
		t.Errorf("post left without targets: %+v", p1)
	}
	if p2.State != StateDraft || len(p2.Targets) != 1 || p2.Targets[0].AccountID != stays.ID {
		t.Errorf("post with the other account: %+v", p2)
	}
	es, _ := s.CalendarEntries(ctx, now, now.Add(time.Second))
	for _, e := range es {
		if e.PostID == only.ID && e.Networks != "" || e.PostID == both.ID && e.Networks != "mastodon" {
			t.Errorf("calendar networks not refreshed: %+v", e)
		}
	}
	for table, q := range map[string]string{
		"metrics":  `SELECT count(*) FROM metrics`,
		"attempts": `SELECT count(*) FROM attempts`,
		"targets":  `SELECT count(*) FROM targets WHERE account_id = ` + itoa(int(gone.ID)),
	} {
		var n int
		if err := s.r.QueryRow(q).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows left (%v)", table, n, err)
		}
	}
	if _, err := os.Stat(avatar); !os.IsNotExist(err) {
		t.Errorf("avatar not removed: %v", err)
	}
	if err := s.DeleteAccount(ctx, gone.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteAccount twice = %v", err)
	}
}

func TestSettings(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	if got := s.Setting(ctx, "missed.policy", "ask"); got != "ask" {
		t.Errorf("default = %q", got)
	}
	for _, v := range []string{"publish", "", "ask again"} {
		if err := s.SetSetting(ctx, "missed.policy", v); err != nil {
			t.Fatal(err)
		}
		if got := s.Setting(ctx, "missed.policy", "def"); got != v {
			t.Errorf("Setting = %q, want %q", got, v)
		}
	}
}
