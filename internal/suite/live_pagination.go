package suite

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// ignoredIn says, from one page asked for with page size size, whether
// the endpoint ignored the page size: more buckets than asked for, and
// nothing that leads to a next page. "" when it did not.
func (l *liveSpecs) ignoredIn(ex *live.Exchange, size int) string {
	if ex.Err != nil || ex.Status != 200 {
		return ""
	}
	page := check.ReadPage(l.t.Contract, ex.Body)
	if len(page.Names) <= size || page.Next != "" || page.Truncated == "true" {
		return ""
	}
	return fmt.Sprintf("%s=%d is ignored: %d buckets in one page and nothing leads to a next page",
		l.t.Contract.Profile.Params.PageSize.Name, size, len(page.Names))
}

// probeIgnored asks for a page of one bucket, as the spec's own evidence
// that the endpoint ignores page sizes altogether, and returns that
// evidence ("" when it paginates) and the exchange.
func (l *liveSpecs) probeIgnored() (string, *live.Exchange) {
	ex := l.t.List(l.ctx(), live.Intent{PageSize: "1"})
	return l.ignoredIn(ex, 1), ex
}

func (l *liveSpecs) paginationSpecs() {
	p := l.t.Contract.Profile
	ps := p.Params.PageSize
	Context("pagination", Label("pagination"), func() {
		if ps.Name == "" || !slices.Contains(p.Capabilities, "pagination") {
			It("walks the listing page by page", func() { Skip(p.Name + " documents no pagination") })
			return
		}
		// Each walk's title leads with its page size, so that no two rows
		// of a report read the same however short a report cuts them.
		sizes := []int{1, 2, 0}
		if ps.Max > 0 {
			sizes = append(sizes, ps.Max)
		}
		for _, size := range sizes {
			It("walks "+l.sizeTitle(size)+": every bucket once, in order", func() {
				name := fmt.Sprintf("walk page size %d", size)
				if LiveRun.ReadOnly {
					l.readOnlyWalk(name, size)
					return
				}
				w := l.account()
				if size != l.largest() || size == 0 {
					w = l.ownWalk(name, size)
				}
				l.needListing(name, w.first)
				if evidence := l.ignoredIn(w.first, size); size > 0 && evidence != "" {
					w.judge(name) // recorded: the evidence is the walk's own first page
					l.unsupported("pagination", evidence, w.first)
				}
				l.judgeWalk(name, w, l.mine)
			})
		}
		invalid := []TableEntry{Entry("zero", "0"), Entry("not a number", "abc")}
		if ps.Max > 0 {
			invalid = append(invalid, Entry("the maximum plus one", strconv.Itoa(ps.Max+1)))
		}
		DescribeTable("refuses a page size of", func(size string) {
			l.refused("page size "+size, live.Intent{PageSize: size}, ps.Name+"="+size)
		}, invalid)
		l.continuationSpecs()
	})
}

// sizeTitle names a walk's page size in its spec's title.
func (l *liveSpecs) sizeTitle(size int) string {
	switch {
	case size == 0:
		return "the default page size"
	case size == l.largest():
		return fmt.Sprintf("the maximum page size %d", size)
	}
	return fmt.Sprintf("page size %d", size)
}

// judgeWalk judges a walk: its pagination findings, whether it ended, and
// whether want (the run's buckets, sorted) came back each once, in order
// where the contract orders names.
func (l *liveSpecs) judgeWalk(name string, w *walked, want []string) {
	v := l.verdict()
	v.findingsShown(w.judge(name), w.tally.shownAt, live.Signed, finding.AreaPagination)
	last := w.last
	where := fmt.Sprintf("a walk of %d page(s)", w.count)
	if w.problem != "" {
		v.deviation("a walk that ends", w.problem, where, last, live.Signed)
	} else if err := l.listed(want, w.names); err != nil {
		seen := err.Error()
		if cause := l.walkCause(w, want); cause != "" {
			seen = cause
		}
		v.deviation("every bucket once, in order, over the pages", seen, where, last, live.Signed)
	}
	v.settle()
}

