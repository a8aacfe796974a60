// Package xmltree reads an XML body into an xmlquery tree in one lenient
// pass that still reports every well-formedness defect with its offset.
//
// encoding/xml stops at the first error and xmlquery hands that error back
// with a line but no column; neither rejects a second root or text after
// it. Here the decoder's RawToken does the lexing, this package matches
// start and end tags itself, and after a lexical error reading resumes at
// the next '<', so one defect never hides the next.
package xmltree

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/antchfx/xmlquery"
)

// Problem is one well-formedness defect; Check is an xml.* id of
// docs/checks.md and Offset a byte offset into the body.
type Problem struct {
	Check  string
	Offset int
	Msg    string
}

// Doc is a parsed body.
type Doc struct {
	Root *xmlquery.Node // the document node
	// elements and starts are the elements in document order and the
	// offsets of their '<'; offsets maps one to the other, built on the
	// first look-up (most bodies have no finding to place).
	elements []*xmlquery.Node
	starts   []int
	offsets  map[*xmlquery.Node]int
	// groups holds, per parent, its element children by name, built on
	// first use: findings located among many siblings cost the same each.
	groups map[*xmlquery.Node]*group
}

// Element returns the first root element, or nil.
func (d *Doc) Element() *xmlquery.Node {
	for n := d.Root.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == xmlquery.ElementNode {
			return n
		}
	}
	return nil
}

// Offset returns the byte offset in the body of an element's '<', or -1.
func (d *Doc) Offset(n *xmlquery.Node) int {
	if d.offsets == nil {
		d.offsets = make(map[*xmlquery.Node]int, len(d.elements))
		for i, e := range d.elements {
			d.offsets[e] = d.starts[i]
		}
	}
	if off, ok := d.offsets[n]; ok {
		return off
	}
	return -1
}

const (
	// maxResumes bounds the recovery after lexical errors on garbage input.
	maxResumes = 100
	// MaxDepth bounds nesting, as the JSON reader does: the element that
	// would open level MaxDepth+1 is reported and reading stops there, so
	// nothing downstream walks a body nested a million levels deep.
	MaxDepth = 1000
	// maxProblems are reported; one more problem says how many were left
	// out, so a body of stray end tags does not make a problem of each.
	maxProblems = 100
)

type frame struct {
	node  *xmlquery.Node
	name  xml.Name // as written, prefix in Space
	decls []string // prefixes this element declares ("" for xmlns)
	start int
	// parent says the element has a child element so far.
	parent bool
}

type parser struct {
	doc      *Doc
	stack    []frame
	problems []Problem
	rooted   bool
	halt     bool // nesting got too deep: read nothing more
	depth    int  // the deepest nesting read (Depth)
	// ns holds per prefix the namespace URIs in scope, innermost last;
	// open holds per name the stack indexes of the open elements that
	// have it, innermost last. Both keep resolving a prefix and matching
	// an end tag independent of the depth.
	ns         map[string][]string
	open       map[xml.Name][]int
	suppressed int // problems found beyond maxProblems
	firstDrop  int // the offset of the first of those
	// slab holds nodes not yet used: allocating them in blocks costs
	// fewer allocations than one each.
	slab []xmlquery.Node
	// steps counts the parser's inner steps, for the tests that bound its
	// work by the size of the input.
	steps int
	// space holds white space read inside an element until the next token
	// tells whether it is a leaf's text (kept) or the indentation between
	// elements (dropped: no check reads it, and pretty-printed bodies
	// would double their node count).
	space []byte
}

// Parse reads body. The returned Doc holds whatever could be read; the
// problems say what is wrong, in order of offset.
func Parse(body []byte) (*Doc, []Problem) { return ParseDepth(body, 0) }

// ParseDepth is Parse with nesting limited to depth levels (a contract's
// limit): the element that would open level depth+1 is reported and
// reading stops there. depth 0, or past MaxDepth, is MaxDepth.
func ParseDepth(body []byte, depth int) (*Doc, []Problem) {
	p := parse(body, depth)
	return p.doc, p.problems
}

