package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/fakes"
)

// newAssistApp is an App on a real SQLite file with the keyring mocked and
// the assistant pointed at a fresh fake (no key).
func newAssistApp(t *testing.T) (*App, *fakes.OpenAI) {
	t.Helper()
	keyring.MockInit()
	a, err := New(Config{DataDir: t.TempDir(), Secrets: data.Keyring()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	f := fakes.NewOpenAI()
	t.Cleanup(f.Close)
	if err := a.SetAssistant(f.Endpoint(), fakes.OpenAIDemoModel, "", false); err != nil {
		t.Fatal(err)
	}
	return a, f
}

// withTimeouts shortens Assist's timeouts for one call.
func withTimeouts(firstByte, idle, total time.Duration) context.Context {
	return context.WithValue(context.Background(), assistTimeoutsKey{}, assistTimeouts{firstByte: firstByte, idle: idle, total: total})
}

// assistErr asserts err is an *AssistError of kind and returns it.
func assistErr(t *testing.T, err error, kind string) *AssistError {
	t.Helper()
	var ae *AssistError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want an *AssistError of kind %q", err, err, kind)
	}
	if ae.kind != kind {
		t.Fatalf("kind %q (%s), want %q", ae.kind, ae.Message, kind)
	}
	if ae.Message == "" || ae.Error() != ae.Message {
		t.Fatalf("message %q", ae.Message)
	}
	return ae
}

const bakery = "Fresh bread every morning at our bakery. Come early for croissants! We open at 7."

// Every task streams: onDelta sees the text grow piece by piece, the whole
// answer comes back cleaned, and the request is exactly model, messages,
// stream (and a temperature where the task sets one).
func TestAssistStreamsEveryTask(t *testing.T) {
	a, f := newAssistApp(t)
	cases := []struct {
		req   AssistRequest
		check func(t *testing.T, got string)
	}{
		{AssistRequest{Task: AssistRewrite, Text: bakery, Network: platforms.X, Limit: 60}, func(t *testing.T, got string) {
			if got != "Fresh bread every morning at our bakery." {
				t.Errorf("rewrite for X: %q", got)
			}
		}},
		{AssistRequest{Task: AssistRewrite, Text: bakery, Network: platforms.LinkedIn, Limit: 3000}, func(t *testing.T, got string) {
			if got != bakery+"\n\nWhat do you think?" {
				t.Errorf("rewrite for LinkedIn: %q", got)
			}
		}},
		{AssistRequest{Task: AssistShorten, Text: bakery}, func(t *testing.T, got string) {
			if got != "Fresh bread every morning at our bakery." {
				t.Errorf("shorten: %q", got)
			}
		}},
		{AssistRequest{Task: AssistExpand, Text: bakery}, func(t *testing.T, got string) {
			if !strings.HasPrefix(got, bakery) || len(got) <= len(bakery) {
				t.Errorf("expand: %q", got)
			}
		}},
		{AssistRequest{Task: AssistSpelling, Text: "See you tommorow for cofee."}, func(t *testing.T, got string) {
			if got != "See you tomorrow for coffee." {
				t.Errorf("spelling: %q", got)
			}
		}},
		{AssistRequest{Task: AssistTone, Text: bakery, Tone: "professional"}, func(t *testing.T, got string) {
			if got != "We are pleased to share: "+bakery {
				t.Errorf("tone: %q", got)
			}
		}},
		{AssistRequest{Task: AssistHashtags, Text: bakery}, func(t *testing.T, got string) {
			if tags := ParseHashtags(got); !slices.Equal(tags, []string{"#croissants", "#morning", "#bakery"}) {
				t.Errorf("hashtags: %q → %q", got, tags)
			}
		}},
		{AssistRequest{Task: AssistVariants, Text: bakery}, func(t *testing.T, got string) {
			if v := SplitVariants(got); len(v) != 3 || v[0] != bakery {
				t.Errorf("variants: %q", v)
			}
		}},
		{AssistRequest{Task: AssistAltText, Text: "Two croissants on a blue plate"}, func(t *testing.T, got string) {
			if got != "A photo of two croissants on a blue plate." {
				t.Errorf("alt text: %q", got)
			}
		}},
		{AssistRequest{Task: AssistThread, Text: bakery, Network: platforms.Mastodon, Limit: 50}, func(t *testing.T, got string) {
			parts := SplitVariants(got)
			if len(parts) != 2 || strings.Join(parts, " ") != bakery {
				t.Errorf("thread: %q", parts)
			}
			for _, p := range parts {
				if len([]rune(p)) > 50 {
					t.Errorf("thread part over 50: %q", p)
				}
			}
		}},
	}
	for i, c := range cases {
		t.Run(string(c.req.Task), func(t *testing.T) {
			var deltas []string
			got, err := a.Assist(context.Background(), c.req, func(s string) { deltas = append(deltas, s) })
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, got)
			if len(deltas) < 2 {
				t.Fatalf("%d deltas, want the answer in pieces: %q", len(deltas), deltas)
			}
			for j := 1; j < len(deltas); j++ {
				if !strings.HasPrefix(deltas[j], deltas[j-1]) || len(deltas[j]) <= len(deltas[j-1]) {
					t.Fatalf("delta %d %q does not grow %q", j, deltas[j], deltas[j-1])
				}
			}
			if last := deltas[len(deltas)-1]; strings.TrimSpace(last) != got {
				t.Errorf("last delta %q, answer %q", last, got)
			}

			reqs := f.ChatRequests()
			if len(reqs) != i+1 {
				t.Fatalf("%d chat requests, want %d", len(reqs), i+1)
			}
			r := reqs[i]
			want := []string{"messages", "model", "stream"}
			if assistTemperature(c.req.Task) != nil {
				want = []string{"messages", "model", "stream", "temperature"}
			}
			if !slices.Equal(r.Fields, want) {
				t.Errorf("request fields %q, want %q", r.Fields, want)
			}
			if !r.Stream || r.Model != fakes.OpenAIDemoModel || r.Auth != "" {
				t.Errorf("request stream %v model %q auth %q", r.Stream, r.Model, r.Auth)
			}
			if !sameMessages(r.Messages, AssistMessages(c.req)) {
				t.Errorf("messages %q, want %q", r.Messages, AssistMessages(c.req))
			}
		})
	}
}

