package xmltree

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// liteSeeds are bodies scanLite reads and bodies it must leave to
// encoding/xml, each with whether the scanner is sure of it.
var liteSeeds = []struct {
	body string
	sure bool
}{
	{`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<R xmlns="u"><A><N>x</N><D>1</D></A><A><N>y</N></A></R>`, true},
	{"<R>\n<Owner>\n<ID>1</ID>\n</Owner>\n<B>\n<N>a&amp;b &lt;&gt;&apos;&quot;</N>\n</B>\n</R>", true},
	{`<x:R xmlns:x='u' a="1" b='2'><x:C xmlns:x="v"/><x:C/><D></D></x:R>` + "\n", true},
	{"<?xml version='1.0' standalone='yes'?><R>é\u4e2d</R>", true},
	{`<R a="]]>"/>`, true},
	{"<R>\r\n</R>", false},          // \r: encoding/xml changes it
	{"<R>&#65;</R>", false},         // a character reference
	{"<R><!-- c --></R>", false},    // a comment
	{"<R><![CDATA[x]]></R>", false}, // CDATA
	{"<R>]]></R>", false},           // refused by encoding/xml
	{"<R a='1' a='2'/>", false},     // a repeated attribute
	{"<R>x<C/></R>", false},         // mixed content: not Lite either way
	{"<R><C>x</R>", false},          // not well-formed
	{"<R/><S/>", false},             // two roots
	{"<?xml version=\"1.1\"?><R/>", false},
	{"<?xml version=\"1.0\" encoding=\"latin1\"?><R/>", false},
	{"<a:b:c/>", false},
	{"<R>\x01</R>", false},
	{"<R>\xff</R>", false},
	{"<R a=1/>", false},
	{"<R>&foo;</R>", false},
	{"<é/>", false},
}

func TestScanLiteSeeds(t *testing.T) {
	for _, s := range liteSeeds {
		l, sure := scanLite([]byte(s.body), MaxDepth)
		if sure != s.sure {
			t.Errorf("scanLite(%q): sure %v, want %v", s.body, sure, s.sure)
		}
		if sure {
			if err := sameLite(l, parseLiteTokens([]byte(s.body), MaxDepth)); err != nil {
				t.Errorf("scanLite(%q): %v", s.body, err)
			}
		}
	}
}

// TestScanLiteDeep: a body nested past MaxDepth is not Lite, and the
// scanner says so in one pass.
func TestScanLiteDeep(t *testing.T) {
	body := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	if _, sure := scanLite([]byte(body), MaxDepth); sure {
		t.Fatal("scanLite is sure of a body nested past MaxDepth")
	}
	if ParseLite([]byte(body)) != nil {
		t.Fatal("ParseLite read a body nested past MaxDepth")
	}
}

// FuzzScanLite: whatever the scanner is sure of, encoding/xml's tokens
// read into the same tree.
func FuzzScanLite(f *testing.F) {
	for _, s := range liteSeeds {
		f.Add([]byte(s.body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, sure := scanLite(data, MaxDepth)
		if !sure {
			return
		}
		if err := sameLite(l, parseLiteTokens(data, MaxDepth)); err != nil {
			t.Fatalf("%q: %v", data, err)
		}
	})
}

// sameLite says how two Lite trees differ, nil if they do not.
func sameLite(got, want *Lite) error {
	if want == nil {
		return fmt.Errorf("encoding/xml reads no Lite tree")
	}
	if got.count != want.count || got.decl != want.decl {
		return fmt.Errorf("%d nodes (declaration %v), want %d (%v)", got.count, got.decl, want.count, want.decl)
	}
	for i := int32(0); i < got.count; i++ {
		g, w := *got.Node(i), *want.Node(i)
		gn, wn := *got.Name(i), *want.Name(i)
		g.name, w.name, g.attrs, w.attrs = 0, 0, 0, 0
		if g != w || gn != wn || !reflect.DeepEqual(got.Attr(i), want.Attr(i)) {
			return fmt.Errorf("node %d: %+v %+v %v, want %+v %+v %v", i, g, gn, got.Attr(i), w, wn, want.Attr(i))
		}
	}
	return nil
}
