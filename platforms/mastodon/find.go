package mastodon

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// FindRecent reads at most findPages pages of findLimit statuses (the
// server's maximum); an account with more statuses since the moment asked
// about cannot be checked.
const (
	findLimit = 40
	findPages = 5
)

var _ platforms.Finder = (*Client)(nil)

// FindRecent looks for p among the account's statuses since since: GET
// /api/v1/accounts/:id/statuses, newest first, findLimit a page following
// max_id until a status older than since, so a miss is a sure answer. id
// is the account (its RemoteID), t.Access its token. The server answers
// HTML content; platforms.HTMLText and SameText turn it back into
// comparable text.
func (c *Client) FindRecent(ctx context.Context, id platforms.Identity, t platforms.Token, p platforms.Post, since time.Time) (platforms.Result, bool, error) {
	if strings.TrimSpace(p.Text) == "" {
		return platforms.Result{}, false, platforms.CannotCheck("a post without text cannot be looked for on " + c.host())
	}
	if id.RemoteID == "" {
		return platforms.Result{}, false, platforms.CannotCheck("the account's id on " + c.host() + " is not known; reconnect it")
	}
	q := url.Values{"limit": {strconv.Itoa(findLimit)}, "exclude_reblogs": {"true"}}
	path := "/api/v1/accounts/" + url.PathEscape(id.RemoteID) + "/statuses?"
	for range findPages {
		var sts []struct {
			ID        string  `json:"id"`
			URL       *string `json:"url"`
			URI       string  `json:"uri"`
			Content   string  `json:"content"`
			CreatedAt string  `json:"created_at"`
			Reblog    *struct {
				ID string `json:"id"`
			} `json:"reblog"`
		}
		if err := c.call(ctx, http.MethodGet, path+q.Encode(), t.Access, nil, nil, &sts); err != nil {
			return platforms.Result{}, false, platforms.LookupError(err)
		}
		for _, s := range sts {
			if created, err := time.Parse(time.RFC3339, s.CreatedAt); err == nil && created.Before(since) {
				// Newest first: the rest is older still.
				return platforms.Result{}, false, nil
			}
			if s.Reblog == nil && platforms.SameText(p.Text, platforms.HTMLText(s.Content)) {
				u := s.URI
				if s.URL != nil && *s.URL != "" {
					u = *s.URL
				}
				return platforms.Result{RemoteID: s.ID, URL: u}, true, nil
			}
		}
		if len(sts) < findLimit {
			return platforms.Result{}, false, nil
		}
		last := sts[len(sts)-1].ID
		if last == q.Get("max_id") {
			return platforms.Result{}, false, platforms.CannotCheck(c.host() + " does not page through the account's statuses")
		}
		q.Set("max_id", last)
	}
	return platforms.Result{}, false, platforms.CannotCheck("the account posted too much on " + c.host() + " since then to look through")
}
