package fakes

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// PinterestStepAnalytics is GET /v5/pins/{pin_id}/analytics.
const PinterestStepAnalytics = "pin_analytics"

// FailAnalytics makes the next n GET /v5/pins/{pin_id}/analytics answer
// status (with Retry-After if retryAfter > 0) without reading anything.
func (f *Pinterest) FailAnalytics(n, status int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails[PinterestStepAnalytics] = &failKnob{n: n, status: status, after: retryAfter}
}

// pinMetricTypes are the standard and video Pin metric types of the
// description's metric_types enum.
var pinMetricTypes = []string{"IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE", "SAVE_RATE", "TOTAL_COMMENTS",
	"TOTAL_REACTIONS", "USER_FOLLOW", "PROFILE_VISIT", "VIDEO_MRC_VIEW", "VIDEO_AVG_WATCH_TIME", "VIDEO_V50_WATCH_TIME",
	"QUARTILE_95_PERCENT_VIEW", "VIDEO_10S_VIEW", "VIDEO_START"}

// followers is the account's follower_count; it grows with every read.
func (f *Pinterest) followers() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return 42 + grownCount("1022106146234561234", "followers", f.reads.next(""), 100, 3)
}

// pinAnalytics is GET /v5/pins/{pin_id}/analytics: the dates checked as
// the description says (start at most 90 days back from today, end at
// most 90 days after start), metric_types from its enum, the answer split
// NO_SPLIT under "all" with daily_metrics for every day of the range and
// their sums in summary_metrics. Every read of a Pin answers larger
// numbers than the one before. An unknown Pin is a 404.
func (f *Pinterest) pinAnalytics(w http.ResponseWriter, r *http.Request) {
	if f.failStep(w, PinterestStepAnalytics) || f.bearer(w, r, "boards:read", "pins:read") == nil {
		return
	}
	q := r.URL.Query()
	today, _ := time.Parse(time.DateOnly, time.Now().UTC().Format(time.DateOnly))
	start, err1 := time.Parse(time.DateOnly, q.Get("start_date"))
	end, err2 := time.Parse(time.DateOnly, q.Get("end_date"))
	switch {
	case err1 != nil || err2 != nil:
		pinError(w, http.StatusBadRequest, 1, "start_date and end_date must be dates as YYYY-MM-DD.")
		return
	case start.Before(today.AddDate(0, 0, -90)):
		pinError(w, http.StatusBadRequest, 1, "start_date cannot be more than 90 days back from today.")
		return
	case end.Before(start) || end.After(start.AddDate(0, 0, 90)):
		pinError(w, http.StatusBadRequest, 1, "end_date must be on or after start_date and at most 90 days past it.")
		return
	}
	var types []string
	for _, t := range strings.Split(q.Get("metric_types"), ",") {
		if !slices.Contains(pinMetricTypes, t) {
			pinError(w, http.StatusBadRequest, 1, "Invalid metric_types value: "+t)
			return
		}
		types = append(types, t)
	}
	id := r.PathValue("pin_id")
	f.mu.Lock()
	found := slices.ContainsFunc(f.pins, func(p PinterestPin) bool { return p.ID == id })
	var read int
	if found {
		read = f.reads.next(id)
	}
	f.mu.Unlock()
	if !found {
		pinError(w, http.StatusNotFound, 404, "Pin not found.")
		return
	}
	days := int(end.Sub(start)/(24*time.Hour)) + 1
	summary := map[string]any{}
	daily := make([]any, days)
	dayMetrics := make([]map[string]any, days)
	for i := range days {
		dayMetrics[i] = map[string]any{}
		daily[i] = map[string]any{"date": start.AddDate(0, 0, i).Format(time.DateOnly), "data_status": "READY", "metrics": dayMetrics[i]}
	}
	for _, t := range types {
		total := pinTotal(id, t, read)
		summary[t] = total
		// The total spread over the days, the rest on the last one.
		each := total / int64(days)
		for i := range days {
			dayMetrics[i][t] = each
		}
		dayMetrics[days-1][t] = total - each*int64(days-1)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"all": map[string]any{"daily_metrics": daily, "summary_metrics": summary, "lifetime_metrics": map[string]any{}},
	})
}

// pinTotal is a Pin's total of a metric type on its read-th read:
// impressions well above clicks and saves.
func pinTotal(id, typ string, read int) int64 {
	if typ == "IMPRESSION" {
		return 500 + grownCount(id, typ, read, 500, 200)
	}
	return grownCount(id, typ, read, 20, 4)
}
