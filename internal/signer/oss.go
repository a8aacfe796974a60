package signer

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	osssigner "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
)

// Alibaba Cloud OSS V1 and V4: signing with alibabacloud-oss-go-sdk-v2's
// signers, verification written here.
//
// Both sign a canonical resource "/bucket/key" rather than the URL path, so
// a virtual-hosted request needs Options.Bucket; a path-style request
// (what the SDK sends to an IP endpoint) names its bucket in the path.

// ossV1SubResources are the query parameters OSS V1 signs (besides any
// x-oss-* parameter): the SDK's list and the server's documented one.
var ossV1SubResources = setOf(
	"acl", "append", "asyncFetch", "bucketInfo", "callback", "callback-var",
	"cloudboxes", "comp", "continuation-token", "cors", "delete",
	"encryption", "endTime", "img", "inventory", "inventoryId", "lifecycle",
	"live", "location", "logging", "metaQuery", "objectMeta", "partNumber",
	"policy", "position", "qos", "qosInfo", "referer", "regionList",
	"replication", "replicationLocation", "replicationProgress",
	"requestPayment", "resourceGroup", "response-cache-control",
	"response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type",
	"response-expires", "restore", "security-token", "sequential",
	"startTime", "stat", "status", "style", "styleName", "symlink",
	"tagging", "transferAcceleration", "uploadId", "uploads", "versionId",
	"versioning", "versions", "vod", "website", "worm", "wormExtend",
	"wormId",
)

const (
	ossV4Algorithm = "OSS4-HMAC-SHA256"
	ossV4Terminal  = "aliyun_v4_request"
)

// ossContext is the SDK's signing context for req.
func ossContext(req *http.Request, c Credentials, o Options, now time.Time) *osssigner.SigningContext {
	ctx := &osssigner.SigningContext{
		Product:     ptr("oss"),
		Region:      ptr(o.Region),
		Request:     req,
		Credentials: &credentials.Credentials{AccessKeyID: c.AccessKey, AccessKeySecret: c.SecretKey, SecurityToken: c.SessionToken},
		Time:        now,
	}
	if bucket, key := splitPath(req.URL.Path, o.Bucket); bucket != "" {
		ctx.Bucket = ptr(bucket)
		if key != "" {
			ctx.Key = ptr(key)
		}
	}
	return ctx
}

func ptr(s string) *string { return &s }

// ossResource is the canonical resource, unescaped: "/", "/bucket/" or
// "/bucket/key".
func ossResource(req *http.Request, o Options) string {
	bucket, key := splitPath(req.URL.Path, o.Bucket)
	if bucket == "" {
		return "/"
	}
	return "/" + bucket + "/" + key
}

func signOSSV1(req *http.Request, c Credentials, o Options, now time.Time) error {
	if err := (&osssigner.SignerV1{}).Sign(context.Background(), ossContext(req, c, o, now)); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	return nil
}

func signOSSV4(req *http.Request, c Credentials, o Options, now time.Time) error {
	if o.Region == "" {
		return fmt.Errorf("Options.Region is required")
	}
	if err := (&osssigner.SignerV4{}).Sign(context.Background(), ossContext(req, c, o, now)); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	return nil
}

