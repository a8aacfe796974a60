package capture

import (
	"bytes"
	"sort"
)

// text is bytes read from a capture together with where each came from in
// the capture file, so that a finding on the recording synthesised from
// them can be placed in the file the user has.
type text struct {
	data  []byte
	spans []span // sorted by at; the first has at 0
}

// span says where data[at:] (up to the next span) came from: byte for
// byte from src on (exact), or as a whole from the value at src (a
// decoded escape, a base64 or gzip body, a synthesised line).
type span struct {
	at, src int
	exact   bool
}

// verbatim is data copied from the file at src.
func verbatim(data []byte, src int) text {
	return text{data: data, spans: []span{{0, src, true}}}
}

// from is s made from the value at src, not copied from it.
func from(s []byte, src int) text {
	return text{data: s, spans: []span{{0, src, false}}}
}

// source returns the file offset of byte off of t (-1 when t has none).
func (t text) source(off int) int {
	i := sort.Search(len(t.spans), func(i int) bool { return t.spans[i].at > off }) - 1
	if i < 0 {
		if len(t.spans) == 0 {
			return -1
		}
		i = 0
	}
	s := t.spans[i]
	if s.exact {
		return s.src + off - s.at
	}
	return s.src
}

// slice returns t[i:j] with its places.
func (t text) slice(i, j int) text {
	out := text{data: t.data[i:j]}
	for k, s := range t.spans {
		end := len(t.data) + 1 // the last span also covers the end
		if k+1 < len(t.spans) {
			end = t.spans[k+1].at
		}
		covers := s.at <= i && i < end
		inside := s.at > i && s.at < j
		if !covers && !inside {
			continue
		}
		n := span{at: max(s.at, i) - i, src: s.src, exact: s.exact}
		if s.exact && s.at < i {
			n.src += i - s.at
		}
		out.spans = append(out.spans, n)
	}
	return out
}

func (t text) String() string { return string(t.data) }

// builder joins texts into one, keeping every byte's place.
type builder struct {
	text
}

func (b *builder) add(t text) {
	base := len(b.data)
	b.data = append(b.data, t.data...)
	for _, s := range t.spans {
		s.at += base
		b.spans = append(b.spans, s)
	}
}

// lit adds s, made up by the importer, placed at src.
func (b *builder) lit(s string, src int) { b.add(from([]byte(s), src)) }

// lines are the starts of a file's lines, to turn offsets into positions
// and back.
type lines []int

func newLines(src []byte) lines {
	l := lines{0}
	for i, c := range src {
		if c == '\n' {
			l = append(l, i+1)
		}
	}
	return l
}

// position is the 1-based line and byte column of off.
func (l lines) position(off int) (line, col int) {
	i := sort.Search(len(l), func(i int) bool { return l[i] > off }) - 1
	i = max(i, 0)
	return i + 1, off - l[i] + 1
}

// offset is the byte offset of 1-based line and column (-1 outside).
func (l lines) offset(line, col int) int {
	if line < 1 || line > len(l) || col < 1 {
		return -1
	}
	return l[line-1] + col - 1
}

// jsonString reads the JSON string literal at src[off] and returns its
// value with each byte's place: runs without escapes map byte for byte,
// an escape maps to its backslash.
func jsonString(src []byte, off int) (text, bool) {
	if off < 0 || off >= len(src) || src[off] != '"' {
		return text{}, false
	}
	var t text
	run := -1 // start of the current unescaped run in src
	flush := func(i int) {
		if run >= 0 && i > run {
			t.spans = append(t.spans, span{len(t.data), run, true})
			t.data = append(t.data, src[run:i]...)
		}
		run = -1
	}
	for i := off + 1; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			flush(i)
			if len(t.spans) == 0 {
				t.spans = []span{{0, off + 1, true}}
			}
			return t, true
		case c == '\\' && i+1 < len(src):
			flush(i)
			n, s := unescapeJSON(src[i:])
			if n == 0 {
				return text{}, false
			}
			t.spans = append(t.spans, span{len(t.data), i, false})
			t.data = append(t.data, s...)
			i += n
		default:
			if run < 0 {
				run = i
			}
			i++
		}
	}
	return text{}, false
}

// unescapeJSON decodes the escape at the start of b: its length in b and
// its bytes (0 when it is not one).
func unescapeJSON(b []byte) (int, []byte) {
	simple := map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
	if c, ok := simple[b[1]]; ok {
		return 2, []byte{c}
	}
	if b[1] != 'u' || len(b) < 6 {
		return 0, nil
	}
	r, ok := hex4(b[2:6])
	if !ok {
		return 0, nil
	}
	n := 6
	if r >= 0xD800 && r < 0xDC00 && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
		if lo, ok := hex4(b[8:12]); ok && lo >= 0xDC00 && lo < 0xE000 {
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
			n = 12
		}
	}
	var buf bytes.Buffer
	buf.WriteRune(r)
	return n, buf.Bytes()
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}
