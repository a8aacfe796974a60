package signer

import "strings"

// queryParams are the query parameters the signing schemes put into a
// URL (presigned URLs of S3 V4 and V2, OSS V1 and V4, COS, BOS and
// QingStor), lower-cased, each true when its value is a secret: a
// signature or a session token. Recording and playback both ask here:
// playback matches requests without them (they differ every run), and
// redaction masks the secret ones.
var queryParams = map[string]bool{
	// S3 V4 and V2.
	"x-amz-algorithm": false, "x-amz-credential": false, "x-amz-date": false, "x-amz-expires": false,
	"x-amz-signedheaders": false, "x-amz-signature": true, "x-amz-security-token": true,
	"awsaccesskeyid": false, "signature": true, "expires": false,
	// OSS V1 and V4.
	"ossaccesskeyid": false, "x-oss-signature": true, "x-oss-credential": false, "x-oss-date": false,
	"x-oss-expires": false, "x-oss-signature-version": false, "x-oss-additional-headers": false,
	"security-token": true, "x-oss-security-token": true,
	// COS.
	"q-sign-algorithm": false, "q-ak": false, "q-sign-time": false, "q-key-time": false,
	"q-header-list": false, "q-url-param-list": false, "q-signature": true, "x-cos-security-token": true,
	// BOS, QingStor.
	"authorization": true, "sign": true, "access_key_id": false,
}

// IsQueryParam says whether a query parameter is one a signing scheme
// puts into a URL.
func IsQueryParam(name string) bool {
	_, ok := queryParams[strings.ToLower(name)]
	return ok
}

// IsSecretParam says whether a query parameter carries a secret: a
// signature or a session token.
func IsSecretParam(name string) bool { return queryParams[strings.ToLower(name)] }
