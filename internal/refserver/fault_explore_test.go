package refserver

import (
	"fmt"
	"net/url"
	"slices"
)

// The probes of the faults in fault_explore.go.
func init() {
	for f, show := range map[Fault]func(p *probe) string{
		// A bucket before the token's position goes between two pages:
		// the second page must still start right after the first.
		TokenCountsPositions: func(p *probe) string {
			_, first := p.page(2, nil)
			if err := p.e.srv.store.delete(p.bs[0].Name); err != nil {
				p.t.Fatal(err)
			}
			_, second := p.page(2, url.Values{p.e.c.Profile.Params.Token: {first.next}})
			want := p.bs[2].Name
			return deviatesIf(len(second.names) == 0 || second.names[0] != want,
				"after %v and a delete of %s, the token's page is %v, not from %s", first.names, p.bs[0].Name, second.names, want)
		},
		PrefixDotWildcard: func(p *probe) string {
			for _, name := range []string{"dot.probe", "dotxprobe"} {
				p.e.srv.Seed(Bucket{Name: name, Region: p.bs[0].Region, Created: t0})
			}
			got := p.s.listed(p.list(url.Values{p.e.c.Profile.Params.Prefix: {"dot."}}))
			return deviatesIf(!slices.Equal(got.names, []string{"dot.probe"}), "prefix dot. lists %v", got.names)
		},
		// A page size that is the number of buckets: one page, all of them.
		DivisiblePageDropsLast: func(p *probe) string {
			_, got := p.page(len(p.bs), nil)
			return deviatesIf(len(got.names) != len(p.bs), "page size %d lists %d of %d buckets", len(p.bs), len(got.names), len(p.bs))
		},
	} {
		if faultProbes[f] != nil {
			panic(fmt.Sprintf("fault %s has two probes", f))
		}
		faultProbes[f] = show
	}
}
