package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"localpost/platforms"
)

// MinScheduleLead is how far ahead a server accepts scheduled_at: Mastodon
// refuses a time less than 5 minutes away.
const MinScheduleLead = 5 * time.Minute

// ErrScheduledGone is wrapped by the scheduled-status calls when the server
// no longer holds that scheduled status: it has published it, or someone
// deleted it. FindPublished tells the two apart.
var ErrScheduledGone = errors.New("the server no longer holds this scheduled post")

// ScheduledStatus is a status the server holds to publish later.
type ScheduledStatus struct {
	ID          string
	ScheduledAt time.Time
	Text        string
	Idempotency string // the Idempotency-Key it was scheduled with, "" if none
}

type scheduledJSON struct {
	ID          string `json:"id"`
	ScheduledAt string `json:"scheduled_at"`
	Params      struct {
		Text        string  `json:"text"`
		Idempotency *string `json:"idempotency"`
	} `json:"params"`
}

func (s scheduledJSON) value() ScheduledStatus {
	out := ScheduledStatus{ID: s.ID, Text: s.Params.Text}
	out.ScheduledAt, _ = time.Parse(time.RFC3339, s.ScheduledAt)
	if s.Params.Idempotency != nil {
		out.Idempotency = *s.Params.Idempotency
	}
	return out
}

// gone turns a 404 on a scheduled status into ErrScheduledGone.
func (c *Client) gone(err error) error {
	var pe *platforms.Error
	if errors.As(err, &pe) && (pe.Status == http.StatusNotFound || pe.Status == http.StatusGone) {
		return &platforms.Error{Kind: platforms.KindDisconnected, Status: pe.Status,
			Message: c.host() + " no longer holds this scheduled post", Err: ErrScheduledGone}
	}
	return err
}

// Scheduled reads one scheduled status (GET /api/v1/scheduled_statuses/:id).
func (c *Client) Scheduled(ctx context.Context, token, id string) (ScheduledStatus, error) {
	var s scheduledJSON
	if err := c.call(ctx, http.MethodGet, "/api/v1/scheduled_statuses/"+url.PathEscape(id), token, nil, nil, &s); err != nil {
		return ScheduledStatus{}, c.gone(err)
	}
	if s.ID == "" {
		return ScheduledStatus{}, &platforms.Error{Kind: platforms.KindRetry, Status: 200, Message: c.host() + " gave an answer without the scheduled post"}
	}
	return s.value(), nil
}

// ScheduledStatuses lists what the server holds for the account, newest
// first (GET /api/v1/scheduled_statuses, up to 40).
func (c *Client) ScheduledStatuses(ctx context.Context, token string) ([]ScheduledStatus, error) {
	var ss []scheduledJSON
	if err := c.call(ctx, http.MethodGet, "/api/v1/scheduled_statuses?limit=40", token, nil, nil, &ss); err != nil {
		return nil, err
	}
	out := make([]ScheduledStatus, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.value())
	}
	return out, nil
}

// CancelScheduled deletes a scheduled status so it is never published
// (DELETE /api/v1/scheduled_statuses/:id). A status the server no longer
// holds returns an error wrapping ErrScheduledGone.
func (c *Client) CancelScheduled(ctx context.Context, token, id string) error {
	return c.gone(c.call(ctx, http.MethodDelete, "/api/v1/scheduled_statuses/"+url.PathEscape(id), token, nil, nil, nil))
}

// Reschedule moves a scheduled status to at (PUT
// /api/v1/scheduled_statuses/:id); at must be MinScheduleLead ahead. A
// status the server no longer holds returns an error wrapping
// ErrScheduledGone.
func (c *Client) Reschedule(ctx context.Context, token, id string, at time.Time) (ScheduledStatus, error) {
	body, _ := json.Marshal(map[string]string{"scheduled_at": at.UTC().Format(time.RFC3339)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.BaseURL+"/api/v1/scheduled_statuses/"+url.PathEscape(id), bytes.NewReader(body))
	if err != nil {
		return ScheduledStatus{}, &platforms.Error{Message: "could not build the request to " + c.host(), Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	var s scheduledJSON
	if _, err := c.do(req, token, &s); err != nil {
		return ScheduledStatus{}, c.gone(err)
	}
	return s.value(), nil
}

// FindPublished looks among the account's recent statuses for the one a
// scheduled status became: the same text, created from a minute before at
// on (FindRecent). A status that cannot be looked for (no text, too many
// statuses since) counts as not found.
func (c *Client) FindPublished(ctx context.Context, token, accountID, text string, at time.Time) (platforms.Result, bool, error) {
	res, found, err := c.FindRecent(ctx, platforms.Identity{RemoteID: accountID}, platforms.Token{Access: token},
		platforms.Post{Text: text}, at.Add(-time.Minute))
	if errors.Is(err, platforms.ErrCannotCheck) {
		return platforms.Result{}, false, nil
	}
	return res, found, err
}
