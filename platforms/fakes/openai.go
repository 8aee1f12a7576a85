package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// OpenAI is an in-process OpenAI-compatible chat server on 127.0.0.1, the
// kind Ollama, llama.cpp's llama-server and LM Studio run under /v1:
// GET /v1/models and POST /v1/chat/completions, answered as one JSON
// object or, with "stream": true, as server-sent events (one
// chat.completion.chunk per "data:" line, choices[0].delta.content, a last
// chunk with finish_reason "stop", then "data: [DONE]"). It is safe for
// concurrent use.
//
// Its answers are derived from the request so tests and --demo see
// plausible, repeatable help: the task is read from the system message
// (shorten, expand, spelling, tone, hashtags, three versions, alt text,
// thread, rewrite) and a limit from its "at most N characters"; the text is
// the last user message. The knobs make it fail the ways real servers do.
type OpenAI struct {
	URL string // http://127.0.0.1:PORT; the OpenAI-compatible endpoint is Endpoint()

	srv *http.Server

	mu         sync.Mutex
	seq        int
	models     []string
	key        string // RequireKey; "" = none needed
	fail       failKnob
	retryAfter time.Duration
	slowFirst  time.Duration
	endless    bool
	stall      bool
	malformed  bool
	noStream   bool
	anyModel   bool
	reply      *string
	requests   []OpenAIRequest
}

// OpenAIDemoModel is the one model the fake has unless Models says others.
const OpenAIDemoModel = "localpost-writer"

// OpenAIRequest is a request the fake received. The API key is never kept:
// Auth is only the scheme that was sent ("Bearer" or "").
type OpenAIRequest struct {
	Method, Path string
	Auth         string
	Status       int // what the fake answered; 0 if the client went away first
	// Fields are the top-level keys of a JSON body, sorted.
	Fields      []string
	Model       string
	Messages    []OpenAIMessage
	Stream      bool
	Temperature *float64
	Body        []byte // the JSON body as sent
}

// OpenAIMessage is one message of a chat request.
type OpenAIMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// NewOpenAI starts the fake on a free port of 127.0.0.1. It panics if it
// cannot listen, like httptest.NewServer.
func NewOpenAI() *OpenAI {
	ln, base := mustListenFree("fakes: openai: ")
	f := &OpenAI{URL: base, models: []string{OpenAIDemoModel}}
	f.srv = serve(ln, http.HandlerFunc(f.serveHTTP))
	return f
}

// Close stops the fake and ends the streams it is still sending.
func (f *OpenAI) Close() { _ = f.srv.Close() }

// Endpoint is the base address a user would enter: URL + "/v1".
func (f *OpenAI) Endpoint() string { return f.URL + "/v1" }

// Models sets the models the server has (GET /v1/models); a chat naming
// another one is answered 404 model_not_found.
func (f *OpenAI) Models(names ...string) {
	f.mu.Lock()
	f.models = slices.Clone(names)
	f.mu.Unlock()
}

// RequireKey makes every request need "Authorization: Bearer key"; ""
// lifts it.
func (f *OpenAI) RequireKey(key string) {
	f.mu.Lock()
	f.key = key
	f.mu.Unlock()
}

// FailNext makes the next n requests answer status with an OpenAI error
// body (429 with Retry-After, see RetryAfter).
func (f *OpenAI) FailNext(status, n int) {
	f.mu.Lock()
	f.fail = failKnob{n: n, status: status, after: f.retryAfter}
	f.mu.Unlock()
}

// RetryAfter sets the Retry-After that failures from FailNext carry (0 =
// none); call it before FailNext.
func (f *OpenAI) RetryAfter(d time.Duration) {
	f.mu.Lock()
	f.retryAfter = d
	f.fail.after = d
	f.mu.Unlock()
}

// SlowFirstByte makes the chat endpoint wait d (or until the client goes
// away) before it sends anything, headers included.
func (f *OpenAI) SlowFirstByte(d time.Duration) {
	f.mu.Lock()
	f.slowFirst = d
	f.mu.Unlock()
}

// EndlessStream makes streamed answers never end: a chunk every few
// milliseconds until the client goes away.
func (f *OpenAI) EndlessStream() {
	f.mu.Lock()
	f.endless = true
	f.mu.Unlock()
}

