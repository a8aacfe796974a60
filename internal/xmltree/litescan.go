package xmltree

import (
	"encoding/xml"
	"strings"
	"unicode/utf8"
)

// scanLite reads body into a Lite tree byte by byte, without
// encoding/xml's per-token allocations: names and texts are substrings of
// one copy of the body. It knows only a conservative part of XML, the part
// listings are written in: whenever the body steps outside it (a \r, a
// character reference, CDATA, a comment, a directive, a processing
// instruction other than a plain declaration, a name with anything but
// ASCII, any syntax error), it says it is not sure, and ParseLite reads
// the body with encoding/xml instead. What it accepts, encoding/xml reads
// into the same tokens, so the tree is the one ParseLite would build
// (FuzzScanLite holds it to that).
func scanLite(body []byte, depth int) (l *Lite, sure bool) {
	s := &liteScanner{src: string(body), depth: depth}
	l = &Lite{}
	l.names = append(l.names, LiteName{}) // the document's
	l.add(LiteNode{attrs: -1, Parent: -1, First: -1, Last: -1, Next: -1, Prev: -1})
	s.l = l
	if !s.scan() {
		return nil, false
	}
	return s.l, true
}

type liteScanner struct {
	src    string
	pos    int
	l      *Lite
	stack  []liteOpen
	ns     map[string][]string // prefix -> URIs declared, innermost last
	rooted bool
	depth  int // the nesting limit
}

// liteOpen is an open element: its node, its name as written, and the
// prefixes it declares.
type liteOpen struct {
	node  int32
	name  string
	decls []string
}

func (s *liteScanner) scan() bool {
	for s.pos < len(s.src) {
		if s.src[s.pos] != '<' {
			if !s.text() {
				return false
			}
			continue
		}
		if s.pos+1 >= len(s.src) {
			return false
		}
		var ok bool
		switch s.src[s.pos+1] {
		case '/':
			ok = s.end()
		case '?':
			ok = s.decl()
		case '!':
			return false // comment, CDATA or directive: encoding/xml reads those
		default:
			ok = s.start()
		}
		if !ok {
			return false
		}
	}
	return len(s.stack) == 0 && s.rooted
}

// name reads an ASCII name at pos.
func (s *liteScanner) name() (string, bool) {
	i := s.pos
	if i >= len(s.src) || !nameStart(s.src[i]) {
		return "", false
	}
	for i++; i < len(s.src) && nameByte(s.src[i]); i++ {
	}
	if i < len(s.src) && s.src[i] >= utf8.RuneSelf {
		return "", false // a name going on in other scripts
	}
	n := s.src[s.pos:i]
	if strings.Count(n, ":") > 1 {
		return "", false
	}
	s.pos = i
	return n, true
}

func nameStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':'
}

func nameByte(c byte) bool {
	return nameStart(c) || '0' <= c && c <= '9' || c == '.' || c == '-'
}

// split is a name's prefix and local part, as encoding/xml splits them.
func split(n string) (prefix, local string) {
	if p, l, ok := strings.Cut(n, ":"); ok && p != "" && l != "" {
		return p, l
	}
	return "", n
}

func (s *liteScanner) space() {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\n':
			s.pos++
		default:
			return
		}
	}
}

// chars reads character data up to a byte in stop (not consumed), or the
// end. It decodes the five predefined entities and refuses anything
// encoding/xml would refuse or change: \r, character references, other
// entities, bytes that are not UTF-8 characters XML allows, and, in text,
// "]]>". raw says the value is src[start:pos] as written.
func (s *liteScanner) chars(stopLT bool, quote byte) (value string, ok bool) {
	start := s.pos
	var b []byte // the decoded value, once an entity is met
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '<':
			if !stopLT {
				return "", false
			}
			return s.value(start, b), true
		case quote != 0 && c == quote:
			return s.value(start, b), true
		case c == '&':
			r, n := entityAt(s.src[s.pos:])
			if n == 0 {
				return "", false
			}
			if b == nil {
				b = append(make([]byte, 0, s.pos-start+16), s.src[start:s.pos]...)
			}
			b = append(b, r)
			s.pos += n
			continue
		case c == ']' && quote == 0 && strings.HasPrefix(s.src[s.pos:], "]]>"):
			return "", false
		case c < 0x20 && c != '\t' && c != '\n':
			return "", false
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s.src[s.pos:])
			if r == utf8.RuneError && n == 1 || !charInRange(r) {
				return "", false
			}
			if b != nil {
				b = append(b, s.src[s.pos:s.pos+n]...)
			}
			s.pos += n
			continue
		}
		if b != nil {
			b = append(b, c)
		}
		s.pos++
	}
	if quote != 0 {
		return "", false
	}
	return s.value(start, b), true
}