func sameMessages(got []fakes.OpenAIMessage, want []ChatMessage) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].Role != want[i].Role || got[i].Content != want[i].Content {
			return false
		}
	}
	return true
}

// A server that answers one JSON object although asked to stream gives
// the same answer, seen by onDelta once.
func TestAssistTakesAWholeJSONAnswer(t *testing.T) {
	a, f := newAssistApp(t)
	f.NoStreaming()
	var deltas []string
	got, err := a.Assist(context.Background(), AssistRequest{Task: AssistShorten, Text: bakery}, func(s string) { deltas = append(deltas, s) })
	if err != nil {
		t.Fatal(err)
	}
	if got != "Fresh bread every morning at our bakery." || !slices.Equal(deltas, []string{got}) {
		t.Errorf("answer %q, deltas %q", got, deltas)
	}
}

// With accounts, posts and a key in place, what reaches the endpoint is
// the instruction and the text being edited: no handle, name, other post,
// path or token, and no other host is contacted.
func TestAssistSendsOnlyTheTextAndTheInstruction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	other := "OTHER-POST-7781 about our secret menu"
	if _, err := e.app.SaveDraft(ctx, Draft{Text: other, AccountIDs: []int64{acc.ID}}); err != nil {
		t.Fatal(err)
	}
	cred, err := e.app.credential(acc)
	if err != nil {
		t.Fatal(err)
	}
	f := fakes.NewOpenAI()
	t.Cleanup(f.Close)
	const key = "sk-test-7Hq2-never-in-a-body"
	if err := e.app.SetAssistant(f.Endpoint(), fakes.OpenAIDemoModel, key, false); err != nil {
		t.Fatal(err)
	}
	before := e.guard.seen()

	text := "Our new oat latte is here. Try it this week!"
	reqs := []AssistRequest{
		{Task: AssistRewrite, Text: text, Network: platforms.Mastodon, Limit: 500},
		{Task: AssistHashtags, Text: text},
		{Task: AssistAltText, Text: "A latte with leaf art"},
	}
	for _, r := range reqs {
		if _, err := e.app.Assist(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.app.TestAssistant(ctx); err != nil {
		t.Fatal(err)
	}

	got := f.Requests()
	if len(got) != len(reqs)+1 {
		t.Fatalf("%d requests, want %d", len(got), len(reqs)+1)
	}
	for i, r := range got[:len(reqs)] {
		if !sameMessages(r.Messages, AssistMessages(reqs[i])) || len(r.Messages) != 2 ||
			r.Messages[0].Role != "system" || r.Messages[1].Content != strings.TrimSpace(reqs[i].Text) {
			t.Errorf("request %d messages %q", i, r.Messages)
		}
		if !slices.Equal(r.Fields, []string{"messages", "model", "stream"}) {
			t.Errorf("request %d fields %q", i, r.Fields)
		}
	}
	for i, r := range got {
		if r.Auth != "Bearer" {
			t.Errorf("request %d auth %q, want Bearer", i, r.Auth)
		}
		body := string(r.Body)
		for _, leak := range []string{acc.Handle, acc.DisplayName, other, "OTHER-POST", e.dir, cred.AccessToken, key, e.fake.URL} {
			if leak != "" && strings.Contains(body, leak) {
				t.Errorf("request %d to %s carries %q: %s", i, r.Path, leak, body)
			}
		}
	}
	after := e.guard.seen()
	fakeHost := strings.TrimPrefix(f.URL, "http://")
	for h, n := range after {
		if h != fakeHost && n != before[h] {
			t.Errorf("the assistant talked to %s", h)
		}
	}
	if after[fakeHost] != len(got) {
		t.Errorf("%d calls to the endpoint, the fake saw %d", after[fakeHost], len(got))
	}
}

// Every failure is an *AssistError with a plain message; the answer is "".
func TestAssistErrors(t *testing.T) {
	ctx := context.Background()
	req := AssistRequest{Task: AssistShorten, Text: bakery}

	t.Run("unreachable", func(t *testing.T) {
		a, _ := newAssistApp(t)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		if err := a.SetAssistant("http://"+addr+"/v1", "m", "", false); err != nil {
			t.Fatal(err)
		}
		got, err := a.Assist(ctx, req, nil)
		e := assistErr(t, err, "unreachable")
		if got != "" || !strings.Contains(e.Message, addr) || !strings.Contains(e.Message, "nothing answers") {
			t.Errorf("%q, %q", got, e.Message)
		}
	})
	t.Run("401 without a key", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.RequireKey("sk-right")
		got, err := a.Assist(ctx, req, nil)
		e := assistErr(t, err, "key")
		if got != "" || e.Status != 401 || !strings.Contains(e.Message, "asks for an API key") {
			t.Errorf("%q, %+v", got, e)
		}
	})
	t.Run("401 wrong key", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.RequireKey("sk-right")
		if err := a.SetAssistant(f.Endpoint(), fakes.OpenAIDemoModel, "sk-wrong-5521", false); err != nil {
			t.Fatal(err)
		}
		got, err := a.Assist(ctx, req, nil)
		e := assistErr(t, err, "key")
		if got != "" || !strings.Contains(e.Message, "refused the API key") || strings.Contains(e.Message, "sk-wrong") {
			t.Errorf("%q, %q", got, e.Message)
		}
	})
	t.Run("unknown model", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.Models("llama3.2", "mistral:7b")
		got, err := a.Assist(ctx, req, nil)
		e := assistErr(t, err, "model")
		for _, want := range []string{fakes.OpenAIDemoModel, "llama3.2", "mistral:7b"} {
			if !strings.Contains(e.Message, want) {
				t.Errorf("message %q does not name %q", e.Message, want)
			}
		}
		if got != "" || e.Status != 404 {
			t.Errorf("%q, %d", got, e.Status)
		}
	})
	t.Run("wrong address", func(t *testing.T) {
		a, f := newAssistApp(t)
		if err := a.SetAssistant(f.URL, fakes.OpenAIDemoModel, "", false); err != nil { // without /v1
			t.Fatal(err)
		}
		_, err := a.Assist(ctx, req, nil)
		if e := assistErr(t, err, "address"); !strings.Contains(e.Message, "/v1") {
			t.Errorf("%q", e.Message)
		}
	})
	t.Run("429", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.RetryAfter(17 * time.Second)
		f.FailNext(http.StatusTooManyRequests, 1)
		got, err := a.Assist(ctx, req, nil)
		e := assistErr(t, err, "rate")
		if got != "" || e.Status != 429 || e.RetryAfter != 17*time.Second || !strings.Contains(e.Message, "17 seconds") {
			t.Errorf("%q, %+v", got, e)
		}
		// The next request goes through.
		if got, err := a.Assist(ctx, req, nil); err != nil || got == "" {
			t.Errorf("after the limit: %q, %v", got, err)
		}
	})
	t.Run("500", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.FailNext(http.StatusInternalServerError, 1)
		got, err := a.Assist(ctx, req, nil)
		if e := assistErr(t, err, "server"); got != "" || e.Status != 500 || !strings.Contains(e.Message, "HTTP 500") {
			t.Errorf("%q, %+v", got, e)
		}
	})
	t.Run("no first byte", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.SlowFirstByte(time.Hour)
		got, err := a.Assist(withTimeouts(100*time.Millisecond, time.Minute, time.Minute), req, nil)
		if assistErr(t, err, "first_byte"); got != "" {
			t.Errorf("%q", got)
		}
	})
	t.Run("stream stalls", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.StallStream()
		var seen []string
		got, err := a.Assist(withTimeouts(time.Minute, 100*time.Millisecond, time.Minute), req, func(s string) { seen = append(seen, s) })
		if assistErr(t, err, "idle"); got != "" || !slices.Equal(seen, []string{"Thinking"}) {
			t.Errorf("%q, deltas %q", got, seen)
		}
	})
	t.Run("stream never ends", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.EndlessStream()
		n := 0
		got, err := a.Assist(withTimeouts(time.Minute, time.Minute, 300*time.Millisecond), req, func(string) { n++ })
		if assistErr(t, err, "total"); got != "" || n == 0 {
			t.Errorf("%q after %d deltas", got, n)
		}
	})
	t.Run("malformed stream", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.Malformed()
		got, err := a.Assist(ctx, req, nil)
		if assistErr(t, err, "malformed"); got != "" {
			t.Errorf("%q", got)
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.Malformed()
		f.NoStreaming()
		got, err := a.Assist(ctx, req, nil)
		if assistErr(t, err, "malformed"); got != "" {
			t.Errorf("%q", got)
		}
	})
	t.Run("empty answer", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.Reply(" \"\" ")
		got, err := a.Assist(ctx, req, nil)
		if assistErr(t, err, "empty"); got != "" {
			t.Errorf("%q", got)
		}
	})
	t.Run("no text", func(t *testing.T) {
		a, f := newAssistApp(t)
		_, err := a.Assist(ctx, AssistRequest{Task: AssistShorten, Text: "  \n"}, nil)
		assistErr(t, err, "input")
		_, err = a.Assist(ctx, AssistRequest{Task: AssistTone, Text: bakery, Tone: "angry"}, nil)
		assistErr(t, err, "input")
		if n := len(f.Requests()); n != 0 {
			t.Errorf("%d requests for nothing to do", n)
		}
	})
	t.Run("off", func(t *testing.T) {
		a, f := newAssistApp(t)
		if err := a.SetAssistant("", fakes.OpenAIDemoModel, "", false); err != nil {
			t.Fatal(err)
		}
		if got, err := a.Assist(ctx, req, nil); !errors.Is(err, ErrAssistantOff) || got != "" {
			t.Errorf("%q, %v", got, err)
		}
		if _, err := a.TestAssistant(ctx); !errors.Is(err, ErrAssistantOff) {
			t.Errorf("test: %v", err)
		}
		if n := len(f.Requests()); n != 0 {
			t.Errorf("%d requests while off", n)
		}
	})
}

