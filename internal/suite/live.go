package suite

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/exchange"
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
	// Record, when set, receives every exchange of a spec as a recording.
	Record  func(name string, recording []byte) error
	Context context.Context
}

// LiveRun is the configuration the live specs read when the tree is built.
var LiveRun LiveConfig

// maxWalkPages bounds every walk, so a server that never ends a listing
// cannot keep a run going.
const maxWalkPages = 10000

// LiveVendor declares the live specs for one vendor.
func LiveVendor(vendor string) bool {
	return Describe(vendor+" live", Label(vendor, "live"), Ordered, ContinueOnFailure, func() {
		t := LiveRun.Targets[vendor]
		if t == nil {
			return
		}
		l := &liveSpecs{vendor: vendor, t: t}
		BeforeAll(l.createBuckets)
		It("lists the buckets as the contract says", Label("schema"), func() {
			l.clean("list", []*live.Exchange{l.t.List(l.ctx(), live.Intent{})})
		})
		l.authSpecs()
		l.paginationSpecs()
		l.filterSpecs()
	})
}

type liveSpecs struct {
	vendor string
	t      *live.Target
	mine   []string // the buckets this run created, sorted
}

func (l *liveSpecs) ctx() context.Context { return LiveRun.ctxOrBackground() }

func (c LiveConfig) ctxOrBackground() context.Context {
	if c.Context != nil {
		return c.Context
	}
	return context.Background()
}

