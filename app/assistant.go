package app

// The writing assistant: help from a language model at an OpenAI-compatible
// endpoint the user chose (a model on their own machine — Ollama,
// llama.cpp's llama-server, LM Studio — or a provider with their key). It is
// off until an endpoint is set, and what leaves is only what
// AssistMessages builds: the instruction and the text being edited.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"localpost/data"
	"localpost/platforms"
)

const (
	settingAssistEndpoint = "assistant_endpoint"
	settingAssistModel    = "assistant_model"
	// assistantKeyName is the keyring entry of the endpoint's API key.
	assistantKeyName = "assistant:key"
)

// ErrAssistantOff is returned by Assist and TestAssistant when no endpoint
// is set.
var ErrAssistantOff = errors.New("the assistant is off: set an endpoint in Settings → Assistant, or use the help that works without one")

// AssistantSettings is what Settings → Assistant shows. The key itself
// never leaves the keyring; HasKey says whether one is stored.
type AssistantSettings struct {
	Endpoint string // OpenAI-compatible base URL, e.g. http://localhost:11434/v1; "" = off
	Model    string
	HasKey   bool
}

// Assistant returns the assistant's settings.
func (a *App) Assistant() AssistantSettings {
	ctx := context.Background()
	s := AssistantSettings{
		Endpoint: a.Store.Setting(ctx, settingAssistEndpoint, ""),
		Model:    a.Store.Setting(ctx, settingAssistModel, ""),
	}
	_, err := a.secrets.Get(assistantKeyName)
	s.HasKey = err == nil
	return s
}

// SetAssistant sets the endpoint (an OpenAI-compatible base URL; "" turns
// the assistant off), the model and the API key. The key goes to the
// keyring only; apiKey "" keeps the stored key with keepKey and deletes it
// without. A key is only sent over https or to this computer.
func (a *App) SetAssistant(endpoint, model, apiKey string, keepKey bool) error {
	endpoint, model, apiKey = strings.TrimSpace(endpoint), strings.TrimSpace(model), strings.TrimSpace(apiKey)
	if endpoint != "" {
		var err error
		if endpoint, err = cleanEndpoint(endpoint); err != nil {
			return err
		}
		if model == "" {
			return errors.New("enter the model's name: for Ollama as `ollama list` shows it (llama3.2, say), for LM Studio as its server lists it; llama.cpp's server takes any name")
		}
	}
	if len(model) > 200 || strings.ContainsFunc(model, unicode.IsControl) {
		return errors.New("the model name is not valid: copy it as your model server lists it")
	}
	if strings.ContainsFunc(apiKey, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return errors.New("the API key has spaces or line breaks in it: paste the key alone")
	}
	willHaveKey := apiKey != "" || keepKey && a.Assistant().HasKey
	if endpoint != "" && willHaveKey && !keySafeTo(endpoint) {
		return errors.New("the API key would cross the network unencrypted: use an https:// address for an endpoint on another computer, or remove the key")
	}
	switch {
	case apiKey != "":
		if err := a.secrets.Set(assistantKeyName, apiKey); err != nil {
			return fmt.Errorf("the API key could not be saved in your system keyring, so nothing was changed: %w", err)
		}
	case !keepKey:
		if err := a.secrets.Delete(assistantKeyName); err != nil && !errors.Is(err, data.ErrSecretNotFound) {
			return fmt.Errorf("the API key could not be removed from your system keyring: %w", err)
		}
	}
	ctx := context.Background()
	if err := a.Store.SetSetting(ctx, settingAssistModel, model); err != nil {
		return fmt.Errorf("save the assistant's model: %w", err)
	}
	if err := a.Store.SetSetting(ctx, settingAssistEndpoint, endpoint); err != nil {
		return fmt.Errorf("save the assistant's endpoint: %w", err)
	}
	return nil
}

// cleanEndpoint checks a base URL and returns it without a trailing slash
// (or a pasted /chat/completions).
func cleanEndpoint(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not a web address: enter the endpoint's base address, such as http://localhost:11434/v1 (Ollama), http://localhost:8080/v1 (llama.cpp), http://localhost:1234/v1 (LM Studio) or https://api.openai.com/v1", s)
	}
	if u.User != nil {
		return "", errors.New("the address has a user name or password in it: put a key in the API key field instead, where it is kept in your keyring")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("the address has a query (?…) or a fragment (#…): enter the base address only, such as http://localhost:11434/v1")
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/chat/completions")
	u.RawPath = ""
	return strings.TrimRight(u.String(), "/"), nil
}

