package signer

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AWS Signature Version 2, written here: the only official Go signer
// (minio-go's) pulls in a large module graph for forty lines of HMAC.
//
//	StringToSign = VERB \n Content-MD5 \n Content-Type \n Date \n
//	               CanonicalizedAmzHeaders CanonicalizedResource
//	Authorization = "AWS " + AccessKey + ":" + base64(HMAC-SHA1(secret, StringToSign))

// s3v2SubResources are the query parameters S3 V2 signs.
var s3v2SubResources = setOf(
	"accelerate", "acl", "analytics", "cors", "delete", "encryption",
	"intelligent-tiering", "inventory", "legal-hold", "lifecycle",
	"location", "logging", "metrics", "notification", "object-lock",
	"ownershipControls", "partNumber", "policy", "publicAccessBlock",
	"replication", "requestPayment", "response-cache-control",
	"response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type",
	"response-expires", "restore", "retention", "select", "select-type",
	"tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
	"versions", "website",
)

func signS3V2(req *http.Request, c Credentials, o Options, now time.Time) error {
	req.Header.Del("X-Amz-Date") // the Date header carries the time
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	if c.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", c.SessionToken)
	}
	sig := base64.StdEncoding.EncodeToString(hmacSHA1([]byte(c.SecretKey), s3v2StringToSign(req, o)))
	req.Header.Set("Authorization", "AWS "+c.AccessKey+":"+sig)
	return nil
}

// presignS3V2 puts AWSAccessKeyId, Expires (seconds since the epoch) and
// Signature in the query; Expires stands where the Date line was.
func presignS3V2(req *http.Request, c Credentials, o Options, now time.Time, expires time.Duration) error {
	q := req.URL.Query()
	for _, name := range s3v2PresignParams {
		q.Del(name)
	}
	req.URL.RawQuery = q.Encode()
	req.Header.Del("Date")
	req.Header.Del("X-Amz-Date")
	if c.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", c.SessionToken)
	}
	until := strconv.FormatInt(now.Add(expires).Unix(), 10)
	sig := base64.StdEncoding.EncodeToString(hmacSHA1([]byte(c.SecretKey), s3v2PresignedStringToSign(req, o, until)))
	q.Set("AWSAccessKeyId", c.AccessKey)
	q.Set("Expires", until)
	q.Set("Signature", sig)
	req.URL.RawQuery = q.Encode()
	return nil
}

// s3v2PresignParams are the query parameters of a V2 presigned URL.
var s3v2PresignParams = []string{"AWSAccessKeyId", "Expires", "Signature"}

// s3v2PresignedStringToSign is the V2 string to sign with Expires on the
// Date line.
func s3v2PresignedStringToSign(req *http.Request, o Options, expires string) string {
	r := req.Clone(req.Context())
	r.Header.Del("X-Amz-Date")
	r.Header.Set("Date", expires)
	return s3v2StringToSign(r, o)
}

// verifyS3V2Presigned checks a V2 presigned URL: the key, then Expires,
// then the signature.
func verifyS3V2Presigned(req *http.Request, secret func(string) (string, bool), o Options, now time.Time) error {
	q := req.URL.Query()
	ak, sig, expires := q.Get("AWSAccessKeyId"), q.Get("Signature"), q.Get("Expires")
	until, err := strconv.ParseInt(expires, 10, 64)
	if ak == "" || sig == "" || err != nil {
		return reject(BadSignature, "a V2 presigned URL needs AWSAccessKeyId, Signature and Expires in seconds; Expires is %q", expires)
	}
	key, err := lookUp(secret, ak)
	if err != nil {
		return err
	}
	if now.Unix() > until {
		return reject(PresignedExpired, "Expires %d is past", until)
	}
	toSign := s3v2PresignedStringToSign(req, o, expires)
	if !sameSignature(sig, base64.StdEncoding.EncodeToString(hmacSHA1([]byte(key), toSign))) {
		return reject(PresignedBadSignature, "signature does not match; string to sign %q", toSign)
	}
	return nil
}

