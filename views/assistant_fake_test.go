package views

import (
	"context"
	"sync"
	"testing"
	"time"

	"localpost/app"
)

// fakeAssist answers the assistCore calls of fakeCore. SetAssistant
// records its calls and stores them unless setErr (a key given makes
// HasKey, keepKey false without a key clears it); TestAssistant counts
// and returns testAnswer or testErr. Assist records each request, then
// hands each of deltas (the text so far) to onDelta and signals sent;
// with hold set it then waits for a value on hold, or for ctx (recording
// ctx.Err() in ctxErr and returning it). It returns err, else answer.
// SuggestHashtags records the texts and returns hashtags; AssistTips
// records the drafts and returns tips.
type fakeAssist struct {
	mu sync.Mutex

	settings   app.AssistantSettings
	sets       []assistSet
	setErr     error
	testAnswer string
	testErr    error
	tested     int

	requests []app.AssistRequest
	deltas   []string
	sent     chan int // the index of each delta handed over
	hold     chan struct{}
	answer   string
	err      error
	ctxErr   error

	hashtags    []string
	hashtagAsks []string
	tips        []app.AssistTip
	tipDrafts   []app.Draft
}

type assistSet struct {
	endpoint, model, key string
	keep                 bool
}

func (f *fakeCore) Assistant() app.AssistantSettings {
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	return f.as.settings
}

func (f *fakeCore) SetAssistant(endpoint, model, key string, keep bool) error {
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	f.as.sets = append(f.as.sets, assistSet{endpoint, model, key, keep})
	if f.as.setErr != nil {
		return f.as.setErr
	}
	hasKey := key != "" || keep && f.as.settings.HasKey
	f.as.settings = app.AssistantSettings{Endpoint: endpoint, Model: model, HasKey: hasKey}
	return nil
}

func (f *fakeCore) TestAssistant(context.Context) (string, error) {
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	f.as.tested++
	return f.as.testAnswer, f.as.testErr
}

func (f *fakeCore) Assist(ctx context.Context, req app.AssistRequest, onDelta func(string)) (string, error) {
	f.as.mu.Lock()
	f.as.requests = append(f.as.requests, req)
	deltas, sent, hold, answer, err := f.as.deltas, f.as.sent, f.as.hold, f.as.answer, f.as.err
	f.as.mu.Unlock()
	for i, d := range deltas {
		onDelta(d)
		if sent != nil {
			sent <- i
		}
		if hold == nil {
			continue
		}
		select {
		case <-hold:
		case <-ctx.Done():
			f.as.mu.Lock()
			f.as.ctxErr = ctx.Err()
			f.as.mu.Unlock()
			return "", ctx.Err()
		}
	}
	if err != nil {
		return "", err
	}
	return answer, nil
}

func (f *fakeCore) SuggestHashtags(_ context.Context, text string, _ int) ([]string, error) {
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	f.as.hashtagAsks = append(f.as.hashtagAsks, text)
	return f.as.hashtags, nil
}

func (f *fakeCore) AssistTips(_ context.Context, d app.Draft) []app.AssistTip {
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	f.as.tipDrafts = append(f.as.tipDrafts, d)
	return f.as.tips
}

// assistRequests is a copy of the requests Assist received.
func (f *fakeCore) assistRequests() []app.AssistRequest {
	f.as.mu.Lock()
	defer f.as.mu.Unlock()
	return append([]app.AssistRequest(nil), f.as.requests...)
}

// waitDelta waits until Assist has handed over delta i.
func (f *fakeCore) waitDelta(t *testing.T, i int) {
	t.Helper()
	select {
	case got := <-f.as.sent:
		if got != i {
			t.Fatalf("delta %d handed over, want %d", got, i)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Assist did not hand over delta %d", i)
	}
}
