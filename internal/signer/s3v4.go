package signer

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// AWS Signature Version 4 for S3: signing with aws-sdk-go-v2's signer,
// verification of the header form and of presigned URLs written here.

const (
	s3v4Algorithm    = "AWS4-HMAC-SHA256"
	amzDateFormat    = "20060102T150405Z"
	unsignedPayload  = "UNSIGNED-PAYLOAD"
	s3v4MaxPresigned = 7 * 24 * time.Hour // S3's limit on X-Amz-Expires
)

// S3 does not escape the path a second time, hence DisableURIPathEscaping.
// newS3V4Signer returns a fresh SDK signer for each request: the SDK caches
// derived keys by access key id and day, not by secret, so a shared signer
// would sign with a wrong secret as if it were the right one (and a
// verifier sharing it would then reject the right one).
func newS3V4Signer() *v4.Signer {
	return v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
}

func signS3V4(req *http.Request, c Credentials, o Options, now time.Time) error {
	if o.Region == "" {
		return fmt.Errorf("Options.Region is required")
	}
	// S3 requires x-amz-content-sha256; a value the caller chose (such as
	// UNSIGNED-PAYLOAD) is kept.
	payload := req.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		h, err := payloadSHA256(req)
		if err != nil {
			return err
		}
		payload = h
		req.Header.Set("X-Amz-Content-Sha256", payload)
	}
	creds := aws.Credentials{AccessKeyID: c.AccessKey, SecretAccessKey: c.SecretKey, SessionToken: c.SessionToken}
	if err := newS3V4Signer().SignHTTP(req.Context(), creds, req, payload, s3Service(o), o.Region, now); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	return nil
}

func s3Service(o Options) string {
	if o.Service != "" {
		return o.Service
	}
	return "s3"
}

