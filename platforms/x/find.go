package x

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

// findPages bounds FindRecent: at most this many pages of 100 posts are
// read; an account with more posts since the moment asked about cannot be
// checked.
const findPages = 5

var _ platforms.Finder = (*Provider)(nil)

// FindRecent looks for the first post of p among the user's posts since
// since: GET /2/users/{id}/tweets with start_time, 100 a page, following
// next_token to the end, so a miss is a sure answer. X returns the text
// with &, < and > escaped and links as t.co links (one more for attached
// media); platforms.SameText forgives that.
func (p *Provider) FindRecent(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, since time.Time) (platforms.Result, bool, error) {
	if strings.TrimSpace(post.Text) == "" {
		return platforms.Result{}, false, platforms.CannotCheck("a post without text cannot be looked for on X")
	}
	if id.RemoteID == "" {
		return platforms.Result{}, false, platforms.CannotCheck("the X account's id is not known; reconnect it")
	}
	q := url.Values{
		"max_results": {"100"},
		"start_time":  {since.UTC().Format(time.RFC3339)},
	}
	base := p.cfg.APIURL + "/2/users/" + url.PathEscape(id.RemoteID) + "/tweets?"
	for range findPages {
		var out struct {
			Data []struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"data"`
			Meta struct {
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		if err := p.call(ctx, http.MethodGet, base+q.Encode(), t.Access, nil, &out); err != nil {
			return platforms.Result{}, false, platforms.LookupError(err)
		}
		for _, d := range out.Data {
			if platforms.SameText(post.Text, html.UnescapeString(d.Text)) {
				return platforms.Result{RemoteID: d.ID, URL: p.postURL(id, d.ID)}, true, nil
			}
		}
		if out.Meta.NextToken == "" {
			return platforms.Result{}, false, nil
		}
		q.Set("pagination_token", out.Meta.NextToken)
	}
	return platforms.Result{}, false, platforms.CannotCheck("the X account posted too much since then to look through")
}
