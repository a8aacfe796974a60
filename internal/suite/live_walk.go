package suite

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// Every walk is bounded in pages, so that an endpoint that never ends a
// listing (a fresh token on every page) cannot keep a run going, and a
// read-only run costs the same on an account of any size.
const (
	// accountPages bounds the walk of the whole account at the largest
	// page size.
	accountPages = 1000
	// readOnlyPages bounds each walk of a read-only run: with the four
	// page sizes, a read-only run sends at most about 4 x 50 listing
	// requests, whatever the account holds.
	readOnlyPages = 50
	// slackPages is how many pages a walk over the run's own buckets may
	// take beyond what they fill.
	slackPages = 5
)

// walkPlan says how to walk a listing.
type walkPlan struct {
	size     int // page size; 0: the endpoint's default
	in       live.Intent
	maxPages int
	// until, when set, ends the walk early once it returns true for the
	// names listed so far.
	until func(names []string) bool
	// into, when set, is the judgement the walk's exchanges continue:
	// two walks judged as one recording.
	into *tally
}

// walked is what a walk saw: the names and where they were listed, the
// first and the last exchange, and the judgement of every page, made as
// the pages came. It holds no other page.
type walked struct {
	names   []string
	regions []string // each name's region, "" where the page shows none
	groups  []string // each name's resource group, where the profile has them
	pages   []int    // each name's page, from 1
	count   int      // exchanges
	first   *live.Exchange
	last    *live.Exchange
	tally   *tally
	// complete says the last page ended the listing.
	complete bool
	// problem says why the walk stopped before the listing ended on its
	// own terms: a token or marker that cycles, the page bound (capped).
	problem string
	capped  bool
}

// walk lists page after page as the plan says. An exchange that does not
// complete ends the spec as could not run; an answer other than 200 ends
// the walk for the spec's findings to judge.
func (l *liveSpecs) walk(name string, plan walkPlan) *walked {
	p := l.t.Contract.Profile
	in := plan.in
	if plan.size > 0 {
		in.PageSize = strconv.Itoa(plan.size)
	}
	size := plan.size
	if size == 0 {
		size = p.Params.PageSize.Default
	}
	w := &walked{tally: plan.into}
	if w.tally == nil {
		w.tally = l.tally(name)
	}
	followed := map[string]int{} // continuation sent -> the page that sent it
	for page := 1; ; page++ {
		if page > plan.maxPages {
			w.problem = fmt.Sprintf("the walk did not end after %d pages: every page led to a next one", plan.maxPages)
			w.capped = true
			return w
		}
		ex := l.t.List(l.ctx(), in)
		if w.first == nil {
			w.first = ex
		}
		w.last = ex
		w.count++
		l.usable(name, page, ex)
		l.available(name, page, ex)
		w.tally.add(ex)
		if ex.Status != 200 {
			return w
		}
		pg := w.tally.page(ex)
		w.names = append(w.names, pg.Names...)
		w.regions = append(w.regions, pg.Regions...)
		if rg := p.Listing.ResourceGroup; rg != "" {
			w.groups = append(w.groups, check.BucketField(l.t.Contract, ex.Body, rg)...)
		}
		for range pg.Names {
			w.pages = append(w.pages, page)
		}
		var param, next string
		switch {
		case p.Params.Offset != "":
			if size == 0 || len(pg.Names) < size {
				w.complete = true
				return w
			}
			start, _ := strconv.Atoi(in.Offset)
			param, next = p.Params.Offset, strconv.Itoa(start+len(pg.Names))
			in.Offset = next
		case p.Params.Token != "" && pg.Next != "":
			param, next = p.Params.Token, pg.Next
			in.Token = next
		case p.Params.Marker != "" && pg.Truncated == "true" && pg.Next != "":
			param, next = p.Params.Marker, pg.Next
			in.Marker = next
		default:
			w.complete = true
			return w
		}
		if plan.until != nil && plan.until(w.names) {
			return w
		}
		if first, ok := followed[param+"="+next]; ok {
			w.problem = fmt.Sprintf("the %s cycles: page %d leads back to %s=%q, which page %d already sent", param, page, param, next, first)
			return w
		}
		followed[param+"="+next] = page + 1
	}
}

// judge records the walk as the spec name's and returns its findings.
func (w *walked) judge(name string) []finding.Finding { return w.tally.judge(name) }

// largest is the largest page size the contract names, or 0 (the
// default) where it names none.
func (l *liveSpecs) largest() int { return l.t.Contract.Profile.Params.PageSize.Max }

// account walks the whole account at the largest page size, once per
// run; read-only runs stop after readOnlyPages pages.
func (l *liveSpecs) account() *walked {
	l.accountOnce.Do(func() {
		pages := accountPages
		if LiveRun.ReadOnly {
			pages = readOnlyPages
		}
		l.accountWalk = l.walk("walk the account", walkPlan{size: l.largest(), maxPages: pages})
	})
	return l.accountWalk
}

// ownPlan walks the run's own buckets at a page size, with as few
// requests as the contract allows: inside the run's prefix where it
// offers a prefix filter, else from a marker just before the run's
// names, else (offsets) from a little before where the account's listing
// placed them. It ends once every bucket of the run was listed and the
// walk went past the last one; what comes after is judged by the walk of
// the whole account at the largest page size.
func (l *liveSpecs) ownPlan(size int) walkPlan {
	p := l.t.Contract.Profile
	stem := LiveRun.RunID + "-"
	plan := walkPlan{size: size, maxPages: len(l.mine)/max(size, 1) + slackPages}
	switch {
	case slices.Contains(p.Capabilities, "prefix") && p.Params.Prefix != "":
		plan.in.Prefix = stem
	case p.Params.Marker != "":
		plan.in.Marker = stem // sorts right before the run's names
	case p.Params.Offset != "":
		acct := l.account()
		first := slices.IndexFunc(acct.names, func(n string) bool { return slices.Contains(l.mine, n) })
		if first < 0 || !acct.complete {
			plan.maxPages = accountPages // the walk must find them on its own
			first = 0
		}
		// Start a little early (others may have deleted theirs since),
		// and allow for theirs created in between.
		if first = max(first-2, 0); first > 0 {
			plan.in.Offset = strconv.Itoa(first)
		}
		plan.maxPages += 2 * slackPages
	default:
		plan.maxPages = accountPages
	}
	plan.until = l.pastMine
	return plan
}

// pastMine says whether names hold every bucket of the run and, for an
// ordered contract, a name after the last of them: an ordered listing
// holds none of the run's after that.
func (l *liveSpecs) pastMine(names []string) bool {
	seen := 0
	past := false
	last := l.mine[len(l.mine)-1]
	for _, n := range names {
		if slices.Contains(l.mine, n) {
			seen++
		} else if n > last {
			past = true
		}
	}
	if seen < len(l.mine) {
		return false
	}
	return past || !l.t.Contract.Profile.Ordered
}
