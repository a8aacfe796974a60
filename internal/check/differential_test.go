package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/jsonlenient"
	"github.com/getservice-conformance/gsc/internal/xmljson"
	"github.com/getservice-conformance/gsc/internal/xmltree"
	"github.com/getservice-conformance/gsc/schemas"
)

// TestPlacementDifferential places every finding of every fixture, and of
// a generated corpus, both ways: by the indexes the checks use and by the
// walks they replaced (reading a JSON body again per pointer, walking
// every sibling of an XML element). Offsets and XPaths must agree, and
// so must the XPath of every element of every XML body.
func TestPlacementDifferential(t *testing.T) {
	recs := append(fixtureRecordings(t), generatedCorpus()...)
	set := &contract.Set{FS: schemas.FS}
	placed := 0
	for _, rec := range recs {
		c, err := set.Get(rec.Vendor())
		if err != nil {
			continue // a recording about an unknown vendor
		}
		for _, ex := range rec.Exchanges {
			if ex.Response == nil {
				continue
			}
			b := decode(c, ex.Response)
			// The old ways walk the full tree, which a Lite body also has.
			doc := b.xml
			if b.lite != nil {
				doc, _ = xmltree.Parse(b.raw)
			}
			e := &exchangeRun{run: &run{rec: rec, c: c, walk: newWalk()}, ex: ex, body: b}
			if ex.Response.Status != 0 {
				e.schema()
				if e.success() {
					e.semantics()
				}
			}
			for _, f := range e.findings {
				if f.Pointer == "" {
					continue
				}
				placed++
				if got, want := b.offsetOf(f.Pointer), oldOffsetOf(b, doc, f.Pointer); got != want {
					t.Errorf("%s exchange %d: %s at %s: offset %d, the old way %d", rec.File, ex.Index, f.Check, f.Pointer, got, want)
				}
				if doc != nil {
					if got, want := b.xpathOf(f.Pointer), xmltree.Path(xmljson.Locate(doc.Root, f.Pointer, b.opts)); got != want {
						t.Errorf("%s exchange %d: %s at %s: XPath %s, the old way %s", rec.File, ex.Index, f.Check, f.Pointer, got, want)
					}
				}
			}
			if doc := b.xml; doc != nil {
				var walk func(n *xmlquery.Node)
				walk = func(n *xmlquery.Node) {
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type == xmlquery.ElementNode {
							if got, want := doc.Path(c), xmltree.Path(c); got != want {
								t.Errorf("%s exchange %d: Doc.Path %s, Path %s", rec.File, ex.Index, got, want)
							}
							walk(c)
						}
					}
				}
				walk(doc.Root)
			}
		}
	}
	if placed < 200 {
		t.Errorf("only %d findings placed: the comparison says little", placed)
	}
}

// oldOffsetOf is offsetOf as it was: a look-up that walks the tree's
// siblings, or reads the JSON body again, for each pointer.
func oldOffsetOf(b *body, doc *xmltree.Doc, pointer string) int {
	if doc != nil {
		n := xmljson.Locate(doc.Root, pointer, b.opts)
		if n == nil {
			n = doc.Element()
		}
		if off := doc.Offset(n); off >= 0 {
			return off
		}
		return -1
	}
	for p := pointer; ; p = p[:strings.LastIndexByte(p, '/')] {
		if off := jsonlenient.Locate(b.raw, p); off >= 0 {
			return off
		}
		if p == "" {
			return -1
		}
	}
}

// generatedCorpus is listings of every vendor with defects of every
// kind the placement meets: bad values, repeated and missing members,
// elements repeated under prefixes, syntax errors the reading recovers.
func generatedCorpus() []*exchange.Recording {
	var recs []*exchange.Recording
	add := func(vendor, ctype, body string) {
		src := fmt.Sprintf("vendor: %s\ntitle: generated\n-- 1/request --\nGET /?marker=b HTTP/1.1\nHost: h\n-- 1/response --\nHTTP/1.1 200 OK\nContent-Type: %s\n\n%s\n", vendor, ctype, body)
		recs = append(recs, exchange.Parse(fmt.Sprintf("generated/%s-%d.txtar", vendor, len(recs)), []byte(src)))
	}
	for _, vendor := range []string{"s3", "cos", "oss", "scality"} {
		for _, tmpl := range []string{
			`<ListAllMyBucketsResult><Owner><ID>1</ID></Owner><Buckets>%s</Buckets></ListAllMyBucketsResult>`,
			`<ListAllMyBucketsResult xmlns:x="u"><Buckets>%s</Buckets><x:Buckets>%[1]s</x:Buckets><Buckets>%[1]s</Buckets></ListAllMyBucketsResult>`,
			`<ListAllMyBucketsResult><Buckets>%s<Bucket><Name>z</Name></Bucket><Bucket><Name>bad</Nme></Bucket></Buckets><Extra/><Extra/>`,
		} {
			var buckets strings.Builder
			for i := 0; i < 40; i++ {
				fmt.Fprintf(&buckets, "<Bucket><Name>a%d</Name><CreationDate>%s</CreationDate><Location>%s</Location><Junk>%d</Junk></Bucket>",
					i%7, []string{"2024-01-02T03:04:05Z", "yesterday", ""}[i%3], []string{"r", ""}[i%2], i)
				if i%5 == 0 {
					fmt.Fprintf(&buckets, "<Bucket/><Bucket><Name>a</Name><Name>b</Name></Bucket>")
				}
			}
			add(vendor, "application/xml", fmt.Sprintf(tmpl, buckets.String()))
		}
	}
	for _, vendor := range []string{"qingstor", "bos"} {
		for _, tmpl := range []string{
			`{"count":"x","buckets":[%s], "owner": {"id": 1}}`,
			`{"buckets":[%s], "buckets": [%[1]s, 1, null], "extra": [[%[1]s]]}`,
			`{"buckets":[%s, {"name": "x" "location": 1}, {"name":}, ], "a/b~c": {"": [1]}`,
		} {
			var buckets []string
			for i := 0; i < 40; i++ {
				buckets = append(buckets, fmt.Sprintf(`{"name":"a%d","location":%q,"created":%q,"creationDate":%q,"junk":%d}`,
					i%7, []string{"r", ""}[i%2], []string{"2024-01-02T03:04:05Z", "yesterday", ""}[i%3], []string{"2024-01-02T03:04:05Z", "x"}[i%2], i))
			}
			add(vendor, "application/json", fmt.Sprintf(tmpl, strings.Join(buckets, ",")))
		}
	}
	return recs
}
