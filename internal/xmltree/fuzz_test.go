package xmltree_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"

	"github.com/getservice-conformance/gsc/internal/xmltree"
)

var xmlChecks = map[string]bool{
	"xml.syntax":         true,
	"xml.unmatched-end":  true,
	"xml.mismatched-end": true,
	"xml.unclosed":       true,
	"xml.outside-root":   true,
}

func FuzzParse(f *testing.F) {
	for _, body := range []string{s3Body, cosBody, cosDocBody} {
		f.Add([]byte(body))
	}
	for _, tt := range parseTests {
		in, _ := mark(tt.in)
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, probs := xmltree.Parse(data)
		syntax := 0
		for _, p := range probs {
			if !xmlChecks[p.Check] || p.Offset < 0 || p.Offset > len(data) || p.Msg == "" {
				t.Fatalf("bad problem %+v in %v", p, probs)
			}
			at := string(data[p.Offset:])
			switch {
			case p.Check == "xml.syntax":
				syntax++
			case p.Check == "xml.unmatched-end" || p.Check == "xml.mismatched-end":
				if !strings.HasPrefix(at, "</") {
					t.Fatalf("%+v not at an end tag: %.20q", p, at)
				}
			case p.Check == "xml.unclosed" || strings.HasPrefix(p.Msg, "a second root"):
				if !strings.HasPrefix(at, "<") {
					t.Fatalf("%+v not at a start tag: %.20q", p, at)
				}
			}
		}
		if syntax > 101 { // the first error and 100 resumes
			t.Fatalf("%d syntax problems", syntax)
		}
		var got []element
		walk(doc.Root, func(n *xmlquery.Node) {
			switch n.Type {
			case xmlquery.ElementNode:
				if off := doc.Offset(n); off < 0 || off >= len(data) || data[off] != '<' {
					t.Fatalf("Offset(<%s>) = %d, not at a '<'", n.Data, off)
				}
				e := element{name: n.Data, leaf: true}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					switch c.Type {
					case xmlquery.ElementNode:
						e.leaf = false
					case xmlquery.TextNode:
						e.text += c.Data
					}
				}
				got = append(got, e)
			}
		})

		want, ok := strict(data)
		if !ok || len(probs) == 1 && strings.HasPrefix(probs[0].Msg, "nesting deeper") {
			return // encoding/xml has no depth limit
		}
		if len(probs) != 0 {
			t.Fatalf("encoding/xml accepts %q, but Parse reports %v", data, probs)
		}
		if len(got) != len(want) {
			t.Fatalf("tree has elements %v, encoding/xml reads %v", got, want)
		}
		for i, w := range want {
			g := got[i]
			// A leaf keeps its text exactly (but see
			// TestParseLeafSpaceBeforeComment); other elements lose the
			// indentation between their children.
			exact := w.leaf && !w.mixed
			if g.name != w.name || g.leaf != w.leaf ||
				exact && g.text != w.text || !exact && noSpace(g.text) != noSpace(w.text) {
				t.Fatalf("element %d is %+v, encoding/xml reads %+v", i, g, w)
			}
		}
	})
}

// element is what FuzzParse compares of an element.
type element struct {
	name  string
	text  string // of its own text children
	leaf  bool   // no child element
	mixed bool   // a comment, PI or directive among its children
}

func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(" \t\r\n", r) {
			return -1
		}
		return r
	}, s)
}

// walk calls fn for n's descendants in document order.
func walk(n *xmlquery.Node, fn func(*xmlquery.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		fn(c)
		walk(c, fn)
	}
}

// strict reads data with encoding/xml's strict Token loop. It reports ok
// when the whole body is accepted, has exactly one root element and only
// white space, comments and processing instructions outside it, and then
// returns the elements in document order.
func strict(data []byte) (elems []element, ok bool) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var open []int // indexes in elems
	roots := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return elems, roots == 1
		}
		if err != nil {
			return nil, false
		}
		var cur *element
		if len(open) > 0 {
			cur = &elems[open[len(open)-1]]
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if cur == nil {
				roots++
			} else {
				cur.leaf = false
			}
			open = append(open, len(elems))
			elems = append(elems, element{name: t.Name.Local, leaf: true})
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if cur != nil {
				cur.text += string(t)
			} else if noSpace(string(t)) != "" {
				return nil, false
			}
		case xml.Comment, xml.ProcInst:
			if cur != nil {
				cur.mixed = true
			}
		case xml.Directive:
			if cur == nil {
				return nil, false
			}
			cur.mixed = true
		}
	}
}

// TestStrict checks FuzzParse's oracle, so that it is not vacuous.
func TestStrict(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{s3Body, true},
		{cosBody, true},
		{"<!-- c --><R/>\n<?pi?>", true},
		{cosDocBody, false},
		{"<R/><S/>", false},
		{"<R/>x", false},
		{"<R>", false},
		{"", false},
		{"<!DOCTYPE R><R/>", false},
	}
	for _, tt := range tests {
		if _, ok := strict([]byte(tt.in)); ok != tt.want {
			t.Errorf("strict(%.40q) = %v, want %v", tt.in, ok, tt.want)
		}
	}
	elems, _ := strict([]byte(`<R> <A>1</A><B> <![CDATA[2]]></B><C><!--c--></C></R>`))
	want := []element{{"R", " ", false, false}, {"A", "1", true, false}, {"B", " 2", true, false}, {"C", "", true, true}}
	if !reflect.DeepEqual(elems, want) {
		t.Errorf("strict read %+v, want %+v", elems, want)
	}
}
