package live_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// Every tamper of a dialect's catalogue (S3 V4 and V2, COS, OSS V1 and
// V4, BOS) sends a request that the signer's own verification (a
// server's view) rejects as exactly the failure the tamper names, and a
// valid presigned URL verifies; sent twice through ParseTamper(Name()),
// the same.
func TestCatalogueTampersFailAsNamed(t *testing.T) {
	for _, tc := range []struct {
		vendor, dialect string
		atLeast         int
	}{
		{"s3", signer.S3V4, 27},
		{"cos", signer.COS, 1},
		{"oss", signer.OSSV1, 4},
		{"oss", signer.OSSV4, 4},
		{"bos", signer.BCE, 2},
	} {
		t.Run(tc.vendor+"/"+tc.dialect, func(t *testing.T) {
			catalogueFailsAsNamed(t, tc.vendor, tc.dialect, tc.atLeast)
		})
	}
}

func catalogueFailsAsNamed(t *testing.T, vendor, dialect string, atLeast int) {
	const ak, secret, token = "AKIDEXAMPLE", "SECRETEXAMPLE", "issued-token"
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	now := time.Now()
	creds := signer.Credentials{AccessKey: ak, SecretKey: secret}
	if dialect == signer.S3V4 {
		creds.SessionToken = token
	}
	target := &live.Target{
		Contract: c, Endpoint: u, Signature: dialect, Region: "us-east-1",
		Creds:  creds,
		Client: live.NewClient(live.DefaultLimits, nil),
		Now:    func() time.Time { return now },
	}
	opts := signer.Options{Region: "us-east-1", Token: func(k, tok string) bool { return k == ak && tok == token }}
	keys := func(k string) (string, bool) { return secret, k == ak }
	catalogue := live.Catalogue(dialect, c.Profile.Auth.Signatures...)
	if len(catalogue) < atLeast {
		t.Fatalf("the %s catalogue holds %d tampers, want at least %d", dialect, len(catalogue), atLeast)
	}
	pageSize := c.Profile.Params.PageSize.Name
	for _, tm := range catalogue {
		if parsed, err := live.ParseTamper(tm.Name()); err != nil || parsed != tm {
			t.Errorf("ParseTamper(%q) = %v, %v", tm.Name(), parsed, err)
		}
		got = nil
		ex := target.List(context.Background(), live.Intent{PageSize: "5", Tamper: tm})
		if ex.Err != nil || len(got) != 1 {
			t.Fatalf("%s: %v, %d requests", tm.Name(), ex.Err, len(got))
		}
		err := signer.Verify(tm.Dialect(dialect), got[0], keys, opts, 15*time.Minute, now)
		var rej *signer.Rejection
		switch {
		case tm.Failure() == "" && err != nil:
			t.Errorf("%s: %v, want it accepted", tm.Name(), err)
		case tm.Failure() != "" && (!errors.As(err, &rej) || string(rej.Failure) != tm.Failure()):
			t.Errorf("%s: %v, want failure %s", tm.Name(), err, tm.Failure())
		}
		if tm.Presigns() != (got[0].Header.Get("Authorization") == "") {
			t.Errorf("%s: Authorization %q", tm.Name(), got[0].Header.Get("Authorization"))
		}
		if pageSize != "" && !strings.Contains(got[0].URL.RawQuery, pageSize+"=5") {
			t.Errorf("%s: the query %q lost the intent's page size", tm.Name(), got[0].URL.RawQuery)
		}
	}
}

// Each dialect has the tampers of its own catalogue and no other's.
func TestCatalogueDialects(t *testing.T) {
	if got := live.Catalogue(signer.COS, signer.COS); !slices.Equal(got, []live.Tamper{live.COSExpired}) {
		t.Errorf("COS has the tampers %v, want only its own expired window", got)
	}
	if got := live.Catalogue(signer.QingStor, signer.QingStor); got != nil {
		t.Errorf("QingStor has the tampers %v, want none (its error codes name none past the four)", got)
	}
	if got := live.Catalogue(signer.OSSV4, signer.OSSV1, signer.OSSV4); !slices.Equal(got, []live.Tamper{live.OSSV1NoSignature, live.OSSV1NoDate, live.OSSV1EmptySig, live.OSSV1NoKey}) {
		t.Errorf("an OSS V4 run has the tampers %v, want the four V1 ones", got)
	}
	if v4only := live.Catalogue(signer.S3V4, signer.S3V4); len(v4only) != 19 {
		t.Errorf("an endpoint accepting S3 V4 only has %d tampers of the catalogue, want the 19 of V4: %v", len(v4only), v4only)
	}
}