// Cancelling mid-stream ends Assist with context.Canceled (under the
// default timeouts, which would take minutes).
func TestAssistCancelMidStream(t *testing.T) {
	a, f := newAssistApp(t)
	f.EndlessStream()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	n := 0
	go func() {
		text, err := a.Assist(ctx, AssistRequest{Task: AssistExpand, Text: bakery}, func(string) {
			if n++; n == 3 {
				cancel()
			}
		})
		done <- result{text, err}
	}()
	select {
	case r := <-done:
		if !errors.Is(r.err, context.Canceled) || r.text != "" {
			t.Errorf("%q, %v", r.text, r.err)
		}
		if n < 3 {
			t.Errorf("%d deltas before the end", n)
		}
	case <-time.After(20 * time.Second): // a safety limit, far above the few chunks it takes
		t.Fatal("Assist did not return after cancel")
	}
}

// The API key lives in the keyring only: not in the database file, never
// in an error, listed for Delete everything while it exists.
func TestAssistantKeyOnlyInKeyring(t *testing.T) {
	a, f := newAssistApp(t)
	ctx := context.Background()
	const key = "sk-test-Zq81-keyring-only"
	if err := a.SetAssistant(f.Endpoint()+"/", fakes.OpenAIDemoModel, key, false); err != nil {
		t.Fatal(err)
	}
	if s := a.Assistant(); s != (AssistantSettings{Endpoint: f.Endpoint(), Model: fakes.OpenAIDemoModel, HasKey: true}) {
		t.Fatalf("settings %+v", s)
	}
	if got, err := a.secrets.Get(assistantKeyName); err != nil || got != key {
		t.Fatalf("keyring %q, %v", got, err)
	}
	if keys, err := a.SecretKeys(ctx); err != nil || !slices.Contains(keys, assistantKeyName) {
		t.Errorf("SecretKeys %q, %v", keys, err)
	}

	// Errors of every kind a key could leak into.
	f.RequireKey("sk-another")
	_, err401 := a.Assist(ctx, AssistRequest{Task: AssistShorten, Text: bakery}, nil)
	_, errTest := a.TestAssistant(ctx)
	f.RequireKey("")
	f.FailNext(http.StatusInternalServerError, 1)
	_, err500 := a.Assist(ctx, AssistRequest{Task: AssistShorten, Text: bakery}, nil)
	for _, err := range []error{err401, errTest, err500} {
		if err == nil || strings.Contains(err.Error(), key) {
			t.Errorf("error %v", err)
		}
	}

	// Keeping, then removing, the key.
	if err := a.SetAssistant(f.Endpoint(), "other-model", "", true); err != nil {
		t.Fatal(err)
	}
	if s := a.Assistant(); !s.HasKey || s.Model != "other-model" {
		t.Errorf("kept: %+v", s)
	}
	db := readAll(t, a.DataDir()) // the database with its WAL
	if strings.Contains(db, key) {
		t.Fatal("the API key is in the data folder")
	}
	if !strings.Contains(db, f.Endpoint()) || !strings.Contains(db, "other-model") {
		t.Fatal("the settings are not in the data folder: the search above proves nothing")
	}
	if err := a.SetAssistant(f.Endpoint(), "other-model", "", false); err != nil {
		t.Fatal(err)
	}
	if a.Assistant().HasKey {
		t.Error("the key was not removed")
	}
	if keys, _ := a.SecretKeys(ctx); slices.Contains(keys, assistantKeyName) {
		t.Errorf("SecretKeys %q after removal", keys)
	}
}