// walkCause says why a walk did not list want each once, in order, as a
// client would feel it: a page that ends the walk early, a bucket listed
// on two pages, one that no page lists, names out of order. "" when it
// finds none of these.
func (l *liveSpecs) walkCause(w *walked, want []string) string {
	first := map[string]int{} // name -> index in w.names
	for i, n := range w.names {
		if !slices.Contains(want, n) {
			continue
		}
		if j, ok := first[n]; ok {
			return fmt.Sprintf("bucket %q is listed on page %d and again on page %d", n, w.pages[j], w.pages[i])
		}
		first[n] = i
	}
	var missing []string
	for _, n := range want {
		if _, ok := first[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		pages := w.count
		if w.complete && (len(first) == 0 || l.after(missing[0], w.names[len(w.names)-1])) {
			return fmt.Sprintf("page %d holds %d of the run's %d buckets and %s: a paginating client stops here and never sees the other %d (%s)",
				pages, len(first), len(want), l.endsHow(w.last), len(missing), strings.Join(missing, ", "))
		}
		return fmt.Sprintf("no page lists %s (%d of the run's %d buckets)%s", strings.Join(missing, ", "), len(missing), len(want), l.skippedAt(w, missing[0]))
	}
	if l.t.Contract.Profile.Ordered {
		got := mineIn(want, w.names)
		for i := 1; i < len(got); i++ {
			if got[i] < got[i-1] {
				return fmt.Sprintf("bucket %q comes after %q (page %d): names are not in byte order", got[i], got[i-1], w.pages[first[got[i]]])
			}
		}
	}
	return ""
}

// skippedAt says where an ordered walk passed over a missing name: the
// first name listed after it, and the page before when that name starts
// a page.
func (l *liveSpecs) skippedAt(w *walked, name string) string {
	if !l.t.Contract.Profile.Ordered {
		return ""
	}
	i := slices.IndexFunc(w.names, func(n string) bool { return n > name })
	switch {
	case i < 0:
		return ""
	case i > 0 && w.pages[i-1] != w.pages[i]:
		return fmt.Sprintf(": %s belongs between page %d, which ends with %s, and page %d, which starts with %s", name, w.pages[i-1], w.names[i-1], w.pages[i], w.names[i])
	}
	return fmt.Sprintf(": %s belongs before %s on page %d", name, w.names[i], w.pages[i])
}

// after says whether name sorts after last, where the contract orders
// names: a bucket a walk never reached. Unordered, any missing bucket may
// lie ahead.
func (l *liveSpecs) after(name, last string) bool {
	return !l.t.Contract.Profile.Ordered || name > last
}

// endsHow says how a page ended the walk, in the contract's terms.
func (l *liveSpecs) endsHow(ex *live.Exchange) string {
	p := l.t.Contract.Profile
	pg := check.ReadPage(l.t.Contract, ex.Body)
	field := p.Listing.NextMarker[strings.LastIndex(p.Listing.NextMarker, "/")+1:]
	switch {
	case p.Params.Offset != "":
		return fmt.Sprintf("lists fewer buckets (%d) than the page size asked for, which ends an offset walk", len(pg.Names))
	case pg.Truncated == "true":
		return fmt.Sprintf("says it is truncated but carries no %s to go on with", field)
	case field != "":
		return fmt.Sprintf("carries no %s", field)
	}
	return "leads to no next page"
}

// listed says whether want comes back each once in names, in order where
// the contract orders names.
func (l *liveSpecs) listed(want, names []string) error {
	if l.t.Contract.Profile.Ordered {
		return each(want, names)
	}
	return eachOnce(want, names)
}

// ownWalk walks the run's own buckets at a page size. A listing may shift
// under a walk while others create or delete buckets (offsets move; so
// may an opaque token that encodes one). So when a walk misses or repeats
// one of the run's buckets, or runs past its page bound, it is made again
// between two walks of the whole account: if the account did not change
// meanwhile, that walk's verdict stands; if it did, the walk is made
// again, and after shiftTries changing listings the spec cannot judge.
func (l *liveSpecs) ownWalk(name string, size int) *walked {
	amiss := func(w *walked) bool { return w.capped || w.problem == "" && l.listed(l.mine, w.names) != nil }
	w := l.walk(name, l.ownPlan(size))
	for try := 1; amiss(w); try++ {
		if try > shiftTries {
			l.cannotJudge(fmt.Sprintf("the account's listing changed during each of %d walks (others created or deleted buckets): the walk cannot be judged", shiftTries))
		}
		before := l.walkAccount()
		w = l.walk(name, l.ownPlan(size))
		if after := l.walkAccount(); slices.Equal(before.names, after.names) {
			return w
		}
		fmt.Fprintf(GinkgoWriter, "walk %d: the account's listing changed during it (others created or deleted buckets): walking again\n", try)
	}
	return w
}

// shiftTries is how often a walk is made again while the listing changes
// under it.
const shiftTries = 3

// walkAccount walks the whole account anew; the run's next walks place
// the run's buckets by it.
func (l *liveSpecs) walkAccount() *walked {
	l.account() // the first walk, once
	l.accountWalk = l.walk("walk the account again", walkPlan{size: l.largest(), maxPages: accountPages})
	return l.accountWalk
}

// readOnlyWalk judges a walk of the existing listing at a page size
// against the walk at the largest page size: the same names, in the same
// order, over the stretch both cover. Small page sizes grow with the
// listing so that a walk takes at most readOnlyPages requests.
func (l *liveSpecs) readOnlyWalk(name string, size int) {
	ref := l.account()
	if size == l.largest() && size > 0 {
		l.judgeWalk(name, ref, nil)
		return
	}
	if size > 0 {
		size = max(size, (len(ref.names)+readOnlyPages-1)/readOnlyPages)
	}
	w := l.walk(name, walkPlan{size: size, maxPages: readOnlyPages})
	v := l.verdict()
	v.findingsShown(w.judge(name), w.tally.shownAt, live.Signed, finding.AreaPagination)
	last := w.last
	if w.problem != "" && !w.capped { // the bound is the read-only budget, not the target's doing
		v.deviation("a walk that ends", w.problem, fmt.Sprintf("a walk of %d page(s)", w.count), last, live.Signed)
	}
	if diff := sameListing(ref, w, l.t.Contract.Profile.Ordered); diff != "" {
		v.deviation(fmt.Sprintf("the %d bucket(s) the walk at the largest page size listed", len(ref.names)),
			diff, fmt.Sprintf("a walk of %d page(s) of %d", w.count, size), last, live.Signed)
	}
	v.settle()
}

// sameListing compares two walks of one listing over the stretch both
// cover (all of it when both ended): "" when they agree, else the first
// difference.
func sameListing(ref, w *walked, ordered bool) string {
	a, b := ref.names, w.names
	if !ref.complete || !w.complete {
		n := min(len(a), len(b))
		a, b = a[:n], b[:n]
		if !ordered {
			return "" // an unordered stretch cannot be compared
		}
	}
	if !ordered {
		a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	}
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("bucket %d is %q where the walk at the largest page size has %q", i+1, b[i], a[i])
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%d bucket(s) where the walk at the largest page size has %d", len(b), len(a))
	}
	return ""
}

