package live

import (
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// The auth catalogues of the vendors past S3: the failures their
// error-code pages document an answer for (the profiles cite the pages).
func init() {
	expired := func(c *signer.Credentials, o *signer.Options, now *time.Time) {
		*now = now.Add(-10 * time.Minute)
		o.Expiry = 5 * time.Minute
	}
	tampers[COSExpired] = tamperInfo{name: "cosExpired", failure: signer.SignatureExpired,
		what: "a COS signature whose q-sign-time window has ended", dialects: []string{signer.COS}, spoil: signWith(expired)}
	tampers[BCEExpired] = tamperInfo{name: "bceExpired", failure: signer.SignatureExpired,
		what: "a bce-auth-v1 signature past its expiration period", dialects: []string{signer.BCE}, spoil: signWith(expired)}
	tampers[OSSV1NoSignature] = tamperInfo{name: "ossV1NoSignature", failure: signer.InvalidAuthorization,
		what: "an OSS V1 Authorization without its signature", signs: signer.OSSV1, spoil: editAuthorization(dropKeyColonSignature)}
	tampers[OSSV1EmptySig] = tamperInfo{name: "ossV1EmptySignature", failure: signer.InvalidAuthorization,
		what: "an OSS V1 Authorization whose signature is empty", signs: signer.OSSV1, spoil: editAuthorization(emptySignature)}
	tampers[OSSV1NoKey] = tamperInfo{name: "ossV1NoAccessKey", failure: signer.InvalidAuthorization,
		what: "an OSS V1 Authorization lacking its access key", signs: signer.OSSV1, spoil: editAuthorization(noAccessKey)}
	tampers[OSSV1NoDate] = tamperInfo{name: "ossV1NoDate", failure: signer.MissingDate,
		what: "an OSS V1 request with neither Date nor x-oss-date", signs: signer.OSSV1, spoil: dropAfterSigning("Date")}
}

// emptySignature cuts "<prefix>ak:signature" down to "<prefix>ak:".
func emptySignature(auth string) string {
	if i := strings.LastIndex(auth, ":"); i >= 0 {
		return auth[:i+1]
	}
	return auth
}

// noAccessKey cuts "<scheme> ak:signature" down to "<scheme> :signature".
func noAccessKey(auth string) string {
	scheme, rest, ok := strings.Cut(auth, " ")
	i := strings.LastIndex(rest, ":")
	if !ok || i < 0 {
		return auth
	}
	return scheme + " " + rest[i:]
}
