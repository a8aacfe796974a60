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
		ex := l.t.List(l.ctx(), live.Intent{Tamper: live.BadSignature})
		l.usable("error document", 1, ex)
		if ex.Status < 400 {
			l.cannotJudge(fmt.Sprintf("error document: a request with a bad signature answered %d, not an error (the auth specs judge that)", ex.Status))
		}
		v := l.verdict()
		v.findings(l.judge("error document", []*live.Exchange{ex}), []*live.Exchange{ex}, live.BadSignature, finding.AreaSchema)
		v.settle()
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