// presignS3V4 turns req into a presigned URL valid for expires from now,
// with aws-sdk-go-v2's signer. The SDK takes the validity from the
// X-Amz-Expires parameter, which is set here, and leaves any previous
// signature parameters in the query; they are removed first.
func presignS3V4(req *http.Request, c Credentials, o Options, now time.Time, expires time.Duration) error {
	if o.Region == "" {
		return fmt.Errorf("Options.Region is required")
	}
	q := req.URL.Query()
	for name := range q {
		if strings.HasPrefix(strings.ToLower(name), "x-amz-") {
			q.Del(name)
		}
	}
	q.Set("X-Amz-Expires", strconv.FormatInt(int64(expires/time.Second), 10))
	req.URL.RawQuery = q.Encode()
	creds := aws.Credentials{AccessKeyID: c.AccessKey, SecretAccessKey: c.SecretKey, SessionToken: c.SessionToken}
	signed, _, err := newS3V4Signer().PresignHTTP(req.Context(), creds, req, unsignedPayload, s3Service(o), o.Region, now)
	if err != nil {
		return fmt.Errorf("presigning: %w", err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		return fmt.Errorf("presigning: the signer's URL: %w", err)
	}
	req.URL = u
	return nil
}

// v4Claim is what a SigV4-style signature says about itself.
type v4Claim struct {
	accessKey, date, region, service, terminal string
	signedHeaders                              []string
	signature                                  string
	amzDate                                    string // as signed, 20060102T150405Z
	payloadHash                                string
}

// parseCredential reads "ak/date/region/service/terminal".
func (c *v4Claim) parseCredential(v string) error {
	parts := strings.Split(v, "/")
	if len(parts) != 5 {
		return reject(MalformedAuthorization, "credential %q is not access-key/date/region/service/terminal", v)
	}
	c.accessKey, c.date, c.region, c.service, c.terminal = parts[0], parts[1], parts[2], parts[3], parts[4]
	return nil
}

// checkScope checks the credential scope against the signing time, the
// service and, when o names one, the region.
func (c *v4Claim) checkScope(service, terminal string, o Options) error {
	switch {
	case c.terminal != terminal:
		return reject(MalformedAuthorization, "credential scope ends in %q, want %q", c.terminal, terminal)
	case c.service != service:
		return reject(WrongService, "credential scope names service %q, want %q", c.service, service)
	case len(c.amzDate) < 8 || c.date != c.amzDate[:8]:
		return reject(ScopeDate, "credential scope date %q does not match the signing time %q", c.date, c.amzDate)
	case o.Region != "" && c.region != o.Region:
		return reject(WrongRegion, "credential scope region %q, want %q", c.region, o.Region)
	}
	return nil
}

func verifyS3V4(req *http.Request, secret func(string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error {
	auth := authorization(req)
	if auth == "" {
		if req.URL.Query().Has("X-Amz-Signature") || req.URL.Query().Has("X-Amz-Credential") {
			return verifyS3V4Presigned(req, secret, o, maxSkew, now)
		}
		return reject(Anonymous, "s3-v4: no Authorization header")
	}
	if req.URL.Query().Has("X-Amz-Signature") {
		return reject(TwoAuthMechanisms, "both an Authorization header and X-Amz-Signature")
	}
	c, err := parseS3V4Authorization(auth)
	if err != nil {
		return err
	}
	// SigV4 also allows the time in a Date header; every SDK sends
	// X-Amz-Date, and only that is accepted here.
	c.amzDate = req.Header.Get("X-Amz-Date")
	if c.amzDate == "" && req.Header.Get("Date") == "" {
		return reject(MissingDate, "neither X-Amz-Date nor Date")
	}
	signedAt, err := time.Parse(amzDateFormat, c.amzDate)
	if err != nil {
		return reject(BadSignature, "X-Amz-Date %q is not %s", c.amzDate, amzDateFormat)
	}
	if err := c.checkScope("s3", "aws4_request", o); err != nil {
		return err
	}
	if !slices.Contains(c.signedHeaders, "host") {
		return reject(HostNotSigned, "SignedHeaders %q does not include host", strings.Join(c.signedHeaders, ";"))
	}
	if err := amzHeadersSigned(req, c.signedHeaders); err != nil {
		return err
	}
	if c.payloadHash = req.Header.Get("X-Amz-Content-Sha256"); c.payloadHash == "" {
		return reject(MissingContentSHA256, "missing x-amz-content-sha256, which S3 requires")
	}
	if !payloadHashForm(c.payloadHash) {
		return reject(InvalidContentSHA256, "x-amz-content-sha256 %q is neither a SHA-256 in hex nor a known keyword", c.payloadHash)
	}
	key, err := lookUp(secret, c.accessKey)
	if err != nil {
		return err
	}
	if err := checkToken(o, c.accessKey, req.Header.Get("X-Amz-Security-Token")); err != nil {
		return err
	}
	if err := checkSkew(signedAt, now, maxSkew); err != nil {
		return err
	}
	if err := c.check(req, key, req.URL.Query()); err != nil {
		return err
	}
	return checkPayloadHash(req, c.payloadHash)
}

// payloadHashForm says whether an x-amz-content-sha256 value is one S3
// takes: a SHA-256 in lower-case hex, UNSIGNED-PAYLOAD, or a streaming
// keyword (STREAMING-...).
func payloadHashForm(v string) bool {
	if v == unsignedPayload || strings.HasPrefix(v, "STREAMING-") {
		return true
	}
	if len(v) != 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !('0' <= v[i] && v[i] <= '9' || 'a' <= v[i] && v[i] <= 'f') {
			return false
		}
	}
	return true
}

// maxHashedBody is the longest body whose stated hash is compared; a
// longer one is left to the handler, which refuses it for its length.
const maxHashedBody = 1 << 20

// checkPayloadHash compares a stated SHA-256 with the body, which it
// leaves readable.
func checkPayloadHash(req *http.Request, stated string) error {
	if len(stated) != 64 || req.ContentLength > maxHashedBody {
		return nil // a keyword, or too long to read here
	}
	body := []byte{}
	if req.GetBody != nil { // a client's request, already read once
		b, err := req.GetBody()
		if err != nil {
			return nil
		}
		data, err := io.ReadAll(io.LimitReader(b, maxHashedBody+1))
		b.Close()
		if err != nil || len(data) > maxHashedBody {
			return nil
		}
		body = data
	} else if req.Body != nil && req.Body != http.NoBody {
		data, err := io.ReadAll(io.LimitReader(req.Body, maxHashedBody+1))
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(data))
		if err != nil || len(data) > maxHashedBody {
			return nil
		}
		body = data
	}
	if got := sha256Hex(string(body)); got != stated {
		return reject(ContentSHA256Mismatch, "x-amz-content-sha256 %s, but the body's hash is %s", stated, got)
	}
	return nil
}

// checkToken asks Options.Token whether a session token is valid.
func checkToken(o Options, accessKey, token string) error {
	if token != "" && o.Token != nil && !o.Token(accessKey, token) {
		return reject(InvalidToken, "the session token is not valid for %q", accessKey)
	}
	return nil
}

// parseS3V4Authorization reads
// "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…".
func parseS3V4Authorization(auth string) (*v4Claim, error) {
	rest, ok := strings.CutPrefix(auth, s3v4Algorithm+" ")
	if !ok {
		// S3 knows two Authorization forms: a V2 one ("AWS ak:sig") is
		// another dialect's to judge; anything else names an algorithm S3
		// does not have.
		if strings.HasPrefix(auth, "AWS ") {
			return nil, reject(BadSignature, "Authorization does not start with %q", s3v4Algorithm+" ")
		}
		return nil, reject(UnknownAlgorithm, "Authorization does not start with %q", s3v4Algorithm+" ")
	}
	fields := map[string]string{}
	for _, f := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok {
			return nil, reject(MalformedAuthorization, "Authorization field %q has no '='", f)
		}
		if _, dup := fields[k]; dup {
			return nil, reject(MalformedAuthorization, "Authorization field %q repeated", k)
		}
		fields[k] = v
	}
	c := &v4Claim{signature: fields["Signature"]}
	if err := c.parseCredential(fields["Credential"]); err != nil {
		return nil, err
	}
	if fields["SignedHeaders"] == "" || c.signature == "" {
		return nil, reject(MalformedAuthorization, "Authorization lacks SignedHeaders or Signature")
	}
	c.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	return c, nil
}

