package suite

import (
	"fmt"
	"maps"
	"net/url"
	"slices"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
)

// refusalSpecs: each invalid request the contract lists as refused
// (profile.json "refusals") is its own spec, labelled by the area of its
// capability.
func (l *liveSpecs) refusalSpecs() {
	rs := l.t.Contract.Profile.Refusals
	if len(rs) == 0 {
		return
	}
	var entries []TableEntry
	for _, r := range rs {
		area := "filters"
		if r.Capability == "pagination" {
			area = "pagination"
		}
		entries = append(entries, Entry(r.What, Label(area), r))
	}
	DescribeTable("refuses", Label("refusals"), l.refusal, entries)
}

// refusal is a spec of the contract's refusals.
func (l *liveSpecs) refusal(r contract.Refusal) {
	q, what := url.Values{r.Param: {r.Value}}, r.Param+"="+r.Value
	for _, k := range slices.Sorted(maps.Keys(r.With)) {
		q.Set(k, r.With[k])
		what += "&" + k + "=" + r.With[k]
	}
	l.refuse("refuses "+r.What, live.Intent{Raw: q}, what, r.Capability, r.Rejection, r.Source)
}

// refuse sends a request the contract refuses and judges the answer
// against expect. Served instead (200), the spec looks for its own
// evidence that the endpoint lacks the capability altogether, which an
// optional capability may be; else the answer is a deviation. source,
// when set, says where the expected answer is documented.
func (l *liveSpecs) refuse(name string, in live.Intent, what, capability string, expect contract.Rejection, source string) {
	ex := l.t.List(l.ctx(), in)
	l.usable(name, 1, ex)
	exs := []*live.Exchange{ex}
	var evidence string
	if ex.Status == 200 {
		var probe *live.Exchange
		evidence, probe = l.capabilityIgnored(capability)
		if probe != nil {
			exs = append(exs, probe)
		}
	}
	l.judge(name, exs)
	if evidence != "" {
		l.unsupported(capability, evidence, exs[1])
	}
	if code := check.ErrorCode(l.t.Contract, ex.Body); !expect.Allows(ex.Status, code) {
		expected := fmt.Sprintf("status %s, code %s", orAny(expect.Status), orAny(expect.Codes))
		if source != "" {
			expected += " (" + source + ")"
		}
		v := l.verdict()
		v.deviation(expected, fmt.Sprintf("%d %q", ex.Status, code), what, ex, live.Signed)
		v.settle()
	}
}

// capabilityIgnored asks, as a spec's own evidence, whether the endpoint
// ignores a capability altogether: a page size of one (pagination), or
// another region than the run's (region), which must list none of its
// buckets. It returns the evidence ("" when the capability works) and the
// exchange, or nil where it has no such probe.
func (l *liveSpecs) capabilityIgnored(capability string) (string, *live.Exchange) {
	switch capability {
	case "pagination":
		return l.probeIgnored()
	case "region":
		if LiveRun.ReadOnly {
			return "", nil
		}
		foreign := "eu-west-1"
		if l.t.Region == foreign {
			foreign = "us-east-1"
		}
		ex := l.t.List(l.ctx(), live.Intent{Region: foreign})
		if ex.Err != nil || ex.Status != 200 {
			return "", ex
		}
		if eachOnce(l.mine, check.ReadPage(l.t.Contract, ex.Body).Names) == nil {
			return fmt.Sprintf("%s=%s is ignored: every bucket of the run, created in %s, is listed", l.t.Contract.Profile.Params.Region, foreign, l.t.Region), ex
		}
		return "", ex
	}
	return "", nil
}
