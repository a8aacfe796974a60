package signer

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

const maxSkew = 15 * time.Minute

var (
	now   = time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	creds = Credentials{AccessKey: "AKIDROUNDTRIP", SecretKey: "round/trip+secret"}
)

// optsFor gives each dialect the options it needs.
func optsFor(dialect string) Options {
	switch dialect {
	case S3V4:
		return Options{Region: "us-east-1"}
	case OSSV4:
		return Options{Region: "cn-hangzhou"}
	}
	return Options{}
}

func knownSecret(ak string) (string, bool) {
	if ak == creds.AccessKey {
		return creds.SecretKey, true
	}
	return "", false
}

// signedGET is a GET Service request with paging parameters, signed at t.
func signedGET(t *testing.T, dialect string, t0 time.Time) *http.Request {
	t.Helper()
	req := newGET(t, "http://storage.example.com/?marker=a%20b&max-keys=10")
	if err := Sign(dialect, req, creds, optsFor(dialect), t0); err != nil {
		t.Fatal(err)
	}
	return req
}

func failure(err error) Failure {
	var r *Rejection
	if errors.As(err, &r) {
		return r.Failure
	}
	if err == nil {
		return ""
	}
	return "not a Rejection: " + Failure(err.Error())
}

func wantFailure(t *testing.T, err error, want Failure) {
	t.Helper()
	if got := failure(err); got != want {
		t.Errorf("Verify = %v, want failure %q", err, want)
	}
}

// isKindOf says whether got is base or one of the finer failures whose
// Base it is.
func isKindOf(got, base Failure) bool {
	return got == base || slices.Contains(Finer(), got) && got.Base() == base
}

func verify(dialect string, req *http.Request) error {
	return Verify(dialect, req, knownSecret, optsFor(dialect), maxSkew, now)
}

func TestRoundTrip(t *testing.T) {
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			if err := verify(d, signedGET(t, d, now)); err != nil {
				t.Errorf("right secret: %v", err)
			}

			req := signedGET(t, d, now)
			err := Verify(d, req, func(string) (string, bool) { return "another secret", true }, optsFor(d), maxSkew, now)
			wantFailure(t, err, BadSignature)

			err = Verify(d, req, func(string) (string, bool) { return "", false }, optsFor(d), maxSkew, now)
			wantFailure(t, err, UnknownKey)

			req.Header.Del("Authorization")
			wantFailure(t, verify(d, req), Anonymous)

			req = signedGET(t, d, now)
			req.URL.Path = "/other"
			wantFailure(t, verify(d, req), BadSignature)
		})
	}
}

// staleSigningTime is a signing time whose signature is no longer valid
// now: 20 min off the clock, or past the default window for COS and BOS.
func staleSigningTime(dialect string) time.Time {
	switch dialect {
	case COS:
		return now.Add(-cosDefaultExpiry - time.Minute)
	case BCE:
		return now.Add(-bceDefaultExpiry - time.Minute)
	}
	return now.Add(-20 * time.Minute)
}

func TestClockSkew(t *testing.T) {
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			wantFailure(t, verify(d, signedGET(t, d, staleSigningTime(d))), ClockSkew)
			wantFailure(t, verify(d, signedGET(t, d, now.Add(20*time.Minute))), ClockSkew)
			// Inside the allowance the same request is fine.
			if err := verify(d, signedGET(t, d, now.Add(-10*time.Minute))); err != nil {
				t.Errorf("signed 10 min ago: %v", err)
			}
		})
	}
}

// A COS or BOS signature whose own window has run out, made within the
// skew allowed, is SignatureExpired (a kind of ClockSkew); one made
// further back than the skew is ClockSkew, whatever its window.
func TestExpiryOption(t *testing.T) {
	for _, d := range []string{COS, BCE} {
		req := newGET(t, "http://storage.example.com/")
		if err := Sign(d, req, creds, Options{Expiry: 5 * time.Minute}, now.Add(-6*time.Minute)); err != nil {
			t.Fatal(err)
		}
		err := verify(d, req)
		wantFailure(t, err, SignatureExpired)
		if !isKindOf(failure(err), ClockSkew) {
			t.Errorf("%s: %s is not a kind of clock skew", d, failure(err))
		}
		req = newGET(t, "http://storage.example.com/")
		if err := Sign(d, req, creds, Options{Expiry: 5 * time.Minute}, now.Add(-maxSkew-time.Minute)); err != nil {
			t.Fatal(err)
		}
		wantFailure(t, verify(d, req), ClockSkew)
	}
}

