package jsonlenient

import (
	"bytes"
	"fmt"
)

// The containers: objects and their keys, arrays, and the brackets that
// close them.

func (p *parser) object(on bool) (any, bool) {
	depth := p.objs + p.arrs
	if !p.open() {
		return nil, false
	}
	p.objs++
	defer func() { p.objs-- }()
	var rec *valueAt
	if p.offsets {
		rec = &valueAt{object: true}
		defer func(off int) { p.last = slot{off, rec} }(p.pos - 1)
	}

	m := make(map[string]any)
	comma := -1 // offset of a ',' not yet followed by a member
	for {
		// A member or the end of the object.
		if p.skipSpace(); p.atEnd() {
			return m, true
		}
		switch p.data[p.pos] {
		case '}':
			if comma >= 0 {
				p.syntax(comma, "trailing ',' before '}'")
			}
			p.pos++
			return m, true
		case ']':
			p.mismatch('}', p.arrs > 0)
			return m, true
		case ',':
			p.syntax(p.pos, "unexpected ','")
			comma = p.pos
			p.pos++
			continue
		}

		keyAt := p.pos
		key, keyOK := p.key()
		if p.skipSpace(); p.atEnd() {
			return m, true
		}
		if p.data[p.pos] == ':' {
			p.pos++
		} else {
			p.syntax(p.pos, "missing ':' after object key")
		}
		p.skipSpace()
		if p.strayColons(); p.atEnd() {
			return m, true
		}

		// Each repeat of the key replaces the value, so Locate
		// forgets what it found in an earlier one.
		at := p.pos
		child := on && keyOK && depth < len(p.want) && key == p.want[depth]
		saved := p.found
		if child {
			p.found = -1
		}
		v, ok := p.value(child)
		if child {
			switch {
			case !ok:
				p.found = saved
			case depth+1 == len(p.want):
				p.found = at
			}
		}
		switch {
		case ok && keyOK && rec != nil:
			rec.add(key, p.last) // an index keeps offsets, not values
		case ok && keyOK:
			if _, dup := m[key]; dup {
				p.add(Problem{keyAt, "duplicate-key", fmt.Sprintf("duplicate key %q", key)})
			}
			m[key] = v
		}

		// A ',' or the end of the object.
		if p.skipSpace(); p.atEnd() {
			return m, true
		}
		switch p.data[p.pos] {
		case ',':
			comma = p.pos
			p.pos++
		case '}':
			p.pos++
			return m, true
		case ']':
			p.mismatch('}', p.arrs > 0)
			return m, true
		default:
			p.syntax(p.pos, "missing ',' between object members")
			comma = -1
		}
	}
}

// keyString reads a string that is an object key. The keys of a
// document repeat (every bucket has a name), so the first maxKeys plain
// ones are kept and shared.
func (p *parser) keyString() string {
	if end := bytes.IndexByte(p.data[p.pos+1:], '"'); end >= 0 {
		raw := p.data[p.pos+1 : p.pos+1+end]
		if k, ok := p.keys[string(raw)]; ok {
			p.pos += end + 2
			return k
		}
		k := p.string()
		if len(p.keys) < maxKeys && plainString(raw) {
			if p.keys == nil {
				p.keys = map[string]string{}
			}
			p.keys[k] = k
		}
		return k
	}
	return p.string()
}

// plainString says a string's contents are copied as they are, with no
// problem to report: such keys only are shared.
func plainString(raw []byte) bool {
	for _, c := range raw {
		if special[c] {
			return false
		}
	}
	return true
}

// maxKeys bounds the keys a parser keeps for sharing.
const maxKeys = 256

// key reads an object key. ok is false if there is none to use.
func (p *parser) key() (key string, ok bool) {
	switch p.data[p.pos] {
	case '"':
		return p.keyString(), true
	case '{', '[':
		p.syntax(p.pos, "object key must be a string")
		p.value(false)
		return "", false
	case ':':
		p.syntax(p.pos, "missing object key")
		return "", false
	}
	// A bare word, as in {name: "x"}.
	p.syntax(p.pos, "object key must be a string")
	return string(p.word()), true
}

func (p *parser) array(on bool) (any, bool) {
	depth := p.objs + p.arrs
	if !p.open() {
		return nil, false
	}
	p.arrs++
	defer func() { p.arrs-- }()
	var rec *valueAt
	if p.offsets {
		rec = &valueAt{}
		defer func(off int) { p.last = slot{off, rec} }(p.pos - 1)
	}

	a := []any{}
	comma := -1 // offset of a ',' not yet followed by an element
	for {
		// An element or the end of the array.
		if p.skipSpace(); p.atEnd() {
			return a, true
		}
		switch p.data[p.pos] {
		case ']':
			if comma >= 0 {
				p.syntax(comma, "trailing ',' before ']'")
			}
			p.pos++
			return a, true
		case '}':
			p.mismatch(']', p.objs > 0)
			return a, true
		case ',':
			p.syntax(p.pos, "unexpected ','")
			comma = p.pos
			p.pos++
			continue
		}
		if p.strayColons(); p.atEnd() {
			return a, true
		}

		at := p.pos
		child := on && depth < len(p.want) && p.index[depth] == len(a)
		v, ok := p.value(child)
		if ok {
			if child && depth+1 == len(p.want) {
				p.found = at
			}
			if rec != nil {
				rec.kids = append(rec.kids, p.last) // offsets, not values
			} else {
				if len(a) == cap(a) {
					// Doubling: append's gentler growth of long slices
					// leaves several times the array behind as garbage.
					a = append(make([]any, 0, max(4, 2*cap(a))), a...)
				}
				a = append(a, v)
			}
		}

		// A ',' or the end of the array.
		if p.skipSpace(); p.atEnd() {
			return a, true
		}
		switch p.data[p.pos] {
		case ',':
			comma = p.pos
			p.pos++
		case ']':
			p.pos++
			return a, true
		case '}':
			p.mismatch(']', p.objs > 0)
			return a, true
		default:
			p.syntax(p.pos, "missing ',' between array elements")
			comma = -1
		}
	}
}

// mismatch deals with a closer at p.pos that is not want, the closer of the
// innermost container. If outer (a container it does close is open), the
// innermost container lacks its closer, and this one is left for the outer
// one; otherwise it is taken as a typo for want.
func (p *parser) mismatch(want byte, outer bool) {
	c := p.data[p.pos]
	if outer {
		p.syntaxf(p.pos, "missing '%c' before '%c'", want, c)
		return
	}
	p.syntaxf(p.pos, "expected '%c' but found '%c'", want, c)
	p.pos++
}
