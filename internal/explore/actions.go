package explore

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"

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
				// Evidence the page size is ignored: one last page with
				// every bucket the request selects without it, or every
				// bucket of the run (where a filter is ignored too).
				last := pg.Next == "" && pg.Truncated != "true"
				ignored := last && (len(own) == len(e.m.expected(f.without(Pages))) || len(own) == len(e.m.names))
				e.violate(kindPage, Pages, ignored,
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
		if changes && len(got) > 0 && rapid.IntRange(0, 3).Draw(t, "change-between-pages") > 0 {
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
