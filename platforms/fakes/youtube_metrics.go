package fakes

import (
	"net/http"
	"strconv"
	"time"
)

// ytVideosMax is the most ids videos.list answers for at once (one page
// of at most 50); the fake refuses more.
const ytVideosMax = 50

// FailVideosList makes the next n videos.list calls answer status with
// Google's error body and the usual reason for it (429
// rateLimitExceeded, ...), with Retry-After if retryAfter > 0.
func (f *YouTube) FailVideosList(n, status int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steps["videos"] = &failKnob{n: n, status: status, after: retryAfter}
}

// failVideosList answers an injected FailVideosList failure, if one is due.
func (f *YouTube) failVideosList(w http.ResponseWriter) bool {
	f.mu.Lock()
	status, after, ok := f.steps["videos"].take()
	f.mu.Unlock()
	if !ok {
		return false
	}
	setRetryAfter(w, after)
	f.failWith(w, status)
	return true
}

// videoStatisticsLocked is a video's VideoStatistics (counts as strings,
// as YouTube sends uint64s); they grow with every read.
func (f *YouTube) videoStatisticsLocked(id string) map[string]any {
	n := f.reads.next(id)
	s := func(x int64) string { return strconv.FormatInt(x, 10) }
	return map[string]any{
		"viewCount":     s(200 + grownCount(id, "views", n, 300, 150)),
		"likeCount":     s(grownCount(id, "likes", n, 30, 6)),
		"favoriteCount": "0",
		"commentCount":  s(grownCount(id, "comments", n, 10, 2)),
	}
}

// channelStatistics is a channel's ChannelStatistics; the subscribers
// grow with every read.
func (f *YouTube) channelStatistics(id string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	videos := 0
	for _, v := range f.videos {
		if v.ChannelID == id {
			videos++
		}
	}
	return map[string]any{
		"viewCount":             strconv.FormatInt(5000+grownCount(id, "channel-views", f.reads.next(id), 1000, 200), 10),
		"subscriberCount":       strconv.FormatInt(120+grownCount(id, "subscribers", f.reads.next("subscribers:"+id), 50, 3), 10),
		"hiddenSubscriberCount": false,
		"videoCount":            strconv.Itoa(videos),
	}
}