// StallStream makes streamed answers send their first chunk and then
// nothing more, the connection left open until the client goes away.
func (f *OpenAI) StallStream() {
	f.mu.Lock()
	f.stall = true
	f.mu.Unlock()
}

// Malformed makes chat answers unreadable: a JSON body that does not
// parse, or a stream whose chunks do not.
func (f *OpenAI) Malformed() {
	f.mu.Lock()
	f.malformed = true
	f.mu.Unlock()
}

// NoStreaming makes the chat endpoint answer one JSON object even when
// asked to stream, as some servers do.
func (f *OpenAI) NoStreaming() {
	f.mu.Lock()
	f.noStream = true
	f.mu.Unlock()
}

// AnyModel makes the chat endpoint answer whatever model is named, as
// llama.cpp's server does (it serves the one model it loaded); GET
// /v1/models still lists only Models.
func (f *OpenAI) AnyModel() {
	f.mu.Lock()
	f.anyModel = true
	f.mu.Unlock()
}

// Reply makes every chat answer text, whatever was asked ("" = an empty
// answer).
func (f *OpenAI) Reply(text string) {
	f.mu.Lock()
	f.reply = &text
	f.mu.Unlock()
}

// Requests returns what the fake received, in order.
func (f *OpenAI) Requests() []OpenAIRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]OpenAIRequest, len(f.requests))
	for i, r := range f.requests {
		r.Fields = slices.Clone(r.Fields)
		r.Messages = slices.Clone(r.Messages)
		r.Body = slices.Clone(r.Body)
		out[i] = r
	}
	return out
}

// ChatRequests returns the chat completion requests the fake received.
func (f *OpenAI) ChatRequests() []OpenAIRequest {
	var out []OpenAIRequest
	for _, r := range f.Requests() {
		if r.Path == "/v1/chat/completions" {
			out = append(out, r)
		}
	}
	return out
}

// oaiStatus records the status of the request at index i.
func (f *OpenAI) oaiStatus(i, status int) {
	f.mu.Lock()
	f.requests[i].Status = status
	f.mu.Unlock()
}

func (f *OpenAI) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rec := OpenAIRequest{Method: r.Method, Path: r.URL.Path}
	if a := r.Header.Get("Authorization"); a != "" {
		rec.Auth, _, _ = strings.Cut(a, " ")
	}
	body := keepBody(r, 1<<20)
	var chat struct {
		Model       string          `json:"model"`
		Messages    []OpenAIMessage `json:"messages"`
		Stream      bool            `json:"stream"`
		Temperature *float64        `json:"temperature"`
	}
	var bodyErr error
	if len(body) > 0 {
		rec.Body = body
		var fields map[string]json.RawMessage
		if bodyErr = json.Unmarshal(body, &fields); bodyErr == nil {
			for k := range fields {
				rec.Fields = append(rec.Fields, k)
			}
			slices.Sort(rec.Fields)
			bodyErr = json.Unmarshal(body, &chat)
		}
		rec.Model, rec.Messages, rec.Stream, rec.Temperature = chat.Model, chat.Messages, chat.Stream, chat.Temperature
	}

	f.mu.Lock()
	idx := len(f.requests)
	f.requests = append(f.requests, rec)
	key, models, anyModel := f.key, slices.Clone(f.models), f.anyModel
	f.mu.Unlock()
	status := func(s int) { f.oaiStatus(idx, s) }

	if auth := r.Header.Get("Authorization"); key != "" && auth != "Bearer "+key {
		status(http.StatusUnauthorized)
		// Echoing what was sent, as some proxies do, lets tests check that
		// a client never shows a server's words about the key.
		msg := "You didn't provide an API key."
		if sent, ok := strings.CutPrefix(auth, "Bearer "); ok {
			msg = "Incorrect API key provided: " + sent + ". You can find your API key in your account settings."
		}
		openAIError(w, http.StatusUnauthorized, msg, "invalid_request_error", "invalid_api_key")
		return
	}
	f.mu.Lock()
	failStatus, after, failing := f.fail.take()
	f.mu.Unlock()
	if failing {
		status(failStatus)
		setRetryAfter(w, after)
		msg := http.StatusText(failStatus)
		if failStatus == http.StatusTooManyRequests {
			msg = "Rate limit reached for requests. Please try again later."
		}
		openAIError(w, failStatus, msg, "server_error", "")
		return
	}

	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		data := make([]map[string]any, len(models))
		for i, m := range models {
			data[i] = map[string]any{"id": m, "object": "model", "created": 1735689600, "owned_by": "localpost"}
		}
		status(http.StatusOK)
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		switch {
		case bodyErr != nil:
			status(http.StatusBadRequest)
			openAIError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.", "invalid_request_error", "")
			return
		case chat.Model == "":
			status(http.StatusBadRequest)
			openAIError(w, http.StatusBadRequest, "you must provide a model parameter", "invalid_request_error", "")
			return
		case !anyModel && !slices.Contains(models, chat.Model):
			status(http.StatusNotFound)
			openAIError(w, http.StatusNotFound, fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", chat.Model), "invalid_request_error", "model_not_found")
			return
		case len(chat.Messages) == 0:
			status(http.StatusBadRequest)
			openAIError(w, http.StatusBadRequest, "'messages' must contain at least one message", "invalid_request_error", "")
			return
		}
		for _, m := range chat.Messages {
			if m.Role != "system" && m.Role != "user" && m.Role != "assistant" {
				status(http.StatusBadRequest)
				openAIError(w, http.StatusBadRequest, fmt.Sprintf("Invalid value for 'role': %q", m.Role), "invalid_request_error", "")
				return
			}
		}
		f.chat(w, r, chat.Model, chat.Messages, chat.Stream, status)
	default:
		status(http.StatusNotFound)
		http.NotFound(w, r)
	}
}

