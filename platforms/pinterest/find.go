package pinterest

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// FindRecent reads at most findPages pages of findPageSize Pins (the
// API's maximum page); a bigger board cannot be checked.
const (
	findPageSize = 250
	findPages    = 8
)

var _ platforms.Finder = (*Provider)(nil)

// FindRecent looks for p's Pin on its board: GET
// /v5/boards/{board_id}/pins, every page. Pinterest has no "since" filter
// and a board sorted by hand does not list its newest Pins first, so the
// whole board is read and a miss is a sure answer only then; Pins created
// before since are skipped. A Pin matches by its description (the post's
// text) and title; its link is not compared, Pinterest may rewrite it.
func (p *Provider) FindRecent(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, since time.Time) (platforms.Result, bool, error) {
	board := post.Options.BoardID
	title := strings.TrimSpace(post.Options.Title)
	switch {
	case board == "":
		return platforms.Result{}, false, platforms.CannotCheck("the Pin has no board to look on")
	case strings.TrimSpace(post.Text) == "" && title == "":
		return platforms.Result{}, false, platforms.CannotCheck("a Pin without description or title cannot be looked for")
	}
	q := url.Values{"page_size": {strconv.Itoa(findPageSize)}}
	for range findPages {
		var page struct {
			Items []struct {
				ID          string  `json:"id"`
				Title       *string `json:"title"`
				Description *string `json:"description"`
				CreatedAt   string  `json:"created_at"`
			} `json:"items"`
			Bookmark *string `json:"bookmark"`
		}
		if err := p.get(ctx, "/boards/"+url.PathEscape(board)+"/pins", q, t.Access, &page); err != nil {
			return platforms.Result{}, false, platforms.LookupError(err)
		}
		for _, it := range page.Items {
			if created, ok := pinTime(it.CreatedAt); ok && created.Before(since) {
				continue
			}
			desc, tl := deref(it.Description), strings.TrimSpace(deref(it.Title))
			if tl != title {
				continue
			}
			if post.Text == "" && strings.TrimSpace(desc) == "" || platforms.SameText(post.Text, desc) {
				return platforms.Result{RemoteID: it.ID, URL: p.pinURL(it.ID)}, true, nil
			}
		}
		if page.Bookmark == nil || *page.Bookmark == "" {
			return platforms.Result{}, false, nil
		}
		q.Set("bookmark", *page.Bookmark)
	}
	return platforms.Result{}, false, platforms.CannotCheck("the board holds too many Pins to look through")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// pinTime reads a Pin's created_at: Pinterest writes UTC without a zone
// ("2006-01-02T15:04:05"); an offset is accepted too.
func pinTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