func (l *liveSpecs) createBuckets() {
	if LiveRun.ReadOnly {
		return
	}
	n := LiveRun.Buckets
	if n == 0 {
		n = 5
	}
	for i := range n {
		name := fmt.Sprintf("%s-%02d%s", LiveRun.RunID, i, l.t.BucketSuffix)
		ex := LiveRun.Ledger.Create(l.ctx(), l.t, name)
		switch {
		case ex.Err != nil:
			Fail(fmt.Sprintf("creating bucket %s: %v", name, ex.Err))
		case ex.Status/100 == 3:
			Fail(fmt.Sprintf("creating bucket %s: %s", name, redirected(ex)))
		case ex.Status/100 != 2:
			Fail(fmt.Sprintf("creating bucket %s: status %d\n%s", name, ex.Status, ex.Response))
		}
		l.mine = append(l.mine, name)
	}
	slices.Sort(l.mine)
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
// them if asked, and returns the findings. A transport failure fails the
// spec at once.
func (l *liveSpecs) judge(name string, exs []*live.Exchange) []finding.Finding {
	var parts []exchange.Part
	for i, ex := range exs {
		for _, r := range ex.Retries {
			fmt.Fprintf(GinkgoWriter, "retry: %s\n", r)
		}
		if ex.Err != nil {
			Fail(fmt.Sprintf("%s: exchange %d: %v", name, i+1, ex.Err))
		}
		if ex.Status/100 == 3 {
			Fail(fmt.Sprintf("%s: exchange %d: %s", name, i+1, redirected(ex)))
		}
		if ex.Truncated {
			Fail(fmt.Sprintf("%s: exchange %d: the response is larger than the %d bytes a run reads", name, i+1, len(ex.Body)))
		}
		parts = append(parts,
			exchange.Part{Name: fmt.Sprintf("%d/request", i+1), Data: ex.Request},
			exchange.Part{Name: fmt.Sprintf("%d/response", i+1), Data: ex.Response})
	}
	file := fmt.Sprintf("%s-%s.txtar", l.vendor, slug(name))
	src, err := exchange.Format([][2]string{
		{"vendor", l.vendor}, {"title", name}, {"source", "live run " + LiveRun.RunID + " against " + l.t.Endpoint.Redacted()},
	}, parts)
	if err != nil {
		Fail(err.Error())
	}
	if LiveRun.Record != nil {
		if err := LiveRun.Record(file, src); err != nil {
			Fail(fmt.Sprintf("recording %s: %v", file, err))
		}
	}
	return check.Recording(exchange.Parse(file, src), l.t.Contract)
}

// clean fails the spec on any finding at error severity.
func (l *liveSpecs) clean(name string, exs []*live.Exchange) {
	var errs []string
	for _, f := range l.judge(name, exs) {
		fmt.Fprintln(GinkgoWriter, f)
		if f.Severity == finding.Error {
			errs = append(errs, f.String())
		}
	}
	if len(errs) > 0 {
		Fail(fmt.Sprintf("%d finding(s):\n%s", len(errs), strings.Join(errs, "\n")))
	}
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

// authSpecs: every auth failure is rejected with the profile's status and
// code, an error body that matches the error schema, and the request-id.
func (l *liveSpecs) authSpecs() {
	DescribeTable("rejects", Label("auth"), func(tamper live.Tamper) {
		rej := l.t.Contract.Profile.Auth.Rejections[tamper.Failure()]
		ex := l.t.List(l.ctx(), live.Intent{Tamper: tamper})
		findings := l.judge("rejects "+tamper.Failure(), []*live.Exchange{ex})
		code := check.ErrorCode(l.t.Contract, ex.Body)
		var problems []string
		if !rej.Allows(ex.Status, code) {
			problems = append(problems, fmt.Sprintf("answered %d %q; the contract says %v %v", ex.Status, code, rej.Status, rej.Codes))
		}
		for _, f := range findings {
			if f.Severity == finding.Error && f.Check != "auth.rejection" {
				problems = append(problems, f.String())
			}
		}
		if len(problems) > 0 {
			Fail(strings.Join(problems, "\n"))
		}
	},
		Entry("an anonymous request", live.Anonymous),
		Entry("a bad signature", live.BadSignature),
		Entry("an unknown access key", live.UnknownKey),
		Entry("a request signed two hours ago", live.Skewed),
	)
}

// walk lists every page with page size size (0: the default) and returns
// the names in order and the exchanges.
func (l *liveSpecs) walk(size int, in live.Intent) ([]string, []*live.Exchange) {
	p := l.t.Contract.Profile
	if size > 0 {
		in.PageSize = strconv.Itoa(size)
	}
	var names []string
	var exs []*live.Exchange
	for range maxWalkPages {
		ex := l.t.List(l.ctx(), in)
		exs = append(exs, ex)
		if ex.Err != nil || ex.Status != 200 {
			return names, exs
		}
		page := check.ReadPage(l.t.Contract, ex.Body)
		names = append(names, page.Names...)
		switch {
		case p.Params.Offset != "":
			if size == 0 || len(page.Names) < size {
				return names, exs
			}
			in.Offset = strconv.Itoa(len(names))
		case p.Params.Token != "" && page.Next != "":
			in.Token = page.Next
		case p.Params.Marker != "" && page.Truncated == "true" && page.Next != "":
			in.Marker = page.Next
		default:
			return names, exs
		}
	}
	Fail(fmt.Sprintf("the walk did not end after %d pages", maxWalkPages))
	return names, exs
}

// each says whether every bucket of mine occurs exactly once in names, in
// the same order.
func each(mine, names []string) error {
	var got []string
	for _, n := range names {
		if slices.Contains(mine, n) {
			got = append(got, n)
		}
	}
	if !slices.Equal(got, mine) {
		return fmt.Errorf("the run's buckets came back as %v; want each of %v once, in order", got, mine)
	}
	return nil
}

func (l *liveSpecs) paginationSpecs() {
	p := l.t.Contract.Profile
	ps := p.Params.PageSize
	Context("pagination", Label("pagination"), func() {
		if ps.Name == "" || !slices.Contains(p.Capabilities, "pagination") {
			It("walks the listing page by page", func() { Skip(p.Name + " documents no pagination") })
			return
		}
		sizes := []TableEntry{Entry("page size 1", 1), Entry("page size 2", 2), Entry("the default page size", 0)}
		if ps.Max > 0 {
			sizes = append(sizes, Entry(fmt.Sprintf("the maximum page size %d", ps.Max), ps.Max))
		}
		DescribeTable("walks every bucket once, in order, with", func(size int) {
			l.needBuckets()
			names, exs := l.walk(size, live.Intent{})
			l.clean(fmt.Sprintf("walk page size %d", size), exs)
			if err := each(l.mine, names); err != nil {
				Fail(err.Error())
			}
		}, sizes)
		invalid := []TableEntry{Entry("zero", "0"), Entry("not a number", "abc")}
		if ps.Max > 0 {
			invalid = append(invalid, Entry("the maximum plus one", strconv.Itoa(ps.Max+1)))
		}
		DescribeTable("refuses a page size of", func(size string) {
			ex := l.t.List(l.ctx(), live.Intent{PageSize: size})
			l.judge("page size "+size, []*live.Exchange{ex})
			if ex.Status != 400 {
				Fail(fmt.Sprintf("%s=%s answered %d; want 400 %s", ps.Name, size, ex.Status, l.invalidCode()))
			}
			if want := l.invalidCode(); want != "" && check.ErrorCode(l.t.Contract, ex.Body) != want {
				Fail(fmt.Sprintf("%s=%s answered code %q; want %s", ps.Name, size, check.ErrorCode(l.t.Contract, ex.Body), want))
			}
		}, invalid)
		l.continuationSpecs()
	})
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
		ex := l.t.List(l.ctx(), live.Intent{Token: "gsc-forged-token"})
		l.judge("forged token", []*live.Exchange{ex})
		if code := check.ErrorCode(l.t.Contract, ex.Body); ex.Status != 400 || want(l.invalidCode(), code) {
			Fail(fmt.Sprintf("a forged %s answered %d %q; want 400 %s", p.Token, ex.Status, code, l.invalidCode()))
		}
	})
	It("starts right after a marker that names no bucket", func() {
		if p.Marker == "" {
			Skip(l.t.Contract.Profile.Name + " has no marker")
		}
		l.needBuckets()
		stale := l.mine[0] + "-gone"
		names, exs := l.walk(0, live.Intent{Marker: stale})
		l.clean("stale marker", exs) // page.marker-exclusive fires on anything at or before it
		if err := each(l.mine[1:], names); err != nil {
			Fail(fmt.Sprintf("marker=%s: %v", stale, err))
		}
	})
}

