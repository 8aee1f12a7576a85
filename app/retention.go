package app

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Retention says how long old data is kept; 0 = forever.
type Retention struct {
	MetricsMonths int // readings (the numbers over time)
	PostsMonths   int // published posts, by when they went out
}

// Pruned is what ApplyRetention deleted.
type Pruned struct {
	Readings int // metric readings, including those of deleted posts
	Posts    int
}

// maxRetentionMonths bounds the setting (100 years).
const maxRetentionMonths = 1200

// Setting keys of the retention.
const (
	settingRetainMetrics = "retention_metrics_months"
	settingRetainPosts   = "retention_posts_months"
)

// Retention is the retention setting (default: keep everything).
func (a *App) Retention() Retention {
	months := func(key string) int {
		n, err := strconv.Atoi(a.Store.Setting(context.Background(), key, "0"))
		if err != nil || n < 0 || n > maxRetentionMonths {
			return 0
		}
		return n
	}
	return Retention{MetricsMonths: months(settingRetainMetrics), PostsMonths: months(settingRetainPosts)}
}

// SetRetention changes it; it is applied at the next start (or by
// ApplyRetention).
func (a *App) SetRetention(r Retention) error {
	if r.MetricsMonths < 0 || r.PostsMonths < 0 {
		return errors.New("the number of months cannot be negative; 0 keeps everything")
	}
	if r.MetricsMonths > maxRetentionMonths || r.PostsMonths > maxRetentionMonths {
		return errors.New("keep data for at most 1200 months, or 0 to keep everything")
	}
	ctx := context.Background()
	if err := a.Store.SetSetting(ctx, settingRetainMetrics, strconv.Itoa(r.MetricsMonths)); err != nil {
		return err
	}
	return a.Store.SetSetting(ctx, settingRetainPosts, strconv.Itoa(r.PostsMonths))
}

// ApplyRetention deletes readings older than MetricsMonths and published
// posts that went out more than PostsMonths ago (by the App's clock).
// Drafts, scheduled, failed and other unpublished posts are never deleted,
// and nothing is deleted at the networks. Start runs it.
func (a *App) ApplyRetention(ctx context.Context) (Pruned, error) {
	r := a.Retention()
	if r.MetricsMonths == 0 && r.PostsMonths == 0 {
		return Pruned{}, nil
	}
	var readingsBefore, postsBefore time.Time // zero: keep
	if r.MetricsMonths > 0 {
		readingsBefore = a.now().AddDate(0, -r.MetricsMonths, 0)
	}
	if r.PostsMonths > 0 {
		postsBefore = a.now().AddDate(0, -r.PostsMonths, 0)
	}
	readings, posts, err := a.Store.Prune(ctx, readingsBefore, postsBefore)
	if err != nil {
		return Pruned{}, err
	}
	return Pruned{Readings: readings, Posts: posts}, nil
}
