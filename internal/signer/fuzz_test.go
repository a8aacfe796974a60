package signer

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// FuzzVerify feeds every dialect's Verify arbitrary Authorization values,
// query strings and signing times. Verify must not panic, and must answer
// with nil or a *Rejection, never another error.
func FuzzVerify(f *testing.F) {
	for _, d := range Dialects() {
		req := newGET(f, "http://storage.example.com/?marker=a%20b&max-keys=10")
		if err := Sign(d, req, creds, optsFor(d), now); err != nil {
			f.Fatal(err)
		}
		date := req.Header.Get("Date")
		for _, h := range []string{"X-Amz-Date", "X-Oss-Date"} {
			if v := req.Header.Get(h); v != "" {
				date = v
			}
		}
		f.Add(req.Header.Get("Authorization"), req.URL.RawQuery, date)
	}
	f.Add("Auth String", "", "")
	f.Add("AWS4-HMAC-SHA256 Credential=", "X-Amz-Signature=1&X-Amz-Credential=a/b/c/d/e", "20250607T080910Z")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDROUNDTRIP%2F20250607%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250607T080910Z&X-Amz-Expires=99999999999999999999&X-Amz-SignedHeaders=host&X-Amz-Signature=00", "")
	f.Add("bce-auth-v1/a/2025-06-07T08:09:10Z/99999999999999999999//x", "authorization=", "")
	f.Add("q-sign-time=;&q-key-time=9223372036854775807;9223372036854775807", "%zz", "")

	anyKey := func(string) (string, bool) { return creds.SecretKey, true }
	f.Fuzz(func(t *testing.T, auth, rawQuery, date string) {
		for _, d := range Dialects() {
			req := &http.Request{
				Method: http.MethodGet,
				URL:    &url.URL{Scheme: "http", Host: "storage.example.com", Path: "/", RawQuery: rawQuery},
				Host:   "storage.example.com",
				Header: http.Header{
					"Authorization": {auth},
					"Date":          {date},
					"X-Amz-Date":    {date},
					"X-Oss-Date":    {date},
				},
			}
			for _, secret := range []func(string) (string, bool){anyKey, knownSecret} {
				err := Verify(d, req, secret, optsFor(d), maxSkew, now)
				var r *Rejection
				if err != nil && !errors.As(err, &r) {
					t.Errorf("%s: Verify returned %T %v, want nil or *Rejection", d, err, err)
				}
			}
		}
	})
}