// want reports whether a wanted code is set and differs from got.
func want(code, got string) bool { return code != "" && code != got }

func (l *liveSpecs) invalidCode() string {
	if r := l.t.Contract.Profile.Reference; r != nil {
		return r.Errors["invalidArgument"].Code
	}
	return ""
}

func (l *liveSpecs) filterSpecs() {
	p := l.t.Contract.Profile
	Context("filters", Label("filters"), func() {
		has := func(c string) bool { return slices.Contains(p.Capabilities, c) }
		It("honours prefix", func() {
			if !has("prefix") {
				Skip(p.Name + " documents no prefix filter")
			}
			l.needBuckets()
			names, exs := l.walk(0, live.Intent{Prefix: LiveRun.RunID})
			l.clean("filter prefix", exs)
			if !slices.Equal(names, l.mine) {
				Fail(fmt.Sprintf("prefix=%s listed %v; want exactly %v", LiveRun.RunID, names, l.mine))
			}
		})
		It("honours the region filter", func() {
			if !has("region") {
				Skip(p.Name + " documents no region filter")
			}
			l.needBuckets()
			names, exs := l.walk(0, live.Intent{Region: l.t.Region})
			l.clean("filter region", exs) // filter.region fires on a foreign bucket
			if err := each(l.mine, names); err != nil {
				Fail(err.Error())
			}
		})
		It("honours the Location header", func() {
			if !has("location") {
				Skip(p.Name + " documents no Location filter")
			}
			l.needBuckets()
			names, exs := l.walk(0, live.Intent{Location: l.t.Region})
			l.clean("filter location", exs)
			if err := each(l.mine, names); err != nil {
				Fail(err.Error())
			}
		})
		It("honours create-time with range", func() {
			if !has("create-time") {
				Skip(p.Name + " documents no create-time filter")
			}
			l.needBuckets()
			later := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
			before, exs := l.walk(0, live.Intent{CreateTime: later, Range: "lt"})
			after, more := l.walk(0, live.Intent{CreateTime: later, Range: "gt"})
			l.clean("filter create-time", append(exs, more...))
			if err := each(l.mine, before); err != nil {
				Fail("range=lt: " + err.Error())
			}
			for _, n := range after {
				if slices.Contains(l.mine, n) {
					Fail(fmt.Sprintf("range=gt an hour from now listed %s, created just now", n))
				}
			}
		})
		It("honours tag filters", func() {
			if !has("tags") {
				Skip(p.Name + " documents no tag filter")
			}
			l.needBuckets()
			key, value := LiveRun.RunID, "tagged"
			tag := l.t.TagBucket(l.ctx(), l.mine[0], key, value)
			if tag.Err != nil || tag.Status/100 != 2 {
				Fail(fmt.Sprintf("tagging %s: status %d %v\n%s", l.mine[0], tag.Status, tag.Err, tag.Response))
			}
			names, exs := l.walk(0, live.Intent{TagKey: key, TagValue: value})
			l.clean("filter tags", exs)
			if !slices.Equal(names, l.mine[:1]) {
				Fail(fmt.Sprintf("%s=%s listed %v; want exactly [%s], the one bucket tagged so", key, value, names, l.mine[0]))
			}
		})
	})
}
