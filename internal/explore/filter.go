package explore

// What a listing request asks for, drawn at random.

import (
	"fmt"
	"strconv"
	"strings"

	"pgregory.net/rapid"

	"github.com/getservice-conformance/gsc/internal/live"
)

// drawFilter draws a listing request's filter; every choice shrinks
// toward none.
func (e *explorer) drawFilter(t *rapid.T) filter {
	var f filter
	pick := func(label string, options ...string) string { return rapid.SampledFrom(options).Draw(t, label) }
	anyName := func(label string) string {
		if len(e.m.names) == 0 {
			return e.names.prefix
		}
		return rapid.SampledFrom(e.m.names).Draw(t, label)
	}
	cut := func(label, name string) string { // a proper prefix, past the run's
		lo := len(e.names.prefix)
		if len(name) <= lo+1 {
			return name[:lo]
		}
		return name[:rapid.IntRange(lo, len(name)-1).Draw(t, label)]
	}
	if e.enabled[Prefix] {
		switch pick("prefix", "none", "run", "full", "cut", "stem", "nomatch") {
		case "run":
			f.prefix = e.names.prefix
		case "full":
			f.prefix = anyName("prefix-of")
		case "cut":
			f.prefix = cut("prefix-len", anyName("prefix-of"))
		case "stem": // up to and with a separator: "x0." of "x0.b"
			name := anyName("prefix-of")
			body := e.names.body(name)
			var cuts []int
			for i := 0; i < len(body); i++ {
				if body[i] == '.' || body[i] == '-' {
					cuts = append(cuts, len(e.names.prefix)+i+1)
				}
			}
			f.prefix = name
			if len(cuts) > 0 {
				f.prefix = name[:rapid.SampledFrom(cuts).Draw(t, "stem-at")]
			}
		case "nomatch":
			f.prefix = e.names.prefix + "zz"
		}
	}
	if e.enabled[Region] {
		switch pick("region", "none", "own", "other") {
		case "own":
			f.region = e.m.region
		case "other":
			f.region = otherRegion(e.m.region)
		}
	}
	if e.enabled[Marker] {
		switch pick("marker", "none", "name", "cut", "before", "after") {
		case "name":
			f.marker = anyName("marker-of")
		case "cut":
			f.marker = cut("marker-len", anyName("marker-of"))
		case "before":
			f.marker = e.names.prefix
		case "after":
			f.marker = e.names.prefix + "zz"
		}
	}
	if e.enabled[Pages] {
		ps := e.c.Profile.Params.PageSize
		n := len(e.m.expected(f))
		lo := max(ps.Min, 1)
		switch pick("page-size", "none", "one", "divisor", "any", "max") {
		case "one":
			f.pageSize = lo
		case "divisor":
			var ds []int
			for d := max(lo, 2); d <= n; d++ {
				if n%d == 0 {
					ds = append(ds, d)
				}
			}
			if len(ds) > 0 {
				f.pageSize = rapid.SampledFrom(ds).Draw(t, "divisor-of-count")
			}
		case "any":
			f.pageSize = rapid.IntRange(lo, max(lo, n+2)).Draw(t, "page-size-n")
		case "max":
			f.pageSize = ps.Max
		}
		if ps.Max > 0 && f.pageSize > ps.Max {
			f.pageSize = ps.Max
		}
	}
	return f
}

// otherRegion is a valid region the run's buckets are not in.
func otherRegion(own string) string {
	for _, r := range []string{"eu-west-1", "ap-shanghai", "cn-shanghai", "su", "sh1a"} {
		if r != own && !strings.HasPrefix(own, r) {
			return r
		}
	}
	return "eu-west-1"
}

func (f filter) intent() live.Intent {
	in := live.Intent{Prefix: f.prefix, Region: f.region, Marker: f.marker}
	if f.pageSize > 0 {
		in.PageSize = strconv.Itoa(f.pageSize)
	}
	return in
}

func describe(in live.Intent) string {
	var parts []string
	for _, kv := range [][2]string{{"page size", in.PageSize}, {"prefix", in.Prefix}, {"region", in.Region}, {"marker", in.Marker}, {"token", in.Token}, {"offset", in.Offset}} {
		if kv[1] != "" {
			parts = append(parts, fmt.Sprintf("%s %q", kv[0], kv[1]))
		}
	}
	if len(parts) == 0 {
		return "no parameter"
	}
	return strings.Join(parts, ", ")
}