func verifyOSSV1(req *http.Request, secret func(string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error {
	return keyColonSig{
		dialect: OSSV1, prefix: "OSS ", dateHeaders: []string{"Date"},
		presign: []string{"Signature", "OSSAccessKeyId", "x-oss-signature"}, hmac: hmacSHA1,
		stringToSign: func(req *http.Request) string {
			return req.Method + "\n" + req.Header.Get("Content-MD5") + "\n" + req.Header.Get("Content-Type") + "\n" +
				req.Header.Get("Date") + "\n" + prefixedHeaders(req, "x-oss-") + ossResource(req, o) +
				subResources(req, func(k string) bool { return ossV1SubResources[k] || strings.HasPrefix(k, "x-oss-") })
		},
	}.verify(req, secret, maxSkew, now)
}
func verifyOSSV4(req *http.Request, secret func(string) (string, bool), o Options, maxSkew time.Duration, now time.Time) error {
	auth := authorization(req)
	if auth == "" {
		return unsigned(req, OSSV4, "x-oss-signature", "Signature", "OSSAccessKeyId")
	}
	c, additional, err := parseOSSV4Authorization(auth)
	if err != nil {
		return err
	}
	c.amzDate = req.Header.Get("X-Oss-Date")
	signedAt, err := time.Parse(amzDateFormat, c.amzDate)
	if err != nil {
		return reject(BadSignature, "x-oss-date %q is not %s", c.amzDate, amzDateFormat)
	}
	if err := c.checkScope("oss", ossV4Terminal, o); err != nil {
		return err
	}
	key, err := lookUp(secret, c.accessKey)
	if err != nil {
		return err
	}
	if err := checkSkew(signedAt, now, maxSkew); err != nil {
		return err
	}
	c.payloadHash = req.Header.Get("X-Oss-Content-Sha256")
	if c.payloadHash == "" {
		c.payloadHash = unsignedPayload
	}
	canonical := strings.Join([]string{
		req.Method,
		uriEncode(ossResource(req, o), true),
		ossV4Query(req),
		canonicalHeaders(req, ossV4Headers(req, additional), strings.TrimSpace),
		strings.Join(additional, ";"),
		c.payloadHash,
	}, "\n")
	scope := strings.Join([]string{c.date, c.region, c.service, c.terminal}, "/")
	toSign := strings.Join([]string{ossV4Algorithm, c.amzDate, scope, sha256Hex(canonical)}, "\n")
	k := []byte("aliyun_v4" + key)
	for _, part := range []string{c.date, c.region, c.service, c.terminal} {
		k = hmacSHA256(k, part)
	}
	if !sameSignature(c.signature, hex.EncodeToString(hmacSHA256(k, toSign))) {
		return reject(BadSignature, "signature does not match; canonical request %q", canonical)
	}
	return nil
}

// parseOSSV4Authorization reads "OSS4-HMAC-SHA256 Credential=…,
// AdditionalHeaders=…, Signature=…" (AdditionalHeaders optional).
func parseOSSV4Authorization(auth string) (c *v4Claim, additional []string, err error) {
	rest, ok := strings.CutPrefix(auth, ossV4Algorithm+" ")
	if !ok {
		return nil, nil, reject(BadSignature, "Authorization does not start with %q", ossV4Algorithm+" ")
	}
	fields := map[string]string{}
	for _, f := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok {
			return nil, nil, reject(BadSignature, "Authorization field %q has no '='", f)
		}
		if _, dup := fields[k]; dup {
			return nil, nil, reject(BadSignature, "Authorization field %q repeated", k)
		}
		fields[k] = v
	}
	c = &v4Claim{signature: fields["Signature"]}
	if err := c.parseCredential(fields["Credential"]); err != nil {
		return nil, nil, err
	}
	if c.signature == "" {
		return nil, nil, reject(BadSignature, "Authorization lacks Signature")
	}
	if v := fields["AdditionalHeaders"]; v != "" {
		additional = strings.Split(strings.ToLower(v), ";")
	}
	return c, additional, nil
}

// ossV4Headers names the headers OSS V4 signs: every x-oss-* header,
// Content-Type and Content-MD5 when present, and the additional headers
// the Authorization lists.
func ossV4Headers(req *http.Request, additional []string) []string {
	var names []string
	for k := range req.Header {
		lk := strings.ToLower(k)
		if (strings.HasPrefix(lk, "x-oss-") || lk == "content-type" || lk == "content-md5") && !slices.Contains(names, lk) {
			names = append(names, lk)
		}
	}
	for _, a := range additional {
		if !slices.Contains(names, a) {
			names = append(names, a)
		}
	}
	slices.Sort(names)
	return names
}

// ossV4Query is the canonical query: every parameter, encoded, sorted; a
// parameter without a value is written as its name alone.
func ossV4Query(req *http.Request) string {
	var pairs []string
	for k, vs := range req.URL.Query() {
		for _, v := range vs {
			p := uriEncode(k, false)
			if v != "" {
				p += "=" + uriEncode(v, false)
			}
			pairs = append(pairs, p)
		}
	}
	slices.SortFunc(pairs, comparePairs)
	return strings.Join(pairs, "&")
}
