package refserver

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/signer"
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
// target at the probe's clock.
func (p *probe) tampered(tm live.Tamper) *live.Exchange {
	u, err := url.Parse(p.e.url)
	if err != nil {
		p.t.Fatal(err)
	}
	target := &live.Target{
		Contract: p.e.c, Endpoint: u, Signature: signer.S3V4, Region: p.e.srv.Region(),
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
		for _, tm := range live.Catalogue(signer.S3V4, p.e.c.Profile.Auth.Signatures...) {
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

// Each tamper of the S3 V4 catalogue fails verification as the failure it
// names, and the reference endpoint answers it as the profile lists.
func TestCatalogueTampers(t *testing.T) {
	p := newProbe(t, "s3", nil)
	for _, tm := range live.Catalogue(signer.S3V4, p.e.c.Profile.Auth.Signatures...) {
		ex := p.tampered(tm)
		rej, listed := p.e.c.Profile.Auth.Rejections[tm.Failure()]
		code := check.ErrorCode(p.e.c, ex.Body)
		switch {
		case tm.Failure() == "" && ex.Status != 200:
			t.Errorf("%s: %d %q, want 200", tm.Name(), ex.Status, code)
		case tm.Failure() != "" && !listed:
			t.Errorf("%s: the s3 profile lists no answer for %s", tm.Name(), tm.Failure())
		case tm.Failure() != "" && !rej.Allows(ex.Status, code):
			t.Errorf("%s: %d %q, want %v %v", tm.Name(), ex.Status, code, rej.Status, rej.Codes)
		}
	}
}
