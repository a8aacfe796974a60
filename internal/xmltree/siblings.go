package xmltree

import (
	"fmt"
	"strings"

	"github.com/antchfx/xmlquery"
)

// group is one element's element children by name, for look-ups that
// would otherwise walk every sibling: Locate's by local name, Path's by
// name as written.
type group struct {
	byLocal map[string][]*xmlquery.Node
	byQName map[string]int         // how many children have each name as written
	index   map[*xmlquery.Node]int // 1-based, among the children of its name as written
}

func (d *Doc) group(parent *xmlquery.Node) *group {
	if g, ok := d.groups[parent]; ok {
		return g
	}
	g := &group{byLocal: map[string][]*xmlquery.Node{}, byQName: map[string]int{}, index: map[*xmlquery.Node]int{}}
	for c := parent.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xmlquery.ElementNode {
			continue
		}
		g.byLocal[c.Data] = append(g.byLocal[c.Data], c)
		q := nodeQName(c)
		g.byQName[q]++
		g.index[c] = g.byQName[q]
	}
	if d.groups == nil {
		d.groups = map[*xmlquery.Node]*group{}
	}
	d.groups[parent] = g
	return g
}

// Children returns parent's element children of local name name, in
// document order. Parent is a node of d.
func (d *Doc) Children(parent *xmlquery.Node, name string) []*xmlquery.Node {
	if small(parent) {
		var list []*xmlquery.Node
		for c := parent.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xmlquery.ElementNode && c.Data == name {
				list = append(list, c)
			}
		}
		return list
	}
	return d.group(parent).byLocal[name]
}

// small reports whether n has at most smallGroup children, among which a
// look-up walks rather than builds an index.
func small(n *xmlquery.Node) bool {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if k++; k > smallGroup {
			return false
		}
	}
	return true
}

// Path is the package's Path for a node of d, in time that depends on its
// depth only, however many siblings it has.
func (d *Doc) Path(n *xmlquery.Node) string {
	var parts []string
	for ; n != nil && n.Type == xmlquery.ElementNode; n = n.Parent {
		part := nodeQName(n)
		if small(n.Parent) {
			same, index := 0, 0
			for s := n.Parent.FirstChild; s != nil; s = s.NextSibling {
				if s.Type == xmlquery.ElementNode && s.Data == n.Data && s.Prefix == n.Prefix {
					same++
					if s == n {
						index = same
					}
				}
			}
			if same > 1 {
				part = fmt.Sprintf("%s[%d]", part, index)
			}
		} else if g := d.group(n.Parent); g.byQName[part] > 1 {
			part = fmt.Sprintf("%s[%d]", part, g.index[n])
		}
		parts = append(parts, part)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString("/" + parts[i])
	}
	return b.String()
}

func nodeQName(n *xmlquery.Node) string {
	if n.Prefix != "" {
		return n.Prefix + ":" + n.Data
	}
	return n.Data
}
