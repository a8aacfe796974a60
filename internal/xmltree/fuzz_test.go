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
		var names []string
		var text strings.Builder
		walk(doc.Root, func(n *xmlquery.Node) {
			switch n.Type {
			case xmlquery.ElementNode:
				names = append(names, n.Data)
				if off := doc.Offset(n); off < 0 || off >= len(data) || data[off] != '<' {
					t.Fatalf("Offset(<%s>) = %d, not at a '<'", n.Data, off)
				}
			case xmlquery.TextNode:
				text.WriteString(n.Data)
			}
		})

		wantNames, wantText, ok := strict(data)
		if !ok {
			return
		}
		if len(probs) != 0 {
			t.Fatalf("encoding/xml accepts %q, but Parse reports %v", data, probs)
		}
		if !reflect.DeepEqual(names, wantNames) || text.String() != wantText {
			t.Fatalf("tree has elements %q and text %q, encoding/xml reads %q and %q", names, text.String(), wantNames, wantText)
		}
	})
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
// returns the elements' local names and the text inside the root.
func strict(data []byte) (names []string, text string, ok bool) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var b strings.Builder
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return names, b.String(), roots == 1
		}
		if err != nil {
			return nil, "", false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
			names = append(names, t.Name.Local)
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth > 0 {
				b.Write(t)
			} else if len(bytes.Trim(t, " \t\r\n")) > 0 {
				return nil, "", false
			}
		case xml.Directive:
			if depth == 0 {
				return nil, "", false
			}
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
		if _, _, ok := strict([]byte(tt.in)); ok != tt.want {
			t.Errorf("strict(%.40q) = %v, want %v", tt.in, ok, tt.want)
		}
	}
	names, text, _ := strict([]byte(`<R><A>1</A><B> <![CDATA[2]]></B></R>`))
	if strings.Join(names, " ") != "R A B" || text != "1 2" {
		t.Errorf("strict read %q, %q", names, text)
	}
}
