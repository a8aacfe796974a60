package xmltree

import (
	"encoding/xml"

	"github.com/antchfx/xpath"
)

// decl is the position of the XML declaration, a child of the document.
const decl int32 = -2

// LiteNavigator walks a Lite tree for XPath as xmlquery's navigator walks
// the full tree, quirks included (its root is the node it starts from; a
// leaf's text is a child node), so that an expression means the same.
type LiteNavigator struct {
	l          *Lite
	root, curr int32
	text       bool // at the text child of curr
	attr       int  // -1: not at an attribute
}

var _ xpath.NodeNavigator = (*LiteNavigator)(nil)

// Navigator returns a navigator at node i (0: the document), which is
// also its root.
func (l *Lite) Navigator(i int32) *LiteNavigator {
	return &LiteNavigator{l: l, root: i, curr: i, attr: -1}
}

// Element returns the element the navigator is at, or at whose attribute
// or text it is; ok is false at the document or the declaration. Exact
// says it is at the element itself.
func (x *LiteNavigator) Element() (i int32, exact, ok bool) {
	if x.curr <= 0 {
		return -1, false, false
	}
	return x.curr, !x.text && x.attr == -1, true
}

func (x *LiteNavigator) node() *LiteNode {
	if x.curr == decl {
		return &declNode
	}
	return x.l.Node(x.curr)
}

func (x *LiteNavigator) name() *LiteName {
	if x.curr == decl {
		return &declName
	}
	return x.l.Name(x.curr)
}

// attrs are the attributes at the position; none off an element.
func (x *LiteNavigator) attrs() []xml.Attr {
	if x.curr <= 0 {
		return nil
	}
	return x.l.Attr(x.curr)
}

var (
	declNode = LiteNode{attrs: -1}
	declName = LiteName{Local: "xml"}
)

func (x *LiteNavigator) NodeType() xpath.NodeType {
	switch {
	case x.text:
		return xpath.TextNode
	case x.curr <= 0:
		return xpath.RootNode
	case x.attr != -1:
		return xpath.AttributeNode
	}
	return xpath.ElementNode
}

func (x *LiteNavigator) LocalName() string {
	if x.attr != -1 {
		return x.attrs()[x.attr].Name.Local // panics off an element, as xmlquery's does
	}
	switch {
	case x.text:
		return x.node().Text
	case x.curr == 0:
		return ""
	}
	return x.name().Local
}

func (x *LiteNavigator) Prefix() string {
	if x.NodeType() == xpath.AttributeNode {
		return x.attrs()[x.attr].Name.Space
	}
	if x.text {
		return ""
	}
	return x.name().Prefix
}

// NamespaceURL is the namespace of an element; attributes, as in the full
// tree, have none.
func (x *LiteNavigator) NamespaceURL() string {
	if x.attr != -1 || x.text {
		return ""
	}
	return x.name().NamespaceURI
}

func (x *LiteNavigator) Value() string {
	switch {
	case x.text:
		return x.node().Text
	case x.curr <= 0:
		return ""
	case x.attr != -1:
		return x.attrs()[x.attr].Value
	}
	return x.l.InnerText(x.curr)
}

func (x *LiteNavigator) Copy() xpath.NodeNavigator {
	n := *x
	return &n
}

// MoveToRoot moves to the root, keeping an attribute position as
// xmlquery's navigator does.
func (x *LiteNavigator) MoveToRoot() { x.curr, x.text = x.root, false }

func (x *LiteNavigator) MoveToParent() bool {
	switch {
	case x.attr != -1:
		x.attr = -1
	case x.text:
		x.text = false
	case x.curr == decl:
		x.curr = 0
	case x.curr > 0:
		x.curr = x.l.Node(x.curr).Parent
	default:
		return false
	}
	return true
}

func (x *LiteNavigator) MoveToNextAttribute() bool {
	var attrs int
	if !x.text {
		attrs = len(x.attrs())
	}
	if x.attr >= attrs-1 {
		return false
	}
	x.attr++
	return true
}

func (x *LiteNavigator) MoveToChild() bool {
	if x.attr != -1 || x.text || x.curr == decl {
		return false
	}
	if x.curr == 0 && x.l.decl {
		x.curr = decl
		return true
	}
	n := x.l.Node(x.curr)
	switch {
	case n.First >= 0:
		x.curr = n.First
	case n.HasText && x.curr > 0:
		x.text = true
	default:
		return false
	}
	return true
}

// prev and next are the siblings of curr; the text child has none.
func (x *LiteNavigator) prev() (int32, bool) {
	switch {
	case x.text || x.curr <= 0:
		return 0, false
	case x.l.Node(x.curr).Prev >= 0:
		return x.l.Node(x.curr).Prev, true
	case x.l.Node(x.curr).Parent == 0 && x.l.decl:
		return decl, true
	}
	return 0, false
}

func (x *LiteNavigator) next() (int32, bool) {
	switch {
	case x.text || x.curr == 0:
		return 0, false
	case x.curr == decl:
		return x.l.Node(0).First, true
	case x.l.Node(x.curr).Next >= 0:
		return x.l.Node(x.curr).Next, true
	}
	return 0, false
}

func (x *LiteNavigator) MoveToFirst() bool {
	if x.attr != -1 {
		return false
	}
	if _, ok := x.prev(); !ok {
		return false
	}
	for p, ok := x.prev(); ok; p, ok = x.prev() {
		x.curr = p
	}
	return true
}

// MoveToNext and MoveToPrevious would skip white-space text siblings, as
// xmlquery's do; a Lite tree has none.
func (x *LiteNavigator) MoveToNext() bool {
	if x.attr != -1 {
		return false
	}
	n, ok := x.next()
	if ok {
		x.curr = n
	}
	return ok
}

func (x *LiteNavigator) MoveToPrevious() bool {
	if x.attr != -1 {
		return false
	}
	p, ok := x.prev()
	if ok {
		x.curr = p
	}
	return ok
}

func (x *LiteNavigator) MoveTo(other xpath.NodeNavigator) bool {
	o, ok := other.(*LiteNavigator)
	if !ok || o.l != x.l || o.root != x.root {
		return false
	}
	*x = *o
	return true
}

// String is the node's value, as xmlquery's navigator has it.
func (x *LiteNavigator) String() string { return x.Value() }
