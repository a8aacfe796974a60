package signer

import (
	"net/http"
	"testing"
	"time"
)

// The known-answer vectors of the shared vendors.md, section Signatures:
// access key AKIDEXAMPLE, secret SECRETEXAMPLE (S3: the AWS example
// secret), 2024-01-02T03:04:05Z, GET /.
var katTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

const (
	katAccessKey = "AKIDEXAMPLE"
	katSecret    = "SECRETEXAMPLE"
	katS3Secret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var kats = []struct {
	dialect, host, secret string
	opts                  Options
	want                  string
}{
	{S3V4, "s3.us-east-1.amazonaws.com", katS3Secret, Options{Region: "us-east-1"},
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=869820d8b7e8067a3f7d5cf88e279f142ef3c3ff6f8343dbce2c71a9c34fccd1"},
	{S3V2, "s3.amazonaws.com", katS3Secret, Options{},
		"AWS AKIDEXAMPLE:e/lm4zK0ZZkKW0HcJBRZc+00tuU="},
	{COS, "service.cos.myqcloud.com", katSecret, Options{},
		"q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1704164645;1704168245&q-key-time=1704164645;1704168245&q-header-list=host&q-url-param-list=&q-signature=1283884de5cb799aef5c4aa7e241611a88bc46b5"},
	{OSSV1, "oss-cn-hangzhou.aliyuncs.com", katSecret, Options{},
		"OSS AKIDEXAMPLE:wsExnmOVXnySID4wOifBPZVgHLU="},
	{OSSV4, "oss-cn-hangzhou.aliyuncs.com", katSecret, Options{Region: "cn-hangzhou"},
		"OSS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/cn-hangzhou/oss/aliyun_v4_request,Signature=8af31a48d5de94a354208f0eba72bad80dbb2628f23416ee32ffafd3981d592f"},
	{BCE, "bj.bcebos.com", katSecret, Options{},
		"bce-auth-v1/AKIDEXAMPLE/2024-01-02T03:04:05Z/1800/host;x-bce-date/4d19244f9e596e089aab47f65508b9382618bfbbf42b9dd636d00d9591016ddc"},
	{QingStor, "qingstor.com", katSecret, Options{},
		"QS AKIDEXAMPLE:tWyxmt8jcTcyhxTY4UFTqe8b3wsOZSfF01/t+aAEJYo="},
}

func TestKnownAnswers(t *testing.T) {
	for _, k := range kats {
		t.Run(k.dialect, func(t *testing.T) {
			req := newGET(t, "https://"+k.host+"/")
			if err := Sign(k.dialect, req, Credentials{AccessKey: katAccessKey, SecretKey: k.secret}, k.opts, katTime); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != k.want {
				t.Errorf("Authorization\n got %s\nwant %s", got, k.want)
			}
			// What this package recomputes must agree with the official
			// signer on the same vector.
			secret := func(ak string) (string, bool) { return k.secret, ak == katAccessKey }
			if err := Verify(k.dialect, req, secret, k.opts, 15*time.Minute, katTime); err != nil {
				t.Errorf("Verify of the vector: %v", err)
			}
		})
	}
}

func TestKnownAnswersCoverEveryDialect(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range kats {
		seen[k.dialect] = true
	}
	for _, d := range Dialects() {
		if !seen[d] {
			t.Errorf("no known-answer vector for %s", d)
		}
	}
}

func newGET(t testing.TB, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
