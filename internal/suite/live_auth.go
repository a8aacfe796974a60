package suite

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// authSpecs: every auth failure is rejected with the profile's status and
// code. What the error document holds (its schema, RequestId, Resource)
// is judged once, by its own spec, so a right rejection with a thin error
// body is one red cell, not one per rejection.
func (l *liveSpecs) authSpecs() {
	It("answers errors with the contract's error document", Label("schema", "errors"), func() {
		// The first of these the endpoint refuses shows its error document.
		provoke := []struct {
			what string
			in   live.Intent
		}{
			{"a bad signature", live.Intent{Tamper: live.BadSignature}},
			{"an unknown access key", live.Intent{Tamper: live.UnknownKey}},
			{"a request signed two hours ago", live.Intent{Tamper: live.Skewed}},
			{"an anonymous request", live.Intent{Tamper: live.Anonymous}},
			{"a page size of 0", live.Intent{PageSize: "0"}},
		}
		var exs []*live.Exchange
		for _, p := range provoke {
			ex := l.t.List(l.ctx(), p.in)
			l.usable("error document", len(exs)+1, ex)
			exs = append(exs, ex)
			if ex.Status >= 400 && ex.Status < 500 && ex.Status != 429 { // 5xx and 429: unavailable, not refused
				v := l.verdict()
				v.findings(l.judge("error document", []*live.Exchange{ex}), []*live.Exchange{ex}, p.in.Tamper, finding.AreaSchema)
				v.settle()
				return
			}
		}
		l.judge("error document", exs)
		Skip(fmt.Sprintf("no request provoked an error: %d of them (a bad signature, an unknown key, an old signature, no signature, page size 0) were served; the specs that expect those refused say so", len(exs)))
	})
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
		v.findings(others, exs, tamper, finding.AreaAuth)
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
