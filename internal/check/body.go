package check

import (
	"fmt"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/jsonlenient"
	"github.com/getservice-conformance/gsc/internal/xmljson"
	"github.com/getservice-conformance/gsc/internal/xmltree"
)

// body is a response body decoded for the checks: its JSON value (for XML,
// by the mapping of schemas/README.md) and, for XML, its tree.
type body struct {
	raw []byte
	msg *exchange.Message // raw is msg.Body; msg.Pos places its bytes
	// utf8, when the XML body declared another encoding, is raw's
	// source: raw is its UTF-8 reading.
	utf8  *transcoded
	value any
	// An XML body is read into a Lite tree when it is well-formed and of
	// the plain shape, and into the full tree (xml) otherwise, or when an
	// assertion selects what only the full tree answers as the checks
	// expect. Both nil for JSON bodies.
	lite *xmltree.Lite
	xml  *xmltree.Doc
	opts xmljson.Options
	// depth is the contract's nesting limit.
	depth int
	// recovered says a syntax error was found, so every later finding on
	// this body comes from the lenient reading.
	recovered bool
	syntax    []syntaxProblem
	// A JSON body's findings are placed by scanning its bytes, when it
	// has no syntax problem, for the first few; then by an index.
	scans int
	index *jsonlenient.Index
}

// syntaxProblem is a well-formedness defect at an offset of the recording.
type syntaxProblem struct {
	check string
	off   int
	msg   string
}

func decode(c *contract.Contract, m *exchange.Message) *body {
	b := &body{raw: m.Body, msg: m, opts: c.Mapping, depth: c.Profile.Limits.Depth}
	if c.Profile.Body == "json" {
		v, problems := jsonlenient.ParseDepth(m.Body, b.depth)
		b.value = v
		for _, p := range problems {
			check := "json.syntax"
			msg := p.Msg
			if p.Kind == "duplicate-key" {
				check, msg = "json.duplicate-key", msg+": a JSON object names each member once (RFC 8259 4)"
			}
			b.problem(check, p.Offset, msg)
		}
		b.recovered = len(b.syntax) > 0
		return b
	}
	if t := transcode(m.Body); t != nil {
		b.raw, b.utf8 = t.body, t
		if msg := encodingProblem(t, c.Profile.XMLEncodings); msg != "" {
			at := t.labelAt
			if at < 0 {
				at = 0
			}
			if note := m.PosNote(at); note != "" {
				msg += " (" + note + ")"
			}
			p, _ := m.Pos(at)
			// First among the problems, but not one that makes the rest
			// of the reading a recovery.
			defer func() { b.syntax = append([]syntaxProblem{{"xml.encoding", p, msg}}, b.syntax...) }()
		}
	}
	if lite := readLite(b.raw, b.depth); lite != nil {
		b.lite = lite
		b.value = xmljson.MapLite(lite, c.Mapping)
	} else {
		doc, problems := xmltree.ParseDepth(b.raw, b.depth)
		b.xml = doc
		b.value = xmljson.Map(doc.Root, c.Mapping)
		for _, p := range problems {
			b.problem(p.Check, p.Offset, p.Msg)
		}
	}
	b.recovered = len(b.syntax) > 0
	return b
}

// readLite is xmltree.ParseLite; the differential test turns it off to
// compare the checks on the full tree.
var readLite = xmltree.ParseLiteDepth

// full makes sure a Lite body also has the full tree, which then answers
// for it: the body is well-formed, so the tree is the same.
func (b *body) full() {
	if b.lite != nil {
		b.xml, _ = xmltree.ParseDepth(b.raw, b.depth)
		b.lite = nil
	}
}

func (b *body) problem(check string, off int, msg string) {
	if note := b.note(off); note != "" {
		msg += " (" + note + ")"
	}
	b.syntax = append(b.syntax, syntaxProblem{check, b.pos(off), msg})
}

// pos returns where byte off of the body stands in the recording.
func (b *body) pos(off int) int {
	if b.utf8 != nil {
		off = b.utf8.pos(off)
	}
	p, _ := b.msg.Pos(off)
	return p
}

// note says where byte off is when the recording has no such byte.
func (b *body) note(off int) string {
	if b.utf8 != nil {
		off = b.utf8.pos(off)
	}
	return b.msg.PosNote(off)
}

// offsetOf returns the body offset of the value at a JSON pointer, or of
// the nearest enclosing value that exists; -1 if none.
func (b *body) offsetOf(pointer string) int {
	if l := b.lite; l != nil {
		i := xmljson.LocateLite(l, pointer, b.opts)
		if i < 0 {
			i = l.Root()
		}
		return int(l.Node(i).Offset)
	}
	if b.xml != nil {
		n := xmljson.LocateIn(b.xml.Root, pointer, b.opts, b.xml.Children)
		if n == nil {
			n = b.xml.Element()
		}
		return b.xml.Offset(n)
	}
	locate := func(p string) int { return jsonlenient.LocateValid(b.raw, p) }
	if b.scans++; b.scans > maxScans || len(b.syntax) > 0 {
		if b.index == nil {
			b.index = jsonlenient.NewIndex(b.raw)
		}
		locate = b.index.Locate
	}
	for p := pointer; ; p = p[:strings.LastIndexByte(p, '/')] {
		if off := locate(p); off >= 0 {
			return off
		}
		if p == "" {
			return -1
		}
	}
}

