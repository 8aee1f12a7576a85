package fbgroup_test

import (
	"context"
	"strings"
	"testing"

	"localpost/platforms"
	"localpost/platforms/fbgroup"
)

func TestReminderOnly(t *testing.T) {
	p := fbgroup.New()
	info := p.Info()
	if !info.ReminderOnly || info.Name != "Facebook Group (reminder)" || info.Network != platforms.FBGroup || !strings.Contains(info.Gates, "2024") {
		t.Fatalf("info %+v", info)
	}
	if l := p.Limits(); l.MaxChars != 63206 || l.NativeSchedule {
		t.Fatalf("limits %+v", l)
	}
	ctx := context.Background()
	check := func(what string, err error) {
		t.Helper()
		var pe *platforms.Error
		if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "since April 2024") {
			t.Errorf("%s: %v (%T %v)", what, err, err, pe)
		}
	}
	_, err := p.Exchange(ctx, platforms.AppCredentials{}, "", "code", "")
	check("Exchange", err)
	_, err = p.Identities(ctx, platforms.Token{Access: "x"})
	check("Identities", err)
	_, err = p.Publish(ctx, platforms.Identity{}, platforms.Token{}, platforms.Post{Text: "hi"}, nil, nil)
	check("Publish", err)
	if _, err := p.Refresh(ctx, platforms.AppCredentials{}, platforms.Token{}); err != platforms.ErrNoRefresh {
		t.Errorf("Refresh: %v", err)
	}
	if ar := p.Authorize(platforms.AppCredentials{}, ""); ar.AuthURL != "" {
		t.Errorf("Authorize: %+v", ar)
	}
}
