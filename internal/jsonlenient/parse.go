package jsonlenient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

const (
	maxDepth    = 1000 // open containers
	maxProblems = 100  // reported before the rest are only counted
)

var bom = []byte("\xef\xbb\xbf")

// A parser reads one JSON text by recursive descent. Every loop in it
// consumes at least one byte per turn or returns, so it always ends.
type parser struct {
	data []byte
	pos  int

	objs, arrs int  // containers open at pos
	eof        bool // input ended inside the containers counted below
	eofObjs    int
	eofArrs    int
	halt       bool // nesting got too deep; read nothing more
	depth      int  // the most containers open at once (ParseDepth)

	problems   []Problem
	lastSyntax int // offset of the last syntax problem, to drop cascades
	suppressed int // problems found beyond maxProblems
	firstDrop  int // offset of the first of those

	// For Locate: the pointer's tokens, each token as an array index (or
	// -1), and the offset of the value found at the pointer so far.
	locate bool
	want   []string
	index  []int
	found  int

	// For Index: whether to record where each value starts, and the
	// record of the value just read.
	offsets bool
	last    slot
	rootAt  *slot

	keys map[string]string // keys read so far, shared (keyString)
}

func newParser(data []byte) *parser {
	return &parser{data: data, lastSyntax: -1, found: -1, depth: maxDepth}
}

func (p *parser) parse() any {
	if bytes.HasPrefix(p.data, bom) {
		p.syntax(0, "byte order mark at start of input")
		p.pos = len(bom)
	}
	p.skipSpace()
	if p.pos >= len(p.data) {
		p.add(Problem{0, "syntax", "empty body"})
		return nil
	}
	var v any
	if p.strayColons(); p.pos < len(p.data) {
		at := p.pos
		var ok bool
		v, ok = p.value(p.locate)
		if ok && p.locate && len(p.want) == 0 {
			p.found = at
		}
		if ok && p.offsets {
			root := p.last
			p.rootAt = &root
		}
	}
	switch {
	case p.halt:
	case p.eof && p.eofObjs+p.eofArrs > 0:
		p.syntax(len(p.data), unclosed(p.eofObjs, p.eofArrs))
	default:
		p.skipSpace()
		if p.pos < len(p.data) {
			p.syntax(p.pos, "unexpected text after top-level value")
		}
	}
	return v
}

// result returns the problems in order of offset, with the note on those
// left out.
func (p *parser) result() []Problem {
	// Problems come nearly in order; only those inside a string found
	// before the string's unterminated opening quote, and duplicate keys
	// found after their key's contents, are out of place.
	slices.SortStableFunc(p.problems, func(a, b Problem) int { return a.Offset - b.Offset })
	if p.suppressed > 0 {
		off := max(p.firstDrop, p.problems[len(p.problems)-1].Offset)
		p.problems = append(p.problems, Problem{off, "syntax",
			fmt.Sprintf("%d more problems not reported", p.suppressed)})
	}
	return p.problems
}

func (p *parser) add(pr Problem) {
	if len(p.problems) >= maxProblems {
		if p.suppressed == 0 {
			p.firstDrop = pr.Offset
		}
		p.suppressed++
		return
	}
	p.problems = append(p.problems, pr)
}

// syntax reports a syntax problem, unless one was just reported at the
// same offset: that one is the cause, this one a consequence.
func (p *parser) syntax(off int, msg string) {
	if off == p.lastSyntax {
		return
	}
	p.lastSyntax = off
	p.add(Problem{off, "syntax", msg})
}

// syntaxf is syntax with formatting, skipped when it would be dropped.
func (p *parser) syntaxf(off int, format string, args ...any) {
	if off == p.lastSyntax || len(p.problems) >= maxProblems {
		p.syntax(off, "")
		return
	}
	p.syntax(off, fmt.Sprintf(format, args...))
}

// atEnd reports whether reading must stop: at the end of the input, or
// after the nesting limit was hit. It notes the containers left open.
func (p *parser) atEnd() bool {
	if p.halt {
		return true
	}
	if p.pos < len(p.data) {
		return false
	}
	if !p.eof {
		p.eof = true
		p.eofObjs, p.eofArrs = p.objs, p.arrs
	}
	return true
}

func unclosed(objs, arrs int) string {
	var open []string
	if objs > 0 {
		open = append(open, plural(objs, "object"))
	}
	if arrs > 0 {
		open = append(open, plural(arrs, "array"))
	}
	return "unexpected end of input: " + strings.Join(open, " and ") + " not closed"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// skipSpace skips white space, and comments, which it reports.
func (p *parser) skipSpace() {
	for !p.halt && p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		case '/':
			if !p.comment() {
				return
			}
		default:
			return
		}
	}
}

// comment skips the comment at p.pos, if there is one.
func (p *parser) comment() bool {
	rest := p.data[p.pos:]
	if len(rest) < 2 {
		return false
	}
	var n int
	switch rest[1] {
	case '/':
		if n = bytes.IndexByte(rest, '\n'); n < 0 {
			n = len(rest)
		}
	case '*':
		if n = bytes.Index(rest[2:], []byte("*/")); n < 0 {
			n = len(rest)
		} else {
			n += 4
		}
	default:
		return false
	}
	p.syntax(p.pos, "comments are not allowed in json")
	p.pos += n
	return true
}

// value reads the value at p.pos, which is neither white space nor the end
// of input. ok is false if there is no value there. on says whether the
// value is on the path Locate looks for.
func (p *parser) value(on bool) (v any, ok bool) {
	if p.offsets {
		if c := p.data[p.pos]; c != '{' && c != '[' {
			p.last = slot{off: p.pos} // a container records itself
		}
	}
	switch c := p.data[p.pos]; c {
	case '{':
		return p.object(on)
	case '[':
		return p.array(on)
	case '"':
		return p.string(), true
	case ',', ']', '}':
		// Left for the enclosing container to deal with.
		p.syntaxf(p.pos, "missing value before '%c'", c)
		return nil, false
	}
	return p.literal(), true
}

// strayColons skips any ':' where a value should start, as in {"a"::1}.
func (p *parser) strayColons() {
	for !p.halt && p.pos < len(p.data) && p.data[p.pos] == ':' {
		p.syntax(p.pos, "unexpected ':'")
		p.pos++
		p.skipSpace()
	}
}

// open starts a container at p.pos, unless that nests too deep.
func (p *parser) open() bool {
	if p.objs+p.arrs >= p.depth {
		p.syntaxf(p.pos, "nesting deeper than %d levels", p.depth)
		p.halt = true
		return false
	}
	p.pos++
	return true
}

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
