package contract

import (
	"encoding/json"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

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
