package live

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// Curl returns a shell command that sends an exchange's request again as
// it was sent: the same method, URL, headers and body, signed anew at the
// time it runs, with the keys from the vendor's environment variables
// (the recorded request is redacted, so its signature cannot be copied).
//
//   - An S3 V4 request signed normally is signed by curl (--aws-sigv4),
//     with every header it carried, x-amz-content-sha256 included, so that
//     curl signs that too; the session token comes from
//     $AWS_SESSION_TOKEN.
//   - Any other signed request, an S3 V4 one whose access key holds a ':'
//     (curl's --user splits user and password at the first ':'), and a
//     tampered one are signed by `runner sign`, whose headers (the
//     Authorization, its date and whatever else the dialect writes)
//     curl reads from its standard input (-H @-). `runner sign --tamper`
//     spoils the signature the same way the run did.
//   - An anonymous request is sent unsigned.
//   - A presigned request goes to the URL `runner sign --tamper` prints
//     for it, presigned anew the same way.
//
// The exchange's own tamper (List records it) wins over tamper, which
// says how an exchange from elsewhere was signed.
func (t *Target) Curl(ex *Exchange, tamper Tamper) string {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(ex.Request)))
	if err != nil {
		return ""
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return ""
	}
	if ex.Tamper != Signed {
		tamper = ex.Tamper
	}
	url := shellQuote(t.requestURL(req))
	curl := []string{"curl", "-sS", "-i", "-X", req.Method}
	presigned := tamper.Presigns()
	var drop map[string]bool // the headers the signer writes
	var sign []string        // runner sign's command, when it signs
	switch {
	case tamper == Anonymous:
		drop = t.signingHeaders(t.Signature)
	case tamper == Signed && t.Signature == signer.S3V4 && !strings.Contains(t.Creds.AccessKey, ":"):
		drop = map[string]bool{"authorization": true, "x-amz-date": true, "x-amz-security-token": true}
		curl = append(curl, "--aws-sigv4", shellQuote("aws:amz:"+t.Region+":s3"),
			`--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`)
		if req.Header.Get("X-Amz-Security-Token") != "" {
			curl = append(curl, "-H", `"X-Amz-Security-Token: $AWS_SESSION_TOKEN"`)
		}
	default:
		drop = t.signingHeaders(tamper.Dialect(t.Signature))
		sign = []string{"runner", "sign", "--vendor", t.Contract.Profile.Vendor, "--signature", t.Signature}
		if t.Region != "" {
			sign = append(sign, "--region", shellQuote(t.Region))
		}
		if tamper != Signed {
			sign = append(sign, "--tamper", tamper.Name())
		}
		if len(body) > 0 {
			sign = append(sign, "--data", shellQuote(string(body)))
		}
		sign = append(sign, req.Method, url)
		if !presigned {
			curl = append(curl, "-H", "@-")
		}
	}
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		if !drop[strings.ToLower(name)] && !clientSets(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range req.Header[name] {
			h := shellQuote(name + ": " + v)
			curl = append(curl, "-H", h)
			if sign != nil {
				sign = append(sign, "-H", h)
			}
		}
	}
	if len(body) > 0 {
		curl = append(curl, "--data-binary", shellQuote(string(body)))
	}
	if presigned { // runner sign prints the URL to send
		return strings.Join(append(curl, `"$(`+strings.Join(sign, " ")+`)"`), " ")
	}
	line := strings.Join(append(curl, url), " ")
	if sign != nil {
		line = strings.Join(sign, " ") + " | " + line
	}
	return line
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
