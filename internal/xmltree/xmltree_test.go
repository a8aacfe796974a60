package xmltree_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"

	"github.com/getservice-conformance/gsc/internal/xmltree"
)

// s3Body is a 200 GET Service body as Amazon S3 sends it: one line after
// the declaration, default namespace.
const s3Body = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>amzn-s3-demo-bucket1</Name><CreationDate>2019-12-11T23:32:47.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket><Bucket><Name>amzn-s3-demo-bucket2</Name><CreationDate>2020-03-04T10:15:22.000Z</CreationDate><BucketRegion>us-west-2</BucketRegion></Bucket><Bucket><Name>examplebucket</Name><CreationDate>2021-06-30T08:00:01.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets><Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>webfile</DisplayName></Owner></ListAllMyBucketsResult>`

// cosBody is a 200 GET Service body as COS sends it: no declaration, no
// namespace, one element per line.
const cosBody = `<ListAllMyBucketsResult>
<Owner>
<ID>qcs::cam::uin/100000000001:uin/100000000001</ID>
<DisplayName>100000000001</DisplayName>
</Owner>
<Marker/>
<NextMarker/>
<IsTruncated>false</IsTruncated>
<Buckets>
<Bucket>
<Name>examplebucket1-1250000000</Name>
<Location>ap-beijing</Location>
<CreationDate>2019-05-24T11:49:50Z</CreationDate>
</Bucket>
<Bucket>
<Name>examplebucket2-1250000000</Name>
<Location>ap-beijing</Location>
<CreationDate>2019-05-24T11:51:50Z</CreationDate>
</Bucket>
<Bucket>
<Name>examplebucket3-1250000000</Name>
<Location>eu-frankfurt</Location>
<CreationDate>2019-05-24T11:53:50Z</CreationDate>
</Bucket>
</Buckets>
</ListAllMyBucketsResult>
`

// cosDocBody is COS's documentation example: bare </Marker> and
// </NextMarker> where <Marker/> and <NextMarker/> were meant.
var cosDocBody = strings.Replace(cosBody, "<Marker/>\n<NextMarker/>", "</Marker>\n</NextMarker>", 1)

// mark removes the '^' markers from in and returns the offsets they stood at.
func mark(in string) (string, []int) {
	var b strings.Builder
	var offs []int
	for i := 0; i < len(in); i++ {
		if in[i] == '^' {
			offs = append(offs, b.Len())
			continue
		}
		b.WriteByte(in[i])
	}
	return b.String(), offs
}

// sorted returns the problems ordered by offset (the order Parse appends
// them in is tested separately).
func sorted(ps []xmltree.Problem) []xmltree.Problem {
	ps = append([]xmltree.Problem(nil), ps...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Offset < ps[j].Offset })
	return ps
}

// outline writes the elements and text below n, as R(A("1") B()).
func outline(n *xmlquery.Node) string {
	var parts []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case xmlquery.ElementNode:
			name := c.Data
			if c.Prefix != "" {
				name = c.Prefix + ":" + name
			}
			parts = append(parts, name+"("+outline(c)+")")
		case xmlquery.TextNode, xmlquery.CharDataNode:
			parts = append(parts, fmt.Sprintf("%q", c.Data))
		}
	}
	return strings.Join(parts, " ")
}

// parseTests lists bodies with '^' before each byte a problem is reported
// at, the problems' checks in offset order, and the tree read.
var parseTests = []struct {
	name, in, checks, tree string
}{
	// Well-formed.
	{"leaf", `<R><A>1</A></R>`, ``, `R(A("1"))`},
	{"empty-element tags", `<R><Marker/><NextMarker></NextMarker></R>`, ``, `R(Marker() NextMarker())`},
	{"references and CDATA", `<R>a&amp;<![CDATA[<b>]]>&#65;</R>`, ``, `R("a&" "<b>" "A")`},
	{"a leaf's white space kept", "<R><A> a </A><B> </B><C>\n\t</C><D> <![CDATA[ ]]>&#32;</D></R>", ``, `R(A(" a ") B(" ") C("\n\t") D("   "))`},
	{"indentation dropped", "<R>\n <A> a </A>\n <B/>\n</R>", ``, `R(A(" a ") B())`},
	{"text beside elements kept", "<R> x <A/>\ny</R>", ``, `R(" x " A() "\ny")`},
	{"prolog and epilogue", "<?xml version=\"1.0\"?>\n<!-- c -->\n<R/>\n<?pi x?>\n<!-- d -->\n", ``, `R()`},
	{"comment inside", `<R><!-- <b> & --><A/></R>`, ``, `R(A())`},

	// xml.unmatched-end.
	{"bare end tag after a sibling", `<R><Owner/>^</Marker><IsTruncated>false</IsTruncated></R>`, `xml.unmatched-end`, `R(Owner() IsTruncated("false"))`},
	{"two bare end tags", `<R><Owner/>^</Marker>^</NextMarker><A/></R>`, `xml.unmatched-end xml.unmatched-end`, `R(Owner() A())`},
	{"bare end tag in a container", `<R><Buckets><Bucket/>^</Bucket2></Buckets></R>`, `xml.unmatched-end`, `R(Buckets(Bucket()))`},
	{"end tag after the root", `<R/>^</R>`, `xml.unmatched-end`, `R()`},

	// xml.mismatched-end.
	{"typo in a leaf's end tag", `<R><NexMarker>1^</NextMarker><IsTruncated>false</IsTruncated></R>`, `xml.mismatched-end`, `R(NexMarker("1") IsTruncated("false"))`},
	{"typo in an empty leaf's end tag", `<R><A>^</B><C/></R>`, `xml.mismatched-end`, `R(A() C())`},
	{"other prefix on the root", `^<a:R xmlns:a="u">^</b:R>`, `xml.unclosed xml.unmatched-end`, `a:R()`},
	{"mismatched then unmatched", `<R><NexMarker>1^</NextMarker><Owner/>^</Marker></R>`, `xml.mismatched-end xml.unmatched-end`, `R(NexMarker("1") Owner())`},

	// xml.unclosed.
	{"body cut short", `^<R>^<A>^<B>x`, `xml.unclosed xml.unclosed xml.unclosed`, `R(A(B("x")))`},
	{"closed by an outer end tag", `<R><A>^<B>1</A><C/></R>`, `xml.unclosed`, `R(A(B("1")) C())`},
	{"two closed by an outer end tag", `<R>^<A>^<B></R>`, `xml.unclosed xml.unclosed`, `R(A(B()))`},

	// xml.outside-root.
	{"text before the root", `<?xml version="1.0"?>^.<R/>`, `xml.outside-root`, `R()`},
	{"text before the root after white space", "\n  ^x <R/>", `xml.outside-root`, `R()`},
	{"text after the root", "<R/>\n ^x\n", `xml.outside-root`, `R()`},
	{"text and a second root after the root", "<R/>^x^<S/>", `xml.outside-root xml.outside-root`, `R() S()`},
	{"second root", `<R/>^<S/>`, `xml.outside-root`, `R() S()`},
	{"second root of the same name", "<R><A/></R>\n^<R><A/></R>", `xml.outside-root`, `R(A()) R(A())`},
	{"only text", `^abc`, `xml.outside-root`, ``},

	// No root element.
	{"empty body", `^`, `xml.syntax`, ``},
	{"white space only", "^ \r\n\t", `xml.syntax`, ``},
	{"declaration and comment only", `^<?xml version="1.0"?><!-- x -->`, `xml.syntax`, ``},

	// xml.syntax, and reading resumes after it.
	{"bare ampersand", `<R><Name>a &^ b</Name>^</Marker></R>`, `xml.syntax xml.unmatched-end`, `R(Name())`},
	{"bare ampersand after a bare end tag", `<R><Owner/>^</Marker><Name>a &^ b</Name>^</NextMarker></R>`, `xml.unmatched-end xml.syntax xml.unmatched-end`, `R(Owner() Name())`},
	{"entity without semicolon", `<R><Name>a &amp^ b</Name><Owner/>^</Marker></R>`, `xml.syntax xml.unmatched-end`, `R(Name() Owner())`},
	{"bad element name", `<R><1^/><A/></R>`, `xml.syntax`, `R(A())`},
	// A body cut short inside a tag has one finding: the elements left open
	// are the same defect.
	{"end tag cut at EOF", `<R><Name>x</Name^`, `xml.syntax`, `R(Name("x"))`},
	{"start tag cut at EOF", `<R><Na^`, `xml.syntax`, `R()`},
	{"reference cut at EOF", `<R>a &am^`, `xml.syntax`, `R()`},
	{"junk in an end tag closes its element", `<R><Name>x</Name y^><Owner/>^</Marker></R>`, `xml.syntax xml.unmatched-end`, `R(Name("x") Owner())`},
	{"< in an attribute value", `<R a="<^"/>`, `xml.syntax`, ``},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			in, offs := mark(tt.in)
			doc, probs := xmltree.Parse([]byte(in))
			var want []xmltree.Problem
			for i, check := range strings.Fields(tt.checks) {
				want = append(want, xmltree.Problem{Check: check, Offset: offs[i]})
			}
			if len(offs) != len(want) {
				t.Fatalf("bad test: %d markers, %d checks", len(offs), len(want))
			}
			var got []xmltree.Problem
			for _, p := range sorted(probs) {
				if p.Msg == "" {
					t.Errorf("problem %v has no message", p)
				}
				got = append(got, xmltree.Problem{Check: p.Check, Offset: p.Offset})
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) problems = %v, want %v", in, got, want)
			}
			if got := outline(doc.Root); got != tt.tree {
				t.Errorf("Parse(%q) tree = %s, want %s", in, got, tt.tree)
			}
		})
	}
}