// signsQuery says which schemes sign the paging parameters of GET Service.
var signsQuery = map[string]bool{S3V4: true, COS: true, OSSV4: true, BCE: true}

func TestTamperedQuery(t *testing.T) {
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			req := signedGET(t, d, now)
			req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "max-keys=10", "max-keys=11", 1)
			if signsQuery[d] {
				wantFailure(t, verify(d, req), BadSignature)
			} else if err := verify(d, req); err != nil {
				t.Errorf("%s does not sign max-keys, yet Verify = %v", d, err)
			}
		})
	}
}

func TestAddedQueryParameterCOS(t *testing.T) {
	req := signedGET(t, COS, now)
	req.URL.RawQuery += "&prefix=x"
	wantFailure(t, verify(COS, req), BadSignature)
}

func TestUnsignedAmzHeaderS3V4(t *testing.T) {
	req := signedGET(t, S3V4, now)
	req.Header.Set("X-Amz-Acl", "public-read")
	wantFailure(t, verify(S3V4, req), HeaderNotSigned)
}

func TestWrongRegion(t *testing.T) {
	for _, d := range []string{S3V4, OSSV4} {
		req := signedGET(t, d, now)
		wantFailure(t, Verify(d, req, knownSecret, Options{Region: "eu-west-1"}, maxSkew, now), WrongRegion)
		// Without a region to insist on, the scope's region is taken.
		if err := Verify(d, req, knownSecret, Options{}, maxSkew, now); err != nil {
			t.Errorf("%s without Options.Region: %v", d, err)
		}
	}
}

func TestGarbageAuthorization(t *testing.T) {
	garbage := []string{
		"Auth String",
		"AWS4-HMAC-SHA256 Credential=",
		"AWS4-HMAC-SHA256 Credential=AKIDROUNDTRIP/20250607/us-east-1/s3/aws4_request",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=, Signature=",
		"AWS ",
		"AWS :",
		"OSS AKIDROUNDTRIP",
		"OSS4-HMAC-SHA256 Credential=a/b/c/d/e,Signature=00",
		"OSS4-HMAC-SHA256 ,,,",
		"QS :x",
		"bce-auth-v1/////",
		"bce-auth-v1/AKIDROUNDTRIP/yesterday/1800//00",
		"bce-auth-v1/AKIDROUNDTRIP/2025-06-07T08:09:10Z/-5/host/00",
		"bce-auth-v1/AKIDROUNDTRIP/2025-06-07T08:09:10Z/9223372036854775807/host/00",
		"q-sign-algorithm=sha1",
		"q-sign-algorithm=md5&q-ak=AKIDROUNDTRIP&q-sign-time=1;2&q-key-time=1;2&q-header-list=&q-url-param-list=&q-signature=00",
		"q-sign-algorithm=sha1&q-ak=AKIDROUNDTRIP&q-sign-time=2;1&q-key-time=2;1&q-header-list=&q-url-param-list=&q-signature=00",
		"\x00\xff\xfe=&=;/:,",
		strings.Repeat("/", 5),
	}
	for _, d := range Dialects() {
		for _, g := range garbage {
			req := signedGET(t, d, now)
			req.Header.Set("Authorization", g)
			if got := failure(verify(d, req)); !isKindOf(got, BadSignature) {
				t.Errorf("%s with Authorization %q: %q, want %q or a finer kind of it", d, g, got, BadSignature)
			}
		}
	}
}

func TestGarbageTimeHeaders(t *testing.T) {
	for _, d := range Dialects() {
		req := signedGET(t, d, now)
		for _, h := range []string{"Date", "X-Amz-Date", "X-Oss-Date"} {
			if req.Header.Get(h) != "" {
				req.Header.Set(h, "not a date")
			}
		}
		if d == BCE || d == COS {
			continue // the time is inside Authorization
		}
		wantFailure(t, verify(d, req), BadSignature)
	}
}

func TestVerifyOddRequests(t *testing.T) {
	for _, d := range Dialects() {
		wantFailure(t, Verify(d, nil, knownSecret, Options{}, maxSkew, now), BadSignature)
		wantFailure(t, Verify(d, &http.Request{}, knownSecret, Options{}, maxSkew, now), BadSignature)
		req := signedGET(t, d, now)
		wantFailure(t, Verify(d, req, nil, optsFor(d), maxSkew, now), UnknownKey)
		req.Header = nil
		wantFailure(t, verify(d, req), Anonymous)
	}
	if err := Verify("sigv5", newGET(t, "http://x/"), knownSecret, Options{}, maxSkew, now); err == nil || failure(err) == Anonymous {
		t.Errorf("unknown dialect: %v", err)
	}
	if err := Sign("sigv5", newGET(t, "http://x/"), creds, Options{}, now); err == nil {
		t.Error("Sign of an unknown dialect succeeded")
	}
}

