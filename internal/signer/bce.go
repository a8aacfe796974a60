package signer

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baidubce/bce-sdk-go/auth"
	bcehttp "github.com/baidubce/bce-sdk-go/http"
)

// Baidu AI Cloud bce-auth-v1 (BOS): signing with bce-sdk-go's BceV1Signer
// through an adapter, since it signs the SDK's own request type;
// verification written here.
//
//	prefix    = "bce-auth-v1/" ak "/" timestamp "/" expire
//	key       = hex(HMAC-SHA256(secret, prefix))
//	canonical = METHOD \n URI \n query \n headers
//	Authorization = prefix "/" signed-headers "/" hex(HMAC-SHA256(key, canonical))

const (
	bceVersion       = "bce-auth-v1"
	bceDefaultExpiry = 1800 * time.Second
	bceTimeFormat    = "2006-01-02T15:04:05Z"
)

// bceDefaultHeaders are signed when the Authorization names none.
var bceDefaultHeaders = []string{"content-length", "content-md5", "content-type", "host"}

func signBCE(req *http.Request, c Credentials, o Options, now time.Time) error {
	exp := o.Expiry
	if exp == 0 {
		exp = bceDefaultExpiry
	}
	req.Header.Set("X-Bce-Date", now.UTC().Format(bceTimeFormat))
	if c.SessionToken != "" {
		req.Header.Set("X-Bce-Security-Token", c.SessionToken)
	}

	// The SDK's request keeps one value per header and parameter; a
	// second value would not be signed, so refuse it.
	br := &bcehttp.Request{}
	br.SetMethod(req.Method)
	br.SetUri(req.URL.Path)
	for k, vs := range req.URL.Query() {
		if len(vs) > 1 {
			return fmt.Errorf("query parameter %q has several values", k)
		}
		br.SetParam(k, vs[0])
	}
	for k, vs := range req.Header {
		if len(vs) > 1 {
			return fmt.Errorf("header %q has several values", k)
		}
		br.SetHeader(k, vs[0])
	}
	br.SetHeader("Host", requestHost(req))
	if req.ContentLength > 0 && req.Header.Get("Content-Length") == "" {
		br.SetHeader("Content-Length", strconv.FormatInt(req.ContentLength, 10))
	}
	opts := &auth.SignOptions{HeadersToSign: auth.DEFAULT_HEADERS_TO_SIGN, Timestamp: now.Unix(), ExpireSeconds: int(exp / time.Second)}
	(&auth.BceV1Signer{}).Sign(br, &auth.BceCredentials{AccessKeyId: c.AccessKey, SecretAccessKey: c.SecretKey, SessionToken: c.SessionToken}, opts)
	req.Header.Set("Authorization", br.Header("Authorization"))
	return nil
}

func verifyBCE(req *http.Request, secret func(string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error {
	a := authorization(req)
	if a == "" {
		return unsigned(req, BCE, "authorization")
	}
	parts := strings.Split(a, "/")
	if len(parts) != 6 || parts[0] != bceVersion {
		return reject(MalformedAuthorization, "Authorization is not %s/ak/timestamp/expire/headers/signature", bceVersion)
	}
	ak, stamp, expire, signed, sig := parts[1], parts[2], parts[3], parts[4], parts[5]
	signedAt, err := time.Parse(bceTimeFormat, stamp)
	if err != nil {
		return reject(BadSignature, "timestamp %q is not %s", stamp, bceTimeFormat)
	}
	secs, err := strconv.Atoi(expire)
	if err != nil || secs < 0 || time.Duration(secs) > math.MaxInt64/time.Second {
		return reject(BadSignature, "expiration %q is not a number of seconds", expire)
	}
	names := bceDefaultHeaders
	if signed != "" {
		names = strings.Split(signed, ";")
	}
	key, err := lookUp(secret, ak)
	if err != nil {
		return err
	}
	if err := checkExpiry(signedAt, signedAt.Add(-maxSkew), signedAt.Add(time.Duration(secs)*time.Second), now, maxSkew); err != nil {
		return err
	}
	canonical := req.Method + "\n" + "/" + uriEncode(strings.TrimPrefix(req.URL.Path, "/"), true) + "\n" +
		bceQuery(req) + "\n" + bceHeaders(req, names)
	signKey := hexOf(hmacSHA256([]byte(key), strings.Join(parts[:4], "/")))
	if !sameSignature(sig, hexOf(hmacSHA256([]byte(signKey), canonical))) {
		return reject(BadSignature, "signature does not match; canonical request %q", canonical)
	}
	return nil
}

// bceQuery is every parameter but authorization as "name=value", encoded,
// sorted as whole strings the way the SDK sorts them.
func bceQuery(req *http.Request) string {
	var pairs []string
	for k, vs := range req.URL.Query() {
		if strings.EqualFold(k, "authorization") {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, false)+"="+uriEncode(v, false))
		}
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

// bceHeaders is "name:value" for each named header that has a value,
// both encoded, sorted, joined by newlines.
func bceHeaders(req *http.Request, names []string) string {
	var lines []string
	for _, n := range names {
		n = strings.ToLower(n)
		vs := headerValues(req, n)
		if len(vs) == 0 {
			continue
		}
		if v := strings.TrimSpace(vs[0]); v != "" {
			lines = append(lines, uriEncode(n, false)+":"+uriEncode(v, false))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
