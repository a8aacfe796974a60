package suite

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/outcome"
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
	// Trace, when set, receives every exchange as the specs judge it,
	// redacted like a recording (runner -v).
	Trace io.Writer
}

// LiveRun is the configuration the live specs read when the tree is built.
var LiveRun LiveConfig

// maxWalkPages bounds every walk, so a server that never ends a listing
// cannot keep a run going.
const maxWalkPages = 10000

// LiveVendor declares the live specs for one vendor. Each spec judges the
// findings of its own area only (a missing request id fails the headers
// spec, not every spec that lists), so a deviation fails the spec meant
// to catch it.
func LiveVendor(vendor string) bool {
	return Describe(vendor+" live", Label(vendor, "live"), Ordered, ContinueOnFailure, func() {
		t := LiveRun.Targets[vendor]
		if t == nil {
			return
		}
		l := &liveSpecs{vendor: vendor, t: t}
		BeforeAll(l.createBuckets)
		It("lists the buckets as the contract says", Label("schema"), func() {
			l.clean("list", []*live.Exchange{l.t.List(l.ctx(), live.Intent{})}, finding.AreaSchema)
		})
		It("answers with the contract's headers", Label("headers"), func() {
			exs := []*live.Exchange{l.t.List(l.ctx(), live.Intent{}), l.t.List(l.ctx(), live.Intent{Tamper: live.Anonymous})}
			l.clean("headers", exs, finding.AreaHeaders)
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

	probeOnce sync.Once // pageSizeIgnored's probe
	ignored   string
	ignoredEx *live.Exchange
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
		if LiveRun.Trace != nil {
			fmt.Fprintf(LiveRun.Trace, "--- %s: exchange %d\n%s\n%s\n", name, i+1, ex.Request, ex.Response)
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

// verdict collects what one spec found wrong, so that the spec reports
// every deviation at once: each goes into the report as an entry the
// JUnit, Markdown and HTML reports read (expected, seen, where, the
// exchange and a curl line), and settle fails the spec with their list.
type verdict struct {
	l     *liveSpecs
	lines []string
}

func (l *liveSpecs) verdict() *verdict { return &verdict{l: l} }

// deviation records one deviation; ex may be nil.
func (v *verdict) deviation(expected, seen, where string, ex *live.Exchange, tamper live.Tamper) {
	d := outcome.Deviation{Expected: expected, Seen: seen, Where: where}
	if ex != nil {
		d.Exchange = string(ex.Request) + "\n" + string(ex.Response)
		d.Curl = v.l.t.Curl(ex, tamper)
	}
	AddReportEntry(DeviationEntry, d, ReportEntryVisibilityNever)
	line := fmt.Sprintf("expected %s; saw %s", expected, seen)
	if where != "" {
		line += " (" + where + ")"
	}
	v.lines = append(v.lines, line)
}

// findings records the error findings of the given areas; the findings of
// other areas are written to the spec's output only, for the spec of
// their own area fails on them.
func (v *verdict) findings(fs []finding.Finding, exs []*live.Exchange, tamper live.Tamper, areas ...string) {
	for _, f := range fs {
		fmt.Fprintln(GinkgoWriter, f)
		if f.Severity != finding.Error || !slices.Contains(areas, f.Area) && f.Area != finding.AreaRecording {
			continue
		}
		var ex *live.Exchange
		if f.Exchange >= 1 && f.Exchange <= len(exs) {
			ex = exs[f.Exchange-1]
		}
		where := f.File
		if f.Exchange > 0 {
			where += fmt.Sprintf(" exchange %d", f.Exchange)
		}
		where += " at " + f.Where()
		v.deviation("no "+f.Check+" finding", f.Message, where, ex, tamper)
	}
}

// settle fails the spec if it found anything.
func (v *verdict) settle() {
	if len(v.lines) > 0 {
		Fail(fmt.Sprintf("%d deviation(s):\n%s", len(v.lines), strings.Join(v.lines, "\n")))
	}
}

// clean judges a spec's exchanges: it fails on error findings of the
// given areas.
func (l *liveSpecs) clean(name string, exs []*live.Exchange, areas ...string) {
	v := l.verdict()
	v.findings(l.judge(name, exs), exs, live.Signed, areas...)
	v.settle()
}

// DeviationEntry and UnsupportedEntry name the report entries a live spec
// adds: an outcome.Deviation each, and the evidence that the target lacks
// an optional capability.
const (
	DeviationEntry   = "deviation"
	UnsupportedEntry = "unsupported"
)

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

// authSpecs: every auth failure is rejected with the profile's status and
// code, and an error body that matches the error schema.
func (l *liveSpecs) authSpecs() {
	DescribeTable("rejects", Label("auth"), func(tamper live.Tamper) {
		rej := l.t.Contract.Profile.Auth.Rejections[tamper.Failure()]
		ex := l.t.List(l.ctx(), live.Intent{Tamper: tamper})
		exs := []*live.Exchange{ex}
		findings := l.judge("rejects "+tamper.Failure(), exs)
		code := check.ErrorCode(l.t.Contract, ex.Body)
		v := l.verdict()
		if !rej.Allows(ex.Status, code) {
			v.deviation(fmt.Sprintf("status %s, code %s", orAny(rej.Status), orAny(rej.Codes)),
				fmt.Sprintf("%d %q", ex.Status, code), "the response to "+tamper.Failure(), ex, tamper)
		}
		var others []finding.Finding
		for _, f := range findings {
			if f.Check != "auth.rejection" { // said above, with the status
				others = append(others, f)
			}
		}
		v.findings(others, exs, tamper, finding.AreaSchema, finding.AreaAuth)
		v.settle()
	},
		Entry("an anonymous request", live.Anonymous),
		Entry("a bad signature", live.BadSignature),
		Entry("an unknown access key", live.UnknownKey),
		Entry("a request signed two hours ago", live.Skewed),
	)
}

// orAny lists allowed values; none listed means any.
func orAny[T any](values []T) string {
	if len(values) == 0 {
		return "any"
	}
	return strings.Trim(fmt.Sprint(values), "[]")
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

// pageSizeIgnored asks for a page of one bucket, once per run, and
// returns the evidence when more came back with no way to the next page:
// the target does not paginate. A target that paginates says nothing.
func (l *liveSpecs) pageSizeIgnored() (evidence string, ex *live.Exchange) {
	l.probeOnce.Do(func() {
		ps := l.t.Contract.Profile.Params.PageSize.Name
		ex := l.t.List(l.ctx(), live.Intent{PageSize: "1"})
		if ex.Err != nil || ex.Status != 200 {
			return
		}
		page := check.ReadPage(l.t.Contract, ex.Body)
		if len(page.Names) > 1 && page.Next == "" && page.Truncated != "true" {
			l.ignored = fmt.Sprintf("%s=1 is ignored: %d buckets in one page and nothing leads to a next page", ps, len(page.Names))
			l.ignoredEx = ex
		}
	})
	return l.ignored, l.ignoredEx
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
			if evidence, ex := l.pageSizeIgnored(); size > 0 && size < len(l.mine) && evidence != "" {
				l.unsupported("pagination", evidence, ex)
			}
			names, exs := l.walk(size, live.Intent{})
			v := l.verdict()
			v.findings(l.judge(fmt.Sprintf("walk page size %d", size), exs), exs, live.Signed, finding.AreaPagination)
			if err := each(l.mine, names); err != nil {
				v.deviation("every bucket once, in order, over the pages", err.Error(), fmt.Sprintf("a walk of %d page(s)", len(exs)), exs[len(exs)-1], live.Signed)
			}
			v.settle()
		}, sizes)
		invalid := []TableEntry{Entry("zero", "0"), Entry("not a number", "abc")}
		if ps.Max > 0 {
			invalid = append(invalid, Entry("the maximum plus one", strconv.Itoa(ps.Max+1)))
		}
		DescribeTable("refuses a page size of", func(size string) {
			ex := l.t.List(l.ctx(), live.Intent{PageSize: size})
			l.judge("page size "+size, []*live.Exchange{ex})
			code := check.ErrorCode(l.t.Contract, ex.Body)
			if ex.Status == 200 {
				if evidence, probe := l.pageSizeIgnored(); evidence != "" {
					l.unsupported("pagination", evidence, probe)
				}
			}
			if ex.Status != 400 || want(l.invalidCode(), code) {
				v := l.verdict()
				v.deviation("400 "+l.invalidCode(), fmt.Sprintf("%d %q", ex.Status, code), ps.Name+"="+size, ex, live.Signed)
				v.settle()
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
		code := check.ErrorCode(l.t.Contract, ex.Body)
		if ex.Status == 200 {
			if evidence, probe := l.pageSizeIgnored(); evidence != "" {
				l.unsupported("pagination", evidence, probe)
			}
		}
		if ex.Status != 400 || want(l.invalidCode(), code) {
			v := l.verdict()
			v.deviation("400 "+l.invalidCode(), fmt.Sprintf("%d %q", ex.Status, code), p.Token+"=gsc-forged-token", ex, live.Signed)
			v.settle()
		}
	})
	It("starts right after a marker that names no bucket", func() {
		if p.Marker == "" {
			Skip(l.t.Contract.Profile.Name + " has no marker")
		}
		l.needBuckets()
		stale := l.mine[0] + "-gone"
		names, exs := l.walk(0, live.Intent{Marker: stale})
		v := l.verdict()
		// page.marker-exclusive fires on anything at or before it.
		v.findings(l.judge("stale marker", exs), exs, live.Signed, finding.AreaPagination)
		if err := each(l.mine[1:], names); err != nil {
			v.deviation("the listing to start right after the marker", err.Error(), p.Marker+"="+stale, exs[0], live.Signed)
		}
		v.settle()
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

// filtered judges a filtered walk: its filter findings, and whether the
// run's buckets came back as want says.
func (l *liveSpecs) filtered(name string, names []string, exs []*live.Exchange, want []string, exact bool, what string) {
	v := l.verdict()
	v.findings(l.judge(name, exs), exs, live.Signed, finding.AreaFilters)
	switch {
	case exact && !slices.Equal(names, want):
		v.deviation(fmt.Sprintf("exactly %v", want), fmt.Sprintf("%v", names), what, exs[0], live.Signed)
	case !exact:
		if err := eachOnce(want, names); err != nil {
			v.deviation("every bucket of the run once", err.Error(), what, exs[0], live.Signed)
		}
	}
	v.settle()
}

// zoneIgnored lists another region or zone than the run's, where none of
// its buckets is, and ends the spec if they all come back: a target with
// one region cannot show that it honours the filter any other way.
func (l *liveSpecs) zoneIgnored(capability string, elsewhere live.Intent, what string) {
	names, exs := l.walk(0, elsewhere)
	if last := exs[len(exs)-1]; last.Status == 200 && eachOnce(l.mine, names) == nil {
		l.unsupported(capability, fmt.Sprintf("%s is ignored: every bucket of the run, created in %s, is listed", what, l.t.Region), exs[0])
	}
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
			// The first bucket's whole name: on a fresh endpoint that holds
			// only the run's buckets, a server that ignores the filter shows
			// itself by listing the others.
			prefix := l.mine[0]
			names, exs := l.walk(0, live.Intent{Prefix: prefix})
			var others []string
			for _, n := range names {
				if !strings.HasPrefix(n, prefix) {
					others = append(others, n)
				}
			}
			if len(others) > 0 && each(l.mine, names) == nil {
				l.unsupported("prefix", fmt.Sprintf("%s=%s is ignored: %d of %d buckets listed lack the prefix, e.g. %s",
					p.Params.Prefix, prefix, len(others), len(names), others[0]), exs[0])
			}
			l.filtered("filter prefix", names, exs, l.mine[:1], true, p.Params.Prefix+"="+prefix)
		})
		It("honours the region filter", func() {
			if !has("region") {
				Skip(p.Name + " documents no region filter")
			}
			l.needBuckets()
			foreign := "eu-west-1"
			if l.t.Region == foreign {
				foreign = "us-east-1"
			}
			l.zoneIgnored("region", live.Intent{Region: foreign}, p.Params.Region+"="+foreign)
			names, exs := l.walk(0, live.Intent{Region: l.t.Region})
			// filter.region fires on a foreign bucket
			l.filtered("filter region", names, exs, l.mine, false, p.Params.Region+"="+l.t.Region)
		})
		It("honours the Location header", func() {
			if !has("location") {
				Skip(p.Name + " documents no Location filter")
			}
			l.needBuckets()
			l.zoneIgnored("location", live.Intent{Location: "gsc-nowhere"}, p.Params.LocationHeader+": gsc-nowhere")
			names, exs := l.walk(0, live.Intent{Location: l.t.Region})
			l.filtered("filter location", names, exs, l.mine, false, p.Params.LocationHeader+": "+l.t.Region)
		})
		It("honours create-time with range", func() {
			if !has("create-time") {
				Skip(p.Name + " documents no create-time filter")
			}
			l.needBuckets()
			later := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
			before, exs := l.walk(0, live.Intent{CreateTime: later, Range: "lt"})
			after, more := l.walk(0, live.Intent{CreateTime: later, Range: "gt"})
			v := l.verdict()
			all := append(exs, more...)
			v.findings(l.judge("filter create-time", all), all, live.Signed, finding.AreaFilters)
			if err := eachOnce(l.mine, before); err != nil {
				v.deviation("range=lt an hour from now to list every bucket of the run", err.Error(), p.Params.CreateTime+"="+later+"&"+p.Params.Range+"=lt", exs[0], live.Signed)
			}
			for _, n := range after {
				if slices.Contains(l.mine, n) {
					v.deviation("range=gt an hour from now to list none of the run's buckets", "it listed "+n+", created just now", p.Params.CreateTime+"="+later+"&"+p.Params.Range+"=gt", more[0], live.Signed)
					break
				}
			}
			v.settle()
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
			l.filtered("filter tags", names, exs, l.mine[:1], true, key+"="+value)
		})
	})
}
