package jsonlenient

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// LocateValid is Locate for a document Parse read without a problem:
// strict JSON with no key repeated in an object. It scans the bytes to
// the value without building anything, so a few look-ups cost no more
// than reading the document; for many, NewIndex reads it once. On any
// other document its answer means nothing (but it returns one).
func LocateValid(data []byte, ptr string) int {
	want, ok := splitPointer(ptr)
	if !ok {
		return -1
	}
	s := scanner{data: data}
	s.space()
	for _, tok := range want {
		if s.pos >= len(data) {
			return -1
		}
		switch data[s.pos] {
		case '{':
			if !s.member(tok) {
				return -1
			}
		case '[':
			if !s.element(arrayIndex(tok)) {
				return -1
			}
		default:
			return -1
		}
	}
	if s.pos >= len(data) {
		return -1
	}
	return s.pos
}

type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// member moves from an object's '{' to the value of its member key.
func (s *scanner) member(key string) bool {
	s.pos++
	for s.space(); s.pos < len(s.data) && s.data[s.pos] == '"'; s.space() {
		start := s.pos
		s.str()
		match := keyIs(s.data[start:s.pos], key)
		s.space()
		s.pos++ // ':'
		s.space()
		if match {
			return true
		}
		s.value()
		if s.space(); s.pos < len(s.data) && s.data[s.pos] == ',' {
			s.pos++
		}
	}
	return false
}

// element moves from an array's '[' to its element i.
func (s *scanner) element(i int) bool {
	if i < 0 {
		return false
	}
	s.pos++
	for k := 0; ; k++ {
		if s.space(); s.pos >= len(s.data) || s.data[s.pos] == ']' {
			return false
		}
		if k == i {
			return true
		}
		s.value()
		if s.space(); s.pos < len(s.data) && s.data[s.pos] == ',' {
			s.pos++
		}
	}
}

// keyIs reports whether the quoted key lit is key.
func keyIs(lit []byte, key string) bool {
	if len(lit) < 2 || lit[len(lit)-1] != '"' {
		return false // cut short: not a document LocateValid is for
	}
	if bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
		return string(lit[1:len(lit)-1]) == key
	}
	// Escapes and bytes that are not UTF-8 read as Parse reads them.
	var k string
	return json.Unmarshal(lit, &k) == nil && k == key
}

// str moves past the string at pos.
func (s *scanner) str() {
	for s.pos++; s.pos < len(s.data); s.pos++ {
		switch s.data[s.pos] {
		case '\\':
			s.pos++
		case '"':
			s.pos++
			return
		}
	}
}

// value moves past the value at pos.
func (s *scanner) value() {
	depth := 0
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '"':
			s.str()
			if depth == 0 {
				return
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.pos++
				return
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return
			}
		}
		s.pos++
	}
}
