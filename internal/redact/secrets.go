package redact

import (
	"bytes"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// MinSecret is the shortest value Secrets masks: a shorter one would mask
// ordinary words and numbers all over a body, and no key, token or
// signature is that short.
const MinSecret = 8

// echoElements are the parts of an error body in which S3 and its clones
// echo what the request was signed with (on SignatureDoesNotMatch): the
// signature, and the string to sign and canonical request, which hold the
// security token, plus their hex forms. Their whole content is masked.
var echoElements = []string{"SignatureProvided", "StringToSign", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes"}

var echoPatterns = func() []*regexp.Regexp {
	var res []*regexp.Regexp
	for _, name := range echoElements {
		res = append(res,
			regexp.MustCompile(`(?s)<(?:[A-Za-z0-9_]+:)?`+name+`(?:\s[^>]*)?>(.*?)</(?:[A-Za-z0-9_]+:)?`+name+`>`),
			regexp.MustCompile(`"`+name+`"\s*:\s*"((?:[^"\\]|\\.)*)"`))
	}
	return res
}()

// Secrets is a set of values (keys, tokens, signatures) to mask wherever
// they appear, whatever echoes them. It is safe for concurrent use.
type Secrets struct {
	mu     sync.Mutex
	values []string // and their escaped forms, longest first
}

// Add adds values to the set, with the forms they take in a URL and in
// hex. Values shorter than MinSecret are ignored.
func (s *Secrets) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A new slice each time: Mask reads the old one without the lock.
	all := slices.Clone(s.values)
	for _, v := range values {
		if len(v) < MinSecret {
			continue
		}
		for _, form := range forms(v) {
			if !slices.Contains(all, form) {
				all = append(all, form)
			}
		}
	}
	// Longest first, so that a value holding another is masked whole.
	slices.SortStableFunc(all, func(a, b string) int { return len(b) - len(a) })
	s.values = all
}

// forms are the ways a value appears in a message: as is, escaped in a URL
// (query or path), and in hex, plain or spaced as S3 writes
// StringToSignBytes.
func forms(v string) []string {
	h := hex.EncodeToString([]byte(v))
	spaced := make([]string, 0, len(v))
	for i := 0; i < len(h); i += 2 {
		spaced = append(spaced, h[i:i+2])
	}
	q := url.QueryEscape(v)
	return []string{v, q, strings.ReplaceAll(q, "+", "%20"), url.PathEscape(v), h, strings.Join(spaced, " ")}
}

// AddHeader adds the secret part of a request header: the signature of an
// Authorization value, a security token.
func (s *Secrets) AddHeader(name, value string) {
	n := strings.ToLower(name)
	switch {
	case n == "authorization":
		s.Add(authSecret(value))
	case secretHeaders[n]:
		s.Add(value)
	}
}

// AddQuery adds the values of a raw query string's secret parameters.
func (s *Secrets) AddQuery(raw string) {
	for _, p := range strings.Split(raw, "&") {
		k, v, ok := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if !ok || !signer.IsSecretParam(name) {
			continue
		}
		s.Add(v)
		if u, err := url.QueryUnescape(v); err == nil {
			s.Add(u)
		}
	}
}

// authSecret is the part of an Authorization value that Authorization
// masks.
func authSecret(v string) string {
	for _, re := range authPatterns {
		if m := re.FindStringSubmatchIndex(v); m != nil {
			return v[m[3]:m[1]]
		}
	}
	if _, rest, ok := strings.Cut(v, " "); ok {
		return rest
	}
	return v
}

// Mask returns b with every known secret value, and the content of every
// element that echoes signing material, replaced by as many '*' as it had
// bytes. The length stays the same on purpose: a response body masked
// this way still matches its Content-Length, so masking adds no finding.
// b itself is not changed.
func (s *Secrets) Mask(b []byte) []byte {
	out := bytes.Clone(b)
	for i, re := range echoPatterns {
		// Two patterns per element; most bodies name none, and a scan
		// for the name is far cheaper than the pattern's.
		if !bytes.Contains(out, []byte(echoElements[i/2])) {
			continue
		}
		for _, m := range re.FindAllSubmatchIndex(out, -1) {
			star(out[m[2]:m[3]])
		}
	}
	s.mu.Lock()
	values := s.values
	s.mu.Unlock()
	for _, v := range values {
		for rest := out; ; {
			i := bytes.Index(rest, []byte(v))
			if i < 0 {
				break
			}
			star(rest[i : i+len(v)])
			rest = rest[i+len(v):]
		}
	}
	return out
}

// MaskString is Mask for a string.
func (s *Secrets) MaskString(v string) string {
	return string(s.Mask([]byte(v)))
}

func star(b []byte) {
	for i := range b {
		b[i] = '*'
	}
}
