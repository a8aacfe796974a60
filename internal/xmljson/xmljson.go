// Package xmljson maps an XML tree to the JSON value that a JSON Schema
// checks, by the one mapping documented in schemas/README.md.
package xmljson

import (
	"strconv"
	"strings"

	"github.com/antchfx/xmlquery"
)

// Options name the elements the contract says are always arrays or objects.
type Options struct {
	Arrays, Objects map[string]bool
}

// NewOptions builds Options from name lists.
func NewOptions(arrays, objects []string) Options {
	o := Options{Arrays: map[string]bool{}, Objects: map[string]bool{}}
	for _, n := range arrays {
		o.Arrays[n] = true
	}
	for _, n := range objects {
		o.Objects[n] = true
	}
	return o
}

// Map maps a document (or element) node. A document maps to an object
// whose one member is its first root element.
func Map(n *xmlquery.Node, o Options) any {
	if n.Type == xmlquery.DocumentNode {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xmlquery.ElementNode {
				return map[string]any{c.Data: element(c, o)}
			}
		}
		return map[string]any{}
	}
	return element(n, o)
}

func element(n *xmlquery.Node, o Options) any {
	children, attrs := 0, 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			children++
		}
	}
	for _, a := range n.Attr {
		if !isNamespaceDecl(a) {
			attrs++
		}
	}
	if children == 0 && attrs == 0 && !o.Objects[n.Data] {
		return text(n)
	}
	obj := make(map[string]any, children+attrs)
	for _, a := range n.Attr {
		if !isNamespaceDecl(a) {
			obj["@"+a.Name.Local] = a.Value
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xmlquery.ElementNode {
			continue
		}
		v := element(c, o)
		// element never returns a slice, so a slice here is one we made.
		switch prev, seen := obj[c.Data]; {
		case !seen && o.Arrays[c.Data]:
			obj[c.Data] = []any{v}
		case !seen:
			obj[c.Data] = v
		default:
			if list, ok := prev.([]any); ok {
				obj[c.Data] = append(list, v)
			} else {
				obj[c.Data] = []any{prev, v}
			}
		}
	}
	if t := strings.Trim(text(n), " \t\r\n"); t != "" { // XML white space only
		obj["#text"] = text(n)
	}
	return obj
}

func isNamespaceDecl(a xmlquery.Attr) bool {
	return a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns"
}

// text is the concatenated text of n's own text children.
func text(n *xmlquery.Node) string {
	first := n.FirstChild
	if first != nil && first.NextSibling == nil && first.Type == xmlquery.TextNode {
		return first.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.TextNode || c.Type == xmlquery.CharDataNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// Locate returns the element a JSON pointer into Map's result stands for:
// the deepest element on the pointer's path that exists.
func Locate(doc *xmlquery.Node, pointer string, o Options) *xmlquery.Node {
	return LocateIn(doc, pointer, o, children)
}

// Children returns parent's element children of a local name, in
// document order.
type Children func(parent *xmlquery.Node, name string) []*xmlquery.Node

// LocateIn is Locate with the children found by find: an index of the
// tree makes each look-up cost its depth, however many siblings there are.
func LocateIn(doc *xmlquery.Node, pointer string, o Options, find Children) *xmlquery.Node {
	var n *xmlquery.Node
	tokens := strings.Split(pointer, "/")[1:]
	cur := doc
	for i := 0; i < len(tokens); i++ {
		name := unescape(tokens[i])
		matches := find(cur, name)
		if cur == doc && len(matches) > 1 {
			matches = matches[:1] // a second root is no part of the value
		}
		if len(matches) == 0 {
			return n
		}
		next := matches[0]
		if len(matches) > 1 || o.Arrays[name] {
			if i+1 < len(tokens) {
				if k, err := strconv.Atoi(tokens[i+1]); err == nil && k >= 0 && k < len(matches) {
					next = matches[k]
					i++
				}
			}
		}
		n, cur = next, next
	}
	return n
}

func children(parent *xmlquery.Node, name string) []*xmlquery.Node {
	var matches []*xmlquery.Node
	for c := parent.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode && c.Data == name {
			matches = append(matches, c)
		}
	}
	return matches
}

func unescape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}