// amzHeadersSigned rejects x-amz-* headers left out of the signature, as S3
// does: a header that changes what a request means must be signed.
func amzHeadersSigned(req *http.Request, signed []string) error {
	for k := range req.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") && !slices.ContainsFunc(signed, func(s string) bool { return strings.EqualFold(s, lk) }) {
			return reject(HeaderNotSigned, "header %s is present but not signed", lk)
		}
	}
	return nil
}

// verifyS3V4Presigned checks a presigned URL: the signature and its scope
// travel in X-Amz-* query parameters and the payload is unsigned.
func verifyS3V4Presigned(req *http.Request, secret func(string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error {
	q := req.URL.Query()
	if q.Get("X-Amz-Algorithm") != s3v4Algorithm {
		return reject(BadSignature, "X-Amz-Algorithm %q, want %q", q.Get("X-Amz-Algorithm"), s3v4Algorithm)
	}
	c := &v4Claim{signature: q.Get("X-Amz-Signature"), amzDate: q.Get("X-Amz-Date"), payloadHash: unsignedPayload}
	if err := c.parseCredential(q.Get("X-Amz-Credential")); err != nil {
		return err
	}
	signedAt, err := time.Parse(amzDateFormat, c.amzDate)
	if err != nil {
		return reject(BadSignature, "X-Amz-Date %q is not %s", c.amzDate, amzDateFormat)
	}
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || secs < 1 {
		return reject(MalformedAuthorization, "X-Amz-Expires %q is not a number of seconds from 1", q.Get("X-Amz-Expires"))
	}
	if secs > int(s3v4MaxPresigned/time.Second) {
		return reject(PresignedTooLong, "X-Amz-Expires %d is more than 604800 seconds (7 days)", secs)
	}
	if c.signature == "" || q.Get("X-Amz-SignedHeaders") == "" {
		return reject(MalformedAuthorization, "presigned URL lacks X-Amz-Signature or X-Amz-SignedHeaders")
	}
	c.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	if err := c.checkScope("s3", "aws4_request", o); err != nil {
		return err
	}
	key, err := lookUp(secret, c.accessKey)
	if err != nil {
		return err
	}
	if err := checkToken(o, c.accessKey, q.Get("X-Amz-Security-Token")); err != nil {
		return err
	}
	if end := signedAt.Add(time.Duration(secs) * time.Second); now.After(end) {
		return reject(PresignedExpired, "the presigned URL expired at %s; now is %s", end.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if err := checkWindow(signedAt.Add(-maxSkew), signedAt.Add(time.Duration(secs)*time.Second), now); err != nil {
		return err
	}
	q.Del("X-Amz-Signature")
	if err := c.check(req, key, q); err != nil {
		return reject(PresignedBadSignature, "%s", err.(*Rejection).Detail)
	}
	return nil
}

// check recomputes the signature over the canonical request built from
// req, the query q and the claim, and compares it with the claimed one.
func (c *v4Claim) check(req *http.Request, secretKey string, q url.Values) error {
	canonical := strings.Join([]string{
		req.Method,
		s3v4Path(req.URL),
		canonicalQuery(q),
		canonicalHeaders(req, c.signedHeaders, collapseSpaces),
		strings.Join(c.signedHeaders, ";"),
		c.payloadHash,
	}, "\n")
	scope := strings.Join([]string{c.date, c.region, c.service, c.terminal}, "/")
	toSign := strings.Join([]string{s3v4Algorithm, c.amzDate, scope, sha256Hex(canonical)}, "\n")
	key := []byte("AWS4" + secretKey)
	for _, part := range []string{c.date, c.region, c.service, c.terminal} {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !sameSignature(c.signature, want) {
		return reject(BadSignature, "signature does not match; canonical request %q", canonical)
	}
	return nil
}

// s3v4Path is the canonical URI: the path as sent, not escaped again.
func s3v4Path(u *url.URL) string {
	if p := u.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

// canonicalQuery sorts the encoded parameters by name, then value.
func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, false)+"="+uriEncode(v, false))
		}
	}
	slices.SortFunc(pairs, comparePairs)
	return strings.Join(pairs, "&")
}

// canonicalHeaders lists the signed headers as "name:values\n", each value
// cleaned and several values joined by commas.
func canonicalHeaders(req *http.Request, names []string, clean func(string) string) string {
	var b strings.Builder
	for _, n := range names {
		vs := headerValues(req, strings.ToLower(n))
		b.WriteString(n)
		b.WriteByte(':')
		for i, v := range vs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(clean(v))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
