package signer

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tencentyun/cos-go-sdk-v5"

	"github.com/getservice-conformance/gsc/internal/signature"
)

// Tencent Cloud COS: signing with cos-go-sdk-v5, verification written here.
//
//	SignKey      = hex(HMAC-SHA1(secret, q-key-time))
//	FormatString = lower(method) \n path \n params \n headers \n
//	StringToSign = "sha1" \n q-key-time \n hex(SHA1(FormatString)) \n
//	q-signature  = hex(HMAC-SHA1(SignKey, StringToSign))
//
// The SDK puts q-key-time in StringToSign; it always equals q-sign-time.

const cosDefaultExpiry = time.Hour

func signCOS(req *http.Request, c Credentials, o Options, now time.Time) error {
	exp := o.Expiry
	if exp == 0 {
		exp = cosDefaultExpiry
	}
	t := &cos.AuthTime{SignStartTime: now, SignEndTime: now.Add(exp), KeyStartTime: now, KeyEndTime: now.Add(exp)}
	cos.AddAuthorizationHeader(c.AccessKey, c.SecretKey, c.SessionToken, req, t)
	// The SDK copies Request.Host into the Host header to sign it; net/http
	// sends Request.Host and ignores the header, so drop the copy.
	req.Header.Del("Host")
	return nil
}

// cosFields are the fields of a COS Authorization value, in their order.
var cosFields = []string{"q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"}

func verifyCOS(req *http.Request, secret func(string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error {
	auth := authorization(req)
	if auth == "" {
		return unsigned(req, COS, "q-signature", "sign")
	}
	f := map[string]string{}
	for _, kv := range strings.Split(auth, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if !slices.Contains(cosFields, k) {
			return reject(BadSignature, "unknown Authorization field %q", k)
		}
		if _, dup := f[k]; dup {
			return reject(BadSignature, "Authorization field %q repeated", k)
		}
		f[k] = v
	}
	for _, k := range cosFields {
		if _, ok := f[k]; !ok {
			return reject(BadSignature, "Authorization lacks %s", k)
		}
	}
	if f["q-sign-algorithm"] != "sha1" {
		return reject(BadSignature, "q-sign-algorithm %q, want sha1", f["q-sign-algorithm"])
	}
	from, to, ok := signature.COSTimes(f["q-sign-time"])
	if _, _, keyOK := signature.COSTimes(f["q-key-time"]); !ok || !keyOK {
		return reject(BadSignature, "q-sign-time %q or q-key-time %q is not start;end", f["q-sign-time"], f["q-key-time"])
	}
	headers, params := signature.COSList(f["q-header-list"]), signature.COSList(f["q-url-param-list"])
	for k := range req.URL.Query() {
		if lk := cosName(k); !slices.Contains(params, lk) {
			return reject(BadSignature, "query parameter %q is not in q-url-param-list", lk)
		}
	}
	key, err := lookUp(secret, f["q-ak"])
	if err != nil {
		return err
	}
	if err := checkExpiry(from, from, to, now, maxSkew); err != nil {
		return err
	}
	format := strings.ToLower(req.Method) + "\n" + req.URL.Path + "\n" +
		cosFormat(cosParams(req, params)) + "\n" + cosFormat(cosHeaders(req, headers)) + "\n"
	toSign := "sha1\n" + f["q-key-time"] + "\n" + hexSHA1(format) + "\n"
	signKey := hexOf(hmacSHA1([]byte(key), f["q-key-time"]))
	if !sameSignature(f["q-signature"], hexOf(hmacSHA1([]byte(signKey), toSign))) {
		return reject(BadSignature, "signature does not match; format string %q", format)
	}
	return nil
}

// cosName is how COS writes a parameter or header name: URL-encoded and
// lower-cased.
func cosName(k string) string { return strings.ToLower(uriEncode(k, false)) }

// cosParams collects the values of the query parameters named in list.
func cosParams(req *http.Request, list []string) map[string][]string {
	m := map[string][]string{}
	for k, vs := range req.URL.Query() {
		if n := cosName(k); slices.Contains(list, n) {
			m[n] = append(m[n], vs...)
		}
	}
	return m
}

// cosHeaders collects the values of the headers named in list.
func cosHeaders(req *http.Request, list []string) map[string][]string {
	m := map[string][]string{}
	if slices.Contains(list, "host") {
		m["host"] = []string{requestHost(req)}
	}
	for k, vs := range req.Header {
		if n := cosName(k); n != "host" && slices.Contains(list, n) {
			m[n] = append(m[n], vs...)
		}
	}
	return m
}

// cosFormat writes "k1=v1&k2=v2", names sorted, each name's values sorted
// and URL-encoded.
func cosFormat(m map[string][]string) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	var pairs []string
	for _, n := range names {
		vs := slices.Clone(m[n])
		slices.Sort(vs)
		for _, v := range vs {
			pairs = append(pairs, n+"="+uriEncode(v, false))
		}
	}
	return strings.Join(pairs, "&")
}
