package xmljson_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"

	"github.com/getservice-conformance/gsc/internal/xmljson"
	"github.com/getservice-conformance/gsc/internal/xmltree"
)

// profile is the mapping of the cos and s3 profiles.
var profile = xmljson.NewOptions([]string{"Bucket"}, []string{"Buckets", "Owner"})

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
<Location>eu-frankfurt</Location>
<CreationDate>2019-05-24T11:51:50Z</CreationDate>
</Bucket>
</Buckets>
</ListAllMyBucketsResult>
`

const cosJSON = `{"ListAllMyBucketsResult": {
	"Owner": {"ID": "qcs::cam::uin/100000000001:uin/100000000001", "DisplayName": "100000000001"},
	"Marker": "", "NextMarker": "", "IsTruncated": "false",
	"Buckets": {"Bucket": [
		{"Name": "examplebucket1-1250000000", "Location": "ap-beijing", "CreationDate": "2019-05-24T11:49:50Z"},
		{"Name": "examplebucket2-1250000000", "Location": "eu-frankfurt", "CreationDate": "2019-05-24T11:51:50Z"}
	]}
}}`

const s3Body = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>amzn-s3-demo-bucket1</Name><CreationDate>2019-12-11T23:32:47.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets><Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>webfile</DisplayName></Owner></ListAllMyBucketsResult>`

const s3JSON = `{"ListAllMyBucketsResult": {
	"Buckets": {"Bucket": [{"Name": "amzn-s3-demo-bucket1", "CreationDate": "2019-12-11T23:32:47.000Z", "BucketRegion": "us-east-1"}]},
	"Owner": {"ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a", "DisplayName": "webfile"}
}}`

