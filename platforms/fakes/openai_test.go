package fakes_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"localpost/platforms/fakes"
)

func newOpenAI(t *testing.T) *fakes.OpenAI {
	t.Helper()
	f := fakes.NewOpenAI()
	t.Cleanup(f.Close)
	return f
}

// postChat sends a chat request to the fake and returns the answer.
func postChat(t *testing.T, f *fakes.OpenAI, key string, body map[string]any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, f.Endpoint()+"/chat/completions", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func chatOf(system, user string, stream bool) map[string]any {
	return map[string]any{"model": fakes.OpenAIDemoModel, "stream": stream, "messages": []map[string]string{
		{"role": "system", "content": system}, {"role": "user", "content": user},
	}}
}

// wholeAnswer reads choices[0].message.content of a JSON answer.
func wholeAnswer(t *testing.T, resp *http.Response) string {
	t.Helper()
	var v struct {
		Object  string `json:"object"`
		Choices []struct {
			Message      struct{ Role, Content string }
			FinishReason string `json:"finish_reason"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Object != "chat.completion" || len(v.Choices) != 1 || v.Choices[0].Message.Role != "assistant" || v.Choices[0].FinishReason != "stop" {
		t.Fatalf("answer %+v", v)
	}
	return v.Choices[0].Message.Content
}

func TestOpenAIModels(t *testing.T) {
	f := newOpenAI(t)
	f.Models("llama3.2", "mistral")
	resp, err := http.Get(f.Endpoint() + "/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Object string
		Data   []struct{ ID, Object string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Object != "list" || len(v.Data) != 2 || v.Data[0].ID != "llama3.2" || v.Data[1].Object != "model" {
		t.Errorf("models %+v", v)
	}
}

// A streamed answer is the chunks OpenAI sends — a role delta, content
// deltas, a finish_reason "stop" chunk, "data: [DONE]" — and joins to the
// same text as the JSON answer.
func TestOpenAIStreamsTheSameAnswer(t *testing.T) {
	f := newOpenAI(t)
	const text = "Fresh bread every morning. Come early!"
	whole := wholeAnswer(t, postChat(t, f, "", chatOf("Shorten the post.", text, false)))
	if whole != "Fresh bread every morning." {
		t.Fatalf("shortened %q", whole)
	}

	resp := postChat(t, f, "", chatOf("Shorten the post.", text, true))
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	var joined strings.Builder
	var events []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		payload, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("line %q", line)
		}
		if payload == "[DONE]" {
			events = append(events, "done")
			continue
		}
		var ch struct {
			Object  string
			Choices []struct {
				Delta        struct{ Role, Content string }
				FinishReason *string `json:"finish_reason"`
			}
		}
		if err := json.Unmarshal([]byte(payload), &ch); err != nil || ch.Object != "chat.completion.chunk" || len(ch.Choices) != 1 {
			t.Fatalf("chunk %s: %v", payload, err)
		}
		c := ch.Choices[0]
		switch {
		case c.Delta.Role == "assistant":
			events = append(events, "role")
		case c.FinishReason != nil:
			events = append(events, "finish:"+*c.FinishReason)
		default:
			events = append(events, "content")
			joined.WriteString(c.Delta.Content)
		}
	}
	if joined.String() != whole {
		t.Errorf("stream joins to %q, want %q", joined.String(), whole)
	}
	if len(events) < 5 || events[0] != "role" || !slices.Equal(events[len(events)-2:], []string{"finish:stop", "done"}) {
		t.Errorf("events %q", events)
	}
	r := f.ChatRequests()
	if len(r) != 2 || !r[1].Stream || r[0].Stream || !slices.Equal(r[1].Fields, []string{"messages", "model", "stream"}) {
		t.Errorf("recorded %+v", r)
	}
}

// The answers follow the task in the system message.
func TestOpenAIAnswersByTask(t *testing.T) {
	f := newOpenAI(t)
	const text = "We bake sourdough bread. Our croissants sell out early."
	cases := []struct{ system, user, want string }{
		{"Fix spelling, grammar and punctuation only.", "teh cofee is wierd", "the coffee is weird"},
		{"Suggest three to five hashtags.", text, "#croissants #sourdough #bread"},
		{"Write three different versions of the post.", "Hi.", "Hi.\n---\nNew today: Hi.\n---\nHi. Come and see!"},
		{"Write alt text for an image.", "Bread on a shelf", "A photo of bread on a shelf."},
		{"Split the text into a thread of posts, each at most 30 characters.", text, "We bake sourdough bread.\n---\nOur croissants sell out early."},
		{"Rewrite the post in a playful tone.", "Hi.", "Guess what? Hi. 🎉"},
		{"Rewrite the post for X. The result must be at most 30 characters.", text, "We bake sourdough bread."},
		{"Rewrite the post for LinkedIn.", "Hi.", "Hi.\n\nWhat do you think?"},
		{"Expand the post.", "Hi.", "Hi. We would love to hear what you think."},
	}
	for _, c := range cases {
		if got := wholeAnswer(t, postChat(t, f, "", chatOf(c.system, c.user, false))); got != c.want {
			t.Errorf("%s → %q, want %q", c.system, got, c.want)
		}
	}
	f.Reply("")
	if got := wholeAnswer(t, postChat(t, f, "", chatOf("Shorten.", text, false))); got != "" {
		t.Errorf("Reply(\"\") answered %q", got)
	}
}

// openAIError reads {"error": {message, code}} and the status.
func openAIError(t *testing.T, resp *http.Response) (status int, msg, code string) {
	t.Helper()
	var v struct {
		Error struct {
			Message string
			Code    *string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Error.Code != nil {
		code = *v.Error.Code
	}
	return resp.StatusCode, v.Error.Message, code
}

func TestOpenAIErrors(t *testing.T) {
	f := newOpenAI(t)
	f.RequireKey("sk-right")
	if st, _, code := openAIError(t, postChat(t, f, "", chatOf("Shorten.", "Hi.", false))); st != 401 || code != "invalid_api_key" {
		t.Errorf("no key: %d %q", st, code)
	}
	if st, _, _ := openAIError(t, postChat(t, f, "sk-wrong", chatOf("Shorten.", "Hi.", false))); st != 401 {
		t.Errorf("wrong key: %d", st)
	}
	if got := wholeAnswer(t, postChat(t, f, "sk-right", chatOf("Shorten.", "Hi.", false))); got != "Hi." {
		t.Errorf("right key: %q", got)
	}
	for _, r := range f.Requests() {
		if strings.Contains(string(r.Body)+r.Auth, "sk-") {
			t.Errorf("the record keeps a key: %+v", r)
		}
	}
	f.RequireKey("")

	body := chatOf("Shorten.", "Hi.", false)
	body["model"] = "gpt-9"
	if st, msg, code := openAIError(t, postChat(t, f, "", body)); st != 404 || code != "model_not_found" || !strings.Contains(msg, "gpt-9") {
		t.Errorf("unknown model: %d %q %q", st, code, msg)
	}
	f.AnyModel()
	if got := wholeAnswer(t, postChat(t, f, "", body)); got != "Hi." {
		t.Errorf("AnyModel: %q", got)
	}

	f.RetryAfter(9 * time.Second)
	f.FailNext(http.StatusTooManyRequests, 2)
	for i := range 2 {
		resp := postChat(t, f, "", chatOf("Shorten.", "Hi.", false))
		if st, _, _ := openAIError(t, resp); st != 429 || resp.Header.Get("Retry-After") != "9" {
			t.Errorf("429 #%d: %d, Retry-After %q", i, st, resp.Header.Get("Retry-After"))
		}
	}
	if got := wholeAnswer(t, postChat(t, f, "", chatOf("Shorten.", "Hi.", false))); got != "Hi." {
		t.Errorf("after the failures: %q", got)
	}

	delete(body, "model")
	if st, _, _ := openAIError(t, postChat(t, f, "", body)); st != 400 {
		t.Errorf("no model: %d", st)
	}
	bad := chatOf("Shorten.", "Hi.", false)
	bad["messages"] = []map[string]string{{"role": "wizard", "content": "x"}}
	if st, _, _ := openAIError(t, postChat(t, f, "", bad)); st != 400 {
		t.Errorf("bad role: %d", st)
	}
}

func TestOpenAIMalformedAndNoStreaming(t *testing.T) {
	f := newOpenAI(t)
	f.NoStreaming()
	resp := postChat(t, f, "", chatOf("Shorten.", "Hi.", true))
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("NoStreaming answered %q", ct)
	}
	if got := wholeAnswer(t, resp); got != "Hi." {
		t.Errorf("%q", got)
	}
	f.Malformed()
	b, _ := io.ReadAll(postChat(t, f, "", chatOf("Shorten.", "Hi.", false)).Body)
	if json.Valid(b) {
		t.Errorf("Malformed answered valid JSON: %s", b)
	}
}
