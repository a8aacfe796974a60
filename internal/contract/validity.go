package contract

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
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

// and combines the answers of keywords that must all hold.
func and(a, b answer) answer {
	switch {
	case a == no || b == no:
		return no
	case a == unsure || b == unsure:
		return unsure
	}
	return yes
}

func (n *vnode) check(v any) answer {
	if n.always != nil {
		if *n.always {
			return yes
		}
		return no
	}
	r := yes
	if len(n.types) > 0 {
		r = and(r, n.checkType(v))
	}
	if n.ref != nil {
		r = and(r, n.ref.check(v))
	}
	if r == no {
		return no
	}
	switch v := v.(type) {
	case map[string]any:
		for _, name := range n.required {
			if _, ok := v[name]; !ok {
				return no
			}
		}
		if n.properties != nil || n.additional != nil {
			for name, member := range v {
				if p, ok := n.properties[name]; ok {
					r = and(r, p.check(member))
				} else if n.additional != nil {
					r = and(r, n.additional.check(member))
				}
				if r == no {
					return no
				}
			}
		}
	case []any:
		for i, el := range v {
			switch {
			case i < len(n.prefix):
				r = and(r, n.prefix[i].check(el))
			case n.items != nil:
				r = and(r, n.items.check(el))
			}
			if r == no {
				return no
			}
		}
	case string:
		if n.minLength >= 0 || n.maxLength >= 0 {
			l := utf8.RuneCountInString(v)
			if n.minLength >= 0 && l < n.minLength || n.maxLength >= 0 && l > n.maxLength {
				return no
			}
		}
		if n.pattern != nil && !n.pattern.MatchString(v) {
			return no
		}
		switch n.format {
		case "date-time":
			if !certainDateTime(v) {
				r = and(r, unsure)
			}
		case "uri":
			if !certainURI(v) {
				r = and(r, unsure)
			}
		}
	}
	if n.minimum != nil {
		r = and(r, n.checkMinimum(v))
	}
	if n.hasEnum {
		r = and(r, n.checkEnum(v))
	}
	for _, s := range n.allOf {
		r = and(r, s.check(v))
	}
	if len(n.anyOf) > 0 {
		some := no
		for _, s := range n.anyOf {
			switch s.check(v) {
			case yes:
				some = yes
			case unsure:
				if some == no {
					some = unsure
				}
			}
		}
		r = and(r, some)
	}
	if n.ifS != nil {
		switch n.ifS.check(v) {
		case yes:
			if n.thenS != nil {
				r = and(r, n.thenS.check(v))
			}
		case no:
			if n.elseS != nil {
				r = and(r, n.elseS.check(v))
			}
		default:
			r = and(r, unsure)
		}
	}
	return r
}

func (n *vnode) checkType(v any) answer {
	r := no
	for _, t := range n.types {
		var a answer
		switch v := v.(type) {
		case map[string]any:
			a = is(t == "object")
		case []any:
			a = is(t == "array")
		case string:
			a = is(t == "string")
		case bool:
			a = is(t == "boolean")
		case nil:
			a = is(t == "null")
		case json.Number:
			switch t {
			case "number":
				a = yes
			case "integer":
				if _, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
					a = yes
				} else {
					a = unsure // 1.0 and 1e3 are integers too
				}
			default:
				a = no
			}
		default:
			a = unsure
		}
		if a == yes {
			return yes
		}
		if a == unsure {
			r = unsure
		}
	}
	return r
}

func is(b bool) answer {
	if b {
		return yes
	}
	return no
}

func (n *vnode) checkMinimum(v any) answer {
	switch v := v.(type) {
	case json.Number:
		r, ok := new(big.Rat).SetString(v.String())
		if !ok {
			return unsure
		}
		return is(r.Cmp(n.minimum) >= 0)
	case map[string]any, []any, string, bool, nil:
		return yes // minimum is about numbers only
	}
	return unsure
}

func (n *vnode) checkEnum(v any) answer {
	r := no
	for _, e := range n.enum {
		switch e := e.(type) {
		case string:
			if s, ok := v.(string); ok && s == e {
				return yes
			}
		case bool:
			if b, ok := v.(bool); ok && b == e {
				return yes
			}
		case nil:
			if v == nil {
				return yes
			}
		default:
			r = unsure
		}
		switch v.(type) {
		case string, bool, nil:
		default:
			r = unsure
		}
	}
	return r
}

// certainDateTime reports whether s is an RFC 3339 date-time of the plain
// form yyyy-mm-ddThh:mm:ss[.frac](Z|±hh:mm) with every field in range,
// which the full validator accepts; a leap second or anything else is
// left to it.
func certainDateTime(s string) bool {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' && s[10] != 't' || s[13] != ':' || s[16] != ':' {
		return false
	}
	num := func(a, b int) int {
		v := 0
		for i := a; i < b; i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	h, m, sec := num(11, 13), num(14, 16), num(17, 19)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 {
		return false
	}
	rest := s[19:]
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	if rest == "Z" || rest == "z" {
		return true
	}
	if len(rest) != 6 || rest[0] != '+' && rest[0] != '-' || rest[3] != ':' {
		return false
	}
	off := s[len(s)-6:]
	zh := int(off[1]-'0')*10 + int(off[2]-'0')
	zm := int(off[4]-'0')*10 + int(off[5]-'0')
	digits := off[1] >= '0' && off[1] <= '9' && off[2] >= '0' && off[2] <= '9' && off[4] >= '0' && off[4] <= '9' && off[5] >= '0' && off[5] <= '9'
	return digits && zh <= 23 && zm <= 59
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// certainURI reports whether s is an absolute URL the full validator
// accepts: one url.Parse reads, with a scheme and no IPv6 host (those it
// checks further).
func certainURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && !strings.Contains(u.Host, ":") && !strings.Contains(u.Host, "[")
}
