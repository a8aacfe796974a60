package check_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/schemas"
)

// nested is a body of vendor nested depth levels deep in all (the root
// element or object counting as one), closed or not, in each reading.
func nested(vendor, reading string, depth int, closed bool) string {
	if vendor == "qingstor" {
		body := `{"buckets":` + strings.Repeat("[", depth-1)
		if closed {
			body += strings.Repeat("]", depth-1) + "}"
		}
		return body
	}
	comment := ""
	if reading == "full tree" {
		comment = "<!-- c -->" // keeps the body off the Lite reading
	}
	body := `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + comment + strings.Repeat("<a>", depth-1)
	if closed {
		body += strings.Repeat("</a>", depth-1) + "</ListAllMyBucketsResult>"
	}
	return body
}

// depthFindings returns the findings about nesting of checking body.
func depthFindings(t *testing.T, c *contract.Contract, body string) []string {
	t.Helper()
	var out []string
	for _, f := range check.Recording(exchange.Parse("deep.txtar", response(c.Profile.Vendor, body)), c) {
		if strings.Contains(f.Message, "nesting deeper") {
			out = append(out, f.Check+": "+f.Message)
		}
	}
	return out
}

// TestContractDepthLimit: the contract's limits.depth bounds nesting: a
// body nested one level deeper has one finding saying so, whether the
// body closes or not and in each reading; a body at the limit has none.
func TestContractDepthLimit(t *testing.T) {
	for _, tc := range []struct{ vendor, reading, check string }{
		{"s3", "plain", "xml.syntax"}, {"s3", "full tree", "xml.syntax"}, {"qingstor", "JSON", "json.syntax"},
	} {
		c, err := contract.Load(schemas.FS, tc.vendor)
		if err != nil {
			t.Fatal(err)
		}
		for _, limit := range []int{c.Profile.Limits.Depth, 7} {
			c.Profile.Limits.Depth = limit
			if limit == 0 {
				t.Fatalf("%s: the contract sets no depth limit", tc.vendor)
			}
			for _, closed := range []bool{true, false} {
				want := fmt.Sprintf("%s: nesting deeper than %d levels", tc.check, limit)
				if got := depthFindings(t, c, nested(tc.vendor, tc.reading, limit+1, closed)); len(got) != 1 || got[0] != want {
					t.Errorf("%s %s, limit %d, nested one deeper (closed %v): %q, want [%q]", tc.vendor, tc.reading, limit, closed, got, want)
				}
				if got := depthFindings(t, c, nested(tc.vendor, tc.reading, limit, closed)); len(got) != 0 {
					t.Errorf("%s %s, limit %d, nested to it (closed %v): %q, want none", tc.vendor, tc.reading, limit, closed, got)
				}
			}
		}
	}
}
