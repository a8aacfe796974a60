// Package signer signs and verifies object-storage requests in the
// signature schemes of the vendors the suite covers.
//
// Signing goes through each vendor's official Go signer wherever one signs
// a plain *http.Request (AWS SigV4, COS, OSS V1/V4, QingStor) or can be fed
// one through a small adapter (BOS). S3 SigV2 has no light official signer
// and is written here. Verification is written here for every scheme: it
// rebuilds what the request says it signed, the way the vendor's server
// does, so that requests from the official SDK clients verify unchanged.
//
// Query-string (presigned) signatures are verified for S3 SigV4 and V2; for
// the other schemes a request that carries one is rejected as BadSignature,
// and a request with no signature at all is Anonymous.
package signer

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Credentials are an access key pair; SessionToken is optional.
type Credentials struct{ AccessKey, SecretKey, SessionToken string }

// Dialect names a signature scheme.
const (
	S3V4     = "s3-v4"    // AWS Signature Version 4, service "s3"
	S3V2     = "s3-v2"    // AWS Signature Version 2 (HMAC-SHA1, "AWS ak:sig")
	COS      = "cos"      // Tencent Cloud COS q-sign-algorithm=sha1
	OSSV1    = "oss-v1"   // Alibaba Cloud OSS V1 ("OSS ak:sig")
	OSSV4    = "oss-v4"   // Alibaba Cloud OSS V4 (OSS4-HMAC-SHA256)
	BCE      = "bce"      // Baidu AI Cloud bce-auth-v1 (BOS)
	QingStor = "qingstor" // QingStor "QS ak:sig" (HMAC-SHA256)
)

// Options carry what some schemes need.
type Options struct {
	// Region is the signing region of S3 V4 and OSS V4. Sign requires it;
	// Verify, when it is set, rejects a credential scope for another region.
	Region string
	// Expiry is how long a COS key time and a BOS signature stay valid;
	// 0 means the scheme's default (COS 1 h, BOS 1800 s).
	Expiry time.Duration
	// Service is the service S3 V4 signs for; empty means "s3". Only a
	// request spoilt on purpose signs for another.
	Service string
	// Token, when set, says whether a session token S3 V4 carries is
	// valid for the access key; a token it refuses is InvalidToken.
	// Unset, tokens are not checked.
	Token func(accessKey, token string) bool
	// Bucket names the bucket of a virtual-hosted-style request (the bucket
	// in the host name) for the schemes whose canonical resource starts
	// with the bucket: S3 V2, OSS V1 and OSS V4. The host alone cannot say
	// where a bucket name ends. Empty means the request is path-style (the
	// first path segment is the bucket) or addresses no bucket.
	Bucket string
}