func verifyS3V2(req *http.Request, secret func(string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error {
	if authorization(req) == "" && req.URL.Query().Has("Signature") && req.URL.Query().Has("AWSAccessKeyId") {
		return verifyS3V2Presigned(req, secret, o, now)
	}
	return keyColonSig{
		dialect: S3V2, prefix: "AWS ", dateHeaders: []string{"X-Amz-Date", "Date"},
		presign: []string{"Signature", "AWSAccessKeyId"}, hmac: hmacSHA1,
		stringToSign: func(req *http.Request) string { return s3v2StringToSign(req, o) },
	}.verify(req, secret, maxSkew, now)
}

// keyColonSig is the shape S3 V2, OSS V1 and QingStor share: an
// Authorization "<prefix>access-key:base64(HMAC(secret, string to sign))"
// and one signing date in a header.
type keyColonSig struct {
	dialect, prefix string
	dateHeaders     []string // the first present one holds the signing date
	presign         []string // query parameters of a presigned request
	hmac            func(key []byte, msg string) []byte
	stringToSign    func(*http.Request) string
}

func (k keyColonSig) verify(req *http.Request, secret func(string) (string, bool), maxSkew time.Duration, now time.Time) error {
	auth := authorization(req)
	if auth == "" {
		return unsigned(req, k.dialect, k.presign...)
	}
	ak, sig, err := parseKeyColonSig(auth, k.prefix)
	if err != nil {
		return err
	}
	dateHeader := k.dateHeaders[len(k.dateHeaders)-1]
	for _, h := range k.dateHeaders {
		if req.Header.Get(h) != "" {
			dateHeader = h
			break
		}
	}
	if req.Header.Get(dateHeader) == "" {
		return reject(MissingDate, "no %s", strings.Join(k.dateHeaders, " nor "))
	}
	signedAt, err := http.ParseTime(req.Header.Get(dateHeader))
	if err != nil {
		return reject(BadSignature, "%s %q is not an HTTP date", dateHeader, req.Header.Get(dateHeader))
	}
	key, err := lookUp(secret, ak)
	if err != nil {
		return err
	}
	if err := checkSkew(signedAt, now, maxSkew); err != nil {
		return err
	}
	toSign := k.stringToSign(req)
	if !sameSignature(sig, base64.StdEncoding.EncodeToString(k.hmac([]byte(key), toSign))) {
		return reject(BadSignature, "signature does not match; string to sign %q", toSign)
	}
	return nil
}

// parseKeyColonSig reads "<prefix>access-key:signature", the form of
// S3 V2, OSS V1 and QingStor.
func parseKeyColonSig(auth, prefix string) (accessKey, signature string, err error) {
	rest, ok := strings.CutPrefix(auth, prefix)
	if !ok {
		return "", "", reject(BadSignature, "Authorization does not start with %q", prefix)
	}
	// The signature is base64 and holds no ':'; an access key may.
	i := strings.LastIndex(rest, ":")
	ok = i >= 0
	if ok {
		accessKey, signature = rest[:i], rest[i+1:]
	}
	if !ok || accessKey == "" || signature == "" {
		return "", "", reject(InvalidAuthorization, "Authorization is not %saccess-key:signature", prefix)
	}
	return accessKey, signature, nil
}

func s3v2StringToSign(req *http.Request, o Options) string {
	var b strings.Builder
	b.WriteString(req.Method + "\n")
	b.WriteString(req.Header.Get("Content-MD5") + "\n")
	b.WriteString(req.Header.Get("Content-Type") + "\n")
	// With x-amz-date present the Date line is empty; x-amz-date is
	// signed among the x-amz-* headers instead.
	if req.Header.Get("X-Amz-Date") == "" {
		b.WriteString(req.Header.Get("Date"))
	}
	b.WriteString("\n")
	b.WriteString(prefixedHeaders(req, "x-amz-"))
	if o.Bucket != "" {
		b.WriteString("/" + o.Bucket)
	}
	b.WriteString(s3v4Path(req.URL))
	b.WriteString(subResources(req, func(k string) bool { return s3v2SubResources[k] }))
	return b.String()
}

// prefixedHeaders lists the headers whose lower-cased name starts with
// prefix as "name:v1,v2\n", sorted by name, values trimmed.
func prefixedHeaders(req *http.Request, prefix string) string {
	var names []string
	for k := range req.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, prefix) && !slices.Contains(names, lk) {
			names = append(names, lk)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		var vs []string
		for k, kvs := range req.Header {
			if strings.ToLower(k) == n {
				for _, v := range kvs {
					vs = append(vs, strings.TrimSpace(v))
				}
			}
		}
		b.WriteString(n + ":" + strings.Join(vs, ",") + "\n")
	}
	return b.String()
}

// subResources is "?k1=v1&k2" over the query parameters signed returns
// true for, sorted by name, values as decoded; "" when there are none.
func subResources(req *http.Request, signed func(string) bool) string {
	q := req.URL.Query()
	var keys []string
	for k := range q {
		if signed(k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	for i, k := range keys {
		if v := q.Get(k); v != "" {
			keys[i] = k + "=" + v
		}
	}
	return "?" + strings.Join(keys, "&")
}
