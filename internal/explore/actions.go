package explore

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"pgregory.net/rapid"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// maxBuckets bounds the run's buckets at any time (BOS allows 100 per
// account).
const maxBuckets = 12

// maxWalkPages bounds one walk.
const maxWalkPages = 40

// The kinds of violation: rapid keeps a shrunk sequence only when it
// fails with the same kind.
const (
	kindName    = "a legal bucket name is refused"
	kindListing = "a listing differs from the model"
	kindPage    = "a page holds more than its page size"
	kindChanges = "a walk with changes between its pages lists a bucket wrongly"
	kindChecks  = "a response fails the recorded-exchange checks"
)

func (e *explorer) step(s Step) int {
	if !s.Between && !s.Cleanup {
		e.actions++
	}
	e.steps = append(e.steps, s)
	return len(e.steps) - 1
}

func (e *explorer) create(t *rapid.T) {
	if !e.busy() {
		return
	}
	if len(e.m.names) >= maxBuckets {
		t.Skip("the case holds enough buckets")
	}
	name := e.names.draw(t, e.m.names)
	if e.m.has(name) || !e.names.legal(name) {
		t.Skip("not a new legal name")
	}
	e.createNow(name, false)
}

func (e *explorer) createNow(name string, between bool) bool {
	ex := e.cfg.Ledger.Create(e.ctx, e.t, name)
	e.step(Step{Action: "create " + name, Exchanges: []*live.Exchange{ex}, Between: between})
	if !e.usable(ex) {
		return false
	}
	if ex.Status/100 != 2 {
		e.violate(kindName, Names, false, "creating %s (%d characters, legal by the contract's rule) answered %d %s",
			name, len(name), ex.Status, orNone(check.ErrorCode(e.c, ex.Body)))
		return false
	}
	e.exercised[Names]++
	e.m.add(name)
	if e.c.Profile.Listing.CreatedMayLag != "" {
		e.fresh[name] = true
	}
	return true
}

func (e *explorer) delete(t *rapid.T) {
	if !e.busy() {
		return
	}
	if len(e.m.names) == 0 {
		t.Skip("no bucket to delete")
	}
	e.deleteNow(rapid.SampledFrom(e.m.names).Draw(t, "victim"), false)
}

func (e *explorer) deleteNow(name string, between bool) bool {
	ex := e.cfg.Ledger.Delete(e.ctx, e.t, name)
	e.step(Step{Action: "delete " + name, Exchanges: []*live.Exchange{ex}, Between: between})
	if !e.usable(ex) {
		return false
	}
	if ex.Status/100 != 2 {
		e.violate(kindName, Names, false, "deleting %s, which the run created, answered %d %s", name, ex.Status, orNone(check.ErrorCode(e.c, ex.Body)))
		return false
	}
	e.exercised[Names]++
	e.m.remove(name)
	return true
}

func orNone(code string) string {
	if code == "" {
		return "(no error code)"
	}
	return code
}

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

