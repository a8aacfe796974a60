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
		findings := l.judge("rejects "+tamper.Name(), exs)
		code := check.ErrorCode(l.t.Contract, ex.Body)
		v := l.verdict()
		if !rej.Allows(ex.Status, code) {
			expected := fmt.Sprintf("status %s, code %s", orAny(rej.Status), orAny(rej.Codes))
			if rej.Source != "" {
				expected += " (" + rej.Source + ")"
			}
			v.deviation(expected, fmt.Sprintf("%d %q", ex.Status, code), "the response to "+tamper.What(), ex, tamper)
		}
		var others []finding.Finding
		for _, f := range findings {
			if f.Check != "auth.rejection" { // said above, with the status
				others = append(others, f)
			}
		}
		v.findings(others, exs, tamper, finding.AreaAuth)
		v.settle()
	}, l.rejectEntries())
	for _, acc := range []struct {
		tm   live.Tamper
		what string
	}{
		{live.Presigned, "status 200: S3 serves a presigned URL (X-Amz-Signature in the query) within its X-Amz-Expires"},
		{live.V2Presigned, "status 200: S3 serves a SigV2 presigned URL (AWSAccessKeyId, Expires and Signature in the query) until its Expires"},
	} {
		if !l.catalogued(acc.tm) {
			continue
		}
		title := "accepts " + acc.tm.What()
		It(title, Label("auth"), func() {
			ex := l.t.List(l.ctx(), live.Intent{Tamper: acc.tm})
			exs := []*live.Exchange{ex}
			findings := l.judge(title, exs)
			v := l.verdict()
			if ex.Status != 200 {
				v.deviation(acc.what, fmt.Sprintf("%d %q", ex.Status, check.ErrorCode(l.t.Contract, ex.Body)), "the response to "+acc.tm.What(), ex, acc.tm)
			}
			v.findings(findings, exs, acc.tm, finding.AreaAuth)
			v.settle()
		})
	}
}

// rejectEntries are the rejects table's entries: the four failures every
// dialect has, then each tamper of the target dialect's catalogue whose
// failure the profile lists an answer for.
func (l *liveSpecs) rejectEntries() []TableEntry {
	entries := []TableEntry{
		Entry("an anonymous request", live.Anonymous),
		Entry("a bad signature", live.BadSignature),
		Entry("an unknown access key", live.UnknownKey),
		Entry("a request signed two hours ago", live.Skewed),
	}
	for _, tm := range live.Catalogue(l.t.Signature, l.t.Contract.Profile.Auth.Signatures...) {
		if tm.Failure() != "" && l.catalogued(tm) {
			entries = append(entries, Entry(tm.What(), tm))
		}
	}
	return entries
}

// catalogued says whether the profile documents the answer to a tamper
// of the catalogue: its failure's, or for a valid presigned URL, that of
// an expired one.
func (l *liveSpecs) catalogued(tm live.Tamper) bool {
	if !tm.AppliesTo(l.t.Signature, l.t.Contract.Profile.Auth.Signatures...) {
		return false
	}
	failure := tm.Failure()
	switch tm {
	case live.Presigned:
		failure = live.PresignedExpired.Failure()
	case live.V2Presigned:
		failure = live.V2PresignedExpired.Failure()
	}
	_, ok := l.t.Contract.Profile.Auth.Rejections[failure]
	return ok
}

// orAny lists allowed values; none listed means any.
func orAny[T any](values []T) string {
	if len(values) == 0 {
		return "any"
	}
	return strings.Trim(fmt.Sprint(values), "[]")
}
