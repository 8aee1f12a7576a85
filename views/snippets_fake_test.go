package views

import (
	"context"
	"strings"
	"sync"

	"localpost/data"
)

// fakeLibrary answers the libraryCore calls of fakeCore: snippets in
// memory; Labels returns labels; Ideas returns ideas; NewIdea,
// DuplicatePost, DeleteWithUndo and UndoDelete record their calls.
// DeleteWithUndo offers undo unless the post is held (fakeCore.held);
// DuplicatePost returns the post copy; UndoDelete returns undoErr or the
// post from fakeCore.posts.
type fakeLibrary struct {
	mu         sync.Mutex
	snippets   []data.SavedSnippet
	nextID     int64
	labels     []data.Label
	ideas      []data.Idea
	newIdeas   []string
	duplicated []int64
	copy       data.Post
	deleted    []int64
	undone     []int64
	undoErr    error
}

func (f *fakeCore) Snippets(_ context.Context, kind data.SnippetKind) ([]data.SavedSnippet, error) {
	f.lib.mu.Lock()
	defer f.lib.mu.Unlock()
	var out []data.SavedSnippet
	for _, s := range f.lib.snippets {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeCore) SaveSnippet(_ context.Context, s data.SavedSnippet) (data.SavedSnippet, error) {
	f.lib.mu.Lock()
	defer f.lib.mu.Unlock()
	if s.Kind == data.SnippetHashtags {
		s.Body = data.HashtagBody(s.Body)
	}
	s.Name = strings.TrimSpace(s.Name)
	for i, old := range f.lib.snippets {
		if old.ID == s.ID {
			f.lib.snippets[i] = s
			return s, nil
		}
	}
	f.lib.nextID++
	s.ID = f.lib.nextID
	f.lib.snippets = append(f.lib.snippets, s)
	return s, nil
}

func (f *fakeCore) DeleteSnippet(_ context.Context, id int64) error {
	f.lib.mu.Lock()
	defer f.lib.mu.Unlock()
	for i, s := range f.lib.snippets {
		if s.ID == id {
			f.lib.snippets = append(f.lib.snippets[:i], f.lib.snippets[i+1:]...)
			return nil
		}
	}
	return data.ErrNotFound
}

func (f *fakeCore) Labels(context.Context) ([]data.Label, error) {
	f.lib.mu.Lock()
	defer f.lib.mu.Unlock()
	return append([]data.Label(nil), f.lib.labels...), nil
}

func (f *fakeCore) Ideas(context.Context) ([]data.Idea, error) {
	f.lib.mu.Lock()
	defer f.lib.mu.Unlock()
	return append([]data.Idea(nil), f.lib.ideas...), nil
}

func (f *fakeCore) NewIdea(_ context.Context, text string) (data.Post, error) {
	f.lib.mu.Lock()
	defer f.lib.mu.Unlock()
	f.lib.newIdeas = append(f.lib.newIdeas, text)
	id := int64(1000 + len(f.lib.newIdeas))
	f.lib.ideas = append([]data.Idea{{PostID: id, Snippet: data.Snippet("", text), State: data.StateDraft}}, f.lib.ideas...)
	return data.Post{ID: id, Text: text, State: data.StateDraft}, nil
}

func (f *fakeCore) DuplicatePost(_ context.Context, id int64) (data.Post, error) {
	f.lib.mu.Lock()
	defer f.lib.mu.Unlock()
	f.lib.duplicated = append(f.lib.duplicated, id)
	return f.lib.copy, nil
}

func (f *fakeCore) DeleteWithUndo(_ context.Context, id int64) (bool, error) {
	f.mu.Lock()
	held := len(f.held[id]) > 0
	f.mu.Unlock()
	f.lib.mu.Lock()
	defer f.lib.mu.Unlock()
	f.lib.deleted = append(f.lib.deleted, id)
	return !held, nil
}

func (f *fakeCore) UndoDelete(ctx context.Context, id int64) (data.Post, error) {
	f.lib.mu.Lock()
	f.lib.undone = append(f.lib.undone, id)
	err := f.lib.undoErr
	f.lib.mu.Unlock()
	if err != nil {
		return data.Post{}, err
	}
	return f.Post(ctx, id)
}