// parse reads a well-formed body.
func parse(t *testing.T, in string) *xmltree.Doc {
	t.Helper()
	doc, probs := xmltree.Parse([]byte(in))
	if len(probs) != 0 {
		t.Fatalf("Parse(%q): %v", in, probs)
	}
	return doc
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// mapTests map bodies by the profile's options (Bucket always an array,
// Buckets and Owner always objects).
var mapTests = []struct {
	name, in, want string
}{
	// A leaf is a string, its text exactly as written.
	{"leaf", `<Name>a </Name>`, `{"Name":"a "}`},
	{"leaf white space", "<Name>\n a\tb \n</Name>", `{"Name":"\n a\tb \n"}`},
	{"white space only leaf", "<R><A> </A><B>\n</B></R>", `{"R":{"A":" ","B":"\n"}}`},
	{"empty leaves", `<R><A/><B></B></R>`, `{"R":{"A":"","B":""}}`},
	{"references decoded", `<Name>a&amp;b&#x41;&lt;&#233;</Name>`, `{"Name":"a&bA<é"}`},
	{"CDATA", `<Name>x<![CDATA[<y> & z]]></Name>`, `{"Name":"x<y> & z"}`},
	{"text around a comment", `<Name>a<!-- c -->b</Name>`, `{"Name":"ab"}`},

	// An element with children is an object.
	{"children", `<R><A>1</A><B>2</B></R>`, `{"R":{"A":"1","B":"2"}}`},
	{"indented children", "<R>\n  <A>1</A>\n  <B>\n    <C>2</C>\n  </B>\n</R>", `{"R":{"A":"1","B":{"C":"2"}}}`},

	// A name seen more than once is an array in document order.
	{"repeated name", `<R><A>1</A><A>2</A></R>`, `{"R":{"A":["1","2"]}}`},
	{"three repeats, interleaved", `<R><A>1</A><B/><A>2</A><A>3</A></R>`, `{"R":{"A":["1","2","3"],"B":""}}`},
	{"repeated objects", `<R><X><N>a</N></X><X><N>b</N></X></R>`, `{"R":{"X":[{"N":"a"},{"N":"b"}]}}`},
	{"repeats of mixed kinds", `<R><A>1</A><A><B/></A></R>`, `{"R":{"A":["1",{"B":""}]}}`},
	{"repeats at two levels", `<R><A><B>1</B><B>2</B></A><A><B>3</B></A></R>`, `{"R":{"A":[{"B":["1","2"]},{"B":"3"}]}}`},

	// mapping.arrays: always an array.
	{"arrays: one element", `<R><Bucket><Name>a</Name></Bucket></R>`, `{"R":{"Bucket":[{"Name":"a"}]}}`},
	{"arrays: one leaf", `<R><Bucket>x</Bucket></R>`, `{"R":{"Bucket":["x"]}}`},
	{"arrays: three", `<R><Bucket>1</Bucket><Bucket/><Bucket>3</Bucket></R>`, `{"R":{"Bucket":["1","","3"]}}`},

	// mapping.objects: always an object.
	{"objects: empty-element tag", `<Buckets/>`, `{"Buckets":{}}`},
	{"objects: start and end tag", `<R><Buckets></Buckets></R>`, `{"R":{"Buckets":{}}}`},
	{"objects: white space", "<R><Buckets>\n  </Buckets></R>", `{"R":{"Buckets":{}}}`},
	{"objects: Owner", `<R><Owner/></R>`, `{"R":{"Owner":{}}}`},
	{"objects: text", `<R><Buckets>x</Buckets></R>`, `{"R":{"Buckets":{"#text":"x"}}}`},
	{"objects: a second container", `<R><Buckets/><Buckets><Bucket/></Buckets></R>`, `{"R":{"Buckets":[{},{"Bucket":[""]}]}}`},
	{"objects: others stay strings", `<R><Marker/><NextMarker></NextMarker></R>`, `{"R":{"Marker":"","NextMarker":""}}`},

	// Attributes.
	{"attributes", `<R><Name a="1" b="x  y">v</Name></R>`, `{"R":{"Name":{"@a":"1","@b":"x  y","#text":"v"}}}`},
	{"attribute, white space text", `<R><Name a="1"> </Name></R>`, `{"R":{"Name":{"@a":"1"}}}`},
	{"attribute beside children", `<R a="1"><A>x</A></R>`, `{"R":{"@a":"1","A":"x"}}`},
	{"attribute references", `<R a="&lt;&#65;&quot;"/>`, `{"R":{"@a":"<A\""}}`},
	{"prefixed attribute", `<R xmlns:x="u" x:a="1"/>`, `{"R":{"@a":"1"}}`},

	// Namespace declarations are left out.
	{"namespace declarations", `<R xmlns="u" xmlns:s3="v"><Name>a</Name></R>`, `{"R":{"Name":"a"}}`},
	{"namespace declaration on a leaf", `<R><Name xmlns="u">a</Name></R>`, `{"R":{"Name":"a"}}`},
	{"namespace declaration on an empty root", `<R xmlns="u"/>`, `{"R":""}`},
	{"namespace declaration on mapping.objects", `<Buckets xmlns="u"/>`, `{"Buckets":{}}`},

	// Text that is not white space beside children.
	{"text beside children", `<R>x<A>1</A>y</R>`, `{"R":{"A":"1","#text":"xy"}}`},
	{"text beside children, white space kept", `<R> x <A/></R>`, `{"R":{"A":"","#text":" x "}}`},

	// Prefixes are dropped.
	{"prefixes", `<s3:R xmlns:s3="u"><s3:Name>a</s3:Name></s3:R>`, `{"R":{"Name":"a"}}`},
	{"prefixed and unprefixed alike", `<R xmlns:p="u"><p:A>1</p:A><A>2</A></R>`, `{"R":{"A":["1","2"]}}`},
	{"prefixed mapping.arrays", `<s3:R xmlns:s3="u"><s3:Bucket>1</s3:Bucket></s3:R>`, `{"R":{"Bucket":["1"]}}`},

	// The document.
	{"prolog", `<?xml version="1.0"?><!-- c --><?pi?><R>a</R><!-- d -->`, `{"R":"a"}`},
	{"cos", cosBody, cosJSON},
	{"s3", s3Body, s3JSON},
}

func TestMap(t *testing.T) {
	for _, tt := range mapTests {
		t.Run(tt.name, func(t *testing.T) {
			got := xmljson.Map(parse(t, tt.in).Root, profile)
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("Map(%q) =\n%s, want\n%s", tt.in, show(got), show(want))
			}
		})
	}
}