func TestParseMessages(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<R><Owner/></Marker></R>`, `end tag </Marker> has no start tag`},
		{`<R><NexMarker>1</NextMarker></R>`, `<NexMarker> is closed by </NextMarker>`},
		{`<s3:A>`, `<s3:A> is never closed`},
		{`<R><A></R>`, `<A> is never closed (closed by </R> of an outer element)`},
		{`<R/><S/>`, `a second root element <S>`},
		{`<?xml version="1.0"?>. <R/>`, `text before the root element: "."`},
		{"<R/>\n x \n", `text after the root element: "x"`},
		{``, `no root element`},
		{`<R>a & b</R>`, `invalid character entity & (no semicolon)`},
	}
	for _, tt := range tests {
		_, probs := xmltree.Parse([]byte(tt.in))
		if len(probs) == 0 || probs[0].Msg != tt.want {
			t.Errorf("Parse(%q) = %v, want first message %q", tt.in, probs, tt.want)
		}
	}
}

func TestParseRealBodies(t *testing.T) {
	tests := []struct {
		name, body, ns string
		names          []string
	}{
		{"s3", s3Body, "http://s3.amazonaws.com/doc/2006-03-01/", []string{"amzn-s3-demo-bucket1", "amzn-s3-demo-bucket2", "examplebucket"}},
		{"cos", cosBody, "", []string{"examplebucket1-1250000000", "examplebucket2-1250000000", "examplebucket3-1250000000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, probs := xmltree.Parse([]byte(tt.body))
			if len(probs) != 0 {
				t.Fatalf("problems: %v", probs)
			}
			var names []string
			for _, n := range xmlquery.Find(doc.Root, "//*[local-name()='Name']") {
				names = append(names, n.InnerText())
				if n.NamespaceURI != tt.ns {
					t.Errorf("%s: NamespaceURI = %q, want %q", xmltree.Path(n), n.NamespaceURI, tt.ns)
				}
				if off := doc.Offset(n); !strings.HasPrefix(tt.body[off:], "<Name>"+n.InnerText()+"</Name>") {
					t.Errorf("Offset(%s) = %d, at %.30q", xmltree.Path(n), off, tt.body[off:])
				}
			}
			if !reflect.DeepEqual(names, tt.names) {
				t.Errorf("names = %q, want %q", names, tt.names)
			}
			root := doc.Element()
			if root == nil || root.Data != "ListAllMyBucketsResult" || root.NamespaceURI != tt.ns || doc.Offset(root) != strings.Index(tt.body, "<ListAllMyBucketsResult") {
				t.Errorf("Element() = %+v", root)
			}
			if got := len(xmlquery.Find(doc.Root, "/ListAllMyBucketsResult/Buckets/Bucket")); got != len(tt.names) {
				t.Errorf("%d buckets by a path of local names, want %d", got, len(tt.names))
			}
			if tt.ns != "" {
				if got := len(xmlquery.Find(doc.Root, "//*[namespace-uri()='"+tt.ns+"']")); got != strings.Count(tt.body, "</") {
					t.Errorf("%d elements in the namespace, want all %d", got, strings.Count(tt.body, "</"))
				}
			}
		})
	}
}

// TestParseCOSDocumentation reads COS's documentation example, whose bare
// </Marker> and </NextMarker> follow </Owner>.
func TestParseCOSDocumentation(t *testing.T) {
	doc, probs := xmltree.Parse([]byte(cosDocBody))
	want := []xmltree.Problem{
		{"xml.unmatched-end", strings.Index(cosDocBody, "</Marker>"), "end tag </Marker> has no start tag"},
		{"xml.unmatched-end", strings.Index(cosDocBody, "</NextMarker>"), "end tag </NextMarker> has no start tag"},
	}
	if !reflect.DeepEqual(probs, want) {
		t.Errorf("problems = %v, want %v", probs, want)
	}
	if got := len(xmlquery.Find(doc.Root, "/ListAllMyBucketsResult/Buckets/Bucket/Name")); got != 3 {
		t.Errorf("%d names after recovery, want 3", got)
	}
	if n := xmlquery.FindOne(doc.Root, "/ListAllMyBucketsResult/IsTruncated"); n == nil || n.InnerText() != "false" {
		t.Errorf("IsTruncated = %v after recovery", n)
	}
}

func TestParseNamespaces(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<R xmlns="u"><A/></R>`, `R=u A=u`},
		{`<s3:R xmlns:s3="u"><s3:A/><B/></s3:R>`, `s3:R=u s3:A=u B=`},
		{`<R xmlns="u" xmlns:p="v"><p:A/><A/></R>`, `R=u p:A=v A=u`},
		{`<R xmlns="u"><A xmlns="v"><B/></A><C/></R>`, `R=u A=v B=v C=u`},
		{`<R xmlns="u"><A xmlns=""/></R>`, `R=u A=`},
		{`<R><A xmlns:p="u"/><p:B/></R>`, `R= A= p:B=`},
		{`<p:R xmlns:p="u"><p:A xmlns:p="v"/><p:B/></p:R>`, `p:R=u p:A=v p:B=u`},
	}
	for _, tt := range tests {
		doc, probs := xmltree.Parse([]byte(tt.in))
		if len(probs) != 0 {
			t.Errorf("Parse(%q): %v", tt.in, probs)
		}
		var got []string
		for _, n := range xmlquery.Find(doc.Root, "//*") {
			name := n.Data
			if n.Prefix != "" {
				name = n.Prefix + ":" + name
			}
			got = append(got, name+"="+n.NamespaceURI)
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("Parse(%q) namespaces = %s, want %s", tt.in, s, tt.want)
		}
	}
}

