package suite

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/outcome"
)

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
	var s *shown
	if ex != nil {
		s = show(ex)
	}
	v.deviationShown(expected, seen, where, s, tamper)
}

// deviationShown records one deviation that shows s (nil: none).
func (v *verdict) deviationShown(expected, seen, where string, s *shown, tamper live.Tamper) {
	d := outcome.Deviation{Expected: expected, Seen: seen, Where: where}
	if s != nil {
		d.Exchange = s.excerpt
		d.Curl = v.l.t.Curl(s.req, tamper)
	}
	AddReportEntry(DeviationEntry, d, ReportEntryVisibilityNever)
	line := fmt.Sprintf("expected %s; saw %s", expected, seen)
	if where != "" {
		line += " (" + where + ")"
	}
	v.lines = append(v.lines, line)
}

// exchangeShown bounds the exchange a deviation shows: reports grow with
// deviations, so each carries the request and the start of the response,
// and refers to its recording for the rest.
const exchangeShown = 8 << 10

// excerpt is an exchange as a deviation shows it.
func excerpt(ex *live.Exchange) string {
	text := string(ex.Request) + "\n" + string(ex.Response)
	if len(text) <= exchangeShown {
		return text
	}
	return fmt.Sprintf("%s\n… %d more bytes: the whole exchange is in the spec's recording (--record)", text[:exchangeShown], len(text)-exchangeShown)
}

// findings records the error findings of the given areas; the findings of
// other areas are written to the spec's output only, for the spec of
// their own area fails on them.
func (v *verdict) findings(fs []finding.Finding, exs []*live.Exchange, tamper live.Tamper, areas ...string) {
	v.findingsShown(fs, func(i int) *shown {
		if i >= 1 && i <= len(exs) {
			return show(exs[i-1])
		}
		return nil
	}, tamper, areas...)
}

// findingsShown is findings with the exchange finding i shows given by at.
func (v *verdict) findingsShown(fs []finding.Finding, at func(i int) *shown, tamper live.Tamper, areas ...string) {
	for _, f := range fs {
		fmt.Fprintln(GinkgoWriter, f)
		if f.Severity != finding.Error || !slices.Contains(areas, f.Area) && f.Area != finding.AreaRecording {
			continue
		}
		where := f.File
		if f.Exchange > 0 {
			where += fmt.Sprintf(" exchange %d", f.Exchange)
		}
		where += " at " + f.Where()
		v.deviationShown("no "+f.Check+" finding", f.Message, where, at(f.Exchange), tamper)
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