// Depth is the nesting limit ParseDepth applies for depth.
func Depth(depth int) int {
	if depth <= 0 || depth > MaxDepth {
		return MaxDepth
	}
	return depth
}

func parse(body []byte, depth int) *parser {
	p := &parser{depth: Depth(depth), doc: &Doc{
		Root:     &xmlquery.Node{Type: xmlquery.DocumentNode},
		elements: make([]*xmlquery.Node, 0, len(body)/64),
		starts:   make([]int, 0, len(body)/64),
	}, ns: map[string][]string{}, open: map[xml.Name][]int{}}
	base, cutShort := 0, false
	for resumes := 0; ; resumes++ {
		failed, stop, err := p.read(body, base)
		if err == nil || p.halt {
			cutShort = cutShort || p.halt
			break
		}
		if n := len(p.problems); n == 0 || p.problems[n-1].Offset != stop {
			p.add("xml.syntax", stop, err.Error())
		}
		cutShort = stop >= len(body)
		p.closeBroken(body[failed:])
		// Resume at the first '<' after the start of the token that failed:
		// the decoder may have read past the next tag already.
		from := min(failed+1, len(body))
		i := bytes.IndexByte(body[from:], '<')
		if i < 0 || resumes == maxResumes {
			break
		}
		base = from + i
	}
	// A body that ends inside a tag already has its finding; the elements
	// it leaves open are that same defect.
	// Outermost first: past maxProblems, the inner ones are counted.
	for i := 0; i < len(p.stack) && !cutShort; i++ {
		f := p.stack[i]
		p.add("xml.unclosed", f.start, fmt.Sprintf("<%s> is never closed", qname(f.name)))
	}
	if !p.rooted && len(p.problems) == 0 {
		p.add("xml.syntax", 0, "no root element")
	}
	sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Offset < p.problems[j].Offset })
	if p.suppressed > 0 {
		// As the JSON reader does: one syntax problem counts the rest.
		off := max(p.firstDrop, p.problems[len(p.problems)-1].Offset)
		p.problems = append(p.problems, Problem{"xml.syntax", off, fmt.Sprintf("%d more problems not reported", p.suppressed)})
	}
	return p
}

// read decodes body from base until EOF or a lexical error; it returns the
// offset of the token that failed and the offset where the decoder stopped.
func (p *parser) read(body []byte, base int) (failed, stop int, err error) {
	dec := xml.NewDecoder(bytes.NewReader(body[base:]))
	for !p.halt {
		p.steps++
		start := base + int(dec.InputOffset())
		tok, err := dec.RawToken()
		if err == io.EOF {
			return len(body), len(body), nil
		}
		if err != nil {
			var syn *xml.SyntaxError
			if errors.As(err, &syn) {
				err = errors.New(syn.Msg)
			}
			return start, base + int(dec.InputOffset()), err
		}
		switch tok.(type) {
		case xml.StartElement, xml.EndElement:
			p.flushSpace(tok)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			p.start(t, start)
		case xml.EndElement:
			p.end(t, start)
		case xml.CharData:
			p.text(t, body[start:base+int(dec.InputOffset())], start)
		case xml.ProcInst:
			if t.Target == "xml" && len(p.stack) == 0 {
				xmlquery.AddChild(p.doc.Root, &xmlquery.Node{Type: xmlquery.DeclarationNode, Data: "xml"})
			}
		}
	}
	return len(body), len(body), nil
}

// closeBroken reads a failed token that starts as an end tag of an open
// element ("</Name" cut short or garbled) as closing it, so the elements
// after it are not misread as its children.
func (p *parser) closeBroken(tok []byte) {
	if !bytes.HasPrefix(tok, []byte("</")) {
		return
	}
	name := tok[2:]
	if i := bytes.IndexAny(name, " \t\r\n>/<"); i >= 0 {
		name = name[:i]
	}
	for i := len(p.stack) - 1; i >= 0; i-- { // at most maxResumes times
		p.steps++
		if qname(p.stack[i].name) == string(name) {
			p.popTo(i)
			return
		}
	}
}

