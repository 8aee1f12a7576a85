package app

import (
	"context"
	"fmt"

	"localpost/data"
)

// DueSummary is what one `localpost publish-due` run did.
type DueSummary struct {
	Published, Failed, Waiting int
}

func (s DueSummary) String() string {
	return fmt.Sprintf("%d published, %d failed, %d waiting for you", s.Published, s.Failed, s.Waiting)
}

// PublishDue does once what the running app does continuously: recovers
// interrupted posts, applies the missed-post policy, hands later posts to
// networks that schedule themselves, publishes what is due and waits for
// it to finish. It is for the OS scheduler (cron, systemd timers, launchd,
// Task Scheduler) when the window is not open.
func (a *App) PublishDue(ctx context.Context) (DueSummary, error) {
	a.startedAt = a.now()
	before, err := a.countStates(ctx)
	if err != nil {
		return DueSummary{}, err
	}
	a.recoverInterrupted(ctx)
	a.catchUp(ctx)
	a.settleHandedOver(ctx)
	a.syncNative(ctx)
	a.handOverUpcoming(ctx)
	// Each network publishes one post at a time; go round until nothing
	// due is left that can start.
	// A round that leaves the same target first in line made no progress
	// (it cannot be claimed): stop rather than spin.
	var last int64
	for ctx.Err() == nil {
		a.publishDue(ctx)
		a.inflight.Wait()
		due, err := a.Store.DueTargets(ctx, a.now(), 1)
		if err != nil || len(due) == 0 || due[0].Target.ID == last {
			break
		}
		last = due[0].Target.ID
	}
	a.inflight.Wait()
	after, err := a.countStates(ctx)
	if err != nil {
		return DueSummary{}, err
	}
	return DueSummary{
		Published: after[data.StatePublished] - before[data.StatePublished],
		Failed:    after[data.StateFailed] - before[data.StateFailed],
		Waiting:   after[data.StateMissed] + after[data.StateUncertain],
	}, ctx.Err()
}

func (a *App) countStates(ctx context.Context) (map[data.TargetState]int, error) {
	out := map[data.TargetState]int{}
	for _, st := range []data.TargetState{data.StatePublished, data.StateFailed, data.StateMissed, data.StateUncertain} {
		ts, err := a.Store.TargetsInState(ctx, st)
		if err != nil {
			return nil, err
		}
		out[st] = len(ts)
	}
	return out, nil
}
