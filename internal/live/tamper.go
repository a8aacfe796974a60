package live

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// Tamper makes a request fail authentication in one named way. Every
// tamper starts from the official signer: it signs with altered inputs
// (a wrong secret, region or service, a bogus session token, a stated
// payload hash), or it edits what the signer wrote in exactly one place.
type Tamper int

const (
	Signed       Tamper = iota
	Anonymous           // no credentials
	BadSignature        // signed with a wrong secret
	UnknownKey          // signed with an access key nobody has
	Skewed              // signed two hours before the target's clock: past every skew and window

	// The S3 V4 catalogue: each of the ways S3 documents an answer for.
	NoCredential          // Authorization without its Credential field
	NoSignedHeaders       // Authorization without its SignedHeaders field
	NoSignature           // Authorization without its Signature field
	UnknownAlgorithm      // AWS5-HMAC-SHA256 for AWS4-HMAC-SHA256
	ScopeDate             // the credential scope dated the day before x-amz-date
	WrongService          // signed for the service sts
	WrongRegion           // signed for another region than the target's
	HostUnsigned          // host taken out of SignedHeaders
	HeaderUnsigned        // an x-amz-meta- header added after signing
	NoDate                // x-amz-date taken out, and no Date either
	NoContentSHA256       // x-amz-content-sha256 taken out
	InvalidContentSHA256  // x-amz-content-sha256 that is not a hash, signed
	ContentSHA256Mismatch // x-amz-content-sha256 of another body, signed
	InvalidToken          // signed with a session token nobody issued
	TwoAuthMechanisms     // a signed Authorization and X-Amz-Signature in the query
	Presigned             // a valid presigned URL: not spoilt, signed another way
	PresignedExpired      // presigned two hours ago for one hour
	PresignedTooLong      // presigned for 604801 seconds, past the 7-day limit
	PresignedBadSignature // presigned with a wrong secret

	// The S3 V2 catalogue: signed with V2 whatever the run's signature,
	// wherever the profile accepts V2.
	V2NoSignature           // "AWS ak" without the colon and signature
	V2NoDate                // Date taken out, and no x-amz-date either
	V2Skewed                // signed two hours ago
	V2BadSignature          // signed with a wrong secret
	V2UnknownKey            // signed with an access key nobody has
	V2Presigned             // a valid V2 presigned URL (Expires in the query)
	V2PresignedExpired      // presigned two hours ago for one hour
	V2PresignedBadSignature // presigned with a wrong secret

	// BOS: a bce-auth-v1 Authorization that is not the six fields the
	// scheme has.
	BCEMalformed // the signed-headers field taken out

	// The catalogues of COS, OSS V1 and BOS (tamper_vendors.go).
	COSExpired       // a q-sign-time window of 5 minutes that ended 5 minutes ago
	BCEExpired       // bce-auth-v1 signed 10 minutes ago for 300 seconds
	OSSV1NoSignature // "OSS ak" without the colon and signature
	OSSV1NoDate      // Date taken out, and no x-oss-date either
	OSSV1EmptySig    // "OSS ak:" with nothing after the colon
	OSSV1NoKey       // "OSS :signature" without the access key

	tamperCount
)

// UnsignedHeader is the header HeaderUnsigned adds after signing.
const UnsignedHeader = "X-Amz-Meta-Gsc-Unsigned"

