package refserver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// tokens issues and reads continuation tokens. A token is the last name
// of its page with a MAC, base64url: the endpoint keeps no state per walk,
// a forged or altered token is refused, and a token whose bucket has been
// deleted since still names a position and goes on after it. Tokens of
// another endpoint (another key) are refused.
type tokens struct{ key []byte }

const (
	macLen      = 12
	maxTokenLen = 1024 // the longest continuation token S3 accepts
)

func newTokens() tokens {
	key := make([]byte, 32)
	rand.Read(key) // never fails (crypto/rand, Go 1.24+)
	return tokens{key}
}

func (t tokens) mac(name string) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(name))
	return m.Sum(nil)[:macLen]
}

func (t tokens) issue(name string) string {
	return base64.RawURLEncoding.EncodeToString(append(t.mac(name), name...))
}

// read returns the name a token carries; ok is false for a token this
// endpoint did not issue.
func (t tokens) read(tok string) (name string, ok bool) {
	if len(tok) > maxTokenLen {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) <= macLen {
		return "", false
	}
	name = string(raw[macLen:])
	return name, hmac.Equal(raw[:macLen], t.mac(name))
}
