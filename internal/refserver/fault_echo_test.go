package refserver

import (
	"fmt"
	"net/url"
	"strconv"
)

// The probes of the faults in fault_echo.go.
func init() {
	echoes := func(param func(p *probe) string, pointer func(p *probe) string, value func(p *probe) string) func(p *probe) string {
		return func(p *probe) string {
			q := url.Values{param(p): {value(p)}}
			q.Set(p.e.c.Profile.Params.PageSize.Name, "2")
			r := p.list(q)
			p.s.listed(r) // a 200 with a listing
			got := first(r.value, pointer(p))
			return deviatesIf(got != value(p), "%s=%s echoed as %q", param(p), value(p), got)
		}
	}
	for f, show := range map[Fault]func(p *probe) string{
		CountBeyondTotal: func(p *probe) string {
			got := p.s.listed(p.list(nil))
			return deviatesIf(got.count != strconv.Itoa(len(p.bs)), "count %q with %d buckets in all, all listed", got.count, len(p.bs))
		},
		NextMarkerBehind: func(p *probe) string {
			_, got := p.page(2, nil)
			last := got.names[len(got.names)-1]
			return deviatesIf(got.next < last, "a page %v leads on from %q", got.names, got.next)
		},
		MarkerEchoWrong: echoes(func(p *probe) string { return p.e.c.Profile.Params.Marker },
			func(p *probe) string { return p.e.c.Profile.Listing.Marker },
			func(p *probe) string { return p.bs[0].Name }),
		MaxKeysEchoWrong: echoes(func(p *probe) string { return p.e.c.Profile.Params.PageSize.Name },
			func(p *probe) string { return p.e.c.Profile.Listing.MaxKeys },
			func(*probe) string { return "2" }),
		PrefixEchoWrong: echoes(func(p *probe) string { return p.e.c.Profile.Params.Prefix },
			func(p *probe) string { return p.e.c.Profile.Listing.Prefix },
			func(*probe) string { return "app" }),
	} {
		if faultProbes[f] != nil {
			panic(fmt.Sprintf("fault %s has two probes", f))
		}
		faultProbes[f] = show
	}
}
