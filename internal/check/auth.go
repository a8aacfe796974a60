package check

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signature"
)

// signatureParams are query parameters that carry a presigned request's
// signature; a request with one of them is not anonymous.
var signatureParams = []string{"X-Amz-Signature", "Signature", "q-signature", "x-oss-signature", "authorization"}

func (e *exchangeRun) anonymous() bool {
	req := e.ex.Request
	if req == nil || req.Get("Authorization") != "" {
		return false
	}
	for _, p := range signatureParams {
		if _, ok := req.Query[p]; ok {
			return false
		}
	}
	return true
}

// auth checks rejections and acceptances against the profile.
func (e *exchangeRun) auth() {
	resp := e.ex.Response
	if e.ex.Request == nil || resp.Status == 0 {
		return
	}
	rej := e.c.Profile.Auth.Rejections
	code, _, _ := first(e.body.value, e.c.Profile.Auth.ErrorCode)
	switch {
	case e.anonymous() && e.success():
		e.add("auth.anonymous", resp.Offset, "an anonymous request was answered %d; want %s", resp.Status, describe(rej["anonymous"]))
	case e.anonymous():
		if !rej["anonymous"].Allows(resp.Status, code) {
			e.add("auth.anonymous", resp.Offset, "an anonymous request was answered %d %q; want %s", resp.Status, code, describe(rej["anonymous"]))
		}
	case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden || authCode(rej, code):
		for kind, r := range rej {
			if kind != "anonymous" && r.Allows(resp.Status, code) {
				return
			}
		}
		e.add("auth.rejection", resp.Offset, "status %d with code %q is not an auth failure the contract lists", resp.Status, code)
	case e.success():
		e.clockSkew()
	}
}

// clockSkew checks that an accepted request was signed within the allowed
// distance of the server's clock (or inside its signature window).
func (e *exchangeRun) clockSkew() {
	a := e.c.Profile.Auth
	if a.MaxSkewSeconds == 0 && a.SignTime == signature.FromDate {
		return
	}
	served, err := http.ParseTime(e.ex.Response.Get("Date"))
	if err != nil {
		return
	}
	w, ok := signature.SignWindow(a.SignTime, a.DateHeader, e.ex.Request)
	if !ok {
		return
	}
	skew := time.Duration(a.MaxSkewSeconds) * time.Second
	from, to := w.From, w.To
	if a.SignTime == signature.FromDate {
		from, to = from.Add(-skew), to.Add(skew)
	}
	if served.Before(from) || served.After(to) {
		h, _ := e.ex.Request.Header(w.Header)
		e.add("auth.clock-skew", h.ValueOffset, "signed for %s..%s but answered 2xx at %s", w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339), served.UTC().Format(time.RFC3339))
	}
}

// authCode reports whether code is the code of some auth failure.
func authCode(rej map[string]contract.Rejection, code string) bool {
	for kind, r := range rej {
		if kind != "anonymous" && code != "" && slices.Contains(r.Codes, code) {
			return true
		}
	}
	return false
}

func describe(r contract.Rejection) string {
	want := "a 4xx status"
	if len(r.Status) > 0 {
		s := make([]string, len(r.Status))
		for i, n := range r.Status {
			s[i] = strconv.Itoa(n)
		}
		want = "status " + strings.Join(s, " or ")
	}
	if len(r.Codes) > 0 {
		want += " with code " + strings.Join(r.Codes, " or ")
	}
	return want
}