// list walks the listing with a drawn filter, for one page or to its end,
// maybe creating or deleting buckets between pages, and judges it.
func (e *explorer) list(t *rapid.T) {
	if !e.busy() {
		return
	}
	f := e.drawFilter(t)
	pages := maxWalkPages
	if rapid.Bool().Draw(t, "partial") {
		pages = rapid.IntRange(1, 3).Draw(t, "pages")
	}
	changes := e.enabled[Changes]
	before := slices.Clone(e.m.names)
	var created, deleted []string
	w := check.NewWalker(e.c)
	meta := map[string]string{"scope": e.names.prefix}
	in := f.intent()
	var got []string
	s := e.step(Step{Action: "list with " + describe(in), Listing: true})
	complete, lines, offset := false, 0, 0
	var flagged *flaggedFinding
	for page := 1; ; page++ {
		ex := e.t.List(e.ctx, in)
		e.steps[s].Exchanges = append(e.steps[s].Exchanges, ex)
		if !e.usable(ex) {
			return
		}
		if ex.Status != 200 {
			e.violate(kindListing, "", false, "a valid request (%s) answered %d %s", describe(in), ex.Status, orNone(check.ErrorCode(e.c, ex.Body)))
			return
		}
		pg, fs := e.judgePage(w, meta, ex, page, &lines)
		for _, fd := range fs {
			if fd.Severity == finding.Error && flagged == nil && e.enabled[checkProperty(fd.Check)] {
				flagged = &flaggedFinding{page: page, in: in, f: fd}
			}
		}
		e.exercised[Checks]++
		own := e.mineIn(pg.Names)
		if f.pageSize > 0 {
			e.exercised[Pages]++
			if len(pg.Names) > f.pageSize {
				e.violate(kindPage, Pages, len(own) == len(e.m.expected(filter{prefix: f.prefix, region: f.region, marker: f.marker})),
					"page %d of a walk with page size %d lists %d buckets", page, f.pageSize, len(pg.Names))
			}
		}
		got = append(got, own...)
		next, more := e.next(pg, in, f, &offset)
		if !more {
			complete = true
			break
		}
		if page >= pages || e.v != nil || flagged != nil || !e.busy() {
			break
		}
		in = next
		if changes && len(got) > 0 && rapid.Bool().Draw(t, "change-between-pages") {
			e.exercised[Changes]++
			if len(e.m.names) > 0 && rapid.Bool().Draw(t, "delete-between-pages") {
				name := rapid.SampledFrom(e.m.names).Draw(t, "deleted-between-pages")
				if e.deleteNow(name, true) {
					deleted = append(deleted, name)
				}
			} else if len(e.m.names) < maxBuckets {
				name := e.names.draw(t, e.m.names)
				if !e.m.has(name) && e.names.legal(name) && e.createNow(name, true) {
					created = append(created, name)
				}
			}
			if e.v != nil || !e.busy() {
				return
			}
		}
	}
	if e.v != nil {
		return
	}
	if flagged != nil {
		// A finding of a filter's or the pages' check belongs to that
		// property; the endpoint ignored the parameter when the walk
		// lists what the model selects without it.
		p := checkProperty(flagged.f.Check)
		with := sel2(before, f, e.m.region)
		ignored := p != Checks && complete && len(created)+len(deleted) == 0 &&
			sameListing(got, sel2(before, f.without(p), e.m.region), e.c.Profile.Ordered, true) &&
			(len(with) == 0 || flagged.f.Check == "filter.prefix-echo")
		e.violate(kindChecks+": "+string(p), p, ignored, "page %d (%s): %s: %s", flagged.page, describe(flagged.in), flagged.f.Check, flagged.f.Message)
		return
	}
	e.judgeWalk(f, before, created, deleted, got, complete)
}

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

// judgePage checks one page as recorded exchanges are, as the next page
// of the walk, and reads it.
func (e *explorer) judgePage(w *check.Walker, meta map[string]string, ex *live.Exchange, i int, lines *int) (check.Page, []finding.Finding) {
	src, err := exchange.FormatParts([]exchange.Part{
		{Name: fmt.Sprintf("%d/request", i), Data: ex.Request},
		{Name: fmt.Sprintf("%d/response", i), Data: ex.Response}})
	if err != nil {
		return check.ReadPage(e.c, ex.Body), nil
	}
	fs := w.Check(exchange.ParseParts("", meta, src, *lines, i))
	*lines += bytes.Count(src, []byte{'\n'})
	return w.Page(), fs
}

func (e *explorer) mineIn(names []string) []string {
	var own []string
	for _, n := range names {
		if e.names.mine(n) {
			own = append(own, n)
		}
	}
	return own
}

// next is the request for the page after pg, and whether there is one.
func (e *explorer) next(pg check.Page, in live.Intent, f filter, offset *int) (live.Intent, bool) {
	p := e.c.Profile.Params
	switch {
	case p.Token != "":
		in.Token = pg.Next
		return in, pg.Next != ""
	case p.Marker != "":
		if pg.Truncated != "true" || len(pg.Names) == 0 {
			return in, false
		}
		in.Marker = pg.Next
		if in.Marker == "" { // the checks flag it; walk on from the last name
			in.Marker = pg.Names[len(pg.Names)-1]
		}
		return in, true
	case p.Offset != "":
		limit := f.pageSize
		if limit == 0 {
			limit = p.PageSize.Default
		}
		if limit == 0 || len(pg.Names) < limit {
			return in, false
		}
		*offset += len(pg.Names)
		in.Offset = strconv.Itoa(*offset)
		return in, true
	}
	return in, false
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
