package redact

import (
	"strings"
	"testing"
)

func TestAuthorization(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=869820d8b7e8067a3f7d5cf88e279f142ef3c3ff6f8343dbce2c71a9c34fccd1",
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=****"},
		{"AWS AKIDEXAMPLE:e/lm4zK0ZZkKW0HcJBRZc+00tuU=", "AWS AKIDEXAMPLE:****"},
		{"OSS AKIDEXAMPLE:wsExnmOVXnySID4wOifBPZVgHLU=", "OSS AKIDEXAMPLE:****"},
		{"QS AKIDEXAMPLE:tWyxmt8jcTcyhxTY4UFTqe8b3wsOZSfF01/t+aAEJYo=", "QS AKIDEXAMPLE:****"},
		{"OSS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/cn-hangzhou/oss/aliyun_v4_request,Signature=8af31a48d5de94a354208f0eba72bad80dbb2628f23416ee32ffafd3981d592f",
			"OSS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/cn-hangzhou/oss/aliyun_v4_request,Signature=****"},
		{"q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1704164645;1704168245&q-key-time=1704164645;1704168245&q-header-list=host&q-url-param-list=&q-signature=1283884de5cb799aef5c4aa7e241611a88bc46b5",
			"q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1704164645;1704168245&q-key-time=1704164645;1704168245&q-header-list=host&q-url-param-list=&q-signature=****"},
		{"bce-auth-v1/AKIDEXAMPLE/2024-01-02T03:04:05Z/1800/host;x-bce-date/4d19244f9e596e089aab47f65508b9382618bfbbf42b9dd636d00d9591016ddc",
			"bce-auth-v1/AKIDEXAMPLE/2024-01-02T03:04:05Z/1800/host;x-bce-date/****"},
		{"Bearer abc.def", "Bearer ****"},
		{"opaque", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Authorization(tt.in); got != tt.want {
			t.Errorf("Authorization(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestQueryAndMessage(t *testing.T) {
	q := Query("max-buckets=2&X-Amz-Signature=abc123&X-Amz-Security-Token=tok%2Fen&prefix=a")
	if q != "max-buckets=2&X-Amz-Signature=****&X-Amz-Security-Token=****&prefix=a" {
		t.Errorf("Query = %q", q)
	}
	raw := "GET /?q-signature=deadbeef&marker=b HTTP/1.1\r\nHost: h\r\nAuthorization: AWS AK:c2VjcmV0\r\nX-Amz-Security-Token: sessiontoken\r\n\r\nbody Authorization: AWS AK:c2VjcmV0"
	got := string(Message([]byte(raw)))
	for _, secret := range []string{"deadbeef", "sessiontoken"} {
		if strings.Contains(got, secret) {
			t.Errorf("Message kept %q:\n%s", secret, got)
		}
	}
	if !strings.HasPrefix(got, "GET /?q-signature=****&marker=b HTTP/1.1\r\nHost: h\r\nAuthorization: AWS AK:****\r\n") {
		t.Errorf("Message head = %q", got)
	}
	if !strings.HasSuffix(got, "\r\n\r\nbody Authorization: AWS AK:c2VjcmV0") {
		t.Errorf("Message changed the body: %q", got)
	}
}
