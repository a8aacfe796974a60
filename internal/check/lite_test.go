package check

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"testing"

	"github.com/getservice-conformance/gsc/fixtures"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/xmltree"
	"github.com/getservice-conformance/gsc/schemas"
)

// bothWays checks rec against c reading XML bodies into Lite trees where
// they can be, and again into full trees only.
func bothWays(rec *exchange.Recording, c *contract.Contract) (lite, full []finding.Finding) {
	lite = Recording(rec, c)
	readLite = func([]byte, int) *xmltree.Lite { return nil }
	defer func() { readLite = xmltree.ParseLiteDepth }()
	return lite, Recording(rec, c)
}

func allContracts(t testing.TB) []*contract.Contract {
	var cs []*contract.Contract
	for _, v := range contract.Vendors(schemas.FS) {
		c, err := contract.Load(schemas.FS, v)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

func fixtureRecordings(t testing.TB) []*exchange.Recording {
	var recs []*exchange.Recording
	err := fs.WalkDir(fixtures.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".txtar" {
			return err
		}
		data, err := fixtures.FS.ReadFile(name)
		recs = append(recs, exchange.Parse("fixtures/"+name, data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestLiteAgrees is the differential test of the two readings: every
// fixture and every recording of the generated corpus, checked against
// every contract, has the same findings (positions, pointers, XPaths and
// messages included) whether its XML bodies are read into Lite trees or
// into full trees; and the Lite reading is taken for most valid XML
// bodies, else it would prove nothing.
func TestLiteAgrees(t *testing.T) {
	recs := append(fixtureRecordings(t), generatedCorpus()...)
	lites := 0
	for _, rec := range recs {
		for _, c := range allContracts(t) {
			lite, full := bothWays(rec, c)
			if !reflect.DeepEqual(lite, full) {
				t.Errorf("%s against %s:\nLite: %v\nfull: %v", rec.File, c.Profile.Vendor, lite, full)
			}
		}
		for _, ex := range rec.Exchanges {
			if ex.Response != nil && xmltree.ParseLite(ex.Response.Body) != nil {
				lites++
			}
		}
	}
	if lites < 50 {
		t.Errorf("only %d bodies read as Lite trees", lites)
	}
}

// TestParseLiteShapes: what goes to the full tree and what does not.
func TestParseLiteShapes(t *testing.T) {
	for body, lite := range map[string]bool{
		`<?xml version="1.0"?><!-- c --><R a="1"><A>x</A><B> </B><C/>` + "\n" + `<D><E>1</E></D></R>` + "\n": true,
		`<R><A>x<!-- c --></A></R>`:              false,
		`<R>x<A/></R>`:                           false,
		`<R><A/>x</R>`:                           false,
		`<R><A>x<![CDATA[y]]></A></R>`:           false,
		`<R></A></R>`:                            false,
		`<R><A></R>`:                             false,
		`<R/><S/>`:                               false,
		`<R/>x`:                                  false,
		`<!DOCTYPE R><R/>`:                       false,
		"\xEF\xBB\xBF<R/>":                       false,
		``:                                       false,
		fmt.Sprintf("%s", "<R><A>&amp;</A></R>"): true,
	} {
		if got := xmltree.ParseLite([]byte(body)) != nil; got != lite {
			t.Errorf("ParseLite(%q) = %v, want %v", body, got, lite)
		}
	}
}

// FuzzLiteAgrees: whatever the recording, both readings find the same.
func FuzzLiteAgrees(f *testing.F) {
	for _, rec := range fixtureRecordings(f) {
		f.Add(rec.Src)
	}
	cs := allContracts(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		rec := exchange.Parse("fuzz.txtar", src)
		for _, c := range cs {
			if lite, full := bothWays(rec, c); !reflect.DeepEqual(lite, full) {
				t.Fatalf("against %s:\nLite: %v\nfull: %v", c.Profile.Vendor, lite, full)
			}
		}
	})
}
