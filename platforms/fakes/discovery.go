package fakes

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Discovery is a Google API Discovery document (discoveryVersion v1, as
// Google's client libraries ship them) loaded for contract checks: it finds
// the method a recorded request called (resources → methods, by httpMethod
// and flatPath, or by a mediaUpload protocol path), checks the query
// parameters (known, required, typed), the bearer token where the method
// has scopes, the JSON request body against the request schema, upload
// headers against mediaUpload, and the JSON answer against the response
// schema (every property known and of the right type, recursively), or
// Google's error body for errors. Discovery schemas list every property a
// resource has, so an unknown property is an error.
type Discovery struct {
	doc     map[string]any
	schemas map[string]any
	global  map[string]any
	service string // servicePath, e.g. "" for YouTube
	methods []*discMethod
}

type discMethod struct {
	id, httpMethod string
	segs           []string // of "/" + servicePath + flatPath
	m              map[string]any
	simple, resum  string // mediaUpload protocol paths
	accept         []string
	maxSize        int64
}

// LoadDiscovery reads a Discovery document.
func LoadDiscovery(file string) (*Discovery, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	d := &Discovery{doc: doc}
	d.schemas, _ = doc["schemas"].(map[string]any)
	d.global, _ = doc["parameters"].(map[string]any)
	d.service, _ = doc["servicePath"].(string)
	var walk func(res map[string]any)
	walk = func(res map[string]any) {
		for _, k := range slices.Sorted(maps.Keys(res)) {
			r, _ := res[k].(map[string]any)
			ms, _ := r["methods"].(map[string]any)
			for _, mk := range slices.Sorted(maps.Keys(ms)) {
				m, _ := ms[mk].(map[string]any)
				dm := &discMethod{m: m}
				dm.id, _ = m["id"].(string)
				dm.httpMethod, _ = m["httpMethod"].(string)
				fp, _ := m["flatPath"].(string)
				if fp == "" {
					fp, _ = m["path"].(string)
				}
				dm.segs = discSegs("/" + d.service + fp)
				if mu, ok := m["mediaUpload"].(map[string]any); ok {
					pr, _ := mu["protocols"].(map[string]any)
					if s, ok := pr["simple"].(map[string]any); ok {
						dm.simple, _ = s["path"].(string)
					}
					if s, ok := pr["resumable"].(map[string]any); ok {
						dm.resum, _ = s["path"].(string)
					}
					for _, a := range asSlice(mu["accept"]) {
						if s, ok := a.(string); ok {
							dm.accept = append(dm.accept, s)
						}
					}
					if s, ok := mu["maxSize"].(string); ok {
						dm.maxSize, _ = strconv.ParseInt(s, 10, 64)
					}
				}
				d.methods = append(d.methods, dm)
			}
			if sub, ok := r["resources"].(map[string]any); ok {
				walk(sub)
			}
		}
	}
	res, _ := doc["resources"].(map[string]any)
	walk(res)
	return d, nil
}

func discSegs(p string) []string { return strings.Split(strings.Trim(path.Clean(p), "/"), "/") }

// discCall is how a request reached a method.
type discCall struct {
	m        *discMethod
	protocol string // "" (plain API), "simple" (upload path), "resumable" (resumable path or uploadType=resumable), "session" (PUT to a session)
	params   map[string]string
}

func segsMatch(tmpl, segs []string) (map[string]string, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	ps := map[string]string{}
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if segs[i] == "" {
				return nil, false
			}
			ps[strings.Trim(t, "{}+")] = segs[i]
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	return ps, true
}

// Method returns the id of the method a request calls ("" if none).
func (d *Discovery) Method(method, p, rawQuery string) string {
	q, _ := url.ParseQuery(rawQuery)
	if c := d.find(method, p, q); c != nil {
		return c.m.id
	}
	return ""
}

func (d *Discovery) find(method, p string, q url.Values) *discCall {
	segs := discSegs(p)
	for _, m := range d.methods {
		if ps, ok := segsMatch(m.segs, segs); ok && strings.EqualFold(m.httpMethod, method) {
			return &discCall{m: m, params: ps}
		}
	}
	for _, m := range d.methods {
		for _, pr := range []struct{ name, path string }{{"simple", m.simple}, {"resumable", m.resum}} {
			if pr.path == "" {
				continue
			}
			ps, ok := segsMatch(discSegs(pr.path), segs)
			if !ok {
				continue
			}
			switch {
			case strings.EqualFold(m.httpMethod, method):
				proto := pr.name
				if q.Get("uploadType") == "resumable" {
					proto = "resumable"
				}
				return &discCall{m: m, protocol: proto, params: ps}
			case method == "PUT" && q.Has("upload_id"):
				return &discCall{m: m, protocol: "session", params: ps}
			}
		}
	}
	return nil
}

// Check returns every way r disagrees with the document (nil if none).
func (d *Discovery) Check(r Request) []string {
	q, err := url.ParseQuery(r.Query)
	where := r.Method + " " + r.Path
	if err != nil {
		return []string{where + ": the query does not parse"}
	}
	c := d.find(r.Method, r.Path, q)
	if c == nil {
		return []string{where + ": no method of the discovery document has this path and HTTP method"}
	}
	where = fmt.Sprintf("%s (%s", where, c.m.id)
	if c.protocol != "" {
		where += ", " + c.protocol + " upload"
	}
	where += ")"
	var errs []string
	errs = append(errs, d.checkQuery(where, c, q)...)
	if c.protocol != "session" && len(asSlice(c.m.m["scopes"])) > 0 && !strings.EqualFold(r.Auth, "Bearer") {
		errs = append(errs, where+": the method needs OAuth scopes; no bearer token was sent")
	}
	errs = append(errs, d.checkUpload(where, c, q, r)...)
	errs = append(errs, d.checkRequestBody(where, c, r)...)
	errs = append(errs, d.checkResponse(where, c, r)...)
	return errs
}

func (d *Discovery) checkQuery(where string, c *discCall, q url.Values) []string {
	var errs []string
	mp, _ := c.m.m["parameters"].(map[string]any)
	if c.protocol == "session" {
		if q.Get("upload_id") == "" {
			errs = append(errs, where+": a resumable session URL carries upload_id")
		}
		return errs // the rest of the session URL is the server's
	}
	for _, name := range slices.Sorted(maps.Keys(mp)) {
		p, _ := mp[name].(map[string]any)
		if p["location"] == "path" {
			if _, ok := c.params[name]; !ok && p["required"] == true {
				errs = append(errs, fmt.Sprintf("%s: required path parameter %q missing", where, name))
			}
			continue
		}
		if p["required"] == true && q.Get(name) == "" {
			errs = append(errs, fmt.Sprintf("%s: required query parameter %q missing", where, name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		p, _ := mp[name].(map[string]any)
		if p == nil {
			p, _ = d.global[name].(map[string]any)
		}
		if p == nil && c.protocol != "" && name == "uploadType" {
			if v := q.Get(name); v != "media" && v != "multipart" && v != "resumable" {
				errs = append(errs, fmt.Sprintf("%s: uploadType %q is not media, multipart or resumable", where, v))
			}
			continue
		}
		if p == nil {
			errs = append(errs, fmt.Sprintf("%s: query parameter %q is not in the document", where, name))
			continue
		}
		if p["location"] == "path" {
			errs = append(errs, fmt.Sprintf("%s: %q is a path parameter, sent in the query", where, name))
			continue
		}
		vals := q[name]
		if p["repeated"] != true && len(vals) > 1 {
			errs = append(errs, fmt.Sprintf("%s: query parameter %q is not repeated but was sent %d times", where, name, len(vals)))
		}
		for _, v := range vals {
			if e := discParamValue(p, v); e != "" {
				errs = append(errs, fmt.Sprintf("%s: query parameter %q: %s", where, name, e))
			}
		}
	}
	if c.protocol == "simple" && q.Get("uploadType") == "" {
		errs = append(errs, where+": an upload path needs uploadType (media, multipart or resumable)")
	}
	return errs
}

func discParamValue(p map[string]any, v string) string {
	switch p["type"] {
	case "boolean":
		if v != "true" && v != "false" {
			return fmt.Sprintf("%q is not a boolean", v)
		}
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Sprintf("%q is not an integer", v)
		}
		if s, ok := p["maximum"].(string); ok {
			if mx, err := strconv.ParseInt(s, 10, 64); err == nil && n > mx {
				return fmt.Sprintf("%d is over the maximum %d", n, mx)
			}
		}
		if s, ok := p["minimum"].(string); ok {
			if mn, err := strconv.ParseInt(s, 10, 64); err == nil && n < mn {
				return fmt.Sprintf("%d is under the minimum %d", n, mn)
			}
		}
	}
	if enum := asSlice(p["enum"]); len(enum) > 0 && !slices.Contains(enum, any(v)) {
		return fmt.Sprintf("%q is not one of %v", v, enum)
	}
	return ""
}

func discAccepts(accept []string, mt string) bool {
	for _, a := range accept {
		if a == mt || (strings.HasSuffix(a, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}

// checkUpload: the resumable start announces the file (X-Upload-Content-*)
// within mediaUpload's accept and maxSize; a session PUT says which bytes
// it carries (Content-Range).
func (d *Discovery) checkUpload(where string, c *discCall, q url.Values, r Request) []string {
	var errs []string
	switch c.protocol {
	case "resumable":
		mt := r.Header.Get("X-Upload-Content-Type")
		if mt != "" && !discAccepts(c.m.accept, mt) {
			errs = append(errs, fmt.Sprintf("%s: X-Upload-Content-Type %q is not in mediaUpload.accept %v", where, mt, c.m.accept))
		}
		if n := r.Header.Get("X-Upload-Content-Length"); n != "" {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil || v < 0 || (c.m.maxSize > 0 && v > c.m.maxSize) {
				errs = append(errs, fmt.Sprintf("%s: X-Upload-Content-Length %q is not a size within mediaUpload.maxSize %d", where, n, c.m.maxSize))
			}
		}
	case "simple":
		mt := strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0])
		if q.Get("uploadType") == "media" && !discAccepts(c.m.accept, mt) {
			errs = append(errs, fmt.Sprintf("%s: Content-Type %q is not in mediaUpload.accept %v", where, mt, c.m.accept))
		}
	case "session":
		if _, _, _, _, ok := ytParseContentRange(r.Header.Get("Content-Range")); !ok {
			errs = append(errs, fmt.Sprintf("%s: a session PUT needs Content-Range (bytes a-b/total or bytes */total), got %q", where, r.Header.Get("Content-Range")))
		}
	}
	return errs
}

func (d *Discovery) checkRequestBody(where string, c *discCall, r Request) []string {
	req, _ := c.m.m["request"].(map[string]any)
	ct := strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0])
	if req == nil || c.protocol == "session" || ct != "application/json" {
		return nil
	}
	if len(r.Body) == 0 {
		return []string{where + ": the method takes a " + fmt.Sprint(req["$ref"]) + " body; none was sent"}
	}
	var body any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		return []string{where + ": the request body is not JSON"}
	}
	var errs []string
	for _, e := range d.validate(body, req, "$", c.m.id, 0) {
		errs = append(errs, where+": request "+e)
	}
	return errs
}

func (d *Discovery) checkResponse(where string, c *discCall, r Request) []string {
	switch {
	case r.Status == 0:
		return nil // dropped on purpose
	case r.Status == 308:
		if c.protocol != "session" {
			return []string{where + ": 308 is an answer of a resumable session only"}
		}
		return nil
	case r.Status >= 400:
		return d.checkError(where, r)
	case r.Status >= 300:
		return nil
	}
	if c.protocol == "resumable" && r.Method == "POST" {
		return nil // the session URL comes in Location; the body is empty
	}
	resp, _ := c.m.m["response"].(map[string]any)
	if resp == nil {
		return nil
	}
	var body any
	if err := json.Unmarshal(r.Response, &body); err != nil {
		return []string{fmt.Sprintf("%s: answered %d with a body that is not JSON; the document says %v", where, r.Status, resp["$ref"])}
	}
	var errs []string
	for _, e := range d.validate(body, resp, "$", "", 0) {
		errs = append(errs, fmt.Sprintf("%s: response %d: %s", where, r.Status, e))
	}
	return errs
}

// checkError checks Google's error body, which the document does not
// describe: {"error":{"code":N,"message":"...","errors":[{"reason":...}]}}.
func (d *Discovery) checkError(where string, r Request) []string {
	var e struct {
		Error *struct {
			Code    *float64 `json:"code"`
			Message *string  `json:"message"`
			Errors  []struct {
				Reason  *string `json:"reason"`
				Message *string `json:"message"`
			} `json:"errors"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Response, &e); err != nil || e.Error == nil {
		return []string{fmt.Sprintf("%s: error %d without Google's JSON error body", where, r.Status)}
	}
	var errs []string
	if e.Error.Code == nil || int(*e.Error.Code) != r.Status {
		errs = append(errs, fmt.Sprintf("%s: error.code does not repeat the status %d", where, r.Status))
	}
	if e.Error.Message == nil {
		errs = append(errs, where+": error.message missing")
	}
	if len(e.Error.Errors) == 0 || e.Error.Errors[0].Reason == nil {
		errs = append(errs, where+": error.errors[0].reason missing")
	}
	return errs
}

// Validate checks a decoded JSON value against a schema name ("Video").
func (d *Discovery) Validate(v any, schema string) []string {
	return d.validate(v, map[string]any{"$ref": schema}, "$", "", 0)
}

func (d *Discovery) resolve(sc map[string]any) map[string]any {
	for range 16 {
		ref, ok := sc["$ref"].(string)
		if !ok {
			return sc
		}
		sc, _ = d.schemas[ref].(map[string]any)
	}
	return sc
}

// validate checks v against sc. methodID, for request bodies, turns on
// the properties annotated as required for that method.
func (d *Discovery) validate(v any, sc map[string]any, at, methodID string, depth int) []string {
	sc = d.resolve(sc)
	if sc == nil || depth > 40 {
		return nil
	}
	if !discTypeOK(v, sc) {
		return []string{fmt.Sprintf("%s: is %s, the document says %v%s", at, jsonType(v), sc["type"], discFormat(sc))}
	}
	if s, ok := v.(string); ok && len(asSlice(sc["enum"])) > 0 && !slices.Contains(asSlice(sc["enum"]), any(s)) {
		enum := asSlice(sc["enum"])
		return []string{fmt.Sprintf("%s: %v is not one of %v", at, v, enum)}
	}
	var errs []string
	switch x := v.(type) {
	case map[string]any:
		props, _ := sc["properties"].(map[string]any)
		addl, _ := sc["additionalProperties"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			switch ps, ok := props[k].(map[string]any); {
			case ok:
				errs = append(errs, d.validate(x[k], ps, at+"."+k, methodID, depth+1)...)
			case addl != nil:
				errs = append(errs, d.validate(x[k], addl, at+"."+k, methodID, depth+1)...)
			default:
				errs = append(errs, fmt.Sprintf("%s: property %q is not in the document's %v", at, k, nonEmptyAny(sc["id"], "schema")))
			}
		}
		if methodID != "" {
			for _, k := range slices.Sorted(maps.Keys(props)) {
				ps, _ := props[k].(map[string]any)
				ann, _ := ps["annotations"].(map[string]any)
				if slices.Contains(asSlice(ann["required"]), any(methodID)) {
					if _, ok := x[k]; !ok {
						errs = append(errs, fmt.Sprintf("%s: property %q is required for %s", at, k, methodID))
					}
				}
			}
		}
	case []any:
		if items, ok := sc["items"].(map[string]any); ok {
			for i, e := range x {
				errs = append(errs, d.validate(e, items, fmt.Sprintf("%s[%d]", at, i), methodID, depth+1)...)
			}
		}
	}
	return errs
}

func nonEmptyAny(v any, d string) any {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return d
}

func discFormat(sc map[string]any) string {
	if f, ok := sc["format"].(string); ok {
		return " (" + f + ")"
	}
	return ""
}

// discTypeOK: Discovery types, where 64-bit integers travel as strings
// (format int64/uint64) and date-time strings must parse.
func discTypeOK(v any, sc map[string]any) bool {
	t, _ := sc["type"].(string)
	f, _ := sc["format"].(string)
	switch t {
	case "":
		return true
	case "any":
		return true
	case "string":
		s, ok := v.(string)
		if !ok {
			return false
		}
		switch f {
		case "int64", "uint64":
			_, err := strconv.ParseInt(strings.TrimPrefix(s, "-"), 10, 64)
			return err == nil
		case "date-time", "google-datetime":
			_, err := time.Parse(time.RFC3339Nano, s)
			return err == nil
		}
		return true
	case "integer":
		n, ok := v.(float64)
		if !ok || n != math.Trunc(n) {
			return false
		}
		return !strings.HasPrefix(f, "uint") || n >= 0
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

// CheckReads checks that every field path the client reads ("id",
// "items[].snippet.title") is declared in the method's response schema and
// present in the recorded answer (in every element of an array).
func (d *Discovery) CheckReads(r Request, fields ...string) []string {
	q, _ := url.ParseQuery(r.Query)
	c := d.find(r.Method, r.Path, q)
	if c == nil {
		return []string{r.Method + " " + r.Path + ": no method"}
	}
	resp, _ := c.m.m["response"].(map[string]any)
	var body any
	if err := json.Unmarshal(r.Response, &body); err != nil {
		return []string{fmt.Sprintf("%s %s (%s): answer is not JSON", r.Method, r.Path, c.m.id)}
	}
	var errs []string
	for _, f := range fields {
		steps := strings.Split(f, ".")
		if !d.declared(resp, steps) {
			errs = append(errs, fmt.Sprintf("%s: the client reads %q, which the document does not declare", c.m.id, f))
			continue
		}
		if !discPresent(body, steps) {
			errs = append(errs, fmt.Sprintf("%s: the client reads %q, missing from the answer", c.m.id, f))
		}
	}
	return errs
}

func (d *Discovery) declared(sc map[string]any, steps []string) bool {
	sc = d.resolve(sc)
	if len(steps) == 0 {
		return sc != nil
	}
	if sc == nil {
		return false
	}
	name, arr := strings.CutSuffix(steps[0], "[]")
	props, _ := sc["properties"].(map[string]any)
	next, ok := props[name].(map[string]any)
	if !ok {
		return false
	}
	if arr {
		next = d.resolve(next)
		if next["type"] != "array" {
			return false
		}
		next, _ = next["items"].(map[string]any)
	}
	return d.declared(next, steps[1:])
}

func discPresent(v any, steps []string) bool {
	if len(steps) == 0 {
		return v != nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	name, arr := strings.CutSuffix(steps[0], "[]")
	x, ok := m[name]
	if !ok {
		return false
	}
	if !arr {
		return discPresent(x, steps[1:])
	}
	xs, ok := x.([]any)
	if !ok || len(xs) == 0 {
		return false
	}
	for _, e := range xs {
		if !discPresent(e, steps[1:]) {
			return false
		}
	}
	return true
}
