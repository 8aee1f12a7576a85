package fakes

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// GraphSpec is Meta's SDK codegen description of Graph API nodes
// (facebook-business-sdk-codegen api_specs/specs/<Node>.json: {"apis":
// [{"method","endpoint","return","params":[{"name","required","type"}]}],
// "fields":[{"name","type"}]}), loaded for contract checks of the Meta
// fake. Paths carry ids, not node names, so Check needs a resolver that
// says what node an id is (the fake knows).
type GraphSpec struct {
	dir     string
	version string
	nodes   map[string]*graphNode
	enums   map[string]bool
	extra   map[string]string // "Node METHOD edge param" → why it is accepted
}

type graphNode struct {
	apis   []graphAPI
	fields map[string]string // name → type
}

type graphAPI struct {
	Method   string       `json:"method"`
	Endpoint string       `json:"endpoint"`
	Name     string       `json:"name"`
	Return   string       `json:"return"`
	Params   []graphParam `json:"params"`
}

type graphParam struct {
	Name     string `json:"name"`
	Required bool   `json:"required"`
	Type     string `json:"type"`
}

// graphUniversalParams are accepted by every Graph call (Graph API overview:
// access_token, fields, paging cursors, appsecret_proof, ...).
var graphUniversalParams = []string{"access_token", "fields", "limit", "after", "before", "pretty", "appsecret_proof", "suppress_http_code", "method", "format"}

// LoadGraphSpec reads the node files of dir (and enum_types.json) lazily;
// version is the path prefix ("v23.0").
func LoadGraphSpec(dir, version string) (*GraphSpec, error) {
	s := &GraphSpec{dir: dir, version: version, nodes: map[string]*graphNode{}, enums: map[string]bool{}, extra: map[string]string{}}
	b, err := os.ReadFile(filepath.Join(dir, "enum_types.json"))
	if err != nil {
		return nil, err
	}
	var enums []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &enums); err != nil {
		return nil, fmt.Errorf("enum_types.json: %w", err)
	}
	for _, e := range enums {
		s.enums[e.Name] = true
	}
	return s, nil
}

// AllowParam accepts a parameter the description lacks, with the reason
// (kept in the test so every exception is visible).
func (s *GraphSpec) AllowParam(node, method, edge, param, why string) {
	s.extra[node+" "+method+" "+edge+" "+param] = why
}

