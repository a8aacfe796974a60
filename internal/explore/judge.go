package explore

// How a walk is judged against the model.

import (
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// flaggedFinding is the first error finding of a walk's pages.
type flaggedFinding struct {
	page int
	in   live.Intent
	f    finding.Finding
}

// checkProperty is the property a check's finding belongs to: a
// filter's, the pages', else the checks' own.
func checkProperty(id string) Property {
	switch {
	case id == "filter.prefix" || id == "filter.prefix-echo":
		return Prefix
	case id == "filter.region":
		return Region
	case id == "page.marker-exclusive" || id == "page.marker-echo":
		return Marker
	case id == "page.size" || id == "page.truncation" || id == "page.walk" || id == "page.next-marker" || id == "page.max-keys-echo":
		return Pages
	}
	return Checks
}

// judgeWalk compares what a walk listed of the run's buckets with the
// model.
func (e *explorer) judgeWalk(f filter, before, created, deleted []string, got []string, complete bool) {
	ordered := e.c.Profile.Ordered
	region := e.m.region
	sel := func(names []string) []string {
		var out []string
		for _, n := range names {
			if f.selects(n, region) {
				out = append(out, n)
			}
		}
		return out
	}
	before = e.lagging(before, got)
	if len(created)+len(deleted) > 0 {
		e.judgeChanges(f, sel(before), sel(created), sel(deleted), got, complete)
		return
	}
	want := sel(before)
	e.exercised[Listing]++
	for _, p := range []Property{Prefix, Region, Marker} {
		if f.uses(p) {
			e.exercised[p]++
		}
	}
	if sameListing(got, want, ordered, complete) {
		return
	}
	// Would the walk be right had the endpoint ignored one parameter?
	// Evidence that the endpoint ignored a parameter: it selects none of
	// the run's buckets, and the walk lists them as if it were not sent.
	ignored := false
	for _, drop := range []Property{Prefix, Region, Marker} {
		if f.uses(drop) && len(want) == 0 && complete && sameListing(got, sel2(before, f.without(drop), region), ordered, complete) {
			ignored = true
		}
	}
	how := "to its end"
	if !complete {
		how = "partly"
	}
	e.violate(kindListing, e.blame(f, before, len(got) > 0 && !complete || len(e.steps[len(e.steps)-1].Exchanges) > 1), ignored, "a walk (%s) %s listed the run's buckets %v; the model has %v", describe(f.intent()), how, got, want)
}

// lagging takes out of names the fresh buckets the walk did not list,
// with a note: the contract lets a listing lag behind a create. The
// fresh buckets it listed are fresh no more.
func (e *explorer) lagging(names, got []string) []string {
	if len(e.fresh) == 0 {
		return names
	}
	var out []string
	for _, n := range names {
		switch {
		case e.fresh[n] && !slices.Contains(got, n):
			e.note(e.c.Profile.Vendor + ": a listing right after a create did not show the new bucket, as the contract allows (" + e.c.Profile.Listing.CreatedMayLag + ")")
		default:
			out = append(out, n)
		}
	}
	for _, n := range got {
		delete(e.fresh, n)
	}
	return out
}

func sel2(names []string, f filter, region string) []string {
	var out []string
	for _, n := range names {
		if f.selects(n, region) {
			out = append(out, n)
		}
	}
	return out
}

// sameListing says whether got is want (ordered: in order; else in any
// order, each once), or, for a walk not made to its end, its start.
func sameListing(got, want []string, ordered, complete bool) bool {
	if !complete {
		if ordered {
			return len(got) <= len(want) && slices.Equal(got, want[:len(got)])
		}
		seen := map[string]bool{}
		for _, n := range got {
			if seen[n] || !slices.Contains(want, n) {
				return false
			}
			seen[n] = true
		}
		return true
	}
	if ordered {
		return slices.Equal(got, want)
	}
	g := slices.Clone(got)
	slices.Sort(g)
	return slices.Equal(g, want)
}

// judgeChanges judges a walk with buckets created or deleted between its
// pages. Every bucket that existed throughout the walk must be listed
// once; none twice; in order where the contract orders; nothing the run
// never had. Whether a bucket created or deleted during the walk shows
// is what no vendor's contract says: it is noted, not judged.
func (e *explorer) judgeChanges(f filter, before, created, deleted, got []string, complete bool) {
	e.exercised[Changes]++
	var stable []string
	for _, n := range before {
		if !slices.Contains(deleted, n) {
			stable = append(stable, n)
		}
	}
	seen := map[string]int{}
	for i, n := range got {
		seen[n]++
		switch {
		case seen[n] == 2:
			e.violate(kindChanges, Changes, false, "a walk (%s) with %s listed %s twice: %v", describe(f.intent()), changed(created, deleted), n, got)
			return
		case !slices.Contains(before, n) && !slices.Contains(created, n):
			e.violate(kindChanges, Changes, false, "a walk (%s) with %s listed %s, which the run never had: %v", describe(f.intent()), changed(created, deleted), n, got)
			return
		case e.c.Profile.Ordered && i > 0 && n < got[i-1]:
			e.violate(kindChanges, Changes, false, "a walk (%s) with %s listed %s after %s: %v", describe(f.intent()), changed(created, deleted), n, got[i-1], got)
			return
		}
	}
	offsets := e.c.Profile.Params.Offset != ""
	if complete {
		for _, n := range stable {
			if seen[n] > 0 {
				continue
			}
			if offsets {
				e.note("a walk by offset skipped a bucket that existed throughout it, after a bucket before its position was deleted: offsets are positions, which the contract documents no way to keep")
				break
			}
			e.violate(kindChanges, Changes, false, "a walk (%s) with %s never listed %s, which existed throughout the walk: %v", describe(f.intent()), changed(created, deleted), n, got)
			return
		}
	}
	vendor := e.c.Profile.Vendor
	for _, n := range created {
		if seen[n] > 0 {
			e.note(vendor + ": a bucket created between two pages of a walk, past its position, was listed (the contract documents nothing either way)")
		} else {
			e.note(vendor + ": a bucket created between two pages of a walk was not listed (the contract documents nothing either way)")
		}
	}
	for _, n := range deleted {
		if seen[n] > 0 {
			e.note(vendor + ": a bucket deleted between two pages of a walk was still listed (the contract documents nothing either way)")
		}
	}
}

func changed(created, deleted []string) string {
	var parts []string
	if len(created) > 0 {
		parts = append(parts, "created "+strings.Join(created, ", "))
	}
	if len(deleted) > 0 {
		parts = append(parts, "deleted "+strings.Join(deleted, ", "))
	}
	return strings.Join(parts, " and ") + " between its pages"
}

// uses says whether a filter exercises a property's parameter.
func (f filter) uses(p Property) bool {
	switch p {
	case Prefix:
		return f.prefix != ""
	case Region:
		return f.region != ""
	case Marker:
		return f.marker != ""
	case Pages:
		return f.pageSize > 0
	}
	return false
}

func (f filter) without(p Property) filter {
	switch p {
	case Prefix:
		f.prefix = ""
	case Region:
		f.region = ""
	case Marker:
		f.marker = ""
	case Pages:
		f.pageSize = 0
	}
	return f
}

// blame names the property a listing that differs from the model
// belongs to: the first parameter that changes what the model selects
// (a prefix of all the run's names, or the run's own region, does not),
// else the pages, else the listing itself. rapid compares failures by
// kind only, so a shrunk walk keeps only the parameters it needs.
func (e *explorer) blame(f filter, before []string, paged bool) Property {
	region := e.m.region
	for _, p := range []Property{Region, Prefix, Marker} {
		if f.uses(p) && !slices.Equal(sel2(before, f, region), sel2(before, f.without(p), region)) {
			return p
		}
	}
	if f.pageSize > 0 || paged {
		return Pages
	}
	return Listing
}

// attribute names the property a shrunk listing failure belongs to: the
// most specific parameter its failing walk still sends.
func attribute(steps []Step) Property {
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if !s.Listing || len(s.Exchanges) == 0 {
			continue
		}
		a := s.Action
		switch {
		case strings.Contains(a, "region "):
			return Region
		case strings.Contains(a, "prefix "):
			return Prefix
		case strings.Contains(a, "marker "):
			return Marker
		case strings.Contains(a, "page size ") || len(s.Exchanges) > 1:
			return Pages
		}
		return Listing
	}
	return Listing
}
