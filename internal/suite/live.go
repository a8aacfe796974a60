package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// LiveConfig is the endpoint the live specs run against. Without a target
// for a vendor, that vendor has no live specs.
type LiveConfig struct {
	Targets map[string]*live.Target
	// RunID starts the name of every bucket the run creates; it is unique
	// per run, so a run touches nothing it did not create.
	RunID    string
	ReadOnly bool // create nothing; check the listing that exists
	Buckets  int  // buckets to create for pagination and filters
	Ledger   *live.Ledger
	// Record, when set, opens the recording file name for a spec's
	// exchanges; the spec writes the recording into it and closes it.
	// A walk spools its pages as they come and writes its recording
	// once judged, so that it never holds more than the page in hand.
	Record func(name string) (io.WriteCloser, error)
	// Context bounds the run: cancelled on an interrupt or when the run's
	// deadline passes, after which every spec ends as could not run.
	Context context.Context
	// Trace, when set, receives every exchange as the specs judge it,
	// redacted like a recording (runner -v).
	Trace io.Writer
	// Started is when the run began (zero: now, whenever asked); what a
	// spec asks that depends on the time is reckoned from it, so that a
	// playback of the run asks the same.
	Started time.Time
}

// LiveRun is the configuration the live specs read when the tree is built.
var LiveRun LiveConfig

// LiveVendor declares the live specs for one vendor. Each spec judges the
// findings of its own area only (a missing request id fails the headers
// spec, not every spec that lists), so a deviation fails the spec meant
// to catch it. A spec that cannot judge (set-up failed, the endpoint is
// unreachable or stalls, the run's deadline passed) ends as could not
// run, never as a failure of the target.
func LiveVendor(vendor string) bool {
	return Describe(vendor+" live", Label(vendor, "live"), Ordered, ContinueOnFailure, func() {
		t := LiveRun.Targets[vendor]
		if t == nil {
			return
		}
		l := &liveSpecs{vendor: vendor, t: t}
		BeforeAll(l.setUp)
		AfterAll(l.removeSpools)
		BeforeEach(l.ready)
		It("lists the buckets as the contract says", Label("schema"), func() {
			ex := l.t.List(l.ctx(), live.Intent{})
			l.needListing("list", ex)
			l.clean("list", []*live.Exchange{ex}, finding.AreaSchema)
		})
		It("answers with the contract's headers", Label("headers"), func() {
			ex := l.t.List(l.ctx(), live.Intent{})
			l.needListing("headers", ex)
			l.clean("headers", []*live.Exchange{ex, l.t.List(l.ctx(), live.Intent{Tamper: live.Anonymous})}, finding.AreaHeaders)
		})
		l.authSpecs()
		l.paginationSpecs()
		l.filterSpecs()
		l.refusalSpecs()
	})
}

type liveSpecs struct {
	vendor string
	t      *live.Target
	mine   []string // the buckets this run created, sorted
	// grouped is the bucket of mine created in the resource group the
	// user named (live.Target.ResourceGroup); "" for none.
	grouped string
	// setUpErr says why set-up failed; every spec then ends as could not
	// run with it.
	setUpErr string

	accountOnce sync.Once // account's walk at the largest page size
	accountWalk *walked
	// spools are the files walks spool their recordings into; those of
	// walks never judged are removed when the vendor's specs end.
	spools []*os.File
}

func (l *liveSpecs) removeSpools() {
	for _, f := range l.spools {
		removeSpool(f)
	}
	l.spools = nil
}

func (l *liveSpecs) ctx() context.Context { return LiveRun.ctxOrBackground() }

func (c LiveConfig) ctxOrBackground() context.Context {
	if c.Context != nil {
		return c.Context
	}
	return context.Background()
}

// setUp creates the run's buckets, or, read-only, lists once. It never
// fails a spec: what goes wrong is the reason every spec could not run.
func (l *liveSpecs) setUp() {
	if LiveRun.ReadOnly {
		ex := l.t.List(l.ctx(), live.Intent{})
		l.setUpErr = l.setUpProblem("listing the buckets", ex, 200)
		return
	}
	n := LiveRun.Buckets
	if n == 0 {
		n = 5
	}
	for _, i := range CreationOrder(n) {
		name := fmt.Sprintf("%s-%02d%s", LiveRun.RunID, i, l.t.BucketSuffix)
		group := ""
		if i == n-1 && l.t.ResourceGroup != "" && l.t.Contract.Profile.Params.ResourceGroupHeader != "" {
			group, l.grouped = l.t.ResourceGroup, name
		}
		ex := LiveRun.Ledger.CreateIn(l.ctx(), l.t, name, group)
		if l.setUpErr = l.setUpProblem("creating bucket "+name, ex, 0); l.setUpErr != "" {
			return
		}
		l.mine = append(l.mine, name)
	}
	slices.Sort(l.mine)
}

// CreationOrder is the order a run creates its n buckets in (indexes of
// the sorted names): each pair swapped, 01 00 03 02 04, so that a server
// listing in creation order, or in its reverse, lists them out of name
// order, even on pages of two.
func CreationOrder(n int) []int {
	order := make([]int, 0, n)
	for i := 0; i+1 < n; i += 2 {
		order = append(order, i+1, i)
	}
	if n%2 == 1 {
		order = append(order, n-1)
	}
	return order
}