func TestQueryStringSignaturesAreNotAnonymous(t *testing.T) {
	cases := map[string]string{
		S3V2:     "AWSAccessKeyId=AKIDROUNDTRIP&Expires=99999999999&Signature=x",
		COS:      "q-sign-algorithm=sha1&q-signature=x",
		OSSV1:    "OSSAccessKeyId=AKIDROUNDTRIP&Expires=1&Signature=x",
		OSSV4:    "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-signature=x",
		BCE:      "authorization=bce-auth-v1%2Fx",
		QingStor: "access_key_id=AKIDROUNDTRIP&expires=1&signature=x",
		S3V4:     "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=x",
	}
	for d, q := range cases {
		req := newGET(t, "http://storage.example.com/?"+q)
		if got := failure(verify(d, req)); !isKindOf(got, BadSignature) {
			t.Errorf("%s with %s: %q, want %q or a finer kind of it", d, q, got, BadSignature)
		}
	}
}

func TestSessionToken(t *testing.T) {
	tokenHeader := map[string]string{
		S3V4: "X-Amz-Security-Token", S3V2: "X-Amz-Security-Token", COS: "X-Cos-Security-Token",
		OSSV1: "X-Oss-Security-Token", OSSV4: "X-Oss-Security-Token", BCE: "X-Bce-Security-Token",
	}
	c := creds
	c.SessionToken = "token-1"
	for _, d := range Dialects() {
		req := newGET(t, "http://storage.example.com/")
		err := Sign(d, req, c, optsFor(d), now)
		if d == QingStor {
			if err == nil {
				t.Error("qingstor signed with a session token it cannot send")
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get(tokenHeader[d]); got != "token-1" {
			t.Errorf("%s: %s = %q", d, tokenHeader[d], got)
		}
		if err := verify(d, req); err != nil {
			t.Errorf("%s: %v", d, err)
		}
		req.Header.Set(tokenHeader[d], "token-2")
		wantFailure(t, verify(d, req), BadSignature)
	}
}

func TestSignNeedsRegion(t *testing.T) {
	for _, d := range []string{S3V4, OSSV4} {
		if err := Sign(d, newGET(t, "http://x/"), creds, Options{}, now); err == nil {
			t.Errorf("%s signed without a region", d)
		}
	}
}

// TestSetUpCallsOverLoopback signs the suite's set-up calls and sends them
// to a server on 127.0.0.1 that verifies them as received, so that what
// net/http does to a request on the way (Host, Content-Length) is covered.
func TestSetUpCallsOverLoopback(t *testing.T) {
	type call struct {
		method, path, query, body string
		virtualHost               bool
	}
	calls := []call{
		{"GET", "/", "marker=a&max-keys=2", "", false},
		{"PUT", "/bucket-1", "", "", false},
		{"PUT", "/bucket-1/", "tagging", "<Tagging><TagSet><Tag><Key>k</Key><Value>v w</Value></Tag></TagSet></Tagging>", false},
		{"PUT", "/", "tagging", `{"tags":[]}`, true},
		{"DELETE", "/bucket-1", "", "", false},
	}
	for _, d := range Dialects() {
		for _, c := range calls {
			var got error
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				o := optsFor(d)
				if c.virtualHost {
					o.Bucket = "bucket-1"
				}
				got = Verify(d, r, knownSecret, o, maxSkew, time.Now())
			}))
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			req, err := http.NewRequest(c.method, srv.URL+c.path+"?"+c.query, body)
			if err != nil {
				t.Fatal(err)
			}
			if c.body != "" {
				req.Header.Set("Content-Type", "application/xml")
				req.Header.Set("Content-MD5", "placeholder")
			}
			o := optsFor(d)
			if c.virtualHost {
				o.Bucket = "bucket-1"
			}
			if err := Sign(d, req, creds, o, time.Now()); err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			srv.Close()
			if got != nil {
				t.Errorf("%s %s %s?%s: %v", d, c.method, c.path, c.query, got)
			}
		}
	}
}

