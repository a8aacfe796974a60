package diff

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
)

// node is a response body read as a tree, whatever its syntax: an XML
// element, or a JSON member (an array is its elements, each under the
// member's name), so that both compare alike.
type node struct {
	name     string
	text     string // the trimmed text of a leaf
	children []*node
}

// parseBody reads a body as XML or JSON by its first byte; a body that
// is neither, or does not parse, is nil (and compared byte for byte).
func parseBody(body []byte) *node {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	switch trimmed[0] {
	case '<':
		n, err := parseXML(trimmed)
		if err != nil {
			return nil
		}
		return n
	case '{', '[':
		var v any
		d := json.NewDecoder(bytes.NewReader(trimmed))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil
		}
		return fromJSON("", v)[0]
	}
	return nil
}

func parseXML(body []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	root := &node{}
	stack := []*node{root}
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local}
			top.children = append(top.children, n)
			stack = append(stack, n)
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(top.children) == 0 {
				top.text = strings.TrimSpace(text.String())
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		}
	}
	if len(root.children) != 1 {
		return nil, fmt.Errorf("%d root elements", len(root.children))
	}
	return root.children[0], nil
}

// fromJSON turns a JSON value into the nodes it stands for under name:
// one for a scalar or object, one per element for an array.
func fromJSON(name string, v any) []*node {
	switch v := v.(type) {
	case map[string]any:
		n := &node{name: name}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys) // JSON members have no order to compare
		for _, k := range keys {
			n.children = append(n.children, fromJSON(k, v[k])...)
		}
		return []*node{n}
	case []any:
		var out []*node
		for _, e := range v {
			out = append(out, fromJSON(name, e)...)
		}
		return out
	case nil:
		return []*node{{name: name, text: "null"}}
	default:
		return []*node{{name: name, text: fmt.Sprint(v)}}
	}
}

// walk calls f on n and every node below it, with its path.
func (n *node) walk(path string, f func(path string, n *node)) {
	p := path + "/" + n.name
	f(p, n)
	for _, c := range n.children {
		c.walk(p, f)
	}
}