func TestSetAssistantChecksTheAddress(t *testing.T) {
	a, f := newAssistApp(t)
	bad := []struct{ endpoint, model, key, want string }{
		{"localhost:11434", "m", "", "not a web address"},
		{"ftp://example.com/v1", "m", "", "not a web address"},
		{"http://", "m", "", "not a web address"},
		{"http://me:pw@localhost:11434/v1", "m", "", "user name or password"},
		{"http://localhost:11434/v1?x=1", "m", "", "query"},
		{f.Endpoint(), "", "", "model's name"},
		{"http://192.168.1.20:11434/v1", "m", "sk-x", "unencrypted"},
		{f.Endpoint(), "m", "sk with space", "spaces"},
	}
	for _, c := range bad {
		if err := a.SetAssistant(c.endpoint, c.model, c.key, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SetAssistant(%q, %q): %v, want %q", c.endpoint, c.model, err, c.want)
		} else if c.key != "" && strings.Contains(err.Error(), c.key) {
			t.Errorf("the error quotes the key: %v", err)
		}
	}
	if s := a.Assistant(); s != (AssistantSettings{Endpoint: f.Endpoint(), Model: fakes.OpenAIDemoModel}) {
		t.Errorf("a refused change changed the settings: %+v", s)
	}
	good := []struct{ in, want string }{
		{"http://localhost:11434/v1/", "http://localhost:11434/v1"},
		{" http://127.0.0.1:8080/v1/chat/completions ", "http://127.0.0.1:8080/v1"},
		{"https://api.openai.com/v1", "https://api.openai.com/v1"},
		{"http://192.168.1.20:11434/v1", "http://192.168.1.20:11434/v1"}, // no key: fine on the local network
	}
	for _, c := range good {
		if err := a.SetAssistant(c.in, "m", "", false); err != nil {
			t.Errorf("SetAssistant(%q): %v", c.in, err)
		} else if got := a.Assistant().Endpoint; got != c.want {
			t.Errorf("SetAssistant(%q) stored %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTestAssistant(t *testing.T) {
	ctx := context.Background()
	t.Run("ok", func(t *testing.T) {
		a, f := newAssistApp(t)
		msg, err := a.TestAssistant(ctx)
		if err != nil || msg != "Connected: "+fakes.OpenAIDemoModel+" is there." {
			t.Errorf("%q, %v", msg, err)
		}
		if r := f.Requests(); len(r) != 1 || r[0].Path != "/v1/models" {
			t.Errorf("requests %+v", r)
		}
	})
	t.Run("401", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.RequireKey("sk-right")
		msg, err := a.TestAssistant(ctx)
		if e := assistErr(t, err, "key"); msg != "" || e.Status != 401 {
			t.Errorf("%q, %+v", msg, e)
		}
	})
	t.Run("unknown model", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.Models("llama3.2", "qwen2.5:7b")
		_, err := a.TestAssistant(ctx)
		e := assistErr(t, err, "model")
		if !strings.Contains(e.Message, "llama3.2") || !strings.Contains(e.Message, "qwen2.5:7b") || !strings.Contains(e.Message, fakes.OpenAIDemoModel) {
			t.Errorf("%q", e.Message)
		}
	})
	t.Run("a server that takes any name", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.Models("/models/qwen2.5-7b-instruct-q4_k_m.gguf")
		f.AnyModel()
		msg, err := a.TestAssistant(ctx)
		if err != nil || !strings.Contains(msg, "Connected") {
			t.Fatalf("%q, %v", msg, err)
		}
		chats := f.ChatRequests()
		if len(chats) != 1 || !slices.Equal(chats[0].Fields, []string{"max_tokens", "messages", "model", "stream"}) ||
			len(chats[0].Messages) != 1 || chats[0].Messages[0].Content != "Reply with OK." {
			t.Errorf("the test question was %+v", chats)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		a, f := newAssistApp(t)
		f.Close()
		_, err := a.TestAssistant(ctx)
		assistErr(t, err, "unreachable")
	})
}

// readAnswer copes with how the servers really end and break streams.
func TestReadAnswer(t *testing.T) {
	cases := []struct {
		name, ctype, body, want, errKind string
		wantErr                          error
	}{
		{"no space after data:, no [DONE] after finish", "text/event-stream",
			"data:{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata:{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n", "Hi", "", nil},
		{"comments, events and CRLF", "text/event-stream",
			": ping\r\nevent: message\r\ndata: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"A \"}}]}\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"B\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n", "A B", "", nil},
		{"events under another type", "application/octet-stream",
			"data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n", "x", "", nil},
		{"whole JSON", "application/json",
			"{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Whole\"},\"finish_reason\":\"stop\"}]}", "Whole", "", nil},
		{"error inside the stream", "text/event-stream",
			"data: {\"error\":{\"message\":\"model crashed\"}}\n\n", "", "server", nil},
		{"Ollama's plain error", "application/json", "{\"error\":\"out of memory\"}", "", "server", nil},
		{"cut off", "text/event-stream", "data: {\"choices\":[{\"delta\":{\"content\":\"Half\"}}]}\n\n", "", "", io.ErrUnexpectedEOF},
		{"JSON without choices", "application/json", "{\"id\":\"x\"}", "", "malformed", nil},
		{"empty body", "application/json", "", "", "malformed", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := &http.Response{Header: http.Header{"Content-Type": {c.ctype}}, Body: io.NopCloser(bytes.NewReader([]byte(c.body)))}
			got, err := readAnswer(resp, func(string) {}, func() {})
			switch {
			case c.errKind != "":
				if e := assistErr(t, err, c.errKind); c.errKind == "server" && !strings.Contains(e.Message, "crashed") && !strings.Contains(e.Message, "out of memory") {
					t.Errorf("%q", e.Message)
				}
			case c.wantErr != nil:
				if !errors.Is(err, c.wantErr) {
					t.Errorf("error %v, want %v", err, c.wantErr)
				}
				if e := (assistCall{}).interrupted(context.Background(), context.Background(), err); e.(*AssistError).kind != "cut_off" {
					t.Errorf("interrupted: %v", e)
				}
			case err != nil || got != c.want:
				t.Errorf("%q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestCleanAnswer(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  Plain text.  ", "Plain text."},
		{"\"Quoted.\"", "Quoted."},
		{"“Curly.”", "Curly."},
		{"\"Two\" and \"three\"", "\"Two\" and \"three\""},
		{"```\nFenced\n```", "Fenced"},
		{"```text\nFenced with a language\n```", "Fenced with a language"},
		{"Here is a shorter version:\nShort.", "Short."},
		{"Sure! Here's the rewrite:\n\n\"Rewritten.\"", "Rewritten."},
		{"<think>Let me see…</think>\nAnswer.", "Answer."},
		{"Here is why we bake: love.", "Here is why we bake: love."},
	}
	for _, c := range cases {
		if got := cleanAnswer(c.in); got != c.want {
			t.Errorf("cleanAnswer(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSplitVariants(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"One\n---\nTwo\n---\nThree", []string{"One", "Two", "Three"}},
		{"Version 1: One\r\n-----\r\n**Version 2:** Two\n ---\n\"Three\"\n---\n", []string{"One", "Two", "Three"}},
		{"Only one — with a dash --- inside", []string{"Only one — with a dash --- inside"}},
		{"", nil},
	}
	for _, c := range cases {
		if got := SplitVariants(c.in); !slices.Equal(got, c.want) {
			t.Errorf("SplitVariants(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseHashtags(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"#coffee #Morning, #latte", []string{"#coffee", "#Morning", "#latte"}},
		{"Here are some: #café #CAFÉ #2026 #oat_milk", []string{"#café", "#oat_milk"}},
		{"coffee, morning latte", []string{"#coffee", "#morning", "#latte"}},
		{"#ShopLocal\n#shoplocal #SmallBusiness", []string{"#ShopLocal", "#SmallBusiness"}},
		{"", nil},
	}
	for _, c := range cases {
		if got := ParseHashtags(c.in); !slices.Equal(got, c.want) {
			t.Errorf("ParseHashtags(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"20":                            20 * time.Second,
		"-3":                            0,
		"Fri, 01 May 2026 12:01:30 GMT": 90 * time.Second,
		"Fri, 01 May 2026 11:00:00 GMT": 0,
		"soon":                          0,
	} {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// The instruction carries the task, the network's name and limit and the
// tone, and the user message is the text alone.
func TestAssistMessages(t *testing.T) {
	m := AssistMessages(AssistRequest{Task: AssistRewrite, Text: "  Hello there.  ", Network: platforms.X, Limit: 280})
	if len(m) != 2 || m[0].Role != "system" || m[1].Role != "user" || m[1].Content != "Hello there." {
		t.Fatalf("%q", m)
	}
	if !strings.Contains(m[0].Content, "for X") || !strings.Contains(m[0].Content, "at most 280 characters") {
		t.Errorf("rewrite instruction %q", m[0].Content)
	}
	m = AssistMessages(AssistRequest{Task: AssistTone, Text: "Hi", Tone: "playful"})
	if !strings.Contains(m[0].Content, "playful tone") {
		t.Errorf("tone instruction %q", m[0].Content)
	}
	m = AssistMessages(AssistRequest{Task: AssistThread, Text: "Hi", Network: platforms.Mastodon, Limit: 500})
	if !strings.Contains(m[0].Content, "thread of posts for Mastodon, each at most 500 characters") {
		t.Errorf("thread instruction %q", m[0].Content)
	}
}
