package refserver

import (
	"errors"
	"net/http"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signature"
	"github.com/getservice-conformance/gsc/internal/signer"
)

// authMessages are the messages of auth failures. They are generic on
// purpose: a signer's detail can name what the server computed, which is
// derived from the secret and must not leave the endpoint.
var authMessages = map[signer.Failure]string{
	signer.Anonymous:    "Access Denied: the request carries no credentials.",
	signer.UnknownKey:   "The access key you provided does not exist in our records.",
	signer.BadSignature: "The request signature we calculated does not match the signature you provided.",
	signer.ClockSkew:    "The difference between the request time and the server's time is too large.",

	signer.MalformedAuthorization: "The authorization header is malformed.",
	signer.UnknownAlgorithm:       "Unsupported Authorization Type.",
	signer.ScopeDate:              "The authorization header is malformed; invalid credential date: it does not match the signing date.",
	signer.WrongService:           "The authorization header is malformed; the credential scope names another service.",
	signer.WrongRegion:            "The authorization header is malformed; the credential scope names another region.",
	signer.HostNotSigned:          "There were headers present in the request which were not signed: host.",
	signer.HeaderNotSigned:        "There were headers present in the request which were not signed.",
	signer.MissingDate:            "AWS authentication requires a valid Date or x-amz-date header.",
	signer.MissingContentSHA256:   "Missing required header for this request: x-amz-content-sha256.",
	signer.InvalidContentSHA256:   "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-... or a valid sha256 value.",
	signer.ContentSHA256Mismatch:  "The provided 'x-amz-content-sha256' header does not match what was computed.",
	signer.InvalidToken:           "The provided token is malformed or otherwise invalid.",
	signer.TwoAuthMechanisms:      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified.",
	signer.PresignedExpired:       "Request has expired.",
	signer.PresignedTooLong:       "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds.",
	signer.PresignedBadSignature:  "The request signature we calculated does not match the signature you provided.",
	signer.InvalidAuthorization:   "The Authorization header is invalid: it is not the access key, a colon and the signature.",
	signer.SignatureExpired:       "Request has expired.",
}

// rank orders failures by how much of the request a dialect understood:
// when a vendor accepts two dialects (S3 V4 and V2), the one that parsed
// the Authorization value reports the real failure, while the other calls
// the value malformed (BadSignature) or absent (Anonymous).
func rank(f signer.Failure) int {
	switch f {
	case signer.Anonymous:
		return 0
	case signer.BadSignature:
		return 1
	}
	return 2
}

// authenticate verifies the request by each of the profile's dialects and
// returns the failure that rejects it, nil when one dialect accepts it.
func (s *Server) authenticate(x *request) *apiError {
	a := s.prof.Auth
	maxSkew := time.Duration(a.MaxSkewSeconds) * time.Second
	opts := signer.Options{Region: s.region, Token: s.sessionToken}
	var worst *signer.Rejection
	for _, dialect := range a.Signatures {
		err := signer.Verify(dialect, x.r, s.secret, opts, maxSkew, x.now)
		if err == nil {
			if s.faults[PresignedRefused] && presigned(x.r) {
				return s.authFailure(x, signer.Anonymous)
			}
			return s.window(x)
		}
		var rej *signer.Rejection
		if !errors.As(err, &rej) {
			return failf("badSignature", "%s", authMessages[signer.BadSignature]) // an unknown dialect; New rules it out
		}
		if worst == nil || rank(rej.Failure) > rank(worst.Failure) {
			worst = rej
		}
	}
	if s.faults.accepts(worst.Failure) {
		return nil
	}
	return s.authFailure(x, worst.Failure)
}

// sessionToken says whether the endpoint issued token to accessKey.
func (s *Server) sessionToken(accessKey, token string) bool {
	issued, ok := s.sessions[accessKey]
	return ok && issued == token
}

// presigned says whether a request carries an S3 V4 or V2 query signature.
func presigned(r *http.Request) bool {
	q := r.URL.Query()
	return r.Header.Get("Authorization") == "" && (q.Has("X-Amz-Signature") || q.Has("Signature") && q.Has("AWSAccessKeyId"))
}

func (s *Server) secret(accessKey string) (string, bool) {
	secret, ok := s.keys[accessKey]
	return secret, ok
}

// window rejects an accepted request whose signing time the checker would
// hold against a 2xx (check.clockSkew): outside the skew around the Date
// the response carries, or outside the signature's own window. The signer
// alone allows a BOS timestamp slightly in the future, which the contract
// does not.
func (s *Server) window(x *request) *apiError {
	a := s.prof.Auth
	if a.MaxSkewSeconds == 0 && a.SignTime == signature.FromDate || s.faults.accepts(signer.ClockSkew) {
		return nil
	}
	w, ok := signature.SignWindow(a.SignTime, a.DateHeader, x.r.Header)
	if !ok {
		return nil
	}
	from, to := w.From, w.To
	if a.SignTime == signature.FromDate {
		skew := time.Duration(a.MaxSkewSeconds) * time.Second
		from, to = from.Add(-skew), to.Add(skew)
	}
	if x.now.Before(from) || x.now.After(to) {
		return s.authFailure(x, signer.ClockSkew)
	}
	return nil
}

func (s *Server) authFailure(x *request, f signer.Failure) *apiError {
	e := failf(string(f), "%s", authMessages[f])
	if f == signer.ClockSkew {
		e.skew = &skew{ServerTime: x.now.Format(time.RFC3339), MaxMillis: int64(s.prof.Auth.MaxSkewSeconds) * 1000}
		if w, ok := signature.SignWindow(s.prof.Auth.SignTime, s.prof.Auth.DateHeader, x.r.Header); ok {
			e.skew.RequestTime = x.r.Header.Get(w.Header)
		}
	}
	return e
}

// rejection is the status and code the endpoint answers an auth failure
// with: the first the profile lists, else the reference section's choice,
// else (status only) 403. A finer failure the profile does not list is
// answered as its Base: the contract does not tell it apart.
func rejection(p *contract.Profile, f signer.Failure) (status int, code string) {
	listed, ok := p.Auth.Rejections[string(f)]
	if !ok && f.Base() != f {
		return rejection(p, f.Base())
	}
	var chosen contract.Answer
	if p.Reference != nil {
		chosen = p.Reference.Errors[string(f)]
	}
	status, code = 403, chosen.Code
	if len(listed.Status) > 0 {
		status = listed.Status[0]
	} else if chosen.Status != 0 {
		status = chosen.Status
	}
	if len(listed.Codes) > 0 {
		code = listed.Codes[0]
	}
	return status, code
}
