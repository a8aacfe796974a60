package signer

import "testing"

// Every scheme's presigned URL parameters are signing parameters, the
// signatures and tokens among them secrets, in any case; a listing's own
// parameters are neither.
func TestQueryParams(t *testing.T) {
	for _, tt := range []struct {
		name            string
		signing, secret bool
	}{
		{"X-Amz-Signature", true, true}, {"X-Amz-Credential", true, false}, {"x-amz-security-token", true, true},
		{"Signature", true, true}, {"AWSAccessKeyId", true, false}, {"OSSAccessKeyId", true, false},
		{"x-oss-signature", true, true}, {"q-sign-time", true, false}, {"q-signature", true, true},
		{"authorization", true, true}, {"access_key_id", true, false},
		{"max-buckets", false, false}, {"prefix", false, false}, {"continuation-token", false, false}, {"marker", false, false},
	} {
		if got := IsQueryParam(tt.name); got != tt.signing {
			t.Errorf("IsQueryParam(%q) = %v", tt.name, got)
		}
		if got := IsSecretParam(tt.name); got != tt.secret {
			t.Errorf("IsSecretParam(%q) = %v", tt.name, got)
		}
	}
}
