package live

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// Name is how recordings and command lines spell a tamper: "signed",
// "presigned", or the tamper's own name (for the four every dialect has,
// the contract.Auth.Rejections key it provokes).
func (tm Tamper) Name() string { return tm.info().name }

// ParseTamper reads a tamper's Name.
func ParseTamper(name string) (Tamper, error) {
	if name == "" {
		return Signed, nil
	}
	var known []string
	for tm := Signed; tm < tamperCount; tm++ {
		if tm.Name() == name {
			return tm, nil
		}
		known = append(known, tm.Name())
	}
	return Signed, fmt.Errorf("unknown tamper %q (%s)", name, strings.Join(known, ", "))
}

// Signing is how one recorded request was signed: what a replay needs to
// sign it again the same way.
type Signing struct {
	Signature string // signer dialect
	Region    string
	Tamper    Tamper
}

// String is the value of a recording's replay.N metadata line.
func (s Signing) String() string {
	return fmt.Sprintf("signature=%s region=%s tamper=%s", s.Signature, s.Region, s.Tamper.Name())
}

// ParseSigning reads a replay.N metadata value.
func ParseSigning(value string) (Signing, error) {
	var s Signing
	for _, field := range strings.Fields(value) {
		k, v, _ := strings.Cut(field, "=")
		switch k {
		case "signature":
			s.Signature = v
		case "region":
			s.Region = v
		case "tamper":
			tm, err := ParseTamper(v)
			if err != nil {
				return s, err
			}
			s.Tamper = tm
		}
	}
	if s.Signature == "" {
		return s, fmt.Errorf("%q names no signature", value)
	}
	return s, nil
}

// ReplayMeta returns the metadata lines a recording of exs needs to be
// replayed: the endpoint (its scheme; hosts are in the requests) and, per
// exchange, replay.N with how it was signed. The checker ignores them.
func (t *Target) ReplayMeta(exs []*Exchange) [][2]string {
	u := *t.Endpoint
	u.User = nil
	meta := [][2]string{{"endpoint", u.String()}}
	for i, ex := range exs {
		s := Signing{Signature: t.Signature, Region: t.Region, Tamper: ex.Tamper}
		meta = append(meta, [2]string{fmt.Sprintf("replay.%d", i+1), s.String()})
	}
	return meta
}

// SignHeaders signs req as the tamper says and returns the headers the
// signing set: what `runner sign` prints for curl to send.
func (t *Target) SignHeaders(req *http.Request, tamper Tamper) (http.Header, error) {
	before := req.Header.Clone()
	if err := t.sign(req, tamper); err != nil {
		return nil, err
	}
	set := http.Header{}
	for name, values := range req.Header {
		if !slices.Equal(before[name], values) {
			set[name] = values
		}
	}
	return set, nil
}

// SignURL presigns req as a presigning tamper says and returns its URL:
// what `runner sign` prints for curl to send.
func (t *Target) SignURL(req *http.Request, tamper Tamper) (string, error) {
	if !tamper.Presigns() {
		return "", fmt.Errorf("tamper %s does not presign", tamper.Name())
	}
	if err := t.sign(req, tamper); err != nil {
		return "", err
	}
	return req.URL.String(), nil
}

// Resend sends a recorded request again: its method, path, query, headers
// and body, with the signing headers dropped and signed anew with the
// target's keys, spoilt as the tamper says.
func (t *Target) Resend(ctx context.Context, recorded []byte, tamper Tamper) *Exchange {
	rec, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(recorded)))
	if err != nil {
		return &Exchange{Err: fmt.Errorf("reading the recorded request: %w", err)}
	}
	body, err := io.ReadAll(rec.Body)
	if err != nil {
		return &Exchange{Err: fmt.Errorf("reading the recorded request's body: %w", err)}
	}
	drop := t.signingHeaders(tamper.Dialect(t.Signature))
	ex := t.Client.Do(withTamper(ctx, tamper), func() (*http.Request, error) {
		req, err := http.NewRequest(rec.Method, t.requestURL(rec), bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		for name, values := range rec.Header {
			if !drop[strings.ToLower(name)] && !clientSets(name) {
				req.Header[name] = values
			}
		}
		return req, t.sign(req, tamper)
	})
	ex.Tamper = tamper
	return ex
}

// requestURL is where a recorded request goes again: the target's scheme,
// the recorded host when it is the target's (or a bucket's below it),
// else the target's, and the recorded path and query.
func (t *Target) requestURL(rec *http.Request) string {
	u := *t.Endpoint
	u.User = nil // never a password on a command line
	if rec.Host == u.Host || strings.HasSuffix(rec.Host, "."+u.Host) {
		u.Host = rec.Host
	}
	u.Path, u.RawPath, u.RawQuery = rec.URL.Path, rec.URL.RawPath, rec.URL.RawQuery
	return u.String()
}

// signingHeaders are the lower-case names of the headers the target's
// dialect writes when it signs (Authorization, dates, payload hashes,
// session tokens): a repro leaves them to the signer. They are found by
// signing a probe, so that they are the signer's own list.
func (t *Target) signingHeaders(dialect string) map[string]bool {
	names := map[string]bool{"authorization": true}
	probe, _ := http.NewRequest(http.MethodGet, "http://probe.invalid/", nil)
	creds := signer.Credentials{AccessKey: "probe", SecretKey: "probe", SessionToken: "probe"}
	region := t.Region
	if region == "" {
		region = "probe"
	}
	if signer.Sign(dialect, probe, creds, signer.Options{Region: region}, time.Now()) == nil {
		for name := range probe.Header {
			names[strings.ToLower(name)] = true
		}
	}
	return names
}

// clientSets says whether a header is one every HTTP client (Go's, curl)
// writes for itself; a repro does not copy it.
func clientSets(name string) bool {
	switch strings.ToLower(name) {
	case "user-agent", "accept-encoding", "content-length":
		return true
	}
	return false
}