func (s *liteScanner) value(start int, decoded []byte) string {
	if decoded != nil {
		return string(decoded)
	}
	return s.src[start:s.pos]
}

// entityAt decodes one of the five predefined entities at the start of t.
func entityAt(t string) (byte, int) {
	for _, e := range [...]struct {
		name string
		r    byte
	}{{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&apos;", '\''}, {"&quot;", '"'}} {
		if strings.HasPrefix(t, e.name) {
			return e.r, len(e.name)
		}
	}
	return 0, 0
}

// charInRange is XML's Char production.
func charInRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func notSpaceString(t string) bool {
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case ' ', '\t', '\n', '\r':
		default:
			return true
		}
	}
	return false
}

// text reads a run of character data, as ParseLite takes a CharData token.
func (s *liteScanner) text() bool {
	t, ok := s.chars(true, 0)
	if !ok {
		return false
	}
	n := len(s.stack)
	if n == 0 {
		return !notSpaceString(t) // text outside the root is not Lite
	}
	el := s.l.Node(s.stack[n-1].node)
	if el.First >= 0 {
		return !notSpaceString(t) // text after a child: mixed content
	}
	// One run per element: the next '<' ends it, and a comment or CDATA
	// (which would start another) is not for this scanner.
	el.Text, el.HasText = t, true
	return true
}

func (s *liteScanner) start() bool {
	off := s.pos
	s.pos++
	raw, ok := s.name()
	if !ok {
		return false
	}
	n := len(s.stack)
	if n == 0 && s.rooted || n >= s.depth {
		return false
	}
	s.rooted = true
	var (
		attrs []xml.Attr
		mine  []string
		empty bool
	)
	for {
		s.space()
		if s.pos >= len(s.src) {
			return false
		}
		if c := s.src[s.pos]; c == '>' {
			s.pos++
			break
		} else if c == '/' {
			if s.pos+1 >= len(s.src) || s.src[s.pos+1] != '>' {
				return false
			}
			s.pos += 2
			empty = true
			break
		}
		an, ok := s.name()
		if !ok {
			return false
		}
		s.space()
		if s.pos >= len(s.src) || s.src[s.pos] != '=' {
			return false
		}
		s.pos++
		s.space()
		if s.pos >= len(s.src) || s.src[s.pos] != '"' && s.src[s.pos] != '\'' {
			return false
		}
		q := s.src[s.pos]
		s.pos++
		v, ok := s.chars(false, q)
		if !ok {
			return false
		}
		s.pos++ // the closing quote
		prefix, local := split(an)
		for _, a := range attrs {
			if a.Name.Space == prefix && a.Name.Local == local {
				return false // a repeated attribute: left to encoding/xml
			}
		}
		if attrs == nil {
			attrs = make([]xml.Attr, 0, 2)
		}
		attrs = append(attrs, xml.Attr{Name: xml.Name{Space: prefix, Local: local}, Value: v})
		switch {
		case prefix == "" && local == "xmlns":
			mine = append(mine, "")
			s.declare("", v)
		case prefix == "xmlns":
			mine = append(mine, local)
			s.declare(local, v)
		}
	}
	l := s.l
	parent := int32(0)
	if n > 0 {
		parent = s.stack[n-1].node
		if p := l.Node(parent); p.HasText {
			if notSpaceString(p.Text) {
				return false // text before a child element: mixed content
			}
			p.Text, p.HasText = "", false
		}
	}
	prefix, local := split(raw)
	uri := ""
	if uris := s.ns[prefix]; len(uris) > 0 {
		uri = uris[len(uris)-1]
	}
	ai := int32(-1)
	if len(attrs) > 0 {
		ai = int32(len(l.attrs))
		l.attrs = append(l.attrs, attrs)
	}
	i := l.add(LiteNode{
		name: s.intern(local, prefix, uri), attrs: ai,
		Offset: int32(off), Parent: parent, First: -1, Last: -1, Next: -1, Prev: l.Node(parent).Last,
	})
	p := l.Node(parent)
	p.children++
	if p.Last >= 0 {
		l.Node(p.Last).Next = i
		p.Last = i
	} else {
		p.First, p.Last = i, i
	}
	s.stack = append(s.stack, liteOpen{node: i, name: raw, decls: mine})
	if empty {
		s.close()
	}
	return true
}

