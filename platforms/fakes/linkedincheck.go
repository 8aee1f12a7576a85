package fakes

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
)

// LinkedInContract checks recorded LinkedIn requests against the
// hand-written description in testdata/linkedin (LinkedIn publishes none).
// It runs the shared Spec checks and adds what LinkedIn needs beyond them:
// required header parameters (LinkedIn-Version, X-Restli-Protocol-Version),
// nested request fields (required, types, enums, and no unknown field where
// the description says additionalProperties: false), required response
// headers (x-restli-id), query values held to their enums and patterns,
// and operations told apart by ?action=.
type LinkedInContract struct {
	*Spec
	doc map[string]any
}

// LoadLinkedInContract reads the description.
func LoadLinkedInContract(path string) (*LinkedInContract, error) {
	s, err := LoadSpec(path)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	return &LinkedInContract{Spec: s, doc: doc}, nil
}

// keyed gives Rest.li actions their own path: POST /rest/videos with
// ?action=finalizeUpload is "/rest/videos?action=finalizeUpload".
func (c *LinkedInContract) keyed(r Request) Request {
	q, _ := url.ParseQuery(r.Query)
	if a := q.Get("action"); a != "" {
		r.Path += "?action=" + a
	}
	return r
}

// Operation returns "METHOD template" for a request, "" if not described.
func (c *LinkedInContract) Operation(r Request) string {
	r = c.keyed(r)
	if t := c.Match(r.Path); t != "" {
		return r.Method + " " + t
	}
	return ""
}

func (c *LinkedInContract) op(r Request) (map[string]any, map[string]any) {
	t := c.Match(r.Path)
	paths, _ := c.doc["paths"].(map[string]any)
	item, _ := paths[t].(map[string]any)
	op, _ := item[strings.ToLower(r.Method)].(map[string]any)
	return item, op
}

// Check returns every way r disagrees with the description.
func (c *LinkedInContract) Check(lr LinkedInRequest) []string {
	r := c.keyed(lr.Request)
	errs := c.Spec.Check(r)
	item, op := c.op(r)
	if op == nil {
		return errs
	}
	where := r.Method + " " + c.Match(r.Path)
	var params []any
	params = append(params, asSlice(item["parameters"])...)
	params = append(params, asSlice(op["parameters"])...)
	query, _ := url.ParseQuery(r.Query)
	for _, x := range params {
		p := c.resolve(x)
		if p["in"] == "query" {
			// Values given are held to their enum and pattern (Rest.li
			// finders, List(…) parameters); Spec checks the required ones.
			name, _ := p["name"].(string)
			if v := query.Get(name); v != "" {
				errs = append(errs, c.scalar(where+": query "+name, v, c.resolve(p["schema"]))...)
			}
			continue
		}
		if p["in"] != "header" {
			continue
		}
		name, _ := p["name"].(string)
		v := r.Header.Get(name)
		if v == "" {
			if p["required"] == true {
				errs = append(errs, fmt.Sprintf("%s: required header %s missing", where, name))
			}
			continue
		}
		errs = append(errs, c.scalar(where+": header "+name, v, c.resolve(p["schema"]))...)
	}
	if rb := c.resolve(op["requestBody"]); rb != nil && len(r.Body) > 0 {
		content, _ := rb["content"].(map[string]any)
		if media, _ := content["application/json"].(map[string]any); media != nil && media["schema"] != nil {
			var body any
			if err := json.Unmarshal(r.Body, &body); err == nil {
				for _, e := range c.Validate(body, media["schema"]) {
					errs = append(errs, where+": request "+e)
				}
				for _, e := range c.unknown(body, media["schema"], "$", 0) {
					errs = append(errs, where+": request "+e)
				}
			}
		}
	}
	if lr.Status != 0 {
		responses, _ := op["responses"].(map[string]any)
		code := fmt.Sprint(lr.Status)
		resp := c.resolve(responses[code])
		if resp == nil {
			resp = c.resolve(responses[code[:1]+"XX"])
		}
		hs, _ := resp["headers"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(hs)) {
			h := c.resolve(hs[name])
			v := lr.ResponseHeader.Get(name)
			if v == "" {
				if h["required"] == true {
					errs = append(errs, fmt.Sprintf("%s: response %d: required header %s missing", where, lr.Status, name))
				}
				continue
			}
			errs = append(errs, c.scalar(fmt.Sprintf("%s: response %d: header %s", where, lr.Status, name), v, c.resolve(h["schema"]))...)
		}
	}
	return errs
}

func (c *LinkedInContract) scalar(where, v string, sc map[string]any) []string {
	var errs []string
	if enum := asSlice(sc["enum"]); len(enum) > 0 && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == v }) {
		errs = append(errs, fmt.Sprintf("%s: %q is not one of %v", where, v, enum))
	}
	if pat, _ := sc["pattern"].(string); pat != "" {
		if re, err := regexp.Compile(pat); err == nil && !re.MatchString(v) {
			errs = append(errs, fmt.Sprintf("%s: %q does not match %s", where, v, pat))
		}
	}
	return errs
}

// unknown flags fields the description does not know where it closes an
// object (additionalProperties: false), and string patterns and lengths,
// recursively; of oneOf alternatives the closest one counts.
func (c *LinkedInContract) unknown(v any, schema any, at string, depth int) []string {
	sc := c.resolve(schema)
	if sc == nil || depth > 20 {
		return nil
	}
	if alts := asSlice(sc["oneOf"]); len(alts) > 0 {
		var best []string
		for i, a := range alts {
			e := append(c.unknown(v, a, at, depth+1), c.Validate(v, a)...)
			if len(e) == 0 {
				return nil
			}
			if i == 0 || len(e) < len(best) {
				best = e
			}
		}
		return best
	}
	var errs []string
	switch x := v.(type) {
	case map[string]any:
		props, _ := sc["properties"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			ps, ok := props[k]
			if !ok {
				if sc["additionalProperties"] == false {
					errs = append(errs, fmt.Sprintf("%s: field %q is not in the description", at, k))
				}
				continue
			}
			errs = append(errs, c.unknown(x[k], ps, at+"."+k, depth+1)...)
		}
	case []any:
		if n, ok := sc["minItems"].(float64); ok && float64(len(x)) < n {
			errs = append(errs, fmt.Sprintf("%s: %d items, at least %v", at, len(x), n))
		}
		if n, ok := sc["maxItems"].(float64); ok && float64(len(x)) > n {
			errs = append(errs, fmt.Sprintf("%s: %d items, at most %v", at, len(x), n))
		}
		for i, e := range x {
			errs = append(errs, c.unknown(e, sc["items"], fmt.Sprintf("%s[%d]", at, i), depth+1)...)
		}
	case string:
		errs = append(errs, c.scalar(at, x, sc)...)
		if n, ok := sc["maxLength"].(float64); ok && float64(len([]rune(x))) > n {
			errs = append(errs, fmt.Sprintf("%s: longer than %v", at, n))
		}
	}
	return errs
}
