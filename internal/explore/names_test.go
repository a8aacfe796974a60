package explore

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/schemas"
)

// The names a run draws are legal by the vendor's rule, start with the
// run's prefix, and over many draws take every shape: the longest name
// the rule allows, the shortest the prefix leaves, dots only where the
// rule has them, and names that are prefixes of others.
func TestNamesTakeEveryLegalShape(t *testing.T) {
	for _, vendor := range contract.Vendors(schemas.FS) {
		t.Run(vendor, func(t *testing.T) {
			c, err := contract.Load(schemas.FS, vendor)
			if err != nil {
				t.Fatal(err)
			}
			n, err := newNamer("gsc-0123abcd", "", c.Profile.Reference.BucketName)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			var longest, shortest, dotted, prefixOf bool
			rapid.Check(t, func(rt *rapid.T) {
				var existing []string
				for i := 0; i < 8; i++ {
					name := n.draw(rt, existing)
					if !n.legal(name) {
						continue
					}
					if !strings.HasPrefix(name, "gsc-0123abcd-x") || !n.rule.MatchString(name) {
						rt.Fatalf("%s: %q breaks the rule or the run's prefix", vendor, name)
					}
					for _, e := range existing {
						if strings.HasPrefix(name, e) || strings.HasPrefix(e, name) {
							prefixOf = true
						}
					}
					longest = longest || len(name) == n.maxLen
					shortest = shortest || len(n.body(name)) == 1
					dotted = dotted || strings.Contains(name, ".")
					seen[name] = true
					existing = append(existing, name)
				}
			})
			if !longest || !shortest || !prefixOf {
				t.Errorf("%s: over %d names: longest %v, shortest %v, prefix of another %v", vendor, len(seen), longest, shortest, prefixOf)
			}
			if dotted != n.dots {
				t.Errorf("%s: a name with a dot drawn: %v; the rule allows dots: %v", vendor, dotted, n.dots)
			}
			if wantDots := strings.Contains(c.Profile.Reference.BucketName, "."); n.dots != wantDots {
				t.Errorf("%s: dots %v, the rule %s", vendor, n.dots, c.Profile.Reference.BucketName)
			}
		})
	}
}