// continuationSpecs: a forged token is refused as the contract says; a
// marker that names no bucket (say, one deleted since) still starts the
// listing right after it.
func (l *liveSpecs) continuationSpecs() {
	p := l.t.Contract.Profile.Params
	It("refuses a forged continuation token", func() {
		if p.Token == "" {
			Skip(l.t.Contract.Profile.Name + " has no continuation token")
		}
		l.refused("forged token", live.Intent{Token: "gsc-forged-token"}, p.Token+"=gsc-forged-token")
	})
	It("starts right after a marker that names no bucket", func() {
		if p.Marker == "" {
			Skip(l.t.Contract.Profile.Name + " has no marker")
		}
		l.needBuckets()
		stale := l.mine[0] + "-gone"
		w := l.walk("stale marker", walkPlan{in: live.Intent{Marker: stale}, maxPages: accountPages})
		v := l.verdict()
		// page.marker-exclusive fires on anything at or before it.
		v.findingsShown(w.judge("stale marker"), w.tally.shownAt, live.Signed, finding.AreaPagination)
		if err := each(l.mine[1:], w.names); err != nil {
			v.deviation("the listing to start right after the marker", err.Error(), p.Marker+"="+stale, w.first, live.Signed)
		}
		v.settle()
	})
}

// refused judges a request the contract says is refused as an invalid
// argument: 400 with the contract's code. Served instead (200), the spec
// asks for a page of one bucket as its own evidence: an endpoint that
// ignores page sizes altogether lacks the optional capability; one that
// paginates but served this request deviates.
func (l *liveSpecs) refused(name string, in live.Intent, what string) {
	expect := contract.Rejection{Status: []int{400}}
	if code := l.invalidCode(); code != "" {
		expect.Codes = []string{code}
	}
	l.refuse(name, in, what, "pagination", expect, "")
}

func (l *liveSpecs) invalidCode() string {
	if r := l.t.Contract.Profile.Reference; r != nil {
		return r.Errors["invalidArgument"].Code
	}
	return ""
}
