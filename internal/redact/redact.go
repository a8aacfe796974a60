// Package redact masks secrets in requests before anything is printed,
// recorded or reported: signatures in Authorization values and query
// strings, and security tokens. What stays (scheme, access key id, signed
// header names, times) is what a reader needs to see what was sent.
package redact

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// Mask replaces a secret.
const Mask = "****"

var (
	// Signatures inside an Authorization value, per scheme.
	authPatterns = []*regexp.Regexp{
		regexp.MustCompile(`(Signature=)[^,\s&]+`),                            // S3 v4, OSS v4
		regexp.MustCompile(`(q-signature=)[^&\s]+`),                           // COS
		regexp.MustCompile(`^((?:AWS|OSS|QS) [^:\s]+:)\S+`),                   // S3 v2, OSS v1, QingStor
		regexp.MustCompile(`^(bce-auth-v1/[^/]*/[^/]*/[^/]*/[^/]*/)[^/\s]+$`), // BOS
	}
	secretHeaders = map[string]bool{
		"x-amz-security-token": true, "x-cos-security-token": true, "x-oss-security-token": true,
		"x-bce-security-token": true, "x-qs-security-token": true, "proxy-authorization": true,
	}
)

// Authorization masks the signature in an Authorization value. A value of
// a form it does not know keeps only its first word.
func Authorization(v string) string {
	for _, re := range authPatterns {
		if re.MatchString(v) {
			return re.ReplaceAllString(v, "${1}"+Mask)
		}
	}
	if scheme, _, ok := strings.Cut(v, " "); ok {
		return scheme + " " + Mask
	}
	if v == "" {
		return v
	}
	return Mask
}

// Header returns a header's value fit to show.
func Header(name, value string) string {
	n := strings.ToLower(name)
	switch {
	case n == "authorization":
		return Authorization(value)
	case secretHeaders[n]:
		return Mask
	}
	return value
}

// Query masks secret parameters in a raw query string, keeping the rest
// byte for byte.
func Query(raw string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if ok && signer.IsSecretParam(name) {
			parts[i] = k + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// Target masks secrets in a request target ("/path?query").
func Target(target string) string {
	path, q, ok := strings.Cut(target, "?")
	if !ok {
		return target
	}
	return path + "?" + Query(q)
}

// Message masks secrets in a raw HTTP request or response head: the
// request target's query and the secret headers. The body is left alone.
func Message(raw []byte) []byte {
	headEnd := strings.Index(string(raw), "\r\n\r\n")
	sep := "\r\n"
	if headEnd < 0 {
		if headEnd = strings.Index(string(raw), "\n\n"); headEnd < 0 {
			headEnd = len(raw)
		}
		sep = "\n"
	}
	lines := strings.Split(string(raw[:headEnd]), sep)
	if f := strings.SplitN(lines[0], " ", 3); len(f) == 3 && !strings.HasPrefix(f[0], "HTTP/") {
		lines[0] = f[0] + " " + Target(f[1]) + " " + f[2]
	}
	for i, l := range lines[1:] {
		if name, value, ok := strings.Cut(l, ":"); ok {
			lines[i+1] = name + ": " + Header(name, strings.TrimSpace(value))
		}
	}
	out := strings.Join(lines, sep)
	return append([]byte(out), raw[headEnd:]...)
}
