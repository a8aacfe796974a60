package xmltree

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strings"
)

// Lite is a well-formed body of the plain shape listings have, read into
// a compact tree: one slice of elements, each with its text when it is a
// leaf. It costs a fraction of the xmlquery tree, and the checks read it
// the same way (Map, Locate, Path, Offset and XPath give what they give
// on the full tree). A body of any other shape is not Lite.
type Lite struct {
	// chunks hold the nodes, liteChunk at a time, so that a tree grows
	// without copying; node 0 is the document.
	chunks [][]LiteNode
	count  int32
	names  []LiteName // interned: a listing repeats a handful
	byName map[string][]int32
	attrs  [][]xml.Attr
	// decl says the body opens with an XML declaration, which the full
	// tree keeps as the document's first child.
	decl   bool
	groups map[int32]*liteGroup
}

const liteChunk = 1024

// LiteName is an element's name as written and its namespace.
type LiteName struct{ Local, Prefix, NamespaceURI string }

// LiteNode is one element (or, at index 0, the document).
type LiteNode struct {
	// Text is a leaf's text; HasText says it had one (an empty element
	// has none, as in the full tree).
	Text                            string
	name, attrs                     int32 // indexes into Lite's names and attrs; attrs -1: none
	Offset                          int32 // of the element's '<'
	Parent, First, Last, Next, Prev int32 // -1: none
	children                        int32
	HasText                         bool
}

// Node returns node i.
func (l *Lite) Node(i int32) *LiteNode { return &l.chunks[i/liteChunk][i%liteChunk] }

// Name returns the name of element i.
func (l *Lite) Name(i int32) *LiteName { return &l.names[l.Node(i).name] }

// Attr returns the attributes of element i as written, namespace
// declarations included.
func (l *Lite) Attr(i int32) []xml.Attr {
	if a := l.Node(i).attrs; a >= 0 {
		return l.attrs[a]
	}
	return nil
}

func (l *Lite) add(n LiteNode) int32 {
	i := l.count
	if int(i/liteChunk) == len(l.chunks) {
		l.chunks = append(l.chunks, make([]LiteNode, liteChunk))
	}
	*l.Node(i) = n
	l.count++
	return i
}

func (l *Lite) intern(name LiteName) int32 {
	for _, i := range l.byName[name.Local] {
		if l.names[i] == name {
			return i
		}
	}
	i := int32(len(l.names))
	l.names = append(l.names, name)
	l.byName[name.Local] = append(l.byName[name.Local], i)
	return i
}

// ParseLite reads body into a Lite tree, or returns nil when the body is
// not well-formed or not of the plain shape: one root element, elements
// that hold either child elements (white space between them) or one run
// of text, no comment, processing instruction or directive inside the
// root, at most MaxDepth levels (ParseLiteDepth: the depth given).
// Such bodies go to Parse, which reports what is wrong and builds the
// full tree.
func ParseLite(body []byte) *Lite { return ParseLiteDepth(body, 0) }

// ParseLiteDepth is ParseLite with nesting limited as ParseDepth limits
// it: a body nested deeper is not Lite.
func ParseLiteDepth(body []byte, depth int) *Lite {
	if len(body) > math.MaxInt32 {
		return nil
	}
	depth = Depth(depth)
	if l, sure := scanLite(body, depth); sure {
		return l
	}
	return parseLiteTokens(body, depth)
}

// parseLiteTokens is ParseLite by encoding/xml's tokens, for what
// scanLite is not sure of.
func parseLiteTokens(body []byte, depth int) *Lite {
	l := &Lite{byName: map[string][]int32{}}
	l.names = append(l.names, LiteName{}) // the document's
	l.add(LiteNode{attrs: -1, Parent: -1, First: -1, Last: -1, Next: -1, Prev: -1})
	dec := xml.NewDecoder(bytes.NewReader(body))
	var (
		stack  []int32
		texts  []int // CharData tokens read in each open element
		ns     = map[string][]string{}
		decls  [][]string
		rooted bool
	)
	for {
		off := int(dec.InputOffset())
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && rooted || len(stack) >= depth {
				return nil
			}
			rooted = true
			parent := int32(0)
			if n := len(stack); n > 0 {
				parent = stack[n-1]
				if p := l.Node(parent); texts[n-1] > 0 && p.HasText && strings.Trim(p.Text, " \t\r\n") != "" {
					return nil // text before a child element: mixed content
				}
				texts[n-1] = 0
				l.Node(parent).Text, l.Node(parent).HasText = "", false
			}
			var mine []string
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					mine = append(mine, "")
					ns[""] = append(ns[""], a.Value)
				case a.Name.Space == "xmlns":
					mine = append(mine, a.Name.Local)
					ns[a.Name.Local] = append(ns[a.Name.Local], a.Value)
				}
			}
			uri := ""
			if uris := ns[t.Name.Space]; len(uris) > 0 {
				uri = uris[len(uris)-1]
			}
			attrs := int32(-1)
			if len(t.Attr) > 0 {
				attrs = int32(len(l.attrs))
				l.attrs = append(l.attrs, t.Attr)
			}
			i := l.add(LiteNode{
				name: l.intern(LiteName{t.Name.Local, t.Name.Space, uri}), attrs: attrs,
				Offset: int32(off), Parent: parent, First: -1, Last: -1, Next: -1, Prev: l.Node(parent).Last,
			})
			l.Node(parent).children++
			if p := l.Node(parent); p.Last >= 0 {
				l.Node(p.Last).Next = i
				p.Last = i
			} else {
				p.First, p.Last = i, i
			}
			stack, texts, decls = append(stack, i), append(texts, 0), append(decls, mine)
		case xml.EndElement:
			n := len(stack)
			if n == 0 || l.Name(stack[n-1]).Local != t.Name.Local || l.Name(stack[n-1]).Prefix != t.Name.Space {
				return nil
			}
			el := l.Node(stack[n-1])
			if el.First >= 0 && texts[n-1] > 0 {
				el.Text, el.HasText = "", false // white space between children
			}
			for _, prefix := range decls[n-1] {
				ns[prefix] = ns[prefix][:len(ns[prefix])-1]
			}
			stack, texts, decls = stack[:n-1], texts[:n-1], decls[:n-1]
		case xml.CharData:
			n := len(stack)
			if n == 0 {
				if bytes.IndexFunc(t, notSpace) >= 0 {
					return nil // text outside the root
				}
				continue
			}
			el := l.Node(stack[n-1])
			if texts[n-1]++; texts[n-1] > 1 {
				return nil // text in runs the full tree keeps apart
			}
			if el.First >= 0 {
				if bytes.IndexFunc(t, notSpace) >= 0 {
					return nil // text after a child element: mixed content
				}
				continue
			}
			el.Text, el.HasText = string(t), true
		case xml.ProcInst:
			if len(stack) > 0 {
				return nil
			}
			if t.Target == "xml" {
				if rooted || l.decl {
					return nil
				}
				l.decl = true
			}
		case xml.Comment:
			if len(stack) > 0 {
				return nil
			}
		default: // a directive
			return nil
		}
	}
	if len(stack) > 0 || !rooted {
		return nil
	}
	return l
}

