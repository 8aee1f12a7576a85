package linkedin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// FindRecent reads at most findPages pages of findCount posts; an author
// with more posts since the moment asked about cannot be checked.
const (
	findCount = 50
	findPages = 5
)

var _ platforms.Finder = (*Provider)(nil)

// FindRecent looks for p among the author's posts since since: GET
// /rest/posts?q=author&sortBy=CREATED, newest first, findCount a page
// until a post older than since, so a miss is a sure answer. LinkedIn
// lists an organization's posts with r_organization_social; a member's
// need r_member_social, which LinkedIn grants only to approved partners,
// so for a profile the answer is usually that it cannot check. The
// commentary comes back in the "little" format Publish escaped it into.
func (p *Provider) FindRecent(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, since time.Time) (platforms.Result, bool, error) {
	if strings.TrimSpace(post.Text) == "" {
		return platforms.Result{}, false, platforms.CannotCheck("a post without text cannot be looked for on LinkedIn")
	}
	author := id.Extra[ExtraAuthor]
	if author == "" {
		switch id.Kind {
		case KindOrganization:
			author = "urn:li:organization:" + id.RemoteID
		default:
			author = "urn:li:person:" + id.RemoteID
		}
	}
	for page := range findPages {
		q := url.Values{"q": {"author"}, "author": {author}, "sortBy": {"CREATED"},
			"count": {strconv.Itoa(findCount)}, "start": {strconv.Itoa(page * findCount)}}
		var out struct {
			Elements []struct {
				ID         string `json:"id"`
				Commentary string `json:"commentary"`
				CreatedAt  int64  `json:"createdAt"`
			} `json:"elements"`
		}
		if _, err := p.call(ctx, http.MethodGet, p.restURL("/rest/posts", q), t.Access, nil, &out); err != nil {
			var pe *platforms.Error
			if errors.As(err, &pe) && pe.Status == http.StatusForbidden {
				return platforms.Result{}, false, platforms.CannotCheck("LinkedIn does not let Localpost list this account's posts " +
					"(a member's posts need a permission LinkedIn gives only to approved partners)")
			}
			return platforms.Result{}, false, platforms.LookupError(err)
		}
		for _, e := range out.Elements {
			if e.CreatedAt > 0 && time.UnixMilli(e.CreatedAt).Before(since) {
				// Newest first: the rest is older still.
				return platforms.Result{}, false, nil
			}
			if platforms.SameText(post.Text, UnescapeLittle(e.Commentary)) {
				return platforms.Result{RemoteID: e.ID, URL: p.PostURL(e.ID)}, true, nil
			}
		}
		if len(out.Elements) < findCount {
			return platforms.Result{}, false, nil
		}
	}
	return platforms.Result{}, false, platforms.CannotCheck("the LinkedIn account posted too much since then to look through")
}

// UnescapeLittle undoes EscapeLittle: a backslash before one of the
// "little" format's reserved characters goes.
func UnescapeLittle(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' && i+1 < len(rs) && strings.ContainsRune(reserved, rs[i+1]) {
			i++
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}