func (s *liteScanner) declare(prefix, uri string) {
	if s.ns == nil {
		s.ns = map[string][]string{}
	}
	s.ns[prefix] = append(s.ns[prefix], uri)
}

// intern is Lite.intern without a map while the names are few.
func (s *liteScanner) intern(local, prefix, uri string) int32 {
	l := s.l
	if len(l.names) <= 32 {
		for i := range l.names {
			if n := &l.names[i]; n.Local == local && n.Prefix == prefix && n.NamespaceURI == uri && i > 0 {
				return int32(i)
			}
		}
		l.names = append(l.names, LiteName{local, prefix, uri})
		return int32(len(l.names) - 1)
	}
	if l.byName == nil {
		l.byName = map[string][]int32{}
		for i := 1; i < len(l.names); i++ {
			l.byName[l.names[i].Local] = append(l.byName[l.names[i].Local], int32(i))
		}
	}
	return l.intern(LiteName{local, prefix, uri})
}

// close ends the innermost open element.
func (s *liteScanner) close() {
	n := len(s.stack)
	top := s.stack[n-1]
	if el := s.l.Node(top.node); el.First >= 0 {
		el.Text, el.HasText = "", false // white space between children
	}
	for _, prefix := range top.decls {
		s.ns[prefix] = s.ns[prefix][:len(s.ns[prefix])-1]
	}
	s.stack = s.stack[:n-1]
}

func (s *liteScanner) end() bool {
	s.pos += 2
	raw, ok := s.name()
	if !ok {
		return false
	}
	s.space()
	if s.pos >= len(s.src) || s.src[s.pos] != '>' {
		return false
	}
	s.pos++
	n := len(s.stack)
	if n == 0 || s.stack[n-1].name != raw {
		return false
	}
	s.close()
	return true
}

// decl reads an XML declaration before the root: version 1.0, encoding
// UTF-8 if any, standalone if any, each once, in that order, quoted with
// no entity. Any other processing instruction is left to encoding/xml.
func (s *liteScanner) decl() bool {
	rest := s.src[s.pos:]
	if !strings.HasPrefix(rest, "<?xml ") || s.rooted || s.l.decl || len(s.stack) > 0 {
		return false
	}
	end := strings.Index(rest, "?>")
	if end < 0 {
		return false
	}
	content := rest[len("<?xml "):end]
	for i, param := range [...]string{"version", "encoding", "standalone"} {
		content = strings.TrimLeft(content, " \t\n")
		if !strings.HasPrefix(content, param+"=") {
			if i == 0 {
				return false // the version is required
			}
			continue
		}
		content = content[len(param)+1:]
		if content == "" || content[0] != '"' && content[0] != '\'' {
			return false
		}
		q := content[0]
		j := strings.IndexByte(content[1:], q)
		if j < 0 {
			return false
		}
		v := content[1 : 1+j]
		content = content[j+2:]
		switch param {
		case "version":
			if v != "1.0" {
				return false
			}
		case "encoding":
			if !strings.EqualFold(v, "utf-8") {
				return false
			}
		case "standalone":
			if v != "yes" && v != "no" {
				return false
			}
		}
		if content != "" && content[0] != ' ' && content[0] != '\t' && content[0] != '\n' {
			return false
		}
	}
	if strings.TrimLeft(content, " \t\n") != "" {
		return false
	}
	s.l.decl = true
	s.pos += end + 2
	return true
}