type scheme struct {
	sign   func(req *http.Request, c Credentials, o Options, now time.Time) error
	verify func(req *http.Request, secret func(string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error
}

// Presign turns req into a presigned URL (a query-string signature) valid
// for expires from now. S3 V4 and S3 V2 presign.
func Presign(dialect string, req *http.Request, c Credentials, o Options, now time.Time, expires time.Duration) error {
	presign := map[string]func(*http.Request, Credentials, Options, time.Time, time.Duration) error{S3V4: presignS3V4, S3V2: presignS3V2}[dialect]
	if presign == nil {
		return fmt.Errorf("signer: %s: presigning is for %s and %s only", dialect, S3V4, S3V2)
	}
	if req == nil || req.URL == nil {
		return errors.New("signer: no request or no URL to presign")
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return fmt.Errorf("signer: %s: empty access key or secret", dialect)
	}
	if req.URL.Path == "" {
		req.URL.Path = "/"
	}
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	if err := presign(req, c, o, now, expires); err != nil {
		return fmt.Errorf("signer: %s: %w", dialect, err)
	}
	return nil
}

var schemes = map[string]scheme{
	S3V4:     {signS3V4, verifyS3V4},
	S3V2:     {signS3V2, verifyS3V2},
	COS:      {signCOS, verifyCOS},
	OSSV1:    {signOSSV1, verifyOSSV1},
	OSSV4:    {signOSSV4, verifyOSSV4},
	BCE:      {signBCE, verifyBCE},
	QingStor: {signQingStor, verifyQingStor},
}

// Dialects lists the supported dialect names, sorted.
func Dialects() []string {
	names := make([]string, 0, len(schemes))
	for n := range schemes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Sign signs req in place for dialect at time now, setting every header
// the scheme needs (Date / x-amz-date / x-amz-content-sha256 / x-oss-date /
// x-oss-content-sha256 / x-bce-date / Host as appropriate) and
// Authorization. An empty URL path is signed, and left, as "/", which is
// what an HTTP client sends for it.
func Sign(dialect string, req *http.Request, c Credentials, o Options, now time.Time) error {
	s, ok := schemes[dialect]
	if !ok {
		return fmt.Errorf("signer: unknown dialect %q", dialect)
	}
	if req == nil || req.URL == nil {
		return errors.New("signer: no request or no URL to sign")
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return fmt.Errorf("signer: %s: empty access key or secret", dialect)
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if req.URL.Path == "" && req.URL.RawPath == "" && req.URL.Opaque == "" {
		req.URL.Path = "/"
	}
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	if err := s.sign(req, c, o, now); err != nil {
		return fmt.Errorf("signer: %s: %w", dialect, err)
	}
	return nil
}

// Failure is why a request is rejected. The names are the keys of
// contract.Auth.Rejections.
type Failure string

// The failures Verify reports.
const (
	Anonymous    Failure = "anonymous"    // no credentials at all
	UnknownKey   Failure = "unknownKey"   // the access key is not known
	BadSignature Failure = "badSignature" // the signature does not match, or the Authorization value is malformed
	ClockSkew    Failure = "clockSkew"    // signed too far from the server's clock, or outside the signature's own validity window

	// The finer failures S3 V4 (and the V4-style scope of OSS V4) tells
	// apart, each with its own answer in S3. A server that does not tell
	// one apart answers its Base.
	MalformedAuthorization Failure = "malformedAuthorization" // Authorization lacks Credential, SignedHeaders or Signature, or the credential is not ak/date/region/service/terminal
	UnknownAlgorithm       Failure = "unknownAlgorithm"       // Authorization names an algorithm the dialect does not have
	ScopeDate              Failure = "scopeDate"              // the credential scope's date is not the signing date
	WrongService           Failure = "wrongService"           // the credential scope names another service
	WrongRegion            Failure = "wrongRegion"            // the credential scope names another region
	HostNotSigned          Failure = "hostNotSigned"          // SignedHeaders leaves out host
	HeaderNotSigned        Failure = "headerNotSigned"        // an x-amz-* header is present but not signed
	MissingDate            Failure = "missingDate"            // neither x-amz-date nor Date (S3 V4, S3 V2), or no date header at all
	MissingContentSHA256   Failure = "missingContentSHA256"   // no x-amz-content-sha256
	InvalidContentSHA256   Failure = "invalidContentSHA256"   // x-amz-content-sha256 is neither a hash nor a known keyword
	ContentSHA256Mismatch  Failure = "contentSHA256Mismatch"  // x-amz-content-sha256 is not the hash of the body
	InvalidToken           Failure = "invalidToken"           // the session token is not valid (Options.Token)
	TwoAuthMechanisms      Failure = "twoAuthMechanisms"      // both an Authorization header and a query-string signature
	PresignedExpired       Failure = "presignedExpired"       // a presigned URL past its X-Amz-Expires
	PresignedTooLong       Failure = "presignedTooLong"       // a presigned URL's X-Amz-Expires is not 1..604800 seconds
	PresignedBadSignature  Failure = "presignedBadSignature"  // a presigned URL's signature does not match

	// InvalidAuthorization: an Authorization of the "<prefix>ak:signature"
	// form (S3 V2, OSS V1, QingStor) without the colon and signature.
	InvalidAuthorization Failure = "invalidAuthorization"

	// SignatureExpired: a signature that carries its own validity window
	// (COS q-sign-time, BOS timestamp plus expiration period) whose window
	// has ended, though it was made within the clock skew allowed: COS
	// and BOS document an answer of their own for it.
	SignatureExpired Failure = "signatureExpired"
)

// Base is the one of the four basic failures a failure is a kind of:
// what a server answers that does not tell the finer failure apart.
func (f Failure) Base() Failure {
	switch f {
	case Anonymous, UnknownKey, BadSignature, ClockSkew:
		return f
	case PresignedExpired, SignatureExpired:
		return ClockSkew
	}
	return BadSignature
}

// Finer lists the finer failures, in documentation order.
func Finer() []Failure {
	return []Failure{
		MalformedAuthorization, UnknownAlgorithm, ScopeDate, WrongService, WrongRegion,
		HostNotSigned, HeaderNotSigned, MissingDate, MissingContentSHA256, InvalidContentSHA256,
		ContentSHA256Mismatch, InvalidToken, TwoAuthMechanisms,
		PresignedExpired, PresignedTooLong, PresignedBadSignature,
		InvalidAuthorization, SignatureExpired,
	}
}

// Rejection is a verification failure: what kind, and a detail for humans.
type Rejection struct {
	Failure Failure
	Detail  string
}

// Error returns the failure and its detail.
func (r *Rejection) Error() string {
	if r.Detail == "" {
		return "signer: " + string(r.Failure)
	}
	return "signer: " + string(r.Failure) + ": " + r.Detail
}

func reject(f Failure, format string, args ...any) *Rejection {
	return &Rejection{Failure: f, Detail: fmt.Sprintf(format, args...)}
}

// Verify checks req's signature as the vendor's server does: it finds the
// access key in the request, looks its secret up, recomputes the signature
// over what the request says it signed, and compares in constant time. It
// returns nil or a *Rejection; an unknown dialect is a plain error.
//
// maxSkew is the allowed distance between the signing time and now for
// schemes with one signing time (S3 v4/v2, OSS v1/v4, QingStor; 15 min is
// usual). For COS the q-sign-time window and for BOS timestamp+expiration
// define validity (requests outside are ClockSkew); a BOS timestamp more
// than maxSkew in the future is ClockSkew too.
//
// The checks run in the order a server runs them: a malformed value is
// BadSignature (or, for S3 V4, the finer failure that says how), then an
// unknown key is UnknownKey, then the time is checked, and last the
// signature. S3 V4 then compares a stated payload hash with the body,
// which it reads (up to 1 MiB) and leaves readable; the other schemes do
// not read the body.
func Verify(dialect string, req *http.Request, secret func(accessKey string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error {
	s, ok := schemes[dialect]
	if !ok {
		return fmt.Errorf("signer: unknown dialect %q", dialect)
	}
	if req == nil || req.URL == nil {
		return reject(BadSignature, "no request or no URL")
	}
	if secret == nil {
		secret = func(string) (string, bool) { return "", false }
	}
	return s.verify(req, secret, o, maxSkew, now)
}
