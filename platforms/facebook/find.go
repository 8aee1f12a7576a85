package facebook

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// findPages bounds FindRecent: at most this many pages of 100 posts are
// read; a Page with more posts since the moment asked about cannot be
// checked.
const findPages = 5

var _ platforms.Finder = (*Provider)(nil)

// FindRecent looks for p among the Page's published posts since since:
// GET /{page-id}/published_posts?since=…, 100 a page, following the after
// cursor to the end, so a miss is a sure answer. The text compared is the
// message Publish sends (with the link appended when the post has media).
// Posts the Page holds for later are not published posts: a post handed to
// Facebook's scheduler is not looked for here.
func (p *Provider) FindRecent(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, since time.Time) (platforms.Result, bool, error) {
	want := (&publish{post: post}).message()
	if strings.TrimSpace(want) == "" {
		return platforms.Result{}, false, platforms.CannotCheck("a post without text cannot be looked for on Facebook")
	}
	token := id.Token
	if token == "" {
		token = t.Access
	}
	if token == "" || id.RemoteID == "" {
		return platforms.Result{}, false, &platforms.Error{Kind: platforms.KindReconnect, Message: "No Page login is saved; reconnect the account"}
	}
	q := url.Values{
		"fields": {"id,message,created_time,permalink_url"},
		"since":  {strconv.FormatInt(since.Unix(), 10)},
		"limit":  {"100"},
	}
	for range findPages {
		var out struct {
			Data []struct {
				ID        string `json:"id"`
				Message   string `json:"message"`
				Permalink string `json:"permalink_url"`
			} `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := p.g.Call(ctx, http.MethodGet, "/"+id.RemoteID+"/published_posts", token, q, &out); err != nil {
			return platforms.Result{}, false, platforms.LookupError(err)
		}
		for _, d := range out.Data {
			if platforms.SameText(want, d.Message) {
				u := d.Permalink
				switch {
				case strings.HasPrefix(u, "/"):
					u = "https://www.facebook.com" + u
				case u == "":
					u = "https://www.facebook.com/" + d.ID
				}
				return platforms.Result{RemoteID: d.ID, URL: u}, true, nil
			}
		}
		// Graph leaves out "next" on the last page.
		if out.Paging.Next == "" || len(out.Data) == 0 {
			return platforms.Result{}, false, nil
		}
		if out.Paging.Cursors.After == "" {
			// Its "next" address carries the token: not followed.
			return platforms.Result{}, false, platforms.CannotCheck("Facebook gave no cursor to read the Page's further posts")
		}
		q.Set("after", out.Paging.Cursors.After)
	}
	return platforms.Result{}, false, platforms.CannotCheck("the Page posted too much since then to look through")
}