// Node loads one node description; nil if there is no file for it.
func (s *GraphSpec) node(name string) *graphNode {
	if n, ok := s.nodes[name]; ok {
		return n
	}
	var raw struct {
		APIs   []graphAPI `json:"apis"`
		Fields []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"fields"`
	}
	b, err := os.ReadFile(filepath.Join(s.dir, name+".json"))
	if err != nil || json.Unmarshal(b, &raw) != nil {
		s.nodes[name] = nil
		return nil
	}
	n := &graphNode{apis: raw.APIs, fields: map[string]string{}}
	for _, f := range raw.Fields {
		n.fields[f.Name] = f.Type
	}
	s.nodes[name] = n
	return n
}

func (n *graphNode) api(method, edge string) *graphAPI {
	for i, a := range n.apis {
		if a.Method == method && a.Endpoint == edge {
			return &n.apis[i]
		}
	}
	return nil
}

// edgeReturn is the node a GET edge returns ("" if none).
func (n *graphNode) edgeReturn(edge string) string {
	if a := n.api("GET", edge); a != nil && edge != "" {
		return a.Return
	}
	return ""
}

// Resolver names the node type of an id ("me" included); "" = unknown.
type Resolver func(id string) string

// graphCreateShapes are the documented answers of create calls, which are not
// node reads: Graph answers a POST with the new id and, for some edges,
// a few more keys (each from the endpoint's reference page).
var graphCreateShapes = map[string][]string{
	"Page POST photos":          {"id", "post_id"},                                                                // Page Photos reference: {id, post_id}
	"Page POST feed":            {"id"},                                                                           // Page Feed reference: {id}
	"Page POST videos":          {"id", "video_id", "upload_session_id", "start_offset", "end_offset", "success"}, // resumable upload guide
	"IGUser POST media":         {"id", "uri"},                                                                    // IG resumable upload guide: {id, uri}
	"IGUser POST media_publish": {"id"},
	"PagePost POST comments":    {"id"},
	"Photo POST comments":       {"id"},
	"AdVideo POST comments":     {"id"},
	"IGMedia POST comments":     {"id"},
	"PagePost POST ":            {"success"}, // Page Post reference, Updating: {success}
	"PagePost DELETE ":          {"success"}, // Page Post reference, Deleting: {success}
	"AdVideo POST ":             {"success"}, // Video reference, Updating: {success}
	"AdVideo DELETE ":           {"success"}, // Video reference, Deleting: {success}
	"User DELETE permissions":   {"success"}, // User permissions reference, Revoking: true, sent as {success}
}

// Check checks one recorded request against the description: the path is
// /{version}/{id}[/{edge}], the node type of id comes from resolve; the
// method and edge must exist, required parameters be present and every
// parameter sent be known; for reads, every requested field must exist on
// the node, and every field of a JSON answer must exist with its type.
func (s *GraphSpec) Check(r Request, resolve Resolver) []string {
	where := r.Method + " " + r.Path
	segs := strings.Split(strings.Trim(r.Path, "/"), "/")
	if len(segs) < 2 || len(segs) > 3 || segs[0] != s.version {
		return []string{where + ": not a /" + s.version + "/{id}[/{edge}] path"}
	}
	id, edge := segs[1], ""
	if len(segs) == 3 {
		edge = segs[2]
	}
	typ := resolve(id)
	if typ == "" {
		return []string{where + ": the fake cannot say what node " + id + " is"}
	}
	n := s.node(typ)
	if n == nil {
		return []string{where + ": no description for node " + typ}
	}
	a := n.api(r.Method, edge)
	if a == nil {
		return []string{fmt.Sprintf("%s: node %s has no %s %q", where, typ, r.Method, edge)}
	}
	key := typ + " " + r.Method + " " + edge
	var errs []string
	params := graphRequestParams(r)
	for _, p := range a.Params {
		if p.Required && !params.Has(p.Name) {
			errs = append(errs, fmt.Sprintf("%s (%s): required parameter %s missing", where, key, p.Name))
		}
	}
	for name := range params {
		base := name
		if i := strings.IndexByte(base, '['); i > 0 {
			base = base[:i]
		}
		if slices.Contains(graphUniversalParams, base) || s.extra[key+" "+base] != "" {
			continue
		}
		p := graphFindParam(a.Params, base)
		if p == nil {
			errs = append(errs, fmt.Sprintf("%s (%s): unknown parameter %s", where, key, name))
			continue
		}
		if base != name && !strings.HasPrefix(p.Type, "list") && p.Type != "map" && p.Type != "Object" {
			errs = append(errs, fmt.Sprintf("%s (%s): %s sent as an array but is %s", where, key, name, p.Type))
		}
		if s.enums[p.Type] && !s.enumHas(p.Type, params.Get(name)) {
			errs = append(errs, fmt.Sprintf("%s (%s): %s=%q is not a value of %s", where, key, name, params.Get(name), p.Type))
		}
	}
	ret := a.Return
	if r.Method == "GET" {
		if f := params.Get("fields"); f != "" {
			sel, err := graphParseFields(f)
			if err != nil {
				errs = append(errs, where+": fields: "+err.Error())
			}
			errs = append(errs, s.checkSelection(where, ret, sel)...)
		}
	}
	if r.Status < 200 || r.Status > 299 || len(r.Response) == 0 {
		return errs
	}
	var body map[string]any
	if err := json.Unmarshal(r.Response, &body); err != nil {
		return append(errs, where+": answer is not a JSON object")
	}
	if r.Method != "GET" {
		shape, ok := graphCreateShapes[key]
		if !ok {
			return append(errs, where+": no documented answer shape for "+key)
		}
		for k, v := range body {
			if !slices.Contains(shape, k) {
				errs = append(errs, fmt.Sprintf("%s: answer key %s is not in the documented shape %v", where, k, shape))
			}
			if k == "id" || k == "post_id" || k == "uri" || k == "upload_session_id" || k == "video_id" {
				if _, ok := v.(string); !ok {
					errs = append(errs, fmt.Sprintf("%s: answer %s is %s, want string", where, k, jsonType(v)))
				}
			}
		}
		if slices.Contains(shape, "id") && body["id"] == nil && body["success"] == nil && body["upload_session_id"] == nil && body["start_offset"] == nil {
			errs = append(errs, where+": answer has no id")
		}
		return errs
	}
	if edge != "" {
		data, ok := body["data"].([]any)
		if !ok {
			return append(errs, where+": an edge answer needs a data array")
		}
		for i, d := range data {
			errs = append(errs, s.checkObject(fmt.Sprintf("%s data[%d]", where, i), ret, d, 0)...)
		}
		return errs
	}
	return append(errs, s.checkObject(where, ret, body, 0)...)
}

func (s *GraphSpec) enumHas(name, v string) bool {
	b, err := os.ReadFile(filepath.Join(s.dir, "enum_types.json"))
	if err != nil {
		return false
	}
	var enums []struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	}
	_ = json.Unmarshal(b, &enums)
	for _, e := range enums {
		if e.Name == name {
			return slices.Contains(e.Values, v)
		}
	}
	return false
}

func graphFindParam(ps []graphParam, name string) *graphParam {
	for i := range ps {
		if ps[i].Name == name {
			return &ps[i]
		}
	}
	return nil
}

// graphRequestParams merges the query and the (url-encoded or multipart) body.
func graphRequestParams(r Request) url.Values {
	v, _ := url.ParseQuery(r.Query)
	if v == nil {
		v = url.Values{}
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data" {
		b, _ := url.ParseQuery(string(r.Body))
		for k, xs := range b {
			v[k] = append(v[k], xs...)
		}
	}
	return v
}

type graphFieldSel struct {
	name string
	sub  []graphFieldSel // nil = no expansion
}

// graphParseFields reads a Graph fields parameter: "id,name,picture{url}".
func graphParseFields(s string) ([]graphFieldSel, error) {
	sel, rest, err := graphParseFieldList(s)
	if err == nil && rest != "" {
		err = fmt.Errorf("unexpected %q", rest)
	}
	return sel, err
}

func graphParseFieldList(s string) ([]graphFieldSel, string, error) {
	var out []graphFieldSel
	for {
		i := strings.IndexAny(s, ",{}")
		name := s
		if i >= 0 {
			name = s[:i]
		}
		name = strings.TrimSpace(name)
		if j := strings.IndexByte(name, '.'); j >= 0 {
			name = name[:j] // modifiers: picture.type(large)
		}
		if name == "" {
			return nil, s, fmt.Errorf("empty field name in %q", s)
		}
		f := graphFieldSel{name: name}
		if i < 0 {
			return append(out, f), "", nil
		}
		s = s[i:]
		if s[0] == '{' {
			sub, rest, err := graphParseFieldList(s[1:])
			if err != nil {
				return nil, s, err
			}
			if rest == "" || rest[0] != '}' {
				return nil, rest, fmt.Errorf("missing }")
			}
			f.sub = sub
			s = rest[1:]
		}
		out = append(out, f)
		if s == "" || s[0] == '}' {
			return out, s, nil
		}
		if s[0] != ',' {
			return nil, s, fmt.Errorf("unexpected %q", s)
		}
		s = s[1:]
	}
}

// checkSelection checks requested fields against node typ: a name must be
// a field or a GET edge; expansions are checked against the field's node
// or the edge's return node.
func (s *GraphSpec) checkSelection(where, typ string, sel []graphFieldSel) []string {
	n := s.node(typ)
	if n == nil {
		return nil // an opaque type (Object, map): nothing to check
	}
	var errs []string
	for _, f := range sel {
		t, isField := n.fields[f.name]
		if !isField {
			t = n.edgeReturn(f.name)
		}
		if t == "" {
			errs = append(errs, fmt.Sprintf("%s: requested field %s does not exist on %s", where, f.name, typ))
			continue
		}
		if f.sub != nil {
			errs = append(errs, s.checkSelection(where, graphElemType(t), f.sub)...)
		}
	}
	return errs
}

func graphElemType(t string) string {
	if strings.HasPrefix(t, "list<") && strings.HasSuffix(t, ">") {
		return t[5 : len(t)-1]
	}
	return t
}

// checkObject checks an answer object against node typ: every key a field
// (or a GET edge, answered as {"data": ...}) with a value of its type.
func (s *GraphSpec) checkObject(where, typ string, v any, depth int) []string {
	n := s.node(typ)
	if n == nil || depth > 6 {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: %s is %s, want an object", where, typ, jsonType(v))}
	}
	var errs []string
	if _, ok := m["id"]; !ok && n.fields["id"] != "" {
		errs = append(errs, fmt.Sprintf("%s: %s without id", where, typ))
	}
	for k, x := range m {
		at := where + "." + k
		t, isField := n.fields[k]
		if !isField {
			ret := n.edgeReturn(k)
			if ret == "" {
				errs = append(errs, fmt.Sprintf("%s: %s has no field %s", at, typ, k))
				continue
			}
			em, ok := x.(map[string]any)
			if !ok || em["data"] == nil {
				errs = append(errs, at+": an edge needs {\"data\": ...}")
				continue
			}
			if list, ok := em["data"].([]any); ok {
				for i, d := range list {
					errs = append(errs, s.checkObject(fmt.Sprintf("%s.data[%d]", at, i), ret, d, depth+1)...)
				}
			} else {
				errs = append(errs, s.checkObject(at+".data", ret, em["data"], depth+1)...)
			}
			continue
		}
		errs = append(errs, s.checkValue(at, t, x, depth)...)
	}
	return errs
}

func (s *GraphSpec) checkValue(at, t string, x any, depth int) []string {
	if x == nil {
		return []string{at + ": null (Graph leaves out fields it has no value for)"}
	}
	bad := func() []string { return []string{fmt.Sprintf("%s: %s, want %s", at, jsonType(x), t)} }
	switch {
	case t == "string" || t == "datetime" || s.enums[t]:
		if _, ok := x.(string); !ok {
			return bad()
		}
	case t == "int" || t == "unsigned int" || t == "float" || t == "int64":
		f, ok := x.(float64)
		if !ok || t != "float" && f != float64(int64(f)) || t == "unsigned int" && f < 0 {
			return bad()
		}
	case t == "bool":
		if _, ok := x.(bool); !ok {
			return bad()
		}
	case strings.HasPrefix(t, "list"):
		xs, ok := x.([]any)
		if !ok {
			return bad()
		}
		var errs []string
		for i, e := range xs {
			errs = append(errs, s.checkValue(fmt.Sprintf("%s[%d]", at, i), graphElemType(t), e, depth+1)...)
		}
		return errs
	case t == "Object" || t == "map":
		if _, ok := x.(map[string]any); !ok {
			return bad()
		}
	default:
		if s.node(t) != nil {
			return s.checkObject(at, t, x, depth+1)
		}
		// A type without a description (struct-like helpers): must be an object.
		if _, ok := x.(map[string]any); !ok {
			return bad()
		}
	}
	return nil
}