func TestDocOffset(t *testing.T) {
	// B comes after a syntax error, so it is read by a resumed decoder.
	in := `<?xml version="1.0"?>` + "\n" + `<R><A>a & b</A><B/></R>`
	doc, _ := xmltree.Parse([]byte(in))
	for _, name := range []string{"R", "A", "B"} {
		n := xmlquery.FindOne(doc.Root, "//"+name)
		if got, want := doc.Offset(n), strings.Index(in, "<"+name); got != want {
			t.Errorf("Offset(%s) = %d, want %d", name, got, want)
		}
	}
	if got := doc.Offset(doc.Root); got != -1 {
		t.Errorf("Offset(document) = %d, want -1", got)
	}
	if got := doc.Offset(&xmlquery.Node{Type: xmlquery.ElementNode, Data: "R"}); got != -1 {
		t.Errorf("Offset(other node) = %d, want -1", got)
	}
}

func TestDocElement(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<?xml version="1.0"?><!-- c --><R/>`, "R"},
		{`<R/><S/>`, "R"},
		{` x <R/>`, "R"},
		{``, ""},
		{`<!-- c -->`, ""},
	}
	for _, tt := range tests {
		doc, _ := xmltree.Parse([]byte(tt.in))
		got := ""
		if n := doc.Element(); n != nil {
			got = n.Data
		}
		if got != tt.want {
			t.Errorf("Parse(%q).Element() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPath(t *testing.T) {
	tests := []struct{ in, xpath, want string }{
		{cosBody, "/*", "/ListAllMyBucketsResult"},
		{cosBody, "//Owner/ID", "/ListAllMyBucketsResult/Owner/ID"},
		{cosBody, "//Bucket[1]", "/ListAllMyBucketsResult/Buckets/Bucket[1]"},
		{cosBody, "//Bucket[2]/Name", "/ListAllMyBucketsResult/Buckets/Bucket[2]/Name"},
		{cosBody, "//Bucket[3]/CreationDate", "/ListAllMyBucketsResult/Buckets/Bucket[3]/CreationDate"},
		{s3Body, "//*[local-name()='Bucket'][2]/*[local-name()='Name']", "/ListAllMyBucketsResult/Buckets/Bucket[2]/Name"},
		{`<R><A/><B/><A/></R>`, "/R/B", "/R/B"},
		{`<R><A/><B/><A/></R>`, "/R/A[2]", "/R/A[2]"},
		{`<R><A/><B><A/></B></R>`, "/R/B/A", "/R/B/A"},
		{`<R/><R><A/></R>`, "//A", "/R[2]/A"},
	}
	for _, tt := range tests {
		doc, _ := xmltree.Parse([]byte(tt.in))
		n := xmlquery.FindOne(doc.Root, tt.xpath)
		if n == nil {
			t.Fatalf("%s selects nothing", tt.xpath)
		}
		got := xmltree.Path(n)
		if got != tt.want {
			t.Errorf("Path(%s) = %s, want %s", tt.xpath, got, tt.want)
		}
		if back := xmlquery.Find(doc.Root, got); len(back) != 1 || back[0] != n {
			t.Errorf("%s selects %d nodes, want exactly the node", got, len(back))
		}
	}
}

// TestPathSelectsItself checks, for every element of the real bodies, that
// its Path selects exactly it.
func TestPathSelectsItself(t *testing.T) {
	for _, body := range []string{s3Body, cosBody, cosDocBody} {
		doc, _ := xmltree.Parse([]byte(body))
		for _, n := range xmlquery.Find(doc.Root, "//*") {
			p := xmltree.Path(n)
			if back := xmlquery.Find(doc.Root, p); len(back) != 1 || back[0] != n {
				t.Errorf("%s selects %d nodes, want exactly the node", p, len(back))
			}
		}
	}
}

func TestParseLeafSpaceBeforeComment(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<R><A> <!--c-->x</A></R>`, ` x`},
		{`<R><A> <!--c--> </A></R>`, `  `},
		{`<R><A>` + "\n" + `<?pi?>x</A></R>`, "\nx"},
	}
	for _, tt := range tests {
		doc, _ := xmltree.Parse([]byte(tt.in))
		if got := xmlquery.FindOne(doc.Root, "//A").InnerText(); got != tt.want {
			t.Errorf("Parse(%q): A's text = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPathPrefixed(t *testing.T) {
	tests := []struct{ in, xpath string }{
		{`<s3:R xmlns:s3="u"><s3:Name>a</s3:Name></s3:R>`, "//*[local-name()='Name']"},
		{`<R><p:A xmlns:p="u"/><A/></R>`, "/R/*[2]"},
		{`<R><p:A xmlns:p="u"/><A/></R>`, "/R/*[1]"},
	}
	for _, tt := range tests {
		doc, _ := xmltree.Parse([]byte(tt.in))
		n := xmlquery.FindOne(doc.Root, tt.xpath)
		p := xmltree.Path(n)
		if back := xmlquery.Find(doc.Root, p); len(back) != 1 || back[0] != n {
			t.Errorf("Parse(%q): Path = %s, which selects %d nodes, want exactly the node", tt.in, p, len(back))
		}
	}
}

// TestParseResumeAtErrorOffset: when the decoder stops with its offset on
// the '<' of the next tag, Parse resumes at the '<' after that one, so the
// tag right after a lexical error is lost.
func TestParseResumeAtErrorOffset(t *testing.T) {
	tests := []struct{ in, checks string }{
		{"<R><Name>caf&eacute;</Name></Marker></R>", "xml.syntax xml.unmatched-end"},
		{"<R><Name>x</Name\n</Marker></R>", "xml.unmatched-end xml.syntax"}, // the decoder stops past that <
		{"<R><Name>x</Name><Bad a></Marker></R>", "xml.syntax xml.unmatched-end"},
		{"<R>]]></R>", "xml.syntax"},
		{"<R>a\x00</R>", "xml.syntax"},
		{"<R><Name>x<</Name></R>", "xml.syntax"},
	}
	for _, tt := range tests {
		_, probs := xmltree.Parse([]byte(tt.in))
		var got []string
		for _, p := range sorted(probs) {
			got = append(got, p.Check)
		}
		if s := strings.Join(got, " "); s != tt.checks {
			t.Errorf("Parse(%q) = %v, want checks %s", tt.in, probs, tt.checks)
		}
	}
}

func TestParseProblemOrder(t *testing.T) {
	for _, in := range []string{"<R><A><B>", "<R><A><B></R>", "<R>a & b<A>"} {
		_, probs := xmltree.Parse([]byte(in))
		if !sort.SliceIsSorted(probs, func(i, j int) bool { return probs[i].Offset < probs[j].Offset }) {
			t.Errorf("Parse(%q) = %v, not in order of offset", in, probs)
		}
	}
}

func TestParseByteOrderMark(t *testing.T) {
	for _, in := range []string{"\xEF\xBB\xBF<R/>", "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<R/>"} {
		if _, probs := xmltree.Parse([]byte(in)); len(probs) != 0 {
			t.Errorf("Parse(%q) = %v, want no problem", in, probs)
		}
	}
}

func TestParseOutsideRootOffsetInReference(t *testing.T) {
	for _, in := range []string{"<R/>&#32;x", "<R/><![CDATA[ x]]>", "<R/>&#10;x"} {
		_, probs := xmltree.Parse([]byte(in))
		want := []xmltree.Problem{{Check: "xml.outside-root", Offset: 4}}
		if len(probs) != 1 || probs[0].Check != want[0].Check || probs[0].Offset != want[0].Offset {
			t.Errorf("Parse(%q) = %v, want %v", in, probs, want)
		}
	}
}