// maxScans is how many findings of a JSON body are placed by scanning it
// before it is indexed.
const maxScans = 4

// xpathOf returns the XPath of the element at a JSON pointer, for XML bodies.
func (b *body) xpathOf(pointer string) string {
	if l := b.lite; l != nil {
		if i := xmljson.LocateLite(l, pointer, b.opts); i >= 0 {
			return l.Path(i)
		}
		return ""
	}
	if b.xml == nil {
		return ""
	}
	if n := xmljson.LocateIn(b.xml.Root, pointer, b.opts, b.xml.Children); n != nil {
		return b.xml.Path(n)
	}
	return ""
}

// at places a finding at a JSON pointer of the body.
func (e *exchangeRun) at(check, pointer, format string, args ...any) *finding.Finding {
	f := e.addBody(check, e.body.offsetOf(pointer), format, args...)
	f.Pointer = pointer
	f.XPath = e.body.xpathOf(pointer)
	f.Recovered = e.body.recovered
	return f
}

// addBody records a finding at byte off of the body (-1: no position),
// saying where in the decoded body it is when the recording has no such
// byte (a content-coded body).
func (e *exchangeRun) addBody(check string, off int, format string, args ...any) *finding.Finding {
	if off < 0 {
		return e.add(check, -1, format, args...)
	}
	f := e.add(check, e.body.pos(off), format, args...)
	if note := e.body.note(off); note != "" {
		f.Message += " (" + note + ")"
	}
	return f
}

// assertions evaluates the contract's XPath assertions on an XML body.
func (e *exchangeRun) assertions() {
	when := "success"
	if !e.success() {
		when = "error"
	}
	if e.body.lite != nil && e.liteAssertions(when) {
		return
	}
	if e.body.xml == nil {
		return
	}
	for _, a := range e.c.Assertions {
		if a.When != when {
			continue
		}
		for _, n := range xmlquery.QuerySelectorAll(e.body.xml.Root, a.ForEachExpr) {
			ok, err := holds(a.Expr, n)
			if ok {
				continue
			}
			el := n
			for el != nil && el.Type != xmlquery.ElementNode {
				el = el.Parent
			}
			off := -1
			if el != nil {
				off = e.body.xml.Offset(el)
			}
			f := e.addBody("xpath."+a.ID, off, "%s; not so here: %s (assertion %s)", a.Description, seen(xmlquery.CreateXPathNavigator(n), a.Assert), a.Assert)
			if err != nil {
				f.Message = fmt.Sprintf("assertion %s cannot be evaluated: %v", a.ID, err)
			}
			f.Severity = a.Level
			f.XPath = e.body.xml.Path(el)
			f.Recovered = e.body.recovered
		}
	}
}

// liteAssertions evaluates the assertions on a Lite body, as assertions
// does on the full tree. Where an assertion selects anything but elements
// (whose context the full tree's navigator gives differently), it reads
// the full tree instead and returns false, having added nothing.
func (e *exchangeRun) liteAssertions(when string) bool {
	l := e.body.lite
	type hit struct {
		a  *contract.Assertion
		el int32
	}
	var hits []hit
	for i := range e.c.Assertions {
		a := &e.c.Assertions[i]
		if a.When != when {
			continue
		}
		for it := a.ForEachExpr.Select(l.Navigator(0)); it.MoveNext(); {
			el, exact, _ := it.Current().(*xmltree.LiteNavigator).Element()
			if !exact {
				e.body.full()
				return false
			}
			hits = append(hits, hit{a, el})
		}
	}
	for _, h := range hits {
		ok, err := holdsNav(h.a.Expr, l.Navigator(h.el))
		if ok {
			continue
		}
		f := e.addBody("xpath."+h.a.ID, int(l.Node(h.el).Offset), "%s; not so here: %s (assertion %s)", h.a.Description, seen(l.Navigator(h.el), h.a.Assert), h.a.Assert)
		if err != nil {
			f.Message = fmt.Sprintf("assertion %s cannot be evaluated: %v", h.a.ID, err)
		}
		f.Severity = h.a.Level
		f.XPath = l.Path(h.el)
	}
	return true
}

// holds evaluates expr with n as context, by XPath's boolean() rules.
// The xpath package panics on some run-time errors (a bad pattern given to
// matches()); that is the contract's defect and is returned as an error.
func holds(expr *xpath.Expr, n *xmlquery.Node) (ok bool, err error) {
	return holdsNav(expr, xmlquery.CreateXPathNavigator(n))
}

func holdsNav(expr *xpath.Expr, nav xpath.NodeNavigator) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("%v", r)
		}
	}()
	switch v := expr.Evaluate(nav).(type) {
	case bool:
		return v, nil
	case float64:
		return v != 0, nil
	case string:
		return v != "", nil
	case *xpath.NodeIterator:
		return v.MoveNext(), nil
	}
	return false, nil
}

// bodyMessage wraps a bare body for decode.
func bodyMessage(body []byte) *exchange.Message {
	return &exchange.Message{Kind: exchange.BodyOnly, Body: body}
}