// setUpProblem says why a set-up call's answer means the run cannot
// judge, or "": a transport failure, a refusal of the credentials (with
// what to check), a redirect, or any answer other than want (0: any 2xx).
func (l *liveSpecs) setUpProblem(what string, ex *live.Exchange, want int) string {
	status := ex.Status
	ok := status/100 == 2
	if want != 0 {
		ok = status == want
	}
	switch {
	case ex.Err != nil:
		return fmt.Sprintf("set-up: %s: %v", what, ex.Err)
	case status == 401 || status == 403:
		return fmt.Sprintf("set-up: %s: the credentials were refused: %d %s: check the keys, the region and --signature",
			what, status, orNone(check.ErrorCode(l.t.Contract, ex.Body)))
	case status/100 == 3:
		return fmt.Sprintf("set-up: %s: %s", what, redirected(ex))
	case !ok:
		return fmt.Sprintf("set-up: %s: answered %d %s", what, status, orNone(check.ErrorCode(l.t.Contract, ex.Body)))
	}
	return ""
}

func orNone(code string) string {
	if code == "" {
		return "(no error code)"
	}
	return code
}

// ready ends a spec as could not run when set-up failed or the run is
// over (interrupted, or past its deadline).
func (l *liveSpecs) ready() {
	if l.setUpErr != "" {
		l.cannotJudge(l.setUpErr)
	}
	if err := l.ctx().Err(); err != nil {
		l.cannotJudge(stopped(err))
	}
}

// stopped says why the run's context ended.
func stopped(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the run's deadline passed (--deadline)"
	}
	return "the run was interrupted"
}

// cannotJudge ends the spec as could not run, with the reason.
func (l *liveSpecs) cannotJudge(reason string) {
	AddReportEntry(ErrorEntry, reason, ReportEntryVisibilityNever)
	Skip("could not run: " + reason)
}

// usable ends the spec as could not run when an exchange did not
// complete: a transport failure, a stalled endpoint, the run's end.
func (l *liveSpecs) usable(name string, i int, ex *live.Exchange) {
	if ex.Err == nil {
		return
	}
	if err := l.ctx().Err(); err != nil {
		l.cannotJudge(stopped(err))
	}
	l.cannotJudge(fmt.Sprintf("%s: exchange %d: %v", name, i, ex.Err))
}

// needListing ends the spec as could not run when ex, which the spec's
// judgement needs, is not a successful listing: the reports then show
// the answer that stood in the way, with how often it was tried.
func (l *liveSpecs) needListing(name string, ex *live.Exchange) {
	l.usable(name, 1, ex)
	if ex.Status == 200 {
		return
	}
	reason := fmt.Sprintf("%s needs a successful listing; the endpoint answered %d %s", name, ex.Status, orNone(check.ErrorCode(l.t.Contract, ex.Body)))
	if n := len(ex.Retries); n > 0 {
		reason += fmt.Sprintf(", %d times", n+1)
	}
	l.cannotJudge(reason)
}

// available ends the spec as could not run when an exchange that was
// meant to list was still answered 5xx or 429 after the client's retries:
// the endpoint was not there to judge. (Where a spec expects a refusal, a
// 5xx is a wrong status, judged as such.)
func (l *liveSpecs) available(name string, i int, ex *live.Exchange) {
	if ex.Status < 500 && ex.Status != http.StatusTooManyRequests {
		return
	}
	l.cannotJudge(fmt.Sprintf("%s: exchange %d answered %d %s, %d time(s)", name, i, ex.Status, orNone(check.ErrorCode(l.t.Contract, ex.Body)), len(ex.Retries)+1))
}

func (l *liveSpecs) needBuckets() {
	if LiveRun.ReadOnly {
		Skip("--read-only: this spec needs buckets of its own")
	}
}

// redirected says where a 3xx pointed; a run never follows one with
// credentials.
func redirected(ex *live.Exchange) string {
	return fmt.Sprintf("the endpoint redirected (%d to %q); a run does not follow redirects with credentials", ex.Status, ex.Header.Get("Location"))
}

// judge runs the recorded-exchange checks over a spec's exchanges, records
// them if asked, and returns the findings. An exchange that did not
// complete ends the spec as could not run.
func (l *liveSpecs) judge(name string, exs []*live.Exchange) []finding.Finding {
	t := l.tally(name)
	for _, ex := range exs {
		t.add(ex)
	}
	return t.judge(name)
}

// unsupported ends a spec whose capability the target ignores: as
// unsupported when the contract marks the capability optional, as a
// failure otherwise.
func (l *liveSpecs) unsupported(capability, evidence string, ex *live.Exchange) {
	if slices.Contains(l.t.Contract.Profile.Optional, capability) {
		AddReportEntry(UnsupportedEntry, evidence, ReportEntryVisibilityNever)
		Skip("unsupported: " + evidence)
	}
	v := l.verdict()
	v.deviation(capability+" as the contract documents it", evidence, "", ex, live.Signed)
	v.settle()
}

func slug(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return '-'
	}, s), "-")
}

// mineIn picks the run's buckets out of names, in the order listed.
func mineIn(mine, names []string) []string {
	var got []string
	for _, n := range names {
		if slices.Contains(mine, n) {
			got = append(got, n)
		}
	}
	return got
}

// eachOnce says whether every bucket of mine (sorted) occurs exactly once
// in names, in any order: filters judge membership, pagination order.
func eachOnce(mine, names []string) error {
	got := mineIn(mine, names)
	slices.Sort(got)
	if !slices.Equal(got, mine) {
		return fmt.Errorf("the run's buckets came back as %v; want each of %v once", got, mine)
	}
	return nil
}

// each says whether every bucket of mine occurs exactly once in names, in
// the same order.
func each(mine, names []string) error {
	if got := mineIn(mine, names); !slices.Equal(got, mine) {
		return fmt.Errorf("the run's buckets came back as %v; want each of %v once, in order", got, mine)
	}
	return nil
}
