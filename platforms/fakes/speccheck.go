package fakes

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"mime"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Spec is an OpenAPI 3.x description loaded for contract checks of the
// fakes: it checks recorded requests (path, method, required parameters and
// body fields, auth) and the fake's JSON answers (required properties, types
// and enums, recursively) against it. It needs no dependency: plain
// encoding/json over the document, resolving local "$ref"s.
type Spec struct {
	doc   map[string]any
	paths []specPath
}

type specPath struct {
	template string
	segs     []string
	item     map[string]any
}

// LoadSpec reads an OpenAPI 3.0 or 3.1 JSON document.
func LoadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &Spec{doc: doc}
	paths, _ := doc["paths"].(map[string]any)
	for t, it := range paths {
		item, _ := it.(map[string]any)
		s.paths = append(s.paths, specPath{template: t, segs: strings.Split(strings.Trim(t, "/"), "/"), item: item})
	}
	sort.Slice(s.paths, func(i, j int) bool { return s.paths[i].template < s.paths[j].template })
	return s, nil
}

// Match returns the spec path template for a concrete path ("{id}"
// segments match any segment; the most literal match wins), or "".
func (s *Spec) Match(path string) string {
	if p := s.match(path); p != nil {
		return p.template
	}
	return ""
}

func (s *Spec) match(path string) *specPath {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *specPath
	bestLit := -1
	for i := range s.paths {
		p := &s.paths[i]
		if len(p.segs) != len(segs) {
			continue
		}
		lit, ok := 0, true
		for k, seg := range p.segs {
			switch {
			case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
				if segs[k] == "" {
					ok = false
				}
			case seg == segs[k]:
				lit++
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok && lit > bestLit {
			best, bestLit = p, lit
		}
	}
	return best
}

// Check returns every way r disagrees with the spec (nil if none).
func (s *Spec) Check(r Request) []string {
	where := r.Method + " " + r.Path
	p := s.match(r.Path)
	if p == nil {
		return []string{where + ": path not in the spec"}
	}
	op, _ := p.item[strings.ToLower(r.Method)].(map[string]any)
	if op == nil {
		return []string{fmt.Sprintf("%s: method not in the spec for %s", where, p.template)}
	}
	where = fmt.Sprintf("%s (%s %s)", where, r.Method, p.template)
	var errs []string
	errs = append(errs, s.checkParams(where, r, p.item, op)...)
	errs = append(errs, s.checkAuth(where, r, op)...)
	errs = append(errs, s.checkBody(where, r, op)...)
	errs = append(errs, s.checkResponse(where, r, op)...)
	return errs
}

func (s *Spec) checkParams(where string, r Request, item, op map[string]any) []string {
	q, _ := url.ParseQuery(r.Query)
	var errs []string
	var all []any
	if ps, ok := item["parameters"].([]any); ok {
		all = append(all, ps...)
	}
	if ps, ok := op["parameters"].([]any); ok {
		all = append(all, ps...)
	}
	for _, x := range all {
		prm := s.resolve(x)
		if prm["in"] != "query" || prm["required"] != true {
			continue
		}
		name, _ := prm["name"].(string)
		if !q.Has(name) && !q.Has(name+"[]") {
			errs = append(errs, fmt.Sprintf("%s: required query parameter %q missing", where, name))
		}
	}
	return errs
}

// checkAuth: an operation whose every security alternative names OAuth2
// must have been called with a bearer token.
func (s *Spec) checkAuth(where string, r Request, op map[string]any) []string {
	sec, ok := op["security"].([]any)
	if !ok || len(sec) == 0 {
		return nil
	}
	for _, alt := range sec {
		if m, _ := alt.(map[string]any); len(m) == 0 {
			return nil // an empty alternative: anonymous allowed
		}
	}
	if s.basicOnly(sec) {
		if !strings.EqualFold(r.Auth, "Basic") {
			return []string{where + ": the spec requires HTTP Basic client authentication; none was sent"}
		}
		return nil
	}
	if !strings.EqualFold(r.Auth, "Bearer") {
		return []string{where + ": the spec requires an OAuth2 bearer token; none was sent"}
	}
	return nil
}

// basicOnly reports whether every security alternative is an HTTP Basic
// scheme (Pinterest's POST /oauth/token: the app's id and secret).
func (s *Spec) basicOnly(sec []any) bool {
	comps, _ := s.doc["components"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	for _, alt := range sec {
		m, _ := alt.(map[string]any)
		for name := range m {
			sc := s.resolve(schemes[name])
			if sc["type"] != "http" || !strings.EqualFold(fmt.Sprint(sc["scheme"]), "basic") {
				return false
			}
		}
	}
	return true
}

// discriminated returns the schema an OpenAPI discriminator maps a value
// to ("grant_type": "refresh_token" → OauthAccessTokenRequestRefresh), or nil.
func (s *Spec) discriminated(sc map[string]any, value any) map[string]any {
	d, _ := sc["discriminator"].(map[string]any)
	mapping, _ := d["mapping"].(map[string]any)
	prop, _ := d["propertyName"].(string)
	if prop == "" || mapping == nil {
		return nil
	}
	var v string
	switch x := value.(type) {
	case string:
		v = x
	case []string:
		if len(x) > 0 {
			v = x[0]
		}
	}
	ref, _ := mapping[v].(string)
	if ref == "" {
		return nil
	}
	return s.resolve(map[string]any{"$ref": ref})
}

func (s *Spec) checkBody(where string, r Request, op map[string]any) []string {
	rb := s.resolve(op["requestBody"])
	if rb == nil {
		return nil
	}
	content, _ := rb["content"].(map[string]any)
	if len(r.Body) == 0 {
		if rb["required"] == true {
			return []string{where + ": the spec requires a request body; none was sent"}
		}
		return nil
	}
	// The descriptions list one media type per operation, but Mastodon
	// reads form, multipart and JSON alike: pick the matching schema,
	// else the first one, and compare field names.
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	media, _ := content[ct].(map[string]any)
	if media == nil {
		keys := slices.Sorted(maps.Keys(content))
		if len(keys) > 0 {
			media, _ = content[keys[0]].(map[string]any)
		}
	}
	if media == nil {
		return nil
	}
	var fields map[string]any
	if ct == "application/json" {
		if err := json.Unmarshal(r.Body, &fields); err != nil {
			return []string{where + ": request body is not a JSON object"}
		}
	} else {
		v, err := url.ParseQuery(string(r.Body))
		if err != nil {
			return []string{where + ": request body is not a form"}
		}
		fields = map[string]any{}
		for k, xs := range v {
			fields[strings.TrimSuffix(k, "[]")] = xs
		}
	}
	var errs []string
	for _, e := range s.requestFields(media["schema"], fields, 0) {
		errs = append(errs, where+": request "+e)
	}
	return errs
}

// requestFields checks that required fields are present and every sent
// field is a known property (a typo like media_id[] is caught).
func (s *Spec) requestFields(schema any, fields map[string]any, depth int) []string {
	sc := s.resolve(schema)
	if sc == nil || depth > 8 {
		return nil
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts, ok := sc[k].([]any); ok {
			var best []string
			for i, a := range alts {
				e := s.requestFields(a, fields, depth+1)
				if len(e) == 0 {
					return nil
				}
				if i == 0 || len(e) < len(best) {
					best = e
				}
			}
			return best
		}
	}
	if d, _ := sc["discriminator"].(map[string]any); d != nil {
		prop, _ := d["propertyName"].(string)
		if m := s.discriminated(sc, fields[prop]); m != nil {
			return s.requestFields(m, fields, depth+1)
		}
	}
	req, props := s.flatten(sc)
	var errs []string
	for _, k := range req {
		if _, ok := fields[k]; !ok {
			errs = append(errs, fmt.Sprintf("field %q is required by the spec but missing", k))
		}
	}
	if len(props) > 0 {
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			if _, ok := props[k]; !ok {
				errs = append(errs, fmt.Sprintf("field %q is not in the spec", k))
			}
		}
	}
	// Nested JSON objects (X's "media": {"media_ids": [...]}, "reply":
	// {...}) are checked the same way, their errors prefixed with the path.
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		sub, ok := fields[k].(map[string]any)
		if !ok || props[k] == nil {
			continue
		}
		for _, e := range s.requestFields(props[k], sub, depth+1) {
			errs = append(errs, k+": "+e)
		}
	}
	return errs
}

// flatten merges an object schema and its allOf parts.
func (s *Spec) flatten(sc map[string]any) (required []string, props map[string]any) {
	props = map[string]any{}
	var walk func(m map[string]any, depth int)
	walk = func(m map[string]any, depth int) {
		if m == nil || depth > 8 {
			return
		}
		for _, r := range asSlice(m["required"]) {
			if k, ok := r.(string); ok && !slices.Contains(required, k) {
				required = append(required, k)
			}
		}
		if ps, ok := m["properties"].(map[string]any); ok {
			for k, v := range ps {
				props[k] = v
			}
		}
		for _, part := range asSlice(m["allOf"]) {
			walk(s.resolve(part), depth+1)
		}
	}
	walk(sc, 0)
	return required, props
}

func (s *Spec) checkResponse(where string, r Request, op map[string]any) []string {
	if r.Status == 0 {
		return nil // dropped on purpose: no answer to check
	}
	responses, _ := op["responses"].(map[string]any)
	code := strconv.Itoa(r.Status)
	resp := s.resolve(responses[code])
	if resp == nil {
		resp = s.resolve(responses[code[:1]+"XX"])
	}
	if resp == nil {
		resp = s.resolve(responses["default"])
	}
	if resp == nil {
		if r.Status >= 200 && r.Status < 300 {
			return []string{fmt.Sprintf("%s: answered %d, which the spec does not list", where, r.Status)}
		}
		return nil // redirects and undocumented errors: nothing to compare
	}
	content, _ := resp["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	if media == nil || media["schema"] == nil {
		return nil
	}
	var body any
	if err := json.Unmarshal(r.Response, &body); err != nil {
		return []string{fmt.Sprintf("%s: answered %d with a body that is not JSON, the spec says JSON", where, r.Status)}
	}
	var errs []string
	for _, e := range s.Validate(body, media["schema"]) {
		errs = append(errs, fmt.Sprintf("%s: response %d: %s", where, r.Status, e))
	}
	return errs
}

// Validate checks a decoded JSON value against a schema: required
// properties, types (3.1 type arrays and 3.0 nullable), enums, items,
// allOf (all), oneOf/anyOf (at least one), recursively.
func (s *Spec) Validate(v any, schema any) []string {
	return s.validate(v, schema, "$", 0)
}

func (s *Spec) validate(v any, schema any, at string, depth int) []string {
	if depth > 40 {
		return nil
	}
	raw, _ := schema.(map[string]any)
	sc := s.resolve(schema)
	if sc == nil {
		return nil
	}
	var errs []string
	// A "$ref" with sibling keywords (3.1 allows it): check both.
	if raw != nil && raw["$ref"] != nil && len(raw) > 1 {
		sib := map[string]any{}
		for k, x := range raw {
			if k != "$ref" && k != "description" {
				sib[k] = x
			}
		}
		if len(sib) > 0 {
			errs = append(errs, s.validate(v, sib, at, depth+1)...)
		}
	}
	for _, part := range asSlice(sc["allOf"]) {
		errs = append(errs, s.validate(v, part, at, depth+1)...)
	}
	if d, _ := sc["discriminator"].(map[string]any); d != nil && sc["oneOf"] == nil && sc["anyOf"] == nil {
		// A discriminator without oneOf (Pinterest's token answers): the
		// value also has to satisfy the schema its tag maps to.
		if m, ok := v.(map[string]any); ok {
			prop, _ := d["propertyName"].(string)
			if ms := s.discriminated(sc, m[prop]); ms != nil {
				errs = append(errs, s.validate(v, ms, at, depth+1)...)
			}
		}
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		alts := asSlice(sc[k])
		if len(alts) == 0 {
			continue
		}
		var best []string
		matched := false
		for i, a := range alts {
			e := s.validate(v, a, at, depth+1)
			if len(e) == 0 {
				matched = true
				break
			}
			if i == 0 || len(e) < len(best) {
				best = e
			}
		}
		if !matched {
			errs = append(errs, fmt.Sprintf("%s: matches none of %s; closest: %s", at, k, strings.Join(best, "; ")))
		}
	}
	if !typeOK(v, sc) {
		return append(errs, fmt.Sprintf("%s: is %s, the spec says %v", at, jsonType(v), sc["type"]))
	}
	if enum := asSlice(sc["enum"]); len(enum) > 0 && v != nil && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	switch x := v.(type) {
	case map[string]any:
		for _, r := range asSlice(sc["required"]) {
			k, _ := r.(string)
			if _, ok := x[k]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required property %q missing", at, k))
			}
		}
		props, _ := sc["properties"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if ps, ok := props[k]; ok {
				errs = append(errs, s.validate(x[k], ps, at+"."+k, depth+1)...)
			}
		}
	case []any:
		if items := sc["items"]; items != nil {
			for i, e := range x {
				errs = append(errs, s.validate(e, items, fmt.Sprintf("%s[%d]", at, i), depth+1)...)
			}
		}
	}
	return errs
}

func typeOK(v any, sc map[string]any) bool {
	var types []string
	switch t := sc["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				types = append(types, s)
			}
		}
	}
	if len(types) == 0 {
		return true
	}
	if sc["nullable"] == true {
		types = append(types, "null")
	}
	jt := jsonType(v)
	for _, t := range types {
		if t == jt || (t == "number" && jt == "integer") {
			return true
		}
	}
	return false
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// resolve follows local "$ref"s ("#/components/...").
func (s *Spec) resolve(x any) map[string]any {
	m, _ := x.(map[string]any)
	for range 16 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var cur any = s.doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
			cm, _ := cur.(map[string]any)
			cur = cm[part]
		}
		m, _ = cur.(map[string]any)
	}
	return m
}

func asSlice(x any) []any {
	s, _ := x.([]any)
	return s
}
