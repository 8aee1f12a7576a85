package views

import (
	"context"
	"sync"

	"localpost/app"
)

// fakeData answers the dataCore calls of fakeCore. DataSummary returns
// summary. ExportArchive records its paths, reports progress, signals
// exportStarted, then (when exportBlock) waits for ctx and records its
// error, and returns exportErr. WipePlan returns plan; RevokeAll and
// WipeWork count their calls (in order, in calls) and WipeWork returns
// work. DisconnectAccount records its calls and returns revoked.
// SetRetention records its calls; BackupNow adds a backup.
type fakeData struct {
	mu      sync.Mutex
	summary app.DataSummary

	exportPaths   []string
	progress      []app.ArchiveProgress
	exportStarted chan struct{}
	exportBlock   bool
	exportCtxErr  error
	exportErr     error

	plan    app.WipeReport
	work    func(dataDir string) (string, error)
	workErr error
	calls   []string

	disconnects []disconnectCall
	revoked     bool

	retention    app.Retention
	retentionSet []app.Retention
	backups      []app.Backup
	backupsMade  int
}

type disconnectCall struct {
	id   int64
	keep bool
}

func (f *fakeCore) DataSummary(context.Context) (app.DataSummary, error) {
	f.yd.mu.Lock()
	defer f.yd.mu.Unlock()
	return f.yd.summary, nil
}

func (f *fakeCore) ExportArchive(ctx context.Context, path string, progress func(app.ArchiveProgress)) error {
	f.yd.mu.Lock()
	f.yd.exportPaths = append(f.yd.exportPaths, path)
	steps, started, block, err := f.yd.progress, f.yd.exportStarted, f.yd.exportBlock, f.yd.exportErr
	f.yd.mu.Unlock()
	for _, p := range steps {
		progress(p)
	}
	if started != nil {
		started <- struct{}{}
	}
	if block {
		<-ctx.Done()
		f.yd.mu.Lock()
		f.yd.exportCtxErr = ctx.Err()
		f.yd.mu.Unlock()
		return ctx.Err()
	}
	return err
}

func (f *fakeCore) WipePlan(context.Context) (app.WipeReport, error) {
	f.yd.mu.Lock()
	defer f.yd.mu.Unlock()
	f.yd.calls = append(f.yd.calls, "WipePlan")
	return f.yd.plan, nil
}

func (f *fakeCore) RevokeAll(context.Context) (revoked, notRevoked []string) {
	f.yd.mu.Lock()
	defer f.yd.mu.Unlock()
	f.yd.calls = append(f.yd.calls, "RevokeAll")
	return f.yd.plan.Revoked, f.yd.plan.NotRevoked
}

func (f *fakeCore) WipeWork(context.Context) (func(dataDir string) (string, error), error) {
	f.yd.mu.Lock()
	defer f.yd.mu.Unlock()
	f.yd.calls = append(f.yd.calls, "WipeWork")
	return f.yd.work, f.yd.workErr
}

func (f *fakeCore) DisconnectAccount(_ context.Context, id int64, keep bool) (bool, error) {
	f.yd.mu.Lock()
	f.yd.disconnects = append(f.yd.disconnects, disconnectCall{id, keep})
	revoked := f.yd.revoked
	f.yd.mu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, a := range f.accounts {
		if a.ID == id && !keep {
			f.accounts = append(f.accounts[:i], f.accounts[i+1:]...)
			break
		}
	}
	return revoked, nil
}

func (f *fakeCore) Retention() app.Retention {
	f.yd.mu.Lock()
	defer f.yd.mu.Unlock()
	return f.yd.retention
}

func (f *fakeCore) SetRetention(r app.Retention) error {
	f.yd.mu.Lock()
	defer f.yd.mu.Unlock()
	f.yd.retentionSet = append(f.yd.retentionSet, r)
	f.yd.retention = r
	return nil
}

func (f *fakeCore) Backups(context.Context) ([]app.Backup, error) {
	f.yd.mu.Lock()
	defer f.yd.mu.Unlock()
	return append([]app.Backup(nil), f.yd.backups...), nil
}

func (f *fakeCore) BackupNow(context.Context) (app.Backup, error) {
	f.yd.mu.Lock()
	defer f.yd.mu.Unlock()
	f.yd.backupsMade++
	b := app.Backup{Name: "new.db", Path: "/data/backups/new.db", Size: 4096}
	f.yd.backups = append([]app.Backup{b}, f.yd.backups...)
	return b, nil
}
