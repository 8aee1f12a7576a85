package app

import (
	"context"
	"testing"
	"time"

	"localpost/data"
)

func TestTraySettingsPersist(t *testing.T) {
	dir := t.TempDir()
	open := func() *App {
		t.Helper()
		a, err := New(Config{DataDir: dir, Secrets: data.MemorySecrets()})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open()
	if !a.KeepInTray() {
		t.Error("KeepInTray is off on a new folder; the default is on")
	}
	if !a.TakeTrayNotice() {
		t.Error("TakeTrayNotice is false the first time")
	}
	if a.TakeTrayNotice() {
		t.Error("TakeTrayNotice is true a second time")
	}
	if err := a.SetKeepInTray(false); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	a = open()
	defer a.Close()
	if a.KeepInTray() {
		t.Error("KeepInTray is on again after a restart; it was turned off")
	}
	if a.TakeTrayNotice() {
		t.Error("the tray notice comes again after a restart")
	}
	if err := a.SetKeepInTray(true); err != nil || !a.KeepInTray() {
		t.Errorf("turned back on: KeepInTray = %v, %v", a.KeepInTray(), err)
	}
}

// A post to an account whose login was rejected waits, and the tray's
// outlook says so; a later post is the next one.
func TestOutlookCountsPostsWaitingForReconnect(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	now := e.clock.Now()
	later, _, err := e.app.Schedule(ctx, Draft{Text: "later", AccountIDs: []int64{acc.ID},
		Day: now, Clock: now.Add(2 * time.Hour).Format("15:04"), Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	o, err := e.app.Outlook(ctx)
	if err != nil || o.Waiting != 0 || !o.Next.Equal(later.PlannedAt) {
		t.Fatalf("outlook = %+v, %v; want next %v, none waiting", o, err, later.PlannedAt)
	}

	e.fake.RevokeAll()
	if _, err := e.app.PostNow(ctx, Draft{Text: "now", AccountIDs: []int64{acc.ID}, Zone: time.UTC}); err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "needs reconnect", func() bool {
		a, _ := e.app.Store.Account(ctx, acc.ID)
		return a.State == data.AccountNeedsReconnect
	})
	o, err = e.app.Outlook(ctx)
	if err != nil || o.Waiting != 1 || !o.Next.Equal(later.PlannedAt) {
		t.Fatalf("outlook = %+v, %v; want the post waiting for reconnect and next %v", o, err, later.PlannedAt)
	}
}
