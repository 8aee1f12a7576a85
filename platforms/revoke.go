package platforms

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// DoRevoke sends a network's revocation request (see Revoker) through hc
// and reads the answer: any 2xx is success; anything else is an *Error
// whose message says that network (name) kept the login, with the
// network's own words where it gave some. secrets (the tokens and the
// client secret) are cut from every message.
func DoRevoke(hc HTTPDoer, req *http.Request, name string, secrets ...string) error {
	host := req.URL.Host
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return NetError(host, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	msg := CleanMessage(revokeMessage(b), secrets...)
	e := ErrorFromStatus(resp.StatusCode, "", RetryAfter(resp.Header, time.Now()))
	e.Message = name + " did not confirm that Localpost's access was withdrawn"
	if msg != "" {
		e.Message += ": " + msg
	}
	return e
}

// revokeMessage picks the message out of the error shapes the networks
// use: OAuth's {"error","error_description"}, Graph's {"error":{"message"}},
// X's {"detail"} or {"errors":[{"message"}]} and {"message"}.
func revokeMessage(b []byte) string {
	var e struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
		Detail      string          `json:"detail"`
		Message     string          `json:"message"`
		Errors      []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(b, &e) != nil {
		return ""
	}
	var code string
	var graph struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(e.Error, &code) != nil {
		_ = json.Unmarshal(e.Error, &graph)
	}
	for _, s := range []string{e.Description, graph.Message, e.Detail, e.Message, code} {
		if s != "" {
			return s
		}
	}
	if len(e.Errors) > 0 {
		return e.Errors[0].Message
	}
	return ""
}
