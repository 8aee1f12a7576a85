package app

// Publishing by reminder: for places no app may post to (Facebook Groups
// since April 2024), Localpost reminds the user at the due time and helps
// them post by hand: the text to paste, the group to open, the files to
// attach, and a place to record where the post went.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// AddReminderAccount adds a place that is posted to by reminder (a Facebook
// Group), by its name and web address. No login is involved.
func (a *App) AddReminderAccount(ctx context.Context, network platforms.Network, name, address string) (data.Account, error) {
	p, err := a.provider(network)
	if err != nil {
		return data.Account{}, err
	}
	if !p.Info().ReminderOnly {
		return data.Account{}, fmt.Errorf("%s is connected by signing in, not by reminder", p.Info().Name)
	}
	name = strings.TrimSpace(name)
	address = strings.TrimSpace(address)
	u, err := url.Parse(address)
	if name == "" {
		return data.Account{}, errors.New("give the group a name, as you want to see it in Localpost")
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return data.Account{}, errors.New("paste the group's web address from your browser, e.g. https://www.facebook.com/groups/yourgroup")
	}
	acc, err := a.Store.SaveAccount(ctx, data.Account{Network: string(network), RemoteID: u.String(), Handle: name,
		DisplayName: name, Kind: "group", URL: u.String(), State: data.AccountConnected})
	if err == nil {
		a.changed()
	}
	return acc, err
}

// isReminder reports whether an account is posted to by reminder.
func (a *App) isReminder(acc data.Account) bool {
	p, ok := a.providers[platforms.Network(acc.Network)]
	return ok && p.Info().ReminderOnly
}

// remind turns a due reminder target into a task for the user.
func (a *App) remind(ctx context.Context, dt data.DueTarget) {
	msg := fmt.Sprintf("Time to post in %s: copy the text, open the group, paste it with the media, then choose “Mark as posted”.", dt.Account.Handle)
	if err := a.Store.SetTargetState(ctx, dt.Target.ID, data.StateMissed, msg, time.Time{}); err != nil {
		return
	}
	a.notify("Time to post in "+dt.Account.Handle, snippet(dt.Post.Text))
	a.changed()
}

// Reminder is what the user needs to post one reminder by hand.
type Reminder struct {
	TargetID int64
	Place    string   // the group's name
	URL      string   // the group's address
	Text     string   // the text to paste
	Files    []string // absolute paths of the media to attach
	// Manual is set for a network Localpost can post to, where this post
	// did not go out (failed, missed, uncertain): posting it by hand is
	// offered beside Retry.
	Manual bool
}

// Reminders lists the reminders of a post that wait for the user: every
// place posted to by reminder, and any other account the post did not
// reach automatically (failed, missed, uncertain), which the user may post
// to by hand instead.
func (a *App) Reminders(ctx context.Context, postID int64) ([]Reminder, error) {
	p, err := a.Store.Post(ctx, postID)
	if err != nil {
		return nil, err
	}
	var out []Reminder
	for _, t := range p.Targets {
		acc, err := a.Store.Account(ctx, t.AccountID)
		if err != nil || t.State == data.StatePublished {
			continue
		}
		manual := !a.isReminder(acc)
		if manual && t.State != data.StateFailed && t.State != data.StateMissed && t.State != data.StateUncertain {
			continue
		}
		r := Reminder{TargetID: t.ID, Place: acc.Handle, URL: acc.URL, Text: p.Text, Manual: manual}
		if t.TextOverride != "" {
			r.Text = t.TextOverride
		}
		for _, m := range p.Media {
			r.Files = append(r.Files, a.Store.MediaPath(m))
		}
		out = append(out, r)
	}
	return out, nil
}

// CompleteReminder records that the user posted a reminder by hand, with
// the post's address if they have it.
func (a *App) CompleteReminder(ctx context.Context, targetID int64, postURL string) error {
	postURL = strings.TrimSpace(postURL)
	if postURL != "" {
		if u, err := url.Parse(postURL); err != nil || u.Host == "" {
			return errors.New("that is not a web address; copy the post's address from your browser, or leave it empty")
		}
	}
	now := a.now()
	att := data.Attempt{StartedAt: now, EndedAt: now, Outcome: "published", Message: "Posted by you from a reminder."}
	if err := a.Store.FinishAttempt(ctx, targetID, att, data.StatePublished, "", postURL, "", time.Time{}); err != nil {
		return err
	}
	a.changed()
	return nil
}