func TestPayloadHashS3V4(t *testing.T) {
	body := "<Tagging/>"
	req, _ := http.NewRequest("PUT", "http://s3.example.com/b?tagging", strings.NewReader(body))
	if err := Sign(S3V4, req, creds, optsFor(S3V4), now); err != nil {
		t.Fatal(err)
	}
	if got, want := req.Header.Get("X-Amz-Content-Sha256"), sha256Hex(body); got != want {
		t.Errorf("x-amz-content-sha256 = %s, want %s", got, want)
	}
	if b, _ := io.ReadAll(req.Body); string(b) != body {
		t.Errorf("body after signing = %q", b)
	}
	if err := verify(S3V4, req); err != nil {
		t.Error(err)
	}
	req.Header.Set("X-Amz-Content-Sha256", sha256Hex("other"))
	wantFailure(t, verify(S3V4, req), BadSignature)
	// Signed as stated, a hash that is not the body's is refused after
	// the signature, as is one that is no hash at all, before it.
	for value, want := range map[string]Failure{sha256Hex("other"): ContentSHA256Mismatch, "not-a-hash": InvalidContentSHA256} {
		req, _ := http.NewRequest("PUT", "http://s3.example.com/b?tagging", strings.NewReader(body))
		req.Header.Set("X-Amz-Content-Sha256", value)
		if err := Sign(S3V4, req, creds, optsFor(S3V4), now); err != nil {
			t.Fatal(err)
		}
		wantFailure(t, verify(S3V4, req), want)
	}

	unsignedReq := newGET(t, "http://s3.example.com/")
	unsignedReq.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
	if err := Sign(S3V4, unsignedReq, creds, optsFor(S3V4), now); err != nil {
		t.Fatal(err)
	}
	if err := verify(S3V4, unsignedReq); err != nil {
		t.Errorf("UNSIGNED-PAYLOAD: %v", err)
	}
	unsignedReq.Header.Del("X-Amz-Content-Sha256")
	wantFailure(t, verify(S3V4, unsignedReq), MissingContentSHA256)
}

func TestDialects(t *testing.T) {
	got := strings.Join(Dialects(), ",")
	if want := "bce,cos,oss-v1,oss-v4,qingstor,s3-v2,s3-v4"; got != want {
		t.Errorf("Dialects() = %s, want %s", got, want)
	}
}

func TestBothAuthMechanismsS3V4(t *testing.T) {
	req := signedGET(t, S3V4, now)
	req.URL.RawQuery += "&X-Amz-Signature=00"
	wantFailure(t, verify(S3V4, req), TwoAuthMechanisms)
}

// With an X-QS-Date header QingStor signs an empty Date line and takes the
// time from X-QS-Date.
func TestQingStorXQSDate(t *testing.T) {
	req := newGET(t, "http://qingstor.example.com/")
	req.Header.Set("X-QS-Date", now.Add(-time.Minute).Format(http.TimeFormat))
	if err := Sign(QingStor, req, creds, Options{}, now); err != nil {
		t.Fatal(err)
	}
	if err := verify(QingStor, req); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Date", now.Add(-time.Hour).Format(http.TimeFormat))
	if err := verify(QingStor, req); err != nil {
		t.Errorf("Date is neither signed nor the time once X-QS-Date is present: %v", err)
	}
	req.Header.Set("X-QS-Date", now.Add(-2*time.Minute).Format(http.TimeFormat))
	wantFailure(t, verify(QingStor, req), BadSignature)
	req.Header.Set("X-QS-Date", now.Add(-time.Hour).Format(http.TimeFormat))
	wantFailure(t, verify(QingStor, req), ClockSkew)
}

func TestPresignedExpiresOutOfRange(t *testing.T) {
	for exp, want := range map[string]Failure{"0": MalformedAuthorization, "604801": PresignedTooLong, "9223372036854775807": PresignedTooLong, "x": MalformedAuthorization} {
		req := newGET(t, "http://s3.example.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDROUNDTRIP%2F20250607%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250607T080910Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Expires="+exp)
		wantFailure(t, verify(S3V4, req), want)
	}
}

// A wrong secret must give a wrong signature even right after the right
// one signed for the same access key (the AWS SDK's key cache ignores the
// secret).
func TestWrongSecretAfterRightOne(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, d := range Dialects() {
		sign := func(secret string) string {
			req, _ := http.NewRequest("GET", "http://127.0.0.1:9000/", nil)
			if err := Sign(d, req, Credentials{AccessKey: "AKIDEXAMPLE", SecretKey: secret}, Options{Region: "us-east-1"}, now); err != nil {
				t.Fatalf("%s: %v", d, err)
			}
			return req.Header.Get("Authorization")
		}
		right := sign("SECRETEXAMPLE")
		if wrong := sign("not-SECRETEXAMPLE"); wrong == right {
			t.Errorf("%s: a wrong secret signed like the right one: %s", d, wrong)
		}
	}
}