// tamperInfo describes a tamper.
type tamperInfo struct {
	name string
	// failure is the contract.Auth.Rejections key of the answer the
	// tamper provokes; "" for a request that is to be accepted.
	failure signer.Failure
	// what the request is, for spec titles.
	what string
	// dialects are the signature dialects of a run the tamper applies
	// to; nil: every one.
	dialects []string
	// signs, when set, is the dialect the tamper signs in whatever the
	// run's; it applies wherever the profile accepts that dialect.
	signs string
	// presigns: the signature travels in the URL, not in headers.
	presigns bool
	// spoil signs req the tamper's way.
	spoil func(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error
}

var s3v4Only = []string{signer.S3V4}

var tampers = [tamperCount]tamperInfo{
	Signed:       {name: "signed", spoil: signWith(nil)},
	Anonymous:    {name: "anonymous", failure: signer.Anonymous, what: "an anonymous request"},
	BadSignature: {name: "badSignature", failure: signer.BadSignature, what: "a bad signature", spoil: signWith(func(c *signer.Credentials, _ *signer.Options, _ *time.Time) { c.SecretKey = "not-" + c.SecretKey })},
	UnknownKey:   {name: "unknownKey", failure: signer.UnknownKey, what: "an unknown access key", spoil: signWith(func(c *signer.Credentials, _ *signer.Options, _ *time.Time) { c.AccessKey = "GSCUNKNOWNKEY00000000" })},
	Skewed:       {name: "clockSkew", failure: signer.ClockSkew, what: "a request signed two hours ago", spoil: signWith(func(_ *signer.Credentials, _ *signer.Options, now *time.Time) { *now = now.Add(-2 * time.Hour) })},

	NoCredential:     {name: "noCredential", failure: signer.MalformedAuthorization, what: "an Authorization without Credential", dialects: s3v4Only, spoil: editAuthorization(dropField("Credential"))},
	NoSignedHeaders:  {name: "noSignedHeaders", failure: signer.MalformedAuthorization, what: "an Authorization without SignedHeaders", dialects: s3v4Only, spoil: editAuthorization(dropField("SignedHeaders"))},
	NoSignature:      {name: "noSignature", failure: signer.MalformedAuthorization, what: "an Authorization without Signature", dialects: s3v4Only, spoil: editAuthorization(dropField("Signature"))},
	UnknownAlgorithm: {name: "unknownAlgorithm", failure: signer.UnknownAlgorithm, what: "an unknown signing algorithm", dialects: s3v4Only, spoil: editAuthorization(func(a string) string { return strings.Replace(a, "AWS4-HMAC-SHA256", "AWS5-HMAC-SHA256", 1) })},
	ScopeDate:        {name: "scopeDate", failure: signer.ScopeDate, what: "a credential scope dated the day before x-amz-date", dialects: s3v4Only, spoil: scopeDayBefore},
	WrongService:     {name: "wrongService", failure: signer.WrongService, what: "another service in the credential scope", dialects: s3v4Only, spoil: signWith(func(_ *signer.Credentials, o *signer.Options, _ *time.Time) { o.Service = "sts" })},
	WrongRegion:      {name: "wrongRegion", failure: signer.WrongRegion, what: "another region in the credential scope", dialects: s3v4Only, spoil: signWith(func(_ *signer.Credentials, o *signer.Options, _ *time.Time) { o.Region = OtherRegion(o.Region) })},
	HostUnsigned:     {name: "hostUnsigned", failure: signer.HostNotSigned, what: "host left out of SignedHeaders", dialects: s3v4Only, spoil: editAuthorization(dropSignedHeader("host"))},
	HeaderUnsigned:   {name: "headerUnsigned", failure: signer.HeaderNotSigned, what: "an x-amz-meta header sent but not signed", dialects: s3v4Only, spoil: headerAfterSigning},
	NoDate:           {name: "noDate", failure: signer.MissingDate, what: "neither x-amz-date nor Date", dialects: s3v4Only, spoil: dropAfterSigning("X-Amz-Date")},
	NoContentSHA256:  {name: "noContentSHA256", failure: signer.MissingContentSHA256, what: "no x-amz-content-sha256", dialects: s3v4Only, spoil: dropAfterSigning("X-Amz-Content-Sha256")},
	InvalidContentSHA256: {name: "invalidContentSHA256", failure: signer.InvalidContentSHA256, what: "an x-amz-content-sha256 that is no hash", dialects: s3v4Only,
		spoil: statePayloadHash("not-a-sha256")},
	ContentSHA256Mismatch: {name: "contentSHA256Mismatch", failure: signer.ContentSHA256Mismatch, what: "an x-amz-content-sha256 of another body", dialects: s3v4Only,
		spoil: statePayloadHash(sha256Hex("a body this request does not carry"))},
	InvalidToken: {name: "invalidToken", failure: signer.InvalidToken, what: "a session token nobody issued", dialects: s3v4Only,
		spoil: signWith(func(c *signer.Credentials, _ *signer.Options, _ *time.Time) {
			c.SessionToken = "GSCINVALIDSESSIONTOKEN0000"
		})},
	TwoAuthMechanisms: {name: "twoAuthMechanisms", failure: signer.TwoAuthMechanisms, what: "both an Authorization header and a query signature", dialects: s3v4Only, spoil: querySignatureToo},

	Presigned:             {name: "presigned", what: "a valid presigned URL", dialects: s3v4Only, presigns: true, spoil: presign(0, 15*time.Minute, false)},
	PresignedExpired:      {name: "presignedExpired", failure: signer.PresignedExpired, what: "an expired presigned URL", dialects: s3v4Only, presigns: true, spoil: presign(-2*time.Hour, time.Hour, false)},
	PresignedTooLong:      {name: "presignedTooLong", failure: signer.PresignedTooLong, what: "a presigned URL valid for more than 7 days", dialects: s3v4Only, presigns: true, spoil: presign(0, 7*24*time.Hour+time.Second, false)},
	PresignedBadSignature: {name: "presignedBadSignature", failure: signer.PresignedBadSignature, what: "a presigned URL with a bad signature", dialects: s3v4Only, presigns: true, spoil: presign(0, 15*time.Minute, true)},

	V2NoSignature:  {name: "v2NoSignature", failure: signer.InvalidAuthorization, what: "a SigV2 Authorization without its signature", signs: signer.S3V2, spoil: editAuthorization(dropKeyColonSignature)},
	V2NoDate:       {name: "v2NoDate", failure: signer.MissingDate, what: "a SigV2 request with neither Date nor x-amz-date", signs: signer.S3V2, spoil: dropAfterSigning("Date")},
	V2Skewed:       {name: "v2ClockSkew", failure: signer.ClockSkew, what: "a SigV2 request signed two hours ago", signs: signer.S3V2, spoil: signWith(func(_ *signer.Credentials, _ *signer.Options, now *time.Time) { *now = now.Add(-2 * time.Hour) })},
	V2BadSignature: {name: "v2BadSignature", failure: signer.BadSignature, what: "a SigV2 request with a bad signature", signs: signer.S3V2, spoil: signWith(func(c *signer.Credentials, _ *signer.Options, _ *time.Time) { c.SecretKey = "not-" + c.SecretKey })},
	V2UnknownKey:   {name: "v2UnknownKey", failure: signer.UnknownKey, what: "a SigV2 request with an unknown access key", signs: signer.S3V2, spoil: signWith(func(c *signer.Credentials, _ *signer.Options, _ *time.Time) { c.AccessKey = "GSCUNKNOWNKEY00000000" })},

	V2Presigned:        {name: "v2Presigned", what: "a valid SigV2 presigned URL", signs: signer.S3V2, presigns: true, spoil: presign(0, 15*time.Minute, false)},
	V2PresignedExpired: {name: "v2PresignedExpired", failure: signer.PresignedExpired, what: "an expired SigV2 presigned URL", signs: signer.S3V2, presigns: true, spoil: presign(-2*time.Hour, time.Hour, false)},
	BCEMalformed: {name: "bceMalformed", failure: signer.MalformedAuthorization, what: "a bce-auth-v1 Authorization without its signed-headers field", dialects: []string{signer.BCE},
		spoil: editAuthorization(dropBCESignedHeaders)},

	V2PresignedBadSignature: {name: "v2PresignedBadSignature", failure: signer.PresignedBadSignature, what: "a SigV2 presigned URL with a bad signature", signs: signer.S3V2, presigns: true, spoil: presign(0, 15*time.Minute, true)},
}

func (tm Tamper) info() tamperInfo {
	if tm < 0 || tm >= tamperCount {
		return tamperInfo{name: fmt.Sprintf("tamper(%d)", int(tm)), spoil: func(string, *http.Request, signer.Credentials, signer.Options, time.Time) error {
			return fmt.Errorf("no tamper %d", int(tm))
		}}
	}
	return tampers[tm]
}

// Failure is the contract.Auth.Rejections key of the answer a tamper
// provokes; "" for a request that is to be accepted (Signed, Presigned).
func (tm Tamper) Failure() string { return string(tm.info().failure) }

// What says what the tampered request is, for a spec's title.
func (tm Tamper) What() string { return tm.info().what }

// Presigns says whether the tamper signs in the URL (a presigned URL)
// rather than in headers.
func (tm Tamper) Presigns() bool { return tm.info().presigns }

// AppliesTo says whether the tamper applies to a run signing in dialect
// against an endpoint that accepts the dialects accepted (the profile's):
// a tamper that signs in a dialect of its own needs that one accepted.
func (tm Tamper) AppliesTo(dialect string, accepted ...string) bool {
	info := tm.info()
	if info.signs != "" {
		return slices.Contains(accepted, info.signs)
	}
	return info.dialects == nil || slices.Contains(info.dialects, dialect)
}

// Dialect is the dialect the tamper signs in on a run signing in run.
func (tm Tamper) Dialect(run string) string {
	if s := tm.info().signs; s != "" {
		return s
	}
	return run
}

// Catalogue lists the tampers past the four every dialect has (a bad
// signature, an unknown key, an old signature, none at all) that apply
// to a run signing in dialect against an endpoint that accepts the
// dialects accepted, in order, the valid presigned URLs included.
func Catalogue(dialect string, accepted ...string) []Tamper {
	var out []Tamper
	for tm := Skewed + 1; tm < tamperCount; tm++ {
		if tm.AppliesTo(dialect, accepted...) {
			out = append(out, tm)
		}
	}
	return out
}

// OtherRegion is a region that is not region.
func OtherRegion(region string) string {
	if region == "eu-west-1" {
		return "us-west-2"
	}
	return "eu-west-1"
}

type spoiler = func(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error

// signWith signs with the official signer after alter changed its inputs.
func signWith(alter func(c *signer.Credentials, o *signer.Options, now *time.Time)) spoiler {
	return func(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error {
		if alter != nil {
			alter(&c, &o, &now)
		}
		return signer.Sign(dialect, req, c, o, now)
	}
}

// editAuthorization signs, then rewrites the Authorization value.
func editAuthorization(edit func(string) string) spoiler {
	return func(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error {
		if err := signer.Sign(dialect, req, c, o, now); err != nil {
			return err
		}
		auth := req.Header.Get("Authorization")
		edited := edit(auth)
		if edited == auth {
			return fmt.Errorf("the Authorization %q has nothing to spoil", redactSignature(auth))
		}
		req.Header.Set("Authorization", edited)
		return nil
	}
}

// redactSignature keeps a signature out of an error message.
func redactSignature(auth string) string {
	if i := strings.Index(auth, "Signature="); i >= 0 {
		return auth[:i] + "Signature=****"
	}
	return auth
}

// v4Fields splits "ALG k=v, k=v, k=v" into ALG and its fields.
func v4Fields(auth string) (alg string, fields []string) {
	alg, rest, _ := strings.Cut(auth, " ")
	for _, f := range strings.Split(rest, ",") {
		if f = strings.TrimSpace(f); f != "" {
			fields = append(fields, f)
		}
	}
	return alg, fields
}

func dropField(name string) func(string) string {
	return func(auth string) string {
		alg, fields := v4Fields(auth)
		fields = slices.DeleteFunc(fields, func(f string) bool { return strings.HasPrefix(f, name+"=") })
		return alg + " " + strings.Join(fields, ", ")
	}
}

// dropBCESignedHeaders cuts bce-auth-v1/ak/time/expire/headers/signature
// down to its five other fields.
func dropBCESignedHeaders(auth string) string {
	parts := strings.Split(auth, "/")
	if len(parts) != 6 {
		return auth
	}
	return strings.Join(slices.Delete(parts, 4, 5), "/")
}

// dropKeyColonSignature cuts "<prefix>ak:signature" down to "<prefix>ak".
func dropKeyColonSignature(auth string) string {
	if i := strings.LastIndex(auth, ":"); i >= 0 {
		return auth[:i]
	}
	return auth
}

func dropSignedHeader(header string) func(string) string {
	return func(auth string) string {
		alg, fields := v4Fields(auth)
		for i, f := range fields {
			if v, ok := strings.CutPrefix(f, "SignedHeaders="); ok {
				names := slices.DeleteFunc(strings.Split(v, ";"), func(n string) bool { return n == header })
				fields[i] = "SignedHeaders=" + strings.Join(names, ";")
			}
		}
		return alg + " " + strings.Join(fields, ", ")
	}
}

// scopeDayBefore signs, then dates the credential scope a day earlier
// than x-amz-date.
func scopeDayBefore(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error {
	day := now.UTC().Format("20060102")
	before := now.UTC().AddDate(0, 0, -1).Format("20060102")
	return editAuthorization(func(auth string) string {
		return strings.Replace(auth, "/"+day+"/", "/"+before+"/", 1)
	})(dialect, req, c, o, now)
}

// headerAfterSigning signs without UnsignedHeader, then adds it: the
// header a replay copies from the recording is taken out first.
func headerAfterSigning(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error {
	req.Header.Del(UnsignedHeader)
	if err := signer.Sign(dialect, req, c, o, now); err != nil {
		return err
	}
	req.Header.Set(UnsignedHeader, "1")
	return nil
}

// dropAfterSigning signs, then takes a signed header out.
func dropAfterSigning(header string) spoiler {
	return func(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error {
		if err := signer.Sign(dialect, req, c, o, now); err != nil {
			return err
		}
		if req.Header.Get(header) == "" {
			return fmt.Errorf("the signer wrote no %s to take out", header)
		}
		req.Header.Del(header)
		return nil
	}
}

// statePayloadHash signs with x-amz-content-sha256 set to value, which
// the signer keeps and signs.
func statePayloadHash(value string) spoiler {
	return func(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error {
		req.Header.Set("X-Amz-Content-Sha256", value)
		return signer.Sign(dialect, req, c, o, now)
	}
}

// querySignatureToo signs in the header, then adds X-Amz-Signature to the
// query (all zeros: the value is not what is wrong).
func querySignatureToo(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error {
	q := req.URL.Query()
	q.Del("X-Amz-Signature")
	req.URL.RawQuery = encodeQuery(q)
	if err := signer.Sign(dialect, req, c, o, now); err != nil {
		return err
	}
	q.Set("X-Amz-Signature", strings.Repeat("0", 64))
	req.URL.RawQuery = encodeQuery(q)
	return nil
}

// presign makes a presigned URL, signed at now+shift and valid for
// expires, with a wrong secret if asked.
func presign(shift, expires time.Duration, wrongSecret bool) spoiler {
	return func(dialect string, req *http.Request, c signer.Credentials, o signer.Options, now time.Time) error {
		if wrongSecret {
			c.SecretKey = "not-" + c.SecretKey
		}
		return signer.Presign(dialect, req, c, o, now.Add(shift), expires)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
