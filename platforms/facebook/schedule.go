package facebook

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

// Changing a post the Page holds for later (published=false with
// scheduled_publish_time): a feed or photo post is a PagePost
// ("{page-id}_{post-id}"), a video an AdVideo (a plain id). Both take
// POST /{id} with a new scheduled_publish_time and DELETE /{id}; both are
// read first, so a post the Page has published meanwhile is never deleted
// or moved by mistake.

var (
	_ platforms.Unscheduler = (*Provider)(nil)
	_ platforms.Rescheduler = (*Provider)(nil)
)

func pageToken(id platforms.Identity, t platforms.Token) (string, error) {
	if id.Token != "" {
		return id.Token, nil
	}
	if t.Access != "" {
		return t.Access, nil
	}
	return "", &platforms.Error{Kind: platforms.KindReconnect, Message: "No Page login is saved; reconnect the account"}
}

// isGone reports an answer saying the object does not exist (code 100,
// subcode 33): someone deleted the post already.
func isGone(err error) bool {
	return platforms.KindOf(err) == platforms.KindDisconnected
}

// published reads whether the Page has published the post.
func (p *Provider) published(ctx context.Context, token, remoteID string) (bool, error) {
	if strings.Contains(remoteID, "_") {
		var out struct {
			IsPublished *bool `json:"is_published"`
		}
		if err := p.g.Call(ctx, http.MethodGet, "/"+remoteID, token, url.Values{"fields": {"is_published"}}, &out); err != nil {
			return false, err
		}
		return out.IsPublished == nil || *out.IsPublished, nil
	}
	var out struct {
		Published *bool `json:"published"`
	}
	if err := p.g.Call(ctx, http.MethodGet, "/"+remoteID, token, url.Values{"fields": {"published"}}, &out); err != nil {
		return false, err
	}
	return out.Published == nil || *out.Published, nil
}

func alreadyPublished() error {
	return &platforms.Error{Kind: platforms.KindFixPost, Message: "Facebook has already published this post",
		Err: platforms.ErrAlreadyPublished}
}

// CancelScheduled deletes a post the Page holds for later (DELETE /{id}).
// A post already gone counts as cancelled; a published one is left alone.
func (p *Provider) CancelScheduled(ctx context.Context, id platforms.Identity, t platforms.Token, remoteID string) error {
	token, err := pageToken(id, t)
	if err != nil {
		return err
	}
	pub, err := p.published(ctx, token, remoteID)
	switch {
	case isGone(err):
		return nil
	case err != nil:
		return err
	case pub:
		return alreadyPublished()
	}
	var out struct {
		Success bool `json:"success"`
	}
	err = p.g.Call(ctx, http.MethodDelete, "/"+remoteID, token, nil, &out)
	if isGone(err) {
		return nil
	}
	if err == nil && !out.Success {
		return &platforms.Error{Kind: platforms.KindRetry, Message: "Facebook did not confirm deleting the scheduled post; trying again"}
	}
	return err
}

// Reschedule gives a post the Page holds a new scheduled_publish_time
// (POST /{id}); at must be MinLead to MaxLead ahead.
func (p *Provider) Reschedule(ctx context.Context, id platforms.Identity, t platforms.Token, remoteID string, at time.Time) error {
	if now := time.Now(); at.Before(now.Add(MinLead)) || at.After(now.Add(MaxLead)) {
		return &platforms.Error{Kind: platforms.KindFixPost,
			Message: "Facebook holds posts from 10 minutes to 30 days ahead; this time is outside that"}
	}
	token, err := pageToken(id, t)
	if err != nil {
		return err
	}
	pub, err := p.published(ctx, token, remoteID)
	switch {
	case err != nil:
		return err
	case pub:
		return alreadyPublished()
	}
	var out struct {
		Success bool `json:"success"`
	}
	if err := p.g.Call(ctx, http.MethodPost, "/"+remoteID, token, url.Values{"scheduled_publish_time": {unix(at)}}, &out); err != nil {
		return err
	}
	if !out.Success {
		return &platforms.Error{Kind: platforms.KindRetry, Message: "Facebook did not confirm the new time; trying again"}
	}
	return nil
}