func (p *parser) add(check string, off int, msg string) {
	if len(p.problems) >= maxProblems {
		if p.suppressed == 0 {
			p.firstDrop = off
		}
		p.suppressed++
		return
	}
	p.problems = append(p.problems, Problem{check, off, msg})
}

// full reports whether a further problem would only be counted, so that
// its message need not be written.
func (p *parser) full() bool { return len(p.problems) >= maxProblems }

// node returns a new zero node.
func (p *parser) node() *xmlquery.Node {
	if len(p.slab) == 0 {
		p.slab = make([]xmlquery.Node, 64)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

// push opens an element.
func (p *parser) push(f frame) {
	if n := len(p.stack); n > 0 {
		p.stack[n-1].parent = true
	}
	p.stack = append(p.stack, f)
	p.open[f.name] = append(p.open[f.name], len(p.stack)-1)
}

// popTo closes the open elements from index i inward.
func (p *parser) popTo(i int) {
	for j := len(p.stack) - 1; j >= i; j-- {
		p.steps++
		f := p.stack[j]
		idx := p.open[f.name]
		p.open[f.name] = idx[:len(idx)-1]
		for _, prefix := range f.decls {
			p.ns[prefix] = p.ns[prefix][:len(p.ns[prefix])-1]
		}
	}
	p.stack = p.stack[:i]
}

func (p *parser) start(t xml.StartElement, off int) {
	if len(p.stack) >= p.depth {
		p.add("xml.syntax", off, fmt.Sprintf("nesting deeper than %d levels", p.depth))
		p.halt = true
		return
	}
	n := p.node()
	n.Type, n.Data, n.Prefix = xmlquery.ElementNode, t.Name.Local, t.Name.Space
	f := frame{node: n, name: t.Name, start: off}
	for _, a := range t.Attr {
		prefix := ""
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
		case a.Name.Space == "xmlns":
			prefix = a.Name.Local
		default:
			continue
		}
		f.decls = append(f.decls, prefix)
		p.ns[prefix] = append(p.ns[prefix], a.Value)
	}
	p.push(f)
	n.NamespaceURI = p.resolve(t.Name.Space)
	for _, a := range t.Attr {
		n.Attr = append(n.Attr, xmlquery.Attr{Name: a.Name, Value: a.Value})
	}
	parent := p.doc.Root
	if len(p.stack) > 1 {
		parent = p.stack[len(p.stack)-2].node
	} else if p.rooted {
		p.add("xml.outside-root", off, fmt.Sprintf("a second root element <%s>", qname(t.Name)))
	}
	p.rooted = true
	xmlquery.AddChild(parent, n)
	p.doc.elements = append(p.doc.elements, n)
	p.doc.starts = append(p.doc.starts, off)
}

func (p *parser) resolve(prefix string) string {
	if uris := p.ns[prefix]; len(uris) > 0 {
		return uris[len(uris)-1]
	}
	return ""
}

// end matches an end tag against the open elements. It closes the element
// of that name, reporting any left open inside it; an end tag that matches
// none closes a leaf being written (a typo such as <NexMarker>1</NextMarker>)
// or, anywhere else, is a stray end tag and is skipped.
func (p *parser) end(t xml.EndElement, off int) {
	i := -1
	if n := len(p.stack); n > 0 && p.stack[n-1].name == t.Name {
		i = n - 1 // the common case, without a look-up
	} else if idx := p.open[t.Name]; len(idx) > 0 {
		i = idx[len(idx)-1]
	}
	if i >= 0 {
		for j := len(p.stack) - 1; j > i; j-- {
			p.steps++
			f := p.stack[j]
			p.add("xml.unclosed", f.start, p.msg("<%s> is never closed (closed by </%s> of an outer element)", f.name, t.Name))
		}
		p.popTo(i)
		return
	}
	// A leaf (not the root) being written: a typo in its end tag.
	if n := len(p.stack); n > 1 && !p.stack[n-1].parent {
		top := p.stack[n-1]
		p.add("xml.mismatched-end", off, p.msg("<%s> is closed by </%s>", top.name, t.Name))
		p.popTo(n - 1)
		return
	}
	p.add("xml.unmatched-end", off, p.msg("end tag </%s> has no start tag", t.Name))
}

// msg writes a message naming elements, unless it would be dropped.
func (p *parser) msg(format string, names ...xml.Name) string {
	if p.full() {
		return ""
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = qname(n)
	}
	return fmt.Sprintf(format, args...)
}

// text handles character data t, read from raw at offset off.
func (p *parser) text(t xml.CharData, raw []byte, off int) {
	if len(p.stack) == 0 {
		if off == 0 && bytes.HasPrefix(raw, bom) {
			raw, t, off = raw[len(bom):], bytes.TrimPrefix(t, bom), len(bom) // XML 1.0 §4.3.3 allows it
		}
		if bytes.IndexFunc(t, notSpace) >= 0 {
			// Place it at the first raw byte that is not white space: a
			// reference or CDATA opener is already out of place.
			i := bytes.IndexFunc(raw, notSpace)
			where := "before"
			if p.rooted {
				where = "after"
			}
			p.add("xml.outside-root", off+max(i, 0), fmt.Sprintf("text %s the root element: %q", where, clip(bytes.TrimSpace(t))))
		}
		return
	}
	parent := p.stack[len(p.stack)-1].node
	if bytes.IndexFunc(t, notSpace) < 0 && (parent.LastChild == nil || parent.LastChild.Type != xmlquery.TextNode) {
		p.space = append(p.space, t...)
		return
	}
	p.flushSpace(nil)
	n := p.node()
	n.Type, n.Data = xmlquery.TextNode, string(t)
	xmlquery.AddChild(parent, n)
}

// flushSpace keeps pending white space as text when next ends an element
// that has no child element (or when more text follows), and drops it
// otherwise.
func (p *parser) flushSpace(next xml.Token) {
	if len(p.space) == 0 {
		return
	}
	_, ends := next.(xml.EndElement)
	if n := len(p.stack); n > 0 && (next == nil || ends) && !p.stack[n-1].parent {
		t := p.node()
		t.Type, t.Data = xmlquery.TextNode, string(p.space)
		xmlquery.AddChild(p.stack[n-1].node, t)
	}
	p.space = p.space[:0]
}

var bom = []byte("\xEF\xBB\xBF")

// notSpace reports whether r is not XML white space (XML 1.0 §2.3 S).
func notSpace(r rune) bool { return !strings.ContainsRune(" \t\r\n", r) }

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// Path returns an XPath that selects exactly n, such as
// /ListAllMyBucketsResult/Buckets/Bucket[2]/Name: names as written, with
// their prefixes, and an index only where siblings share the name.
func Path(n *xmlquery.Node) string {
	var parts []string
	for ; n != nil && n.Type == xmlquery.ElementNode; n = n.Parent {
		same, index := 0, 0
		for s := n.Parent.FirstChild; s != nil; s = s.NextSibling {
			if s.Type == xmlquery.ElementNode && s.Data == n.Data && s.Prefix == n.Prefix {
				same++
				if s == n {
					index = same
				}
			}
		}
		part := n.Data
		if n.Prefix != "" {
			part = n.Prefix + ":" + n.Data
		}
		if same > 1 {
			part = fmt.Sprintf("%s[%d]", part, index)
		}
		parts = append(parts, part)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString("/" + parts[i])
	}
	return b.String()
}
