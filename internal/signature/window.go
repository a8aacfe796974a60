// Package signature reads what a request's signature claims: when it was
// made and, for COS, which query parameters it covers.
package signature

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Window is the span of time a signature is valid for. From equals To for
// schemes that carry one signing time; the allowed clock skew widens it.
type Window struct {
	From, To time.Time
	// Header is the header that carries the time, for placing findings.
	Header string
}

// Source says where a scheme keeps its signing time (contract.Auth.SignTime).
const (
	FromDate      = "date"       // Date, or a vendor date header such as x-amz-date
	FromCOSWindow = "cos-window" // q-sign-time=start;end in Authorization
	FromBCE       = "bce"        // bce-auth-v1/ak/timestamp/expire/... in Authorization
)

// Headers is the little a request must offer to be read here.
type Headers interface{ Get(name string) string }

// SignWindow reads the signing time of a request; ok is false when the
// request carries none that parses (an unsigned request or a placeholder).
func SignWindow(source, dateHeader string, h Headers) (w Window, ok bool) {
	auth := h.Get("Authorization")
	switch source {
	case FromCOSWindow:
		v, found := cosField(auth, "q-sign-time")
		if !found {
			return w, false
		}
		from, to, ok := COSTimes(v)
		if !ok {
			return w, false
		}
		return Window{from, to, "Authorization"}, true
	case FromBCE:
		parts := strings.Split(auth, "/")
		if len(parts) < 4 || parts[0] != "bce-auth-v1" {
			return w, false
		}
		t, err := time.Parse(time.RFC3339, parts[2])
		expire, err2 := strconv.Atoi(parts[3])
		if err != nil || err2 != nil {
			return w, false
		}
		return Window{t, t.Add(time.Duration(expire) * time.Second), "Authorization"}, true
	case FromDate:
		if dateHeader != "" {
			if v := h.Get(dateHeader); v != "" {
				if t, err := time.Parse("20060102T150405Z", v); err == nil {
					return Window{t, t, dateHeader}, true
				}
				if t, err := http.ParseTime(v); err == nil {
					return Window{t, t, dateHeader}, true
				}
				return w, false
			}
		}
		if t, err := http.ParseTime(h.Get("Date")); err == nil {
			return Window{t, t, "Date"}, true
		}
	}
	return w, false
}

// COSParamList returns the parameter names a COS signature covers, as
// listed in q-url-param-list; ok is false when the value has no such field.
func COSParamList(auth string) (names []string, ok bool) {
	v, ok := cosField(auth, "q-url-param-list")
	if !ok {
		return nil, false
	}
	return COSList(v), true
}

// COSTimes reads a COS "start;end" span in Unix seconds (q-sign-time,
// q-key-time); ok is false unless both parse and end is not before start.
func COSTimes(v string) (from, to time.Time, ok bool) {
	a, b, found := strings.Cut(v, ";")
	s, err1 := strconv.ParseInt(a, 10, 64)
	e, err2 := strconv.ParseInt(b, 10, 64)
	if !found || err1 != nil || err2 != nil || e < s {
		return from, to, false
	}
	return time.Unix(s, 0).UTC(), time.Unix(e, 0).UTC(), true
}

// COSList reads a ';'-separated name list (q-header-list,
// q-url-param-list) without repeats: the SDK names a parameter once per
// value.
func COSList(v string) []string {
	var names []string
	for _, n := range strings.Split(v, ";") {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

func cosField(auth, key string) (string, bool) {
	for _, kv := range strings.Split(auth, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
