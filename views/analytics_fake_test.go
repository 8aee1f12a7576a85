package views

import (
	"context"
	"sync"

	"localpost/app"
	"localpost/data"
)

// fakeAnalytics answers the analyticsCore calls of fakeCore. Dashboard and
// BestTimes record the filters asked and return dash and best (with the
// filter set); MetricHistory records the targets and returns
// history[target]; AddSuggestedSlot records its calls. SyncMetrics reports
// the steps in progress, signals syncStarted, then (when syncBlock) waits
// for ctx and records its error, and returns report.
type fakeAnalytics struct {
	mu           sync.Mutex
	dash         app.Dashboard
	best         app.BestTimes
	asked        []app.AnalyticsFilter // Dashboard's
	bestAsked    []app.AnalyticsFilter
	history      map[int64][]data.MetricPoint
	historyAsked []int64
	slots        []slotCall

	progress    []app.SyncProgress
	syncBlock   bool
	syncStarted chan struct{}
	syncCtxErr  error
	syncs       int
	report      app.SyncReport
}

type slotCall struct {
	accountIDs []int64
	s          app.SlotSuggestion
}

func (f *fakeCore) Dashboard(_ context.Context, flt app.AnalyticsFilter) (app.Dashboard, error) {
	f.an.mu.Lock()
	defer f.an.mu.Unlock()
	f.an.asked = append(f.an.asked, flt)
	d := f.an.dash
	d.Filter = flt
	return d, nil
}

func (f *fakeCore) BestTimes(_ context.Context, flt app.AnalyticsFilter) (app.BestTimes, error) {
	f.an.mu.Lock()
	defer f.an.mu.Unlock()
	f.an.bestAsked = append(f.an.bestAsked, flt)
	bt := f.an.best
	bt.To = flt.To
	if bt.From.IsZero() {
		bt.From = flt.To.Add(-app.BestTimesSpan)
	}
	return bt, nil
}

func (f *fakeCore) MetricHistory(_ context.Context, targetID int64) ([]data.MetricPoint, error) {
	f.an.mu.Lock()
	defer f.an.mu.Unlock()
	f.an.historyAsked = append(f.an.historyAsked, targetID)
	return f.an.history[targetID], nil
}

func (f *fakeCore) SyncMetrics(ctx context.Context, progress func(app.SyncProgress)) (app.SyncReport, error) {
	f.an.mu.Lock()
	f.an.syncs++
	steps, block, started, rep := f.an.progress, f.an.syncBlock, f.an.syncStarted, f.an.report
	f.an.mu.Unlock()
	for _, p := range steps {
		progress(p)
	}
	if started != nil {
		started <- struct{}{}
	}
	if block {
		<-ctx.Done()
		f.an.mu.Lock()
		f.an.syncCtxErr = ctx.Err()
		f.an.mu.Unlock()
		return rep, ctx.Err()
	}
	return rep, nil
}

func (f *fakeCore) AddSuggestedSlot(_ context.Context, accountIDs []int64, s app.SlotSuggestion) error {
	f.an.mu.Lock()
	defer f.an.mu.Unlock()
	f.an.slots = append(f.an.slots, slotCall{accountIDs, s})
	return nil
}
