package refserver

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// The auth catalogue's probes send the live suite's own tampered requests
// (live.Tamper): the answer must be the one the profile lists, and is not
// with the failure's fault in force.
func init() {
	for _, f := range signer.Finer() {
		faultProbes[Unchecked(f)] = showsCatalogueAnswer(f)
	}
	faultProbes[PresignedRefused] = func(p *probe) string {
		ex := p.tampered(live.Presigned)
		return deviatesIf(ex.Status != 200, "a valid presigned URL answered %d", ex.Status)
	}
}

// tampered lists the buckets with a request spoilt as tm, through a live
// target at the probe's clock signing in the vendor's first dialect.
func (p *probe) tampered(tm live.Tamper) *live.Exchange {
	u, err := url.Parse(p.e.url)
	if err != nil {
		p.t.Fatal(err)
	}
	target := &live.Target{
		Contract: p.e.c, Endpoint: u, Signature: p.e.c.Profile.Auth.Signatures[0], Region: p.e.srv.Region(),
		Creds:  signer.Credentials{AccessKey: testKey, SecretKey: testSecret},
		Client: live.NewClient(live.DefaultLimits, nil),
		Now:    func() time.Time { return t0 },
	}
	ex := target.List(context.Background(), live.Intent{Tamper: tm})
	if ex.Err != nil {
		p.t.Fatalf("%s: %v", tm.Name(), ex.Err)
	}
	return ex
}

// showsCatalogueAnswer sends every tamper that fails as f and reports the
// first answer the profile does not allow.
func showsCatalogueAnswer(f signer.Failure) func(p *probe) string {
	return func(p *probe) string {
		rej := p.e.c.Profile.Auth.Rejections[string(f)]
		sent := 0
		sigs := p.e.c.Profile.Auth.Signatures
		for _, tm := range live.Catalogue(sigs[0], sigs...) {
			if tm.Failure() != string(f) {
				continue
			}
			sent++
			ex := p.tampered(tm)
			if code := check.ErrorCode(p.e.c, ex.Body); !rej.Allows(ex.Status, code) {
				return fmt.Sprintf("%s answered %d %q", tm.Name(), ex.Status, code)
			}
		}
		if sent == 0 {
			p.t.Fatalf("no tamper fails as %s", f)
		}
		return ""
	}
}

// Each tamper of every vendor's catalogue (signing in the vendor's first
// dialect) fails verification as the failure it names, and the reference
// endpoint answers it as the profile lists.
func TestCatalogueTampers(t *testing.T) {
	sent := 0
	for _, vendor := range contract.Vendors(schemas.FS) {
		p := newProbe(t, vendor, nil)
		sigs := p.e.c.Profile.Auth.Signatures
		for _, tm := range live.Catalogue(sigs[0], sigs...) {
			ex := p.tampered(tm)
			rej, listed := p.e.c.Profile.Auth.Rejections[tm.Failure()]
			code := check.ErrorCode(p.e.c, ex.Body)
			switch {
			case tm.Failure() == "":
				if ex.Status != 200 {
					t.Errorf("%s %s: %d %q, want 200", vendor, tm.Name(), ex.Status, code)
				}
			case !listed:
				continue // not in the vendor's catalogue: no spec sends it
			case !rej.Allows(ex.Status, code):
				t.Errorf("%s %s: %d %q, want %v %v", vendor, tm.Name(), ex.Status, code, rej.Status, rej.Codes)
			}
			sent++
		}
	}
	if sent < 27+1+4+2 {
		t.Errorf("%d catalogued tampers answered; want those of S3, COS, OSS and BOS", sent)
	}
}