func TestMapNoOptions(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<R><Buckets><Bucket>1</Bucket></Buckets></R>`, `{"R":{"Buckets":{"Bucket":"1"}}}`},
		{`<R><Buckets/></R>`, `{"R":{"Buckets":""}}`},
	}
	for _, tt := range tests {
		for _, o := range []xmljson.Options{{}, xmljson.NewOptions(nil, nil)} {
			got := xmljson.Map(parse(t, tt.in).Root, o)
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("Map(%q, %+v) = %s, want %s", tt.in, o, show(got), tt.want)
			}
		}
	}
}

// TestMapDocument maps recovered documents, which may have no root or two.
func TestMapDocument(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, `{}`},
		{`<!-- c -->`, `{}`},
		{`<R>a</R><S>b</S>`, `{"R":"a"}`},
		{`x<R><A>1</A></R>`, `{"R":{"A":"1"}}`},
	}
	for _, tt := range tests {
		doc, _ := xmltree.Parse([]byte(tt.in))
		if got, want := xmljson.Map(doc.Root, profile), decode(t, tt.want); !reflect.DeepEqual(got, want) {
			t.Errorf("Map(%q) = %s, want %s", tt.in, show(got), tt.want)
		}
	}
}

// TestMapElement maps an element rather than the document.
func TestMapElement(t *testing.T) {
	doc := parse(t, cosBody)
	want := decode(t, cosJSON).(map[string]any)["ListAllMyBucketsResult"]
	if got := xmljson.Map(doc.Element(), profile); !reflect.DeepEqual(got, want) {
		t.Errorf("Map(root element) = %s, want %s", show(got), show(want))
	}
	owner := xmlquery.FindOne(doc.Root, "//Owner")
	if got, want := show(xmljson.Map(owner, profile)), `{"DisplayName":"100000000001","ID":"qcs::cam::uin/100000000001:uin/100000000001"}`; got != want {
		t.Errorf("Map(Owner) = %s, want %s", got, want)
	}
	if got := xmljson.Map(xmlquery.FindOne(doc.Root, "//Bucket/Name"), profile); got != "examplebucket1-1250000000" {
		t.Errorf("Map(Name) = %#v", got)
	}
}

func TestNewOptions(t *testing.T) {
	o := xmljson.NewOptions([]string{"Bucket", "Part"}, []string{"Buckets"})
	want := xmljson.Options{
		Arrays:  map[string]bool{"Bucket": true, "Part": true},
		Objects: map[string]bool{"Buckets": true},
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("NewOptions = %+v, want %+v", o, want)
	}
}

func TestMapNonXMLSpaceBesideChildren(t *testing.T) {
	for _, in := range []string{"<R>\u00a0<A/></R>", "<R>\u2003<A/></R>", "<R>\u0085<A/></R>"} {
		got := xmljson.Map(parse(t, in).Root, profile)
		text := strings.TrimPrefix(strings.TrimSuffix(in, "<A/></R>"), "<R>")
		if want := map[string]any{"R": map[string]any{"A": "", "#text": text}}; !reflect.DeepEqual(got, want) {
			t.Errorf("Map(%q) = %s, want %s", in, show(got), show(want))
		}
	}
}

// locateTests locate pointers in cosBody; want is the element's Path, or
// "" for none.
var locateTests = []struct{ pointer, want string }{
	{"", ""},
	{"/", ""},
	{"/Other", ""},
	{"/ListAllMyBucketsResult", "/ListAllMyBucketsResult"},
	{"/ListAllMyBucketsResult/Owner", "/ListAllMyBucketsResult/Owner"},
	{"/ListAllMyBucketsResult/Owner/ID", "/ListAllMyBucketsResult/Owner/ID"},
	{"/ListAllMyBucketsResult/Marker", "/ListAllMyBucketsResult/Marker"},
	{"/ListAllMyBucketsResult/Buckets", "/ListAllMyBucketsResult/Buckets"},
	{"/ListAllMyBucketsResult/Buckets/Bucket", "/ListAllMyBucketsResult/Buckets/Bucket[1]"},
	{"/ListAllMyBucketsResult/Buckets/Bucket/0", "/ListAllMyBucketsResult/Buckets/Bucket[1]"},
	{"/ListAllMyBucketsResult/Buckets/Bucket/1", "/ListAllMyBucketsResult/Buckets/Bucket[2]"},
	{"/ListAllMyBucketsResult/Buckets/Bucket/0/Name", "/ListAllMyBucketsResult/Buckets/Bucket[1]/Name"},
	{"/ListAllMyBucketsResult/Buckets/Bucket/1/Name", "/ListAllMyBucketsResult/Buckets/Bucket[2]/Name"},
	{"/ListAllMyBucketsResult/Buckets/Bucket/1/CreationDate", "/ListAllMyBucketsResult/Buckets/Bucket[2]/CreationDate"},

	// A missing member gives the deepest element that exists.
	{"/ListAllMyBucketsResult/Buckets/Bucket/1/BucketRegion", "/ListAllMyBucketsResult/Buckets/Bucket[2]"},
	{"/ListAllMyBucketsResult/Buckets/Bucket/1/Name/@type", "/ListAllMyBucketsResult/Buckets/Bucket[2]/Name"},
	{"/ListAllMyBucketsResult/Buckets/Bucket/1/#text", "/ListAllMyBucketsResult/Buckets/Bucket[2]"},
	{"/ListAllMyBucketsResult/Prefix", "/ListAllMyBucketsResult"},
	{"/ListAllMyBucketsResult/Prefix/Name", "/ListAllMyBucketsResult"},
	{"/ListAllMyBucketsResult/Owner/ID/x/y", "/ListAllMyBucketsResult/Owner/ID"},
}

func TestLocate(t *testing.T) {
	doc := parse(t, cosBody)
	for _, tt := range locateTests {
		got := ""
		if n := xmljson.Locate(doc.Root, tt.pointer, profile); n != nil {
			got = xmltree.Path(n)
		}
		if got != tt.want {
			t.Errorf("Locate(%q) = %q, want %q", tt.pointer, got, tt.want)
		}
	}
}

func TestLocateArrays(t *testing.T) {
	tests := []struct {
		in, pointer, want string
		o                 xmljson.Options
	}{
		// One Bucket: an array only by mapping.arrays.
		{`<R><Buckets><Bucket><Name>a</Name></Bucket></Buckets></R>`, "/R/Buckets/Bucket/0/Name", "/R/Buckets/Bucket/Name", profile},
		{`<R><Buckets><Bucket><Name>a</Name></Bucket></Buckets></R>`, "/R/Buckets/Bucket/Name", "/R/Buckets/Bucket/Name", xmljson.Options{}},
		// Repeated names are arrays whatever the options.
		{`<R><A>1</A><B/><A>2</A><A>3</A></R>`, "/R/A/2", "/R/A[3]", xmljson.Options{}},
		{`<R><A><B>1</B><B>2</B></A><A><B>3</B><B>4</B></A></R>`, "/R/A/1/B/0", "/R/A[2]/B[1]", xmljson.Options{}},
		// Local names, as in Map.
		{`<R xmlns:p="u"><p:A>1</p:A><A>2</A></R>`, "/R/A/1", "/R/A", xmljson.Options{}},
		// The document maps its first root only.
		{`<R/><R><A/></R>`, "/R/A", "/R[1]", xmljson.Options{}},
	}
	for _, tt := range tests {
		doc, _ := xmltree.Parse([]byte(tt.in))
		got := ""
		if n := xmljson.Locate(doc.Root, tt.pointer, tt.o); n != nil {
			got = xmltree.Path(n)
		}
		if got != tt.want {
			t.Errorf("Locate(%s, %q) = %q, want %q", tt.in, tt.pointer, got, tt.want)
		}
	}
}

// TestLocateEscaped locates names holding '/' and '~', which XML names
// cannot, in a tree built by hand.
func TestLocateEscaped(t *testing.T) {
	doc := &xmlquery.Node{Type: xmlquery.DocumentNode}
	root := &xmlquery.Node{Type: xmlquery.ElementNode, Data: "R"}
	xmlquery.AddChild(doc, root)
	nodes := map[string]*xmlquery.Node{"R": root}
	for _, name := range []string{"a/b", "m~n", "~1", "/"} {
		n := &xmlquery.Node{Type: xmlquery.ElementNode, Data: name}
		xmlquery.AddChild(root, n)
		nodes[name] = n
	}
	tests := []struct{ pointer, want string }{
		{"/R/a~1b", "a/b"},
		{"/R/m~0n", "m~n"},
		{"/R/~01", "~1"},
		{"/R/~1", "/"},
		{"/R/a/b", "R"},
	}
	for _, tt := range tests {
		if got := xmljson.Locate(doc, tt.pointer, xmljson.Options{}); got != nodes[tt.want] {
			t.Errorf("Locate(%q) = %v, want <%s>", tt.pointer, got, tt.want)
		}
	}
}

// TestLocateEveryValue walks Map's result of real bodies and locates every
// value: a string at the element whose text it is, an object at its element.
func TestLocateEveryValue(t *testing.T) {
	for _, body := range []string{cosBody, s3Body} {
		doc := parse(t, body)
		count := 0
		var visit func(pointer, name string, v any)
		visit = func(pointer, name string, v any) {
			switch v := v.(type) {
			case []any:
				for i, e := range v {
					visit(pointer+"/"+strconv.Itoa(i), name, e)
				}
				return
			case map[string]any:
				for k, e := range v {
					visit(pointer+"/"+k, k, e)
				}
			}
			if pointer == "" {
				return
			}
			count++
			n := xmljson.Locate(doc.Root, pointer, profile)
			if n == nil || n.Data != name {
				t.Errorf("Locate(%q) = %v, want a <%s>", pointer, n, name)
				return
			}
			if s, ok := v.(string); ok && n.InnerText() != s {
				t.Errorf("Locate(%q) has text %q, want %q", pointer, n.InnerText(), s)
			}
		}
		visit("", "", xmljson.Map(doc.Root, profile))
		if want := strings.Count(body, "</") + strings.Count(body, "/>"); count != want {
			t.Errorf("located %d values, want one per element, %d", count, want)
		}
	}
}

func ExampleMap() {
	doc, _ := xmltree.Parse([]byte(`<s3:ListAllMyBucketsResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
  <s3:Buckets><s3:Bucket><s3:Name>a </s3:Name></s3:Bucket></s3:Buckets>
  <s3:Owner/>
</s3:ListAllMyBucketsResult>`))
	v := xmljson.Map(doc.Root, xmljson.NewOptions([]string{"Bucket"}, []string{"Buckets", "Owner"}))
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
	// Output: {"ListAllMyBucketsResult":{"Buckets":{"Bucket":[{"Name":"a "}]},"Owner":{}}}
}
