package jsonlenient

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
