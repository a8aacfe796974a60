package check

import (
	"fmt"
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
		e.add("auth.rejection", resp.Offset, "status %d with code %q is not an auth failure the contract lists%s", resp.Status, code, listedPairs(rej, resp.Status, code))
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
		e.add("auth.clock-skew", h.ValueOffset, "%s says the request was signed for %s..%s, yet it was answered 2xx at %s (the response's Date), outside the %s the contract allows; want a refusal (%s)", h.Name, w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339), served.UTC().Format(time.RFC3339), allowance(a), describe(a.Rejections["clockSkew"]))
	}
}

// allowance says how far from the server's clock a signature may be.
func allowance(a contract.Auth) string {
	if a.SignTime == signature.FromDate {
		return fmt.Sprintf("%d s of skew", a.MaxSkewSeconds)
	}
	return "signature window"
}

// listedPairs says what the contract does list for a status or a code,
// for a rejection it does not list.
func listedPairs(rej map[string]contract.Rejection, status int, code string) string {
	var forStatus, forCode []string
	for kind, r := range rej {
		if kind == "anonymous" {
			continue
		}
		if slices.Contains(r.Status, status) {
			forStatus = append(forStatus, r.Codes...)
		}
		if code != "" && slices.Contains(r.Codes, code) {
			for _, s := range r.Status {
				forCode = append(forCode, strconv.Itoa(s))
			}
		}
	}
	var parts []string
	if forStatus = uniqueSorted(forStatus); len(forStatus) > 0 {
		parts = append(parts, fmt.Sprintf("with %d it lists the codes %s", status, strings.Join(forStatus, ", ")))
	}
	if forCode = uniqueSorted(forCode); len(forCode) > 0 {
		parts = append(parts, fmt.Sprintf("%s it lists with status %s", code, strings.Join(forCode, " or ")))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}

func uniqueSorted(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
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
