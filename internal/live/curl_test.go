package live

import (
	"net/url"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

func TestCurl(t *testing.T) {
	endpoint, _ := url.Parse("https://s3.example.test")
	const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	request := "GET /?max-buckets=2&prefix=it%27s HTTP/1.1\r\nHost: s3.example.test\r\n" +
		"User-Agent: Go-http-client/1.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-bucket-region;x-amz-content-sha256;x-amz-date, Signature=****\r\n" +
		"X-Amz-Bucket-Region: it's\r\nX-Amz-Content-Sha256: " + emptySHA + "\r\n" +
		"X-Amz-Date: 20261121T010203Z\r\nAccept-Encoding: gzip\r\n\r\n"
	withToken := strings.Replace(request, "Accept-Encoding", "X-Amz-Security-Token: ****\r\nAccept-Encoding", 1)
	anonymous := "GET / HTTP/1.1\r\nHost: s3.example.test\r\nUser-Agent: Go-http-client/1.1\r\n\r\n"
	const sign = `runner sign --vendor s3 --signature s3-v4 --region 'us-east-1' `
	tests := []struct {
		name, vendor, signature, accessKey, request string
		tamper                                      Tamper // the exchange's own
		want, not                                   []string
	}{
		{"s3-v4 signed: curl signs anew, x-amz-content-sha256 included", "s3", signer.S3V4, "AKIDEXAMPLE", request, Signed,
			[]string{"curl -sS -i -X GET --aws-sigv4 'aws:amz:us-east-1:s3'", `--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`,
				"-H 'X-Amz-Content-Sha256: " + emptySHA + "'", `-H 'X-Amz-Bucket-Region: it'\''s'`,
				`'https://s3.example.test/?max-buckets=2&prefix=it%27s'`},
			[]string{"Authorization", "X-Amz-Date", "User-Agent", "Accept-Encoding", "runner sign", "Token"}},
		{"s3-v4 with a session token: from the environment", "s3", signer.S3V4, "AKIDEXAMPLE", withToken, Signed,
			[]string{`-H "X-Amz-Security-Token: $AWS_SESSION_TOKEN"`},
			[]string{"****"}},
		{"s3-v4, an access key with ':': runner sign, which curl's --user cannot replace", "s3", signer.S3V4, "AKID:EXAMPLE", request, Signed,
			[]string{sign + `GET 'https://s3.example.test/?max-buckets=2&prefix=it%27s' -H 'X-Amz-Bucket-Region: it'\''s' | curl -sS -i -X GET -H @- -H 'X-Amz-Bucket-Region: it'\''s' 'https://`},
			[]string{"--aws-sigv4", "--user", "Authorization", "X-Amz-Content-Sha256", "X-Amz-Date", "--tamper"}},
		{"another dialect: runner sign", "cos", signer.COS, "AKIDEXAMPLE", request, Signed,
			[]string{`runner sign --vendor cos --signature cos --region 'us-east-1' GET 'https://s3.example.test/`, "| curl -sS -i -X GET -H @- "},
			[]string{"--aws-sigv4", "Signature=", "GSC_AUTHORIZATION", "--tamper"}},
		{"tampered: runner sign spoils it the same way", "s3", signer.S3V4, "AKIDEXAMPLE", request, BadSignature,
			[]string{sign + "--tamper badSignature GET ", "| curl -sS -i -X GET -H @- "},
			[]string{"--aws-sigv4", "Signature=", "X-Amz-Date"}},
		{"anonymous: sent unsigned", "s3", signer.S3V4, "AKIDEXAMPLE", anonymous, Anonymous,
			[]string{"curl -sS -i -X GET 'https://s3.example.test/'"},
			[]string{"--aws-sigv4", "runner sign", "-H"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := contract.Load(schemas.FS, tt.vendor)
			if err != nil {
				t.Fatal(err)
			}
			target := &Target{Contract: c, Endpoint: endpoint, Signature: tt.signature, Region: "us-east-1",
				Creds: signer.Credentials{AccessKey: tt.accessKey, SecretKey: "secret"}}
			got := target.Curl(&Exchange{Request: []byte(tt.request), Tamper: tt.tamper}, Signed)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("holds %q:\n%s", n, got)
				}
			}
		})
	}
	if got := (&Target{Endpoint: endpoint}).Curl(&Exchange{Request: []byte("garbage")}, Signed); got != "" {
		t.Errorf("an unreadable request gave %q", got)
	}
}

func TestTamperNames(t *testing.T) {
	for _, tm := range []Tamper{Signed, Anonymous, BadSignature, UnknownKey, Skewed} {
		got, err := ParseTamper(tm.Name())
		if err != nil || got != tm {
			t.Errorf("ParseTamper(%q) = %v, %v; want %v", tm.Name(), got, err, tm)
		}
		s := Signing{Signature: "oss-v4", Region: "cn-hangzhou", Tamper: tm}
		if back, err := ParseSigning(s.String()); err != nil || back != s {
			t.Errorf("ParseSigning(%q) = %+v, %v", s.String(), back, err)
		}
	}
	if _, err := ParseTamper("forged"); err == nil || !strings.Contains(err.Error(), "badSignature") {
		t.Errorf("an unknown tamper: %v, want an error listing the known ones", err)
	}
	if _, err := ParseSigning("region=x tamper=signed"); err == nil {
		t.Error("a replay line without a signature was read")
	}
}
