package jsonlenient

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The scalars: literals, numbers and strings.

// word reads the bytes up to the next white space or punctuation, and at
// least one byte.
func (p *parser) word() []byte {
	start := p.pos
	p.pos++
	for p.pos < len(p.data) && !delim[p.data[p.pos]] {
		p.pos++
	}
	return p.data[start:p.pos]
}

var delim = [256]bool{
	' ': true, '\t': true, '\n': true, '\r': true,
	',': true, ':': true, '"': true,
	'[': true, ']': true, '{': true, '}': true,
}

// literal reads true, false, null or a number.
func (p *parser) literal() any {
	at := p.pos
	w := p.word()
	switch string(w) {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if c := w[0]; (c == '-' || '0' <= c && c <= '9') && isNumber(w) {
		return json.Number(w)
	}

	// Recover what was meant, if that is clear.
	for _, lit := range [...]struct {
		s string
		v any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if bytes.EqualFold(w, []byte(lit.s)) {
			p.syntaxf(at, "invalid literal %s", clip(w))
			return lit.v
		}
	}
	if strings.IndexByte("+-.0123456789", w[0]) >= 0 {
		p.syntaxf(at, "invalid number %s", clip(w))
		return sloppyNumber(w)
	}
	p.syntaxf(at, "invalid literal %s", clip(w))
	return nil
}

// sloppyNumber returns the number a malformed decimal number such as 01,
// 1. or +.5 stands for, or nil.
func sloppyNumber(w []byte) any {
	for _, c := range w {
		if strings.IndexByte("+-.eE0123456789", c) < 0 {
			return nil
		}
	}
	f, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		return nil
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}

// clip quotes a word for a message, shortened if long.
func clip(w []byte) string {
	const n = 20
	if len(w) > n {
		return strconv.Quote(string(w[:n]) + "...")
	}
	return strconv.Quote(string(w))
}

// isNumber reports whether w is a JSON number.
func isNumber(w []byte) bool {
	i := 0
	if w[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(w) && '0' <= w[i] && w[i] <= '9' {
			i++
		}
		return i > start
	}
	switch {
	case i < len(w) && w[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(w) && w[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(w) && (w[i] == 'e' || w[i] == 'E') {
		i++
		if i < len(w) && (w[i] == '+' || w[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(w)
}

// special marks the bytes a string cannot simply be copied over.
var special = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c < ' ' || c == '"' || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

// string reads the string whose opening quote is at p.pos.
func (p *parser) string() string {
	quote := p.pos
	start := quote + 1

	// Find the end first, so that an unterminated string is reported
	// before any problem inside it.
	plain := true // no escapes, control characters or non-ASCII
	closed := false
	end := start
	for end < len(p.data) {
		if !special[p.data[end]] {
			end++
			continue
		}
		c := p.data[end]
		if c == '"' {
			closed = true
			break
		}
		if c == '\n' || c == '\r' {
			break
		}
		plain = false
		if c == '\\' && end+1 < len(p.data) && p.data[end+1] != '\n' && p.data[end+1] != '\r' {
			end++
		}
		end++
	}

	if closed {
		p.pos = end + 1
	} else {
		p.syntax(quote, "unterminated string")
		// A line ending in ',' most likely lost the closing quote
		// before that comma: leave the comma to separate.
		line := bytes.TrimRight(p.data[start:end], " \t")
		if len(line) > 0 && line[len(line)-1] == ',' {
			end = start + len(line) - 1
		}
		p.pos = end
	}
	if plain {
		return string(p.data[start:end])
	}
	return p.unquote(p.data[start:end], start)
}

// unquote decodes the contents s of a string found at offset base, the way
// encoding/json does (invalid UTF-8 and unpaired surrogates become U+FFFD),
// reporting invalid escapes and control characters.
func (p *parser) unquote(s []byte, base int) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			var e byte
			if i+1 < len(s) {
				e = s[i+1]
			}
			if r, ok := unescape(e); ok {
				b = append(b, r)
				i += 2
				continue
			}
			if r := getu4(s[i:]); r >= 0 {
				i += 6
				if utf16.IsSurrogate(r) {
					if dec := utf16.DecodeRune(r, getu4(s[i:])); dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
				continue
			}
			if ' ' < e && e < utf8.RuneSelf {
				p.syntaxf(base+i, `invalid escape '\%c' in string`, e)
			} else {
				p.syntax(base+i, "invalid escape in string")
			}
			// Keep the '\'; what follows it is read as usual.
			b = append(b, c)
			i++
		case c < ' ':
			p.syntaxf(base+i, "control character %U in string", rune(c))
			b = append(b, c)
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRune(s[i:])
			b = utf8.AppendRune(b, r)
			i += n
		}
	}
	return string(b)
}

// unescape returns the byte the one-letter escape \e stands for.
func unescape(e byte) (byte, bool) {
	switch e {
	case '"', '\\', '/':
		return e, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