// keySafeTo reports whether a key may be sent to endpoint: over https, or
// over http to this computer.
func keySafeTo(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// AssistTask is what the assistant is asked to do.
type AssistTask string

// The tasks. AssistVariants and AssistThread answer parts separated by a
// line "---" (SplitVariants); AssistHashtags answers hashtags
// (ParseHashtags).
const (
	AssistRewrite  AssistTask = "rewrite"
	AssistShorten  AssistTask = "shorten"
	AssistExpand   AssistTask = "expand"
	AssistSpelling AssistTask = "spelling"
	AssistTone     AssistTask = "tone"
	AssistHashtags AssistTask = "hashtags"
	AssistVariants AssistTask = "variants"
	AssistAltText  AssistTask = "alt_text"
	AssistThread   AssistTask = "thread"
)

// AssistTones are the tones AssistTone offers.
var AssistTones = []string{"friendly", "professional", "playful"}

// AssistRequest is one request for help.
type AssistRequest struct {
	Task    AssistTask
	Text    string            // the post being edited (for AssistAltText, the user's description of the image)
	Network platforms.Network // AssistRewrite, AssistThread: the network to write for ("" = general)
	Limit   int               // that network's character limit (0 = none given)
	Tone    string            // AssistTone: one of AssistTones
}

// ChatMessage is one message of a chat request.
type ChatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// AssistMessages is exactly what Assist sends besides the model's name: a
// system message with the instruction (the task, for a rewrite the
// network's name and limit, the tone) and a user message with the text.
// Nothing about accounts, metrics or other posts is ever in it.
func AssistMessages(req AssistRequest) []ChatMessage {
	return []ChatMessage{
		{Role: "system", Content: assistInstruction(req)},
		{Role: "user", Content: strings.TrimSpace(req.Text)},
	}
}

// assistNetworks names the networks and how posts there usually read.
var assistNetworks = map[platforms.Network][2]string{
	platforms.Mastodon:  {"Mastodon", "conversational, hashtags in CamelCase at the end"},
	platforms.X:         {"X", "short and direct"},
	platforms.Facebook:  {"Facebook", "friendly and conversational"},
	platforms.FBGroup:   {"Facebook", "friendly and conversational"},
	platforms.Instagram: {"Instagram", "warm and visual, hashtags at the end"},
	platforms.LinkedIn:  {"LinkedIn", "professional, a short line per idea"},
	platforms.Pinterest: {"Pinterest", "descriptive, with the words people search for"},
	platforms.TikTok:    {"TikTok", "casual and lively"},
	platforms.YouTube:   {"YouTube", "a clear description of the video"},
}

func assistInstruction(req AssistRequest) string {
	var b strings.Builder
	b.WriteString("You help someone write a social media post. Answer with the result only: no introduction, no quotation marks, no comments. Keep the language of the text and do not invent facts. ")
	limit := ""
	if req.Limit > 0 {
		limit = fmt.Sprintf(" The result must be at most %d characters.", req.Limit)
	}
	net, ok := assistNetworks[req.Network]
	switch req.Task {
	case AssistRewrite:
		if ok {
			fmt.Fprintf(&b, "Rewrite the post for %s: %s.%s", net[0], net[1], limit)
		} else {
			b.WriteString("Rewrite the post so it reads well." + limit)
		}
	case AssistShorten:
		b.WriteString("Shorten the post, keeping what matters most." + limit)
	case AssistExpand:
		b.WriteString("Expand the post a little, with detail drawn from what it already says, in the same voice." + limit)
	case AssistSpelling:
		b.WriteString("Fix spelling, grammar and punctuation only; change nothing else.")
	case AssistTone:
		fmt.Fprintf(&b, "Rewrite the post in a %s tone, keeping its meaning.%s", assistTone(req.Tone), limit)
	case AssistHashtags:
		b.WriteString("Suggest three to five hashtags that fit the post. Answer with the hashtags only, on one line, separated by spaces.")
	case AssistVariants:
		b.WriteString("Write three different versions of the post. Separate the versions with a line containing only ---.")
		if req.Limit > 0 {
			fmt.Fprintf(&b, " Each version must be at most %d characters.", req.Limit)
		}
	case AssistAltText:
		b.WriteString("Write alt text for an image from the description the user gives: one or two plain sentences saying what the image shows, at most 250 characters, not starting with \"Image of\".")
	case AssistThread:
		where := ""
		if ok {
			where = " for " + net[0]
		}
		per := ""
		if req.Limit > 0 {
			per = fmt.Sprintf(", each at most %d characters", req.Limit)
		}
		fmt.Fprintf(&b, "Split the text into a thread of posts%s%s. Keep the wording; do not number the posts. Separate the posts with a line containing only ---.", where, per)
	}
	return b.String()
}

// assistTone is tone if it is one of AssistTones, else "friendly".
func assistTone(tone string) string {
	if slices.Contains(AssistTones, tone) {
		return tone
	}
	return "friendly"
}

// assistTemperature is the sampling temperature sent for a task, nil for
// the server's default: none for corrections, more for variety.
func assistTemperature(t AssistTask) *float64 {
	var v float64
	switch t {
	case AssistSpelling:
		v = 0
	case AssistVariants:
		v = 0.9
	default:
		return nil
	}
	return &v
}

// chatBody is the whole JSON body of a chat request.
type chatBody struct {
	Model       string        `json:"model"`
	Messages    []ChatMessage `json:"messages"`
	Stream      bool          `json:"stream"`
	Temperature *float64      `json:"temperature,omitempty"`
	MaxTokens   int           `json:"max_tokens,omitempty"` // TestAssistant's one-token question only
}

// AssistError is a failed request for help, with a plain message that says
// what to do. The draft is never touched by one.
type AssistError struct {
	Message    string
	Status     int           // the endpoint's HTTP status, 0 if it gave none
	RetryAfter time.Duration // 429: how long the endpoint asked to wait, if it said
	kind       string        // for tests: "unreachable", "key", "model", "address", "rate", "server", "refused", "first_byte", "idle", "total", "malformed", "cut_off", "empty", "input", "keyring"
	err        error
}

func (e *AssistError) Error() string { return e.Message }
func (e *AssistError) Unwrap() error { return e.err }

// assistTimeouts bound a request: until the answer starts, between chunks
// of a streamed answer, and in all.
type assistTimeouts struct{ firstByte, idle, total time.Duration }

var defaultAssistTimeouts = assistTimeouts{firstByte: 30 * time.Second, idle: 30 * time.Second, total: 3 * time.Minute}

// assistTimeoutsKey is a context key tests use to shorten the timeouts.
type assistTimeoutsKey struct{}

func timeoutsFrom(ctx context.Context) assistTimeouts {
	if t, ok := ctx.Value(assistTimeoutsKey{}).(assistTimeouts); ok {
		return t
	}
	return defaultAssistTimeouts
}

var (
	errNoFirstByte = errors.New("no answer began in time")
	errIdle        = errors.New("the answer stopped coming")
	errTooLong     = errors.New("the answer took too long")
)

// assistCall is one conversation with the endpoint.
type assistCall struct {
	endpoint, model, key string
	to                   assistTimeouts
}

func (a *App) assistCall(ctx context.Context) (assistCall, error) {
	s := a.Assistant()
	if s.Endpoint == "" {
		return assistCall{}, ErrAssistantOff
	}
	c := assistCall{endpoint: s.Endpoint, model: s.Model, to: timeoutsFrom(ctx)}
	k, err := a.secrets.Get(assistantKeyName)
	switch {
	case err == nil:
		c.key = k
	case !errors.Is(err, data.ErrSecretNotFound):
		return assistCall{}, &AssistError{Message: "Could not read the assistant's API key from your system keyring. Unlock the keyring and try again.", kind: "keyring", err: err}
	}
	return c, nil
}

func (c assistCall) request(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("assistant request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint+path, rd)
	if err != nil {
		return nil, fmt.Errorf("assistant request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	return req, nil
}

// Assist asks the endpoint for help with req and returns the whole answer,
// cleaned (no surrounding quotes or code fences). It streams, calling
// onDelta (if not nil, on the calling goroutine) with the text so far, and
// takes a whole JSON answer from servers that do not stream. Errors are
// *AssistError, ErrAssistantOff, or ctx's error when it was cancelled; the
// answer is then "".
func (a *App) Assist(ctx context.Context, req AssistRequest, onDelta func(text string)) (string, error) {
	c, err := a.assistCall(ctx)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(req.Text) == "" {
		msg := "There is no text to work on: write the post first."
		if req.Task == AssistAltText {
			msg = "Describe the image in a few words first; the assistant writes the alt text from that."
		}
		return "", &AssistError{Message: msg, kind: "input"}
	}
	if !slices.Contains([]AssistTask{AssistRewrite, AssistShorten, AssistExpand, AssistSpelling, AssistTone, AssistHashtags, AssistVariants, AssistAltText, AssistThread}, req.Task) {
		return "", &AssistError{Message: fmt.Sprintf("The assistant cannot do %q.", req.Task), kind: "input"}
	}
	if req.Task == AssistTone && !slices.Contains(AssistTones, req.Tone) {
		return "", &AssistError{Message: "Choose a tone: " + strings.Join(AssistTones, ", ") + ".", kind: "input"}
	}
	if onDelta == nil {
		onDelta = func(string) {}
	}

	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	total := time.AfterFunc(c.to.total, func() { cancel(errTooLong) })
	defer total.Stop()
	first := time.AfterFunc(c.to.firstByte, func() { cancel(errNoFirstByte) })
	defer first.Stop()

	hreq, err := c.request(rctx, http.MethodPost, "/chat/completions",
		chatBody{Model: c.model, Messages: AssistMessages(req), Stream: true, Temperature: assistTemperature(req.Task)})
	if err != nil {
		return "", err
	}
	resp, err := a.http.Do(hreq)
	if err != nil {
		return "", c.interrupted(ctx, rctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		first.Stop()
		return "", a.statusError(rctx, c, resp, "/chat/completions")
	}
	idle := time.AfterFunc(c.to.idle, func() { cancel(errIdle) })
	defer idle.Stop()
	first.Stop() // the headers are the first byte; from here the idle timer watches
	text, err := readAnswer(resp, onDelta, func() { idle.Reset(c.to.idle) })
	if err != nil {
		return "", c.interrupted(ctx, rctx, err)
	}
	text = cleanAnswer(text)
	if text == "" {
		return "", &AssistError{Message: "The assistant answered with no text. Try again, or choose another model in Settings → Assistant.", kind: "empty"}
	}
	return text, nil
}

// interrupted turns an error of a request that may have been stopped into
// what Assist returns: ctx's own error when the caller cancelled, the
// timeout that stopped it, or what err says.
func (c assistCall) interrupted(ctx, rctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	switch context.Cause(rctx) {
	case errNoFirstByte:
		return &AssistError{Message: fmt.Sprintf("The assistant did not start answering within %s. A model that is still loading can take longer: try again in a moment, or choose a smaller model.", humanDuration(c.to.firstByte)), kind: "first_byte", err: err}
	case errIdle:
		return &AssistError{Message: fmt.Sprintf("The assistant stopped sending text for %s, so Localpost stopped waiting. Your text is unchanged; try again.", humanDuration(c.to.idle)), kind: "idle", err: err}
	case errTooLong:
		return &AssistError{Message: fmt.Sprintf("The answer took longer than %s, so Localpost stopped it. Try a shorter text or a faster model.", humanDuration(c.to.total)), kind: "total", err: err}
	}
	var ae *AssistError
	if errors.As(err, &ae) {
		return ae
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &AssistError{Message: fmt.Sprintf("Could not reach the assistant at %s%s. Check that its server is running (Ollama: ollama serve; llama.cpp: llama-server; LM Studio: start the server in its Developer tab) and that the address in Settings → Assistant is right.", c.endpoint, unreachableReason(err)), kind: "unreachable", err: err}
	}
	return &AssistError{Message: "The connection to the assistant broke off before the answer was complete. Try again.", kind: "cut_off", err: err}
}

// unreachableReason says in a few words why a connection failed, with a
// leading space, or "".
func unreachableReason(err error) string {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return " (nothing answers at that port)"
	case errors.As(err, &dns):
		return " (the name " + dns.Name + " is not known)"
	case errors.As(err, &cert):
		return " (its certificate is not trusted)"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT):
		return " (it did not answer in time)"
	}
	return ""
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Minute && d%time.Minute == 0:
		if d == time.Minute {
			return "a minute"
		}
		return fmt.Sprintf("%d minutes", d/time.Minute)
	case d >= time.Second && d%time.Second == 0:
		return fmt.Sprintf("%d seconds", d/time.Second)
	}
	return d.String()
}

// chatChunk is a streamed chunk or a whole answer: choices[0].delta or
// .message, and an error some servers send inside a 200 stream.
type chatChunk struct {
	Choices []struct {
		Delta struct {
			Content *string `json:"content"`
		} `json:"delta"`
		Message struct {
			Content *string `json:"content"`
		} `json:"message"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Error json.RawMessage `json:"error"`
}

// maxAnswer bounds what is read of an answer.
const maxAnswer = 4 << 20

var errMalformed = errors.New("malformed answer")

// readAnswer reads a streamed (server-sent events) or whole JSON answer,
// calling onDelta with the text so far and alive after every line read.
func readAnswer(resp *http.Response, onDelta func(string), alive func()) (string, error) {
	br := bufio.NewReaderSize(io.LimitReader(resp.Body, maxAnswer), 64<<10)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		// Servers that ignore "stream" answer one JSON object; others send
		// events under another type. Look at how it starts.
		head, err := br.Peek(5)
		if err != nil && len(head) == 0 {
			if errors.Is(err, io.EOF) {
				return "", malformed(errors.New("empty body"))
			}
			return "", err
		}
		if !bytes.HasPrefix(bytes.TrimLeft(head, " \r\n\t"), []byte("data")) {
			b, err := io.ReadAll(br)
			if err != nil {
				return "", err
			}
			var ch chatChunk
			if err := json.Unmarshal(b, &ch); err != nil {
				return "", malformed(err)
			}
			if msg := errorMessage(ch.Error); msg != "" {
				return "", serverSaid(msg)
			}
			if len(ch.Choices) == 0 || ch.Choices[0].Message.Content == nil {
				return "", malformed(errors.New("no choices[0].message.content"))
			}
			text := *ch.Choices[0].Message.Content
			onDelta(text)
			return text, nil
		}
	}
	var sb strings.Builder
	finished := false
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			alive()
		}
		line = strings.TrimRight(line, "\r\n")
		if payload, ok := strings.CutPrefix(line, "data:"); ok {
			payload = strings.TrimSpace(payload)
			if payload == "[DONE]" {
				return sb.String(), nil
			}
			var ch chatChunk
			if jerr := json.Unmarshal([]byte(payload), &ch); jerr != nil {
				return "", malformed(jerr)
			}
			if msg := errorMessage(ch.Error); msg != "" {
				return "", serverSaid(msg)
			}
			if len(ch.Choices) > 0 {
				c := ch.Choices[0]
				if c.Delta.Content != nil && *c.Delta.Content != "" {
					sb.WriteString(*c.Delta.Content)
					onDelta(sb.String())
				} else if c.Message.Content != nil && sb.Len() == 0 && *c.Message.Content != "" {
					sb.WriteString(*c.Message.Content)
					onDelta(sb.String())
				}
				if c.FinishReason != nil && *c.FinishReason != "" {
					finished = true
				}
			}
		}
		// Other lines (comments, "event:", blank separators) carry nothing.
		if err != nil {
			if errors.Is(err, io.EOF) && finished {
				return sb.String(), nil // some servers end without [DONE]
			}
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
	}
}

func malformed(err error) error {
	return &AssistError{Message: "The assistant's answer could not be read: it is not in the OpenAI chat format. Check that the address in Settings → Assistant is an OpenAI-compatible endpoint (it usually ends in /v1).", kind: "malformed", err: fmt.Errorf("%w: %w", errMalformed, err)}
}

func serverSaid(msg string) error {
	return &AssistError{Message: "The assistant's server reported a problem: " + msg + ". Try again; if it keeps happening, look at the server's log.", kind: "server"}
}

// errorMessage reads an error field: {"message": …} (OpenAI, llama.cpp,
// LM Studio) or a plain string (Ollama's own API); "" when there is none.
func errorMessage(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return shortMessage(s)
	}
	var o struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &o) == nil && o.Message != "" {
		return shortMessage(o.Message)
	}
	return "an error without a message"
}

// shortMessage is a server's message on one line, at most 200 characters.
func shortMessage(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimRight(s, ".")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

// statusError explains an answer other than 200 to path.
func (a *App) statusError(ctx context.Context, c assistCall, resp *http.Response, path string) *AssistError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var eb struct {
		Error json.RawMessage `json:"error"`
	}
	msg := ""
	if json.Unmarshal(body, &eb) == nil {
		msg = errorMessage(eb.Error)
	}
	if c.key != "" {
		msg = strings.ReplaceAll(msg, c.key, "[key]") // some servers echo what they were sent
	}
	said := ""
	if msg != "" {
		said = ": " + msg
	}
	e := &AssistError{Status: resp.StatusCode}
	host := c.endpoint
	if u, err := url.Parse(c.endpoint); err == nil {
		host = u.Host
	}
	switch st := resp.StatusCode; {
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		e.kind = "key"
		if c.key == "" {
			e.Message = fmt.Sprintf("The assistant at %s asks for an API key (HTTP %d). Enter the key in Settings → Assistant.", host, st)
		} else {
			// The server's own words are left out: they may quote the key.
			e.Message = fmt.Sprintf("The assistant at %s refused the API key (HTTP %d). Check the key in Settings → Assistant.", host, st)
		}
	case st == http.StatusNotFound && path == "/models":
		e.kind = "address"
		e.Message = fmt.Sprintf("Nothing answers at %s/models (HTTP 404). Check the address in Settings → Assistant: OpenAI-compatible addresses usually end in /v1.", c.endpoint)
	case st == http.StatusNotFound:
		models, merr := a.assistModels(ctx, c)
		switch {
		case merr == nil && !slices.Contains(models, c.model):
			e.kind = "model"
			e.Message = modelMissing(c.model, models)
		case merr == nil:
			e.kind = "refused"
			e.Message = fmt.Sprintf("The assistant could not use the model %q (HTTP 404%s). Try again, or choose another model in Settings → Assistant.", c.model, said)
		case strings.Contains(strings.ToLower(msg), "model"):
			e.kind = "model"
			e.Message = fmt.Sprintf("The assistant has no model named %q%s. Check the model's name in Settings → Assistant.", c.model, said)
		default:
			e.kind = "address"
			e.Message = fmt.Sprintf("Nothing answers at %s%s (HTTP 404). Check the address in Settings → Assistant: OpenAI-compatible addresses usually end in /v1.", c.endpoint, path)
		}
	case st == http.StatusTooManyRequests:
		e.kind = "rate"
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), a.now())
		wait := "Wait a minute and try again."
		if e.RetryAfter > 0 {
			wait = fmt.Sprintf("Try again in %s.", humanDuration(e.RetryAfter.Round(time.Second)))
		}
		e.Message = fmt.Sprintf("The assistant is limiting how often it answers (HTTP 429%s). %s", said, wait)
	case st >= 500:
		e.kind = "server"
		e.Message = fmt.Sprintf("The assistant's server had a problem (HTTP %d%s). Try again in a moment; if it keeps happening, look at the server's log.", st, said)
	default:
		e.kind = "refused"
		e.Message = fmt.Sprintf("The assistant refused the request (HTTP %d%s). Check the model's name and the address in Settings → Assistant.", st, said)
	}
	return e
}

// modelMissing says a model is not there and names a few that are.
func modelMissing(model string, models []string) string {
	if len(models) == 0 {
		return fmt.Sprintf("The assistant has no model named %q, and lists none. Load or pull a model in your model server (Ollama: ollama pull <name>), then enter its name in Settings → Assistant.", model)
	}
	list := strings.Join(models[:min(len(models), 5)], ", ")
	if len(models) > 5 {
		list += fmt.Sprintf(" and %d more", len(models)-5)
	}
	return fmt.Sprintf("The assistant has no model named %q. It has: %s. Enter one of those in Settings → Assistant (or, with Ollama, run ollama pull %s).", model, list, model)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// assistModels lists the endpoint's models (GET {endpoint}/models).
func (a *App) assistModels(ctx context.Context, c assistCall) ([]string, error) {
	rctx, cancel := context.WithTimeoutCause(ctx, c.to.firstByte, errNoFirstByte)
	defer cancel()
	req, err := c.request(rctx, http.MethodGet, "/models", nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, c.interrupted(ctx, rctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, a.statusError(rctx, c, resp, "/models")
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, c.interrupted(ctx, rctx, err)
	}
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, malformed(err)
	}
	models := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		if m.ID != "" {
			models = append(models, m.ID)
		}
	}
	return models, nil
}

// TestAssistant checks the endpoint, the key and the model: it lists the
// endpoint's models and, when the model is not among them (llama.cpp's
// server answers to any name), asks it for one token of an answer to
// "Reply with OK." — nothing of the user's.
func (a *App) TestAssistant(ctx context.Context) (string, error) {
	c, err := a.assistCall(ctx)
	if err != nil {
		return "", err
	}
	models, err := a.assistModels(ctx, c)
	if err != nil {
		var ae *AssistError
		if !errors.As(err, &ae) || ae.kind != "address" {
			return "", err
		}
		models = nil // no model list here; the question below tells
	}
	if slices.Contains(models, c.model) {
		return fmt.Sprintf("Connected: %s is there.", c.model), nil
	}
	rctx, cancel := context.WithTimeoutCause(ctx, c.to.total, errTooLong)
	defer cancel()
	req, err := c.request(rctx, http.MethodPost, "/chat/completions", chatBody{
		Model: c.model, Messages: []ChatMessage{{Role: "user", Content: "Reply with OK."}}, MaxTokens: 1,
	})
	if err != nil {
		return "", err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return "", c.interrupted(ctx, rctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e := a.statusError(rctx, c, resp, "/chat/completions")
		return "", e
	}
	if _, err := readAnswer(resp, func(string) {}, func() {}); err != nil {
		return "", c.interrupted(ctx, rctx, err)
	}
	return fmt.Sprintf("Connected: the assistant answers as %s.", c.model), nil
}

var (
	thinkBlock  = regexp.MustCompile(`(?s)<think>.*?</think>`)
	prefaceLine = regexp.MustCompile(`^(?i:(sure|certainly|of course|here is|here's|here are))[^\n]{0,100}:\s*\n`)
	quotePairs  = [][2]string{{`"`, `"`}, {"“", "”"}, {"„", "“"}, {"«", "»"}, {"'", "'"}, {"‘", "’"}}
)

// cleanAnswer takes off what models wrap an answer in: a reasoning block,
// a "Here is…:" line, a code fence, surrounding quotation marks.
func cleanAnswer(s string) string {
	s = strings.TrimSpace(thinkBlock.ReplaceAllString(s, ""))
	s = strings.TrimSpace(prefaceLine.ReplaceAllString(s, ""))
	if strings.HasPrefix(s, "```") {
		if _, rest, ok := strings.Cut(s, "\n"); ok {
			s = rest
		} else {
			s = strings.TrimPrefix(s, "```")
		}
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "```"))
	}
	for _, q := range quotePairs {
		inner, ok := strings.CutPrefix(s, q[0])
		if !ok {
			continue
		}
		inner, ok = strings.CutSuffix(inner, q[1])
		if ok && !strings.Contains(inner, q[0]) && !strings.Contains(inner, q[1]) {
			s = strings.TrimSpace(inner)
		}
		break
	}
	return s
}

var (
	variantSep   = regexp.MustCompile(`(?m)^[ \t]*-{3,}[ \t]*$`)
	variantLabel = regexp.MustCompile(`^(?i:\**(version|variant|option|post|part)\s*\d+\**\s*[:.)-]?\**)\s*`)
)

// SplitVariants splits an answer of AssistVariants or AssistThread at the
// lines "---", each part cleaned, empty ones dropped.
func SplitVariants(s string) []string {
	var out []string
	for _, p := range variantSep.Split(strings.ReplaceAll(s, "\r\n", "\n"), -1) {
		p = strings.TrimSpace(p)
		if l := variantLabel.FindString(p); l != "" && len(l) < len(p) {
			p = p[len(l):]
		}
		if p = cleanAnswer(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var (
	hashtagRe = regexp.MustCompile(`#[\p{L}\p{M}\p{N}_]+`)
	tagWordRe = regexp.MustCompile(`[\p{L}\p{M}\p{N}_]+`)
)

// ParseHashtags reads the hashtags of an AssistHashtags answer as "#word",
// first spelling kept, duplicates (in any case) and all-digit tags
// dropped. An answer without any "#" is read as a list of words.
func ParseHashtags(s string) []string {
	words := hashtagRe.FindAllString(s, -1)
	if len(words) == 0 {
		words = tagWordRe.FindAllString(s, -1)
	}
	var tags []string
	seen := map[string]bool{}
	for _, w := range words {
		w = strings.TrimPrefix(w, "#")
		if w == "" || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
			continue
		}
		if k := strings.ToLower(w); !seen[k] {
			seen[k] = true
			tags = append(tags, "#"+w)
		}
	}
	return tags
}
