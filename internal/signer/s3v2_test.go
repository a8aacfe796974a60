package signer

import (
	"testing"
	"time"
)

// A V2 presigned URL verifies within its Expires, and fails as expired
// past it and as a bad signature with another secret.
func TestS3V2Presigned(t *testing.T) {
	presigned := func(c Credentials, at time.Time, expires time.Duration) error {
		req := newGET(t, "http://storage.example.com/?marker=a%20b")
		if err := Presign(S3V2, req, c, Options{}, at, expires); err != nil {
			t.Fatal(err)
		}
		if req.URL.Query().Get("AWSAccessKeyId") != c.AccessKey || req.Header.Get("Authorization") != "" {
			t.Fatalf("presigned V2 URL %s carries no AWSAccessKeyId or an Authorization", req.URL)
		}
		return verify(S3V2, req)
	}
	wantFailure(t, presigned(creds, now, 15*time.Minute), "")
	wantFailure(t, presigned(creds, now.Add(-2*time.Hour), time.Hour), PresignedExpired)
	wrong := creds
	wrong.SecretKey = "not-" + creds.SecretKey
	wantFailure(t, presigned(wrong, now, 15*time.Minute), PresignedBadSignature)
	wrong = creds
	wrong.AccessKey = "GSCUNKNOWN"
	wantFailure(t, presigned(wrong, now, 15*time.Minute), UnknownKey)
}

// The "<prefix>ak:signature" dialects tell a missing date and an
// Authorization without its signature from a bad signature.
func TestKeyColonSigFailures(t *testing.T) {
	for _, d := range []string{S3V2, OSSV1, QingStor} {
		req := signedGET(t, d, now)
		for _, h := range []string{"Date", "X-Amz-Date", "X-Oss-Date", "X-Qs-Date"} {
			req.Header.Del(h)
		}
		wantFailure(t, verify(d, req), MissingDate)

		req = signedGET(t, d, now)
		auth := req.Header.Get("Authorization")
		req.Header.Set("Authorization", auth[:len(auth)-len(auth[indexColon(auth):])])
		wantFailure(t, verify(d, req), InvalidAuthorization)
	}
}

func indexColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
	}
	return len(s)
}
