package live_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// A request with a body (a bucket's tags) arrives with all of it, also on
// a fresh connection each time: recording the request must not use the
// body up.
func TestRequestBodyArrives(t *testing.T) {
	var got []int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, len(b))
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	c, err := contract.Load(schemas.FS, "oss")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	target := &live.Target{Contract: c, Endpoint: u, Signature: signer.OSSV1, Region: "cn-hangzhou",
		Creds:  signer.Credentials{AccessKey: "AKIDEXAMPLE", SecretKey: "SECRETEXAMPLE"},
		Client: live.NewClient(live.DefaultLimits, nil)}
	for i := 0; i < 3; i++ {
		ex := target.TagBucketWith(context.Background(), "gsc-body", [2]string{"k", "v"})
		if ex.Err != nil || ex.Status != 200 {
			t.Fatalf("tagging: %v, %d", ex.Err, ex.Status)
		}
	}
	for i, n := range got {
		if n == 0 {
			t.Errorf("request %d arrived without its body", i+1)
		}
	}
}
