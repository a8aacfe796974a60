package redact

import (
	"encoding/hex"
	"strings"
	"testing"
)

const (
	token  = "IQoJb3JpZ2luX2VjEHR0b2tlbi9wYXJ0Kz0="
	secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	sig    = "869820d8b7e8067a3f7d5cf88e279f142ef3c3ff6f8343dbce2c71a9c34fccd1"
)

func TestSecretsMask(t *testing.T) {
	var s Secrets
	s.Add(secret)
	s.AddHeader("X-Amz-Security-Token", token)
	s.AddHeader("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/s3/aws4_request, SignedHeaders=host, Signature="+sig)
	s.AddHeader("Host", "s3.example.test") // not a secret
	s.AddQuery("max-buckets=2&X-Amz-Signature=abcdef0123456789&prefix=a")

	body := "<Error><Code>SignatureDoesNotMatch</Code>" +
		"<Message>token " + token + " escaped " + strings.ReplaceAll(token, "/", "%2F") + " key " + secret + "</Message>" +
		"<AWSAccessKeyId>AKIDEXAMPLE</AWSAccessKeyId>" +
		"<StringToSign>AWS4-HMAC-SHA256\n20240102T000000Z\nnot-a-known-value</StringToSign>" +
		"<SignatureProvided>" + sig + "</SignatureProvided>" +
		"<StringToSignBytes>41 57 53 34</StringToSignBytes>" +
		`<CanonicalRequest xml:space="preserve">GET\n/\n\nhost:h\nx-amz-security-token:` + token + `</CanonicalRequest>` +
		"<CanonicalRequestBytes>47 45 54</CanonicalRequestBytes>" +
		"<Other>abcdef0123456789 and " + hex.EncodeToString([]byte(token)) + "</Other>" +
		"<HostId>s3.example.test</HostId></Error>"
	json := `{"code":"SignatureDoesNotMatch","StringToSign" : "GET\n\"quoted\"\nline","requestId":"r1"}`
	in := []byte(body + json)
	got := s.Mask(in)
	if len(got) != len(in) {
		t.Fatalf("Mask changed the length from %d to %d", len(in), len(got))
	}
	if string(in) != body+json {
		t.Fatal("Mask changed its input")
	}
	for _, leak := range []string{token, secret, sig, "abcdef0123456789", "not-a-known-value", "41 57 53 34", "47 45 54", hex.EncodeToString([]byte(token)), `\"quoted\"`, "IQoJb3JpZ2luX2VjEHR0b2tlbi9wYXJ0Kz0"} {
		if strings.Contains(string(got), leak) {
			t.Errorf("Mask kept %q:\n%s", leak, got)
		}
	}
	// What is not secret stays, byte for byte.
	for _, kept := range []string{"<Code>SignatureDoesNotMatch</Code>", "<AWSAccessKeyId>AKIDEXAMPLE</AWSAccessKeyId>", "<HostId>s3.example.test</HostId>", `"requestId":"r1"`, "<StringToSign>*", "*</CanonicalRequest>"} {
		if !strings.Contains(string(got), kept) {
			t.Errorf("Mask lost %q:\n%s", kept, got)
		}
	}
}

func TestSecretsQuiet(t *testing.T) {
	var s Secrets
	s.Add("", "short") // too short to mask safely
	s.AddHeader("Content-Type", "application/xml")
	in := "<ListAllMyBucketsResult><Owner><ID>short</ID></Owner><Buckets/></ListAllMyBucketsResult>"
	if got := s.MaskString(in); got != in {
		t.Errorf("Mask changed a body with no secret:\n%s", got)
	}
	var empty Secrets
	if got := empty.MaskString(token); got != token {
		t.Errorf("an empty set masked %q", got)
	}
}

func TestAuthSecret(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AWS AKIDEXAMPLE:e/lm4zK0ZZkKW0HcJBRZc+00tuU=", "e/lm4zK0ZZkKW0HcJBRZc+00tuU="},
		{"bce-auth-v1/AK/2024-01-02T03:04:05Z/1800/host/4d19244f9e596e08", "4d19244f9e596e08"},
		{"q-sign-algorithm=sha1&q-ak=AK&q-signature=1283884de5cb799a", "1283884de5cb799a"},
		{"Bearer abc.def.ghi", "abc.def.ghi"},
	}
	for _, tt := range tests {
		if got := authSecret(tt.in); got != tt.want {
			t.Errorf("authSecret(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
