package contract

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// Validity is a compiled form of a JSON Schema that answers one question
// fast: does a value certainly conform? It knows the keywords the
// contracts use and answers "certainly" only where its reading is exact;
// for anything else (a leap second, a number it would have to round, a
// value of a kind JSON does not make) it is unsure, and the caller asks
// the full validator, which also says what is wrong. So a body it passes
// has no finding the full validator would make, and every other body gets
// the full validator's findings.
type Validity struct {
	root *vnode
}

// Valid reports whether v certainly conforms to the schema.
func (s *Validity) Valid(v any) bool { return s.root.check(v) == yes }

type answer int

const (
	unsure answer = iota
	yes
	no
)

// vnode is one compiled schema.
type vnode struct {
	always     *bool // a boolean schema
	types      []string
	properties map[string]*vnode
	additional *vnode // additionalProperties; nil when absent
	required   []string
	prefix     []*vnode
	items      *vnode
	allOf      []*vnode
	anyOf      []*vnode
	ifS        *vnode
	thenS      *vnode
	elseS      *vnode
	ref        *vnode
	minLength  int // -1 when absent
	maxLength  int
	pattern    *regexp.Regexp
	format     string
	enum       []any
	hasEnum    bool
	minimum    *big.Rat
}

// annotations are keywords that never change a result.
var annotations = map[string]bool{
	"$schema": true, "$comment": true, "title": true, "description": true,
	"examples": true, "default": true, "deprecated": true, "readOnly": true, "writeOnly": true,
	"$defs": true,
}

// compileValidity compiles a schema document (as jsonschema.UnmarshalJSON
// reads it). It fails on any keyword or form it does not read exactly as
// the full validator does; the caller then has no fast answer.
func compileValidity(doc any) (*Validity, error) {
	if m, ok := doc.(map[string]any); ok {
		if s, ok := m["$schema"].(string); ok && s != "https://json-schema.org/draft/2020-12/schema" {
			return nil, fmt.Errorf("$schema %q: only draft 2020-12 is compiled", s)
		}
	}
	c := &vcompiler{doc: doc, refs: map[string]*vnode{}}
	root, err := c.node(doc, true)
	if err != nil {
		return nil, err
	}
	return &Validity{root: root}, nil
}

type vcompiler struct {
	doc  any
	refs map[string]*vnode
}

func (c *vcompiler) node(s any, root bool) (*vnode, error) {
	if b, ok := s.(bool); ok {
		return &vnode{always: &b}, nil
	}
	m, ok := s.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a schema is neither an object nor a boolean")
	}
	n := &vnode{minLength: -1, maxLength: -1}
	var err error
	sub := func(v any) *vnode {
		if err != nil {
			return nil
		}
		var x *vnode
		x, err = c.node(v, false)
		return x
	}
	subs := func(v any) []*vnode {
		list, ok := v.([]any)
		if !ok {
			err = fmt.Errorf("want an array of schemas")
			return nil
		}
		var out []*vnode
		for _, e := range list {
			out = append(out, sub(e))
		}
		return out
	}
	for k, v := range m {
		switch k {
		case "$id":
			if !root {
				err = fmt.Errorf("$id below the root")
			}
		case "type":
			switch t := v.(type) {
			case string:
				n.types = []string{t}
			case []any:
				for _, e := range t {
					s, ok := e.(string)
					if !ok {
						err = fmt.Errorf("type %v", t)
					}
					n.types = append(n.types, s)
				}
			default:
				err = fmt.Errorf("type %v", t)
			}
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("properties is not an object")
			}
			n.properties = map[string]*vnode{}
			for name, p := range props {
				n.properties[name] = sub(p)
			}
		case "additionalProperties":
			n.additional = sub(v)
		case "required":
			list, ok := v.([]any)
			if !ok {
				return nil, fmt.Errorf("required is not an array")
			}
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("required lists a non-string")
				}
				n.required = append(n.required, s)
			}
		case "prefixItems":
			n.prefix = subs(v)
		case "items":
			n.items = sub(v)
		case "allOf":
			n.allOf = subs(v)
		case "anyOf":
			n.anyOf = subs(v)
		case "if":
			n.ifS = sub(v)
		case "then":
			n.thenS = sub(v)
		case "else":
			n.elseS = sub(v)
		case "$ref":
			ref, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("$ref is not a string")
			}
			n.ref, err = c.resolve(ref)
		case "minLength", "maxLength":
			num, ok := v.(json.Number)
			i, perr := strconv.Atoi(num.String())
			if !ok || perr != nil || i < 0 {
				return nil, fmt.Errorf("%s %v", k, v)
			}
			if k == "minLength" {
				n.minLength = i
			} else {
				n.maxLength = i
			}
		case "pattern":
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("pattern is not a string")
			}
			// The full validator compiles patterns with Go's regexp too.
			if n.pattern, err = regexp.Compile(s); err != nil {
				return nil, err
			}
		case "format":
			s, ok := v.(string)
			if !ok || s != "date-time" && s != "uri" {
				return nil, fmt.Errorf("format %v is not compiled", v)
			}
			n.format = s
		case "enum":
			list, ok := v.([]any)
			if !ok {
				return nil, fmt.Errorf("enum is not an array")
			}
			n.enum, n.hasEnum = list, true
		case "const":
			n.enum, n.hasEnum = []any{v}, true
		case "minimum":
			num, ok := v.(json.Number)
			r, rok := new(big.Rat).SetString(num.String())
			if !ok || !rok {
				return nil, fmt.Errorf("minimum %v", v)
			}
			n.minimum = r
		default:
			if !annotations[k] {
				return nil, fmt.Errorf("keyword %q is not compiled", k)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return n, nil
}

// resolve compiles a reference to a place in the same document.
func (c *vcompiler) resolve(ref string) (*vnode, error) {
	if n, ok := c.refs[ref]; ok {
		return n, nil
	}
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("$ref %q is not a pointer into the document", ref)
	}
	target := c.doc
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := target.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
		if target, ok = m[tok]; !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
	}
	// Registered before compiling, so that a recursive reference ends.
	n := &vnode{minLength: -1, maxLength: -1}
	c.refs[ref] = n
	compiled, err := c.node(target, false)
	if err != nil {
		return nil, err
	}
	*n = *compiled
	return n, nil
}
