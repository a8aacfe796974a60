package xmljson

import (
	"strconv"
	"strings"

	"github.com/getservice-conformance/gsc/internal/xmltree"
)

// MapLite is Map for a Lite tree: the same value for the same body.
func MapLite(l *xmltree.Lite, o Options) any {
	root := l.Root()
	return map[string]any{l.Name(root).Local: liteElement(l, root, o)}
}

func liteElement(l *xmltree.Lite, i int32, o Options) any {
	n := l.Node(i)
	children, attrs := 0, 0
	for c := n.First; c >= 0; c = l.Node(c).Next {
		children++
	}
	for _, a := range l.Attr(i) {
		if !(a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns") {
			attrs++
		}
	}
	if children == 0 && attrs == 0 && !o.Objects[l.Name(i).Local] {
		return n.Text
	}
	obj := make(map[string]any, children+attrs)
	for _, a := range l.Attr(i) {
		if !(a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns") {
			obj["@"+a.Name.Local] = a.Value
		}
	}
	for c := n.First; c >= 0; c = l.Node(c).Next {
		name := l.Name(c).Local
		v := liteElement(l, c, o)
		switch prev, seen := obj[name]; {
		case !seen && o.Arrays[name]:
			obj[name] = []any{v}
		case !seen:
			obj[name] = v
		default:
			if list, ok := prev.([]any); ok {
				obj[name] = append(list, v)
			} else {
				obj[name] = []any{prev, v}
			}
		}
	}
	if strings.Trim(n.Text, " \t\r\n") != "" {
		obj["#text"] = n.Text
	}
	return obj
}

// LocateLite is Locate for a Lite tree: the index of the element a JSON
// pointer stands for, or -1.
func LocateLite(l *xmltree.Lite, pointer string, o Options) int32 {
	n := int32(-1)
	tokens := strings.Split(pointer, "/")[1:]
	cur := int32(0)
	for i := 0; i < len(tokens); i++ {
		name := unescape(tokens[i])
		next, count := l.Child(cur, name, 0)
		if count == 0 {
			return n
		}
		if count > 1 || o.Arrays[name] {
			if i+1 < len(tokens) {
				if k, err := strconv.Atoi(tokens[i+1]); err == nil && k >= 0 && k < count {
					next, _ = l.Child(cur, name, k)
					i++
				}
			}
		}
		n, cur = next, next
	}
	return n
}
