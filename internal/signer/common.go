package signer

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const upperHex = "0123456789ABCDEF"

// uriEncode percent-encodes every byte outside the RFC 3986 unreserved set
// (A-Z a-z 0-9 - _ . ~) with upper-case hex; keepSlash leaves '/' as is.
// S3 V4, OSS V4, COS and BOS all canonicalise names and values this way.
func uriEncode(s string, keepSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && keepSlash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

func hmacSum(h func() hash.Hash, key []byte, msg string) []byte {
	m := hmac.New(h, key)
	io.WriteString(m, msg)
	return m.Sum(nil)
}

func hmacSHA1(key []byte, msg string) []byte   { return hmacSum(sha1.New, key, msg) }
func hmacSHA256(key []byte, msg string) []byte { return hmacSum(sha256.New, key, msg) }

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sameSignature compares two signatures in constant time, so that the
// time taken does not tell how much of a guess was right.
func sameSignature(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// requestHost is the host a request was sent to: Request.Host as a server
// sees it, or the URL's host for a request not yet sent.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

// headerValues returns the values of a signed header, looking for Host and
// Content-Length where net/http keeps them (Request.Host; ContentLength on
// a client request that has no Content-Length header yet).
func headerValues(req *http.Request, lowerName string) []string {
	switch lowerName {
	case "host":
		return []string{requestHost(req)}
	case "content-length":
		if v := req.Header.Values("Content-Length"); len(v) > 0 {
			return v
		}
		if req.ContentLength > 0 {
			return []string{strconv.FormatInt(req.ContentLength, 10)}
		}
		return nil
	}
	return req.Header.Values(lowerName)
}

// authorization is the request's Authorization value, trimmed.
func authorization(req *http.Request) string {
	return strings.TrimSpace(req.Header.Get("Authorization"))
}

// unsigned is the rejection for a request without an Authorization value:
// Anonymous, unless the query carries one of the scheme's query-string
// signature parameters, which only S3 V4 verifies.
func unsigned(req *http.Request, dialect string, queryNames ...string) error {
	q := req.URL.Query()
	for _, n := range queryNames {
		if q.Has(n) {
			return reject(BadSignature, "%s: query-string signatures (%s) are not verified here", dialect, n)
		}
	}
	return reject(Anonymous, "%s: no Authorization header", dialect)
}

// lookUp finds the secret of an access key.
func lookUp(secret func(string) (string, bool), accessKey string) (string, error) {
	if accessKey == "" {
		return "", reject(BadSignature, "empty access key")
	}
	s, ok := secret(accessKey)
	if !ok {
		return "", reject(UnknownKey, "access key %q is not known", accessKey)
	}
	return s, nil
}

// checkSkew rejects a signing time more than maxSkew from now.
func checkSkew(signed, now time.Time, maxSkew time.Duration) error {
	d := now.Sub(signed)
	if d > maxSkew || d < -maxSkew {
		return reject(ClockSkew, "signed at %s, %s from the server's clock %s (allowed %s)",
			signed.UTC().Format(time.RFC3339), d.Round(time.Second), now.UTC().Format(time.RFC3339), maxSkew)
	}
	return nil
}

// checkWindow rejects now outside [from, to].
func checkWindow(from, to, now time.Time) error {
	if now.Before(from) || now.After(to) {
		return reject(ClockSkew, "now %s is outside the signature's window %s to %s",
			now.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	return nil
}

// checkExpiry rejects now outside a signature's own window [from, to]:
// past its end when the signature was made (at signed) within maxSkew of
// now, as SignatureExpired (it was good and has run out); otherwise as
// ClockSkew.
func checkExpiry(signed, from, to, now time.Time, maxSkew time.Duration) error {
	if now.After(to) && now.Sub(signed) <= maxSkew {
		return reject(SignatureExpired, "the signature's window %s to %s ended before now %s",
			from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return checkWindow(from, to, now)
}

// collapseSpaces trims a header value and folds each run of spaces into
// one, as SigV4-style canonical headers require.
func collapseSpaces(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// splitPath cuts a path-style request path into its bucket and key; the
// bucket from opts, when set, means the request is virtual-hosted and the
// whole path is the key.
func splitPath(path, bucket string) (b, key string) {
	p := strings.TrimPrefix(path, "/")
	if bucket != "" {
		return bucket, p
	}
	b, key, _ = strings.Cut(p, "/")
	return b, key
}

// payloadSHA256 hashes the request body and leaves the body readable again.
func payloadSHA256(req *http.Request) (string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return sha256Hex(""), nil
	}
	var body io.ReadCloser
	if req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return "", fmt.Errorf("reading body to hash: %w", err)
		}
		body = b
	} else {
		data, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return "", fmt.Errorf("reading body to hash: %w", err)
		}
		req.Body = io.NopCloser(bytes.NewReader(data))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		body = io.NopCloser(bytes.NewReader(data))
	}
	defer body.Close()
	h := sha256.New()
	if _, err := io.Copy(h, body); err != nil {
		return "", fmt.Errorf("reading body to hash: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// comparePairs orders encoded "name=value" pairs by name, then value.
// Comparing the whole strings would put "a-b=1" before "a=1".
func comparePairs(a, b string) int {
	ak, av, _ := strings.Cut(a, "=")
	bk, bv, _ := strings.Cut(b, "=")
	if c := strings.Compare(ak, bk); c != 0 {
		return c
	}
	return strings.Compare(av, bv)
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func hexSHA1(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
