package live

import (
	"net/url"
	"strings"
	"testing"
)

func TestCurl(t *testing.T) {
	endpoint, _ := url.Parse("https://s3.example.test")
	request := "GET /?max-buckets=2&prefix=it%27s HTTP/1.1\r\nHost: s3.example.test\r\n" +
		"User-Agent: Go-http-client/1.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=****\r\n" +
		"X-Amz-Date: 20261121T010203Z\r\nAccept-Encoding: gzip\r\n\r\n"
	ex := &Exchange{Request: []byte(request)}
	tests := []struct {
		name, signature string
		tamper          Tamper
		want, not       []string
	}{
		{"s3-v4 signed: curl signs anew", "s3-v4", Signed,
			[]string{"curl -sS -i -X GET --aws-sigv4 'aws:amz:us-east-1:s3'", `--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`, `'https://s3.example.test/?max-buckets=2&prefix=it%27s'`},
			[]string{"Authorization", "X-Amz-Date", "User-Agent", "Accept-Encoding"}},
		{"another dialect: the user signs", "cos", Signed,
			[]string{`-H "Authorization: ${GSC_AUTHORIZATION:?sign the request with cos}"`, "-H 'X-Amz-Date: 20261121T010203Z'"},
			[]string{"--aws-sigv4", "Signature="}},
		{"tampered: sent as recorded, masked", "s3-v4", BadSignature,
			[]string{"-H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=****'"},
			[]string{"--aws-sigv4", "GSC_AUTHORIZATION"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := &Target{Endpoint: endpoint, Signature: tt.signature, Region: "us-east-1"}
			got := target.Curl(ex, tt.tamper)
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
