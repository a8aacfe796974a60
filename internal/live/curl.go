package live

import (
	"bufio"
	"bytes"
	"net/http"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// Curl returns a shell command that sends an exchange's request again. The
// recorded request is already redacted, so a signature cannot be copied:
// an S3 V4 request that was signed normally is signed anew by curl
// (--aws-sigv4) with keys from the environment; any other signed request
// takes its Authorization from $GSC_AUTHORIZATION, which the user signs
// with the named dialect. Tampered requests keep their (masked) value, so
// the endpoint rejects them again.
func (t *Target) Curl(ex *Exchange, tamper Tamper) string {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(ex.Request)))
	if err != nil {
		return ""
	}
	u := *t.Endpoint
	u.User = nil // never a password on a command line
	u.Host = req.Host
	u.Path, u.RawPath, u.RawQuery = req.URL.Path, req.URL.RawPath, req.URL.RawQuery
	args := []string{"curl", "-sS", "-i", "-X", req.Method}
	sigv4 := tamper == Signed && t.Signature == signer.S3V4
	if sigv4 {
		args = append(args, "--aws-sigv4", shellQuote("aws:amz:"+t.Region+":s3"),
			`--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`)
	}
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		lower := strings.ToLower(name)
		switch {
		case lower == "user-agent" || lower == "accept-encoding" || lower == "content-length":
			continue // curl sets its own
		case sigv4 && (lower == "authorization" || lower == "x-amz-date" || lower == "x-amz-content-sha256"):
			continue // --aws-sigv4 writes them
		case lower == "authorization" && tamper == Signed:
			args = append(args, "-H", `"Authorization: ${GSC_AUTHORIZATION:?sign the request with `+t.Signature+`}"`)
			continue
		}
		for _, v := range req.Header[name] {
			args = append(args, "-H", shellQuote(name+": "+v))
		}
	}
	return strings.Join(append(args, shellQuote(u.String())), " ")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
