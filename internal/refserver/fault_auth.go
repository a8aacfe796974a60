package refserver

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signer"
)

// The auth catalogue's faults: for each finer failure a contract lists
// (signer.Finer, e.g. S3's wrongRegion), one that serves a request failing
// that way, as servers do that skip the check (MinIO and gofakes3 accept a
// wrong region); and one that refuses a valid presigned URL.

// PresignedRefused refuses a valid presigned URL as anonymous.
const PresignedRefused Fault = "presigned-refused"

// Unchecked is the fault that serves requests failing as f: for the four
// basic failures the named constants (SignatureUnchecked...), for a finer
// one "<failure, in kebab case>-unchecked".
func Unchecked(f signer.Failure) Fault {
	switch f {
	case signer.Anonymous:
		return AnonymousAccepted
	case signer.BadSignature:
		return SignatureUnchecked
	case signer.ClockSkew:
		return ClockSkewUnchecked
	case signer.UnknownKey:
		return ""
	}
	return Fault(kebab(string(f)) + "-unchecked")
}

var upper = regexp.MustCompile(`[A-Z]+[0-9]*`)

// kebab turns "contentSHA256Mismatch" into "content-sha256-mismatch".
func kebab(s string) string {
	return upper.ReplaceAllStringFunc(s, func(m string) string { return "-" + strings.ToLower(m) })
}

// catalogueText says what a request failing as a finer failure is.
var catalogueText = map[signer.Failure]string{
	signer.MalformedAuthorization: "an Authorization without Credential, SignedHeaders or Signature",
	signer.UnknownAlgorithm:       "an Authorization naming an unknown algorithm",
	signer.ScopeDate:              "a credential scope dated another day than the signing date",
	signer.WrongService:           "a credential scope for another service",
	signer.WrongRegion:            "a credential scope for another region",
	signer.HostNotSigned:          "host left out of SignedHeaders",
	signer.HeaderNotSigned:        "an x-amz- header sent but not signed",
	signer.MissingDate:            "neither x-amz-date nor Date",
	signer.MissingContentSHA256:   "no x-amz-content-sha256",
	signer.InvalidContentSHA256:   "an x-amz-content-sha256 that is not a hash",
	signer.ContentSHA256Mismatch:  "an x-amz-content-sha256 that is not the body's",
	signer.InvalidToken:           "a session token the endpoint did not issue",
	signer.TwoAuthMechanisms:      "both an Authorization header and a query signature",
	signer.PresignedExpired:       "an expired presigned URL",
	signer.PresignedTooLong:       "a presigned URL valid for more than 7 days",
	signer.PresignedBadSignature:  "a presigned URL with a bad signature",
	signer.InvalidAuthorization:   "an Authorization of the access key without colon and signature",
	signer.SignatureExpired:       "a COS or BOS signature whose own validity window has ended",
}

// rejectionListed is the notFor of a fault about failure f: the contract must
// list f's answer.
func rejectionListed(f signer.Failure) func(c *contract.Contract) string {
	return func(c *contract.Contract) string {
		_, ok := c.Profile.Auth.Rejections[string(f)]
		return unless(ok, fmt.Sprintf("the contract lists no answer for %s", catalogueText[f]))
	}
}

func init() {
	for _, f := range signer.Finer() {
		fault := Unchecked(f)
		faultOrder = append(faultOrder, fault)
		faultInfos[fault] = faultInfo{doc: fmt.Sprintf("a request with %s is served as a signed one", catalogueText[f]), notFor: rejectionListed(f)}
	}
	faultOrder = append(faultOrder, PresignedRefused)
	faultInfos[PresignedRefused] = faultInfo{
		doc:    "a valid presigned URL is refused as an anonymous request",
		notFor: rejectionListed(signer.PresignedExpired),
	}
}