// openAIError writes OpenAI's error body: {"error": {message, type, param, code}}.
func openAIError(w http.ResponseWriter, status int, msg, typ, code string) {
	var c any
	if code != "" {
		c = code
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": c}})
}

func (f *OpenAI) chat(w http.ResponseWriter, r *http.Request, model string, msgs []OpenAIMessage, stream bool, status func(int)) {
	f.mu.Lock()
	f.seq++
	id := fmt.Sprintf("chatcmpl-%d", f.seq)
	slow, endless, stall, malformed, reply := f.slowFirst, f.endless, f.stall, f.malformed, f.reply
	if f.noStream {
		stream = false
	}
	f.mu.Unlock()

	if slow > 0 {
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
			return
		}
	}
	answer := ""
	if reply != nil {
		answer = *reply
	} else {
		answer = openAIAnswer(msgs)
	}
	created := time.Now().Unix()
	if !stream {
		status(http.StatusOK)
		if malformed {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id": "` + id + `", "choices": [{"message": {"content": "Half an ans`))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"id": id, "object": "chat.completion", "created": created, "model": model,
			"choices": []map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": answer}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
		})
		return
	}

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	status(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(delta map[string]any, finish any) bool {
		b, _ := json.Marshal(map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
			"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if malformed {
		_, _ = fmt.Fprint(w, "data: {\"id\": \""+id+"\", \"choices\": [{\"delta\": {\"content\": \"Half\n\n")
		_ = rc.Flush()
		return
	}
	if !send(map[string]any{"role": "assistant", "content": ""}, nil) {
		return
	}
	if stall {
		send(map[string]any{"content": "Thinking"}, nil)
		<-r.Context().Done()
		return
	}
	if endless {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
				if !send(map[string]any{"content": "and more "}, nil) {
					return
				}
			}
		}
	}
	for _, part := range streamParts(answer) {
		if !send(map[string]any{"content": part}, nil) {
			return
		}
	}
	if send(map[string]any{}, "stop") {
		_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
		_ = rc.Flush()
	}
}

// streamParts cuts an answer into word-sized pieces that join back to it.
func streamParts(s string) []string {
	var parts []string
	for s != "" {
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i < 0 {
			parts = append(parts, s)
			break
		}
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t') {
			j++
		}
		parts = append(parts, s[:j])
		s = s[j:]
	}
	return parts
}

var (
	oaiLimit   = regexp.MustCompile(`at most (\d+) characters`)
	oaiNetwork = regexp.MustCompile(`for (X|Mastodon|LinkedIn|Facebook|Instagram|Pinterest|TikTok|YouTube)\b`)
	oaiWord    = regexp.MustCompile(`[\p{L}\p{N}]{4,}`)
	oaiTypos   = strings.NewReplacer("teh ", "the ", "recieve", "receive", "tommorow", "tomorrow", "freind", "friend",
		"definately", "definitely", "cofee", "coffee", "wierd", "weird", "seperate", "separate")
)

// openAIAnswer is the fake's deterministic answer to a chat: the task is
// read from the system message, the text is the last user message.
func openAIAnswer(msgs []OpenAIMessage) string {
	var system, text string
	for _, m := range msgs {
		switch m.Role {
		case "system":
			system += m.Content + "\n"
		case "user":
			text = m.Content
		}
	}
	text = strings.TrimSpace(text)
	limit := 0
	if m := oaiLimit.FindStringSubmatch(system); m != nil {
		limit, _ = strconv.Atoi(m[1])
	}
	low := strings.ToLower(system)
	switch {
	case strings.Contains(low, "alt text"):
		d := strings.TrimRight(text, ".!? ")
		if d == "" {
			return ""
		}
		return "A photo of " + strings.ToLower(d[:1]) + d[1:] + "."
	case strings.Contains(low, "hashtag"):
		return strings.Join(oaiHashtags(text), " ")
	case strings.Contains(low, "three"):
		return text + "\n---\nNew today: " + text + "\n---\n" + text + " Come and see!"
	case strings.Contains(low, "thread"):
		if limit == 0 {
			limit = 280
		}
		return strings.Join(oaiThread(text, limit), "\n---\n")
	case strings.Contains(low, "spelling"):
		return oaiTypos.Replace(text)
	case strings.Contains(low, "shorten"):
		return oaiFit(oaiSentences(text)[:1], limit)
	case strings.Contains(low, "expand"):
		return text + " We would love to hear what you think."
	case strings.Contains(low, "tone"):
		switch {
		case strings.Contains(low, "professional"):
			return "We are pleased to share: " + text
		case strings.Contains(low, "playful"):
			return "Guess what? " + text + " 🎉"
		}
		return "Hi everyone! " + text + " 😊"
	case strings.Contains(low, "rewrite"):
		out := oaiFit(oaiSentences(text), limit)
		if m := oaiNetwork.FindStringSubmatch(system); m != nil && m[1] == "LinkedIn" {
			if more := out + "\n\nWhat do you think?"; limit == 0 || len([]rune(more)) <= limit {
				out = more
			}
		}
		return out
	}
	return text
}

// oaiSentences splits at ". ", "! ", "? " and newlines, keeping the marks.
func oaiSentences(s string) []string {
	var out []string
	start := 0
	rs := []rune(s)
	for i, r := range rs {
		end := r == '\n' || (r == '.' || r == '!' || r == '?') && (i+1 == len(rs) || rs[i+1] == ' ')
		if end {
			if p := strings.TrimSpace(string(rs[start : i+1])); p != "" {
				out = append(out, p)
			}
			start = i + 1
		}
	}
	if p := strings.TrimSpace(string(rs[start:])); p != "" {
		out = append(out, p)
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// oaiFit joins whole sentences while they fit in limit (0 = no limit),
// cutting the first one at limit if it alone is too long.
func oaiFit(sentences []string, limit int) string {
	out := ""
	for _, s := range sentences {
		next := strings.TrimSpace(out + " " + s)
		if limit > 0 && len([]rune(next)) > limit {
			break
		}
		out = next
	}
	if out == "" && len(sentences) > 0 {
		r := []rune(sentences[0])
		if limit > 1 && len(r) > limit {
			return string(r[:limit-1]) + "…"
		}
		return sentences[0]
	}
	return out
}

// oaiThread packs sentences into parts of at most limit characters.
func oaiThread(text string, limit int) []string {
	var parts []string
	cur := ""
	for _, s := range oaiSentences(text) {
		next := strings.TrimSpace(cur + " " + s)
		if cur != "" && len([]rune(next)) > limit {
			parts = append(parts, cur)
			next = s
		}
		cur = next
	}
	if cur != "" {
		parts = append(parts, cur)
	}
	return parts
}

// oaiHashtags makes up to three hashtags of the text's longest words.
func oaiHashtags(text string) []string {
	words := oaiWord.FindAllString(strings.ToLower(text), -1)
	slices.SortStableFunc(words, func(a, b string) int { return len([]rune(b)) - len([]rune(a)) })
	var tags []string
	for _, w := range words {
		if t := "#" + w; !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
		if len(tags) == 3 {
			break
		}
	}
	if len(tags) == 0 {
		tags = []string{"#localpost"}
	}
	return tags
}
