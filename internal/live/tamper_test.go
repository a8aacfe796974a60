package live_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// Every tamper of the S3 V4 catalogue sends a request that the signer's
// own verification (a server's view) rejects as exactly the failure the
// tamper names, and a valid presigned URL verifies; sent twice through
// ParseTamper(Name()), the same.
func TestCatalogueTampersFailAsNamed(t *testing.T) {
	const ak, secret, token = "AKIDEXAMPLE", "SECRETEXAMPLE", "issued-token"
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	now := time.Now()
	target := &live.Target{
		Contract: c, Endpoint: u, Signature: signer.S3V4, Region: "us-east-1",
		Creds:  signer.Credentials{AccessKey: ak, SecretKey: secret, SessionToken: token},
		Client: live.NewClient(live.DefaultLimits, nil),
		Now:    func() time.Time { return now },
	}
	opts := signer.Options{Region: "us-east-1", Token: func(k, tok string) bool { return k == ak && tok == token }}
	keys := func(k string) (string, bool) { return secret, k == ak }
	catalogue := live.Catalogue(signer.S3V4, c.Profile.Auth.Signatures...)
	if len(catalogue) < 27 {
		t.Fatalf("the S3 V4 and V2 catalogue holds %d tampers", len(catalogue))
	}
	for _, tm := range catalogue {
		if parsed, err := live.ParseTamper(tm.Name()); err != nil || parsed != tm {
			t.Errorf("ParseTamper(%q) = %v, %v", tm.Name(), parsed, err)
		}
		got = nil
		ex := target.List(context.Background(), live.Intent{PageSize: "5", Tamper: tm})
		if ex.Err != nil || len(got) != 1 {
			t.Fatalf("%s: %v, %d requests", tm.Name(), ex.Err, len(got))
		}
		err := signer.Verify(tm.Dialect(signer.S3V4), got[0], keys, opts, 15*time.Minute, now)
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
		if !strings.Contains(got[0].URL.RawQuery, "max-buckets=5") {
			t.Errorf("%s: the query %q lost the intent's page size", tm.Name(), got[0].URL.RawQuery)
		}
	}
	if live.Catalogue(signer.COS, signer.COS) != nil {
		t.Errorf("COS has tampers of the S3 catalogue: %v", live.Catalogue(signer.COS, signer.COS))
	}
	if v4only := live.Catalogue(signer.S3V4, signer.S3V4); len(v4only) != 19 {
		t.Errorf("an endpoint accepting S3 V4 only has %d tampers of the catalogue, want the 19 of V4: %v", len(v4only), v4only)
	}
}
