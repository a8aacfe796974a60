package contract_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/fixtures"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/jsonlenient"
	"github.com/getservice-conformance/gsc/internal/xmljson"
	"github.com/getservice-conformance/gsc/internal/xmltree"
	"github.com/getservice-conformance/gsc/schemas"
)

func contracts(t testing.TB) []*contract.Contract {
	var cs []*contract.Contract
	for _, v := range contract.Vendors(schemas.FS) {
		c, err := contract.Load(schemas.FS, v)
		if err != nil {
			t.Fatal(err)
		}
		if c.SuccessValid == nil || c.ErrorValid == nil {
			t.Errorf("%s: a schema has no fast form", v)
		}
		cs = append(cs, c)
	}
	return cs
}

// value reads a body as the checks do for c.
func value(c *contract.Contract, body []byte) any {
	if c.Profile.Body == "json" {
		v, _ := jsonlenient.Parse(body)
		return v
	}
	doc, _ := xmltree.Parse(body)
	return xmljson.Map(doc.Root, c.Mapping)
}

// agree fails when the fast form passes a value the full validator
// finds fault with; it returns whether the fast form passed it.
func agree(t *testing.T, c *contract.Contract, what string, v any) (passed bool) {
	t.Helper()
	for _, s := range []struct {
		name string
		fast *contract.Validity
		full interface{ Validate(any) error }
	}{{"success", c.SuccessValid, c.Success}, {"error", c.ErrorValid, c.Error}} {
		if s.fast.Valid(v) {
			passed = true
			if err := s.full.Validate(v); err != nil {
				t.Errorf("%s, %s schema of %s: the fast form passes what the full validator does not: %v", what, s.name, c.Profile.Vendor, err)
			}
		}
	}
	return passed
}

// bodies returns every response body of the fixtures.
func bodies(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	err := fs.WalkDir(fixtures.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".txtar") {
			return err
		}
		data, err := fixtures.FS.ReadFile(name)
		for _, ex := range exchange.Parse(name, data).Exchanges {
			if ex.Response != nil {
				out[fmt.Sprintf("%s#%d", name, ex.Index)] = ex.Response.Body
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestValidityAgrees runs the fast form and the full validator over every
// fixture body read by every contract: the fast form never passes what
// the full validator faults, and it does pass the valid fixtures (else
// it would be a slow path in disguise).
func TestValidityAgrees(t *testing.T) {
	cs := contracts(t)
	passed := 0
	for name, body := range bodies(t) {
		for _, c := range cs {
			if agree(t, c, name, value(c, body)) && strings.HasPrefix(name, "valid/"+c.Profile.Vendor+"/") {
				passed++
			}
		}
	}
	if passed < 20 {
		t.Errorf("the fast form passed %d valid fixtures of their own vendor", passed)
	}
}

// FuzzValidity: whatever the body, the fast form passes nothing the full
// validator faults.
func FuzzValidity(f *testing.F) {
	for _, body := range bodies(f) {
		f.Add(body)
	}
	cs := contracts(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range cs {
			agree(t, c, fmt.Sprintf("%q", body), value(c, body))
		}
	})
}