// Root returns the root element's index.
func (l *Lite) Root() int32 { return l.Node(0).First }

// liteGroup is an element's children by name, as group is for Doc.
type liteGroup struct {
	byLocal map[string][]int32
	byQName map[string]int
	index   map[int32]int
}

func (l *Lite) group(parent int32) *liteGroup {
	if g, ok := l.groups[parent]; ok {
		return g
	}
	g := &liteGroup{byLocal: map[string][]int32{}, byQName: map[string]int{}, index: map[int32]int{}}
	for c := l.Node(parent).First; c >= 0; c = l.Node(c).Next {
		n := l.Name(c)
		g.byLocal[n.Local] = append(g.byLocal[n.Local], c)
		q := n.qname()
		g.byQName[q]++
		g.index[c] = g.byQName[q]
	}
	if l.groups == nil {
		l.groups = map[int32]*liteGroup{}
	}
	l.groups[parent] = g
	return g
}

func (n *LiteName) qname() string {
	if n.Prefix != "" {
		return n.Prefix + ":" + n.Local
	}
	return n.Local
}

// smallGroup is the most children an element may have for look-ups
// among them to walk them rather than index them: an index per bucket
// would cost more than the walk.
const smallGroup = 16

// Child returns the k-th child element of parent with local name name
// (-1 if there is none) and how many children have that name.
func (l *Lite) Child(parent int32, name string, k int) (int32, int) {
	if l.Node(parent).children > smallGroup {
		list := l.group(parent).byLocal[name]
		if k < len(list) {
			return list[k], len(list)
		}
		return -1, len(list)
	}
	found, n := int32(-1), 0
	for c := l.Node(parent).First; c >= 0; c = l.Node(c).Next {
		if l.Name(c).Local == name {
			if n == k {
				found = c
			}
			n++
		}
	}
	return found, n
}

// sameName returns how many children of i's parent have i's name as
// written, and i's place among them (1-based).
func (l *Lite) sameName(i int32) (count, index int) {
	parent := l.Node(i).Parent
	q := l.Name(i).qname()
	if l.Node(parent).children > smallGroup {
		g := l.group(parent)
		return g.byQName[q], g.index[i]
	}
	me := l.Name(i)
	for c := l.Node(parent).First; c >= 0; c = l.Node(c).Next {
		if n := l.Name(c); n.Local == me.Local && n.Prefix == me.Prefix {
			count++
			if c == i {
				index = count
			}
		}
	}
	return count, index
}

// Path is Path for an element of l; "" for -1 or the document.
func (l *Lite) Path(i int32) string {
	var parts []string
	for ; i > 0; i = l.Node(i).Parent {
		part := l.Name(i).qname()
		if count, index := l.sameName(i); count > 1 {
			part = part + "[" + itoa(index) + "]"
		}
		parts = append(parts, part)
	}
	var b strings.Builder
	for k := len(parts) - 1; k >= 0; k-- {
		b.WriteString("/" + parts[k])
	}
	return b.String()
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		if n /= 10; n == 0 {
			break
		}
	}
	return string(buf[i:])
}

// InnerText is the text of an element and its descendants, in order.
func (l *Lite) InnerText(i int32) string {
	n := l.Node(i)
	if n.First < 0 {
		return n.Text
	}
	var b strings.Builder
	var walk func(i int32)
	walk = func(i int32) {
		for c := l.Node(i).First; c >= 0; c = l.Node(c).Next {
			if l.Node(c).First < 0 {
				b.WriteString(l.Node(c).Text)
			} else {
				walk(c)
			}
		}
	}
	walk(i)
	return b.String()
}
