package live_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// A target's secret key and session token are masked from its very first
// request, an anonymous one included, whatever the endpoint echoes; and a
// password in the endpoint URL is never sent, nor shown by a curl line.
func TestTargetMasksItsCredentials(t *testing.T) {
	const secret, token = "target/test+SECRET/key", "target-session-TOKEN/abc=="
	var sawAuth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAuth = append(sawAuth, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("<Error><Code>AccessDenied</Code><Message>" + secret + " " + token + "</Message></Error>"))
	}))
	defer srv.Close()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(strings.Replace(srv.URL, "http://", "http://admin:url-password@", 1))
	target := &live.Target{
		Contract: c, Endpoint: u, Signature: signer.S3V4, Region: "us-east-1",
		Creds:  signer.Credentials{AccessKey: "AKIDEXAMPLE", SecretKey: secret, SessionToken: token},
		Client: live.NewClient(live.DefaultLimits, nil),
	}
	ex := target.List(context.Background(), live.Intent{Tamper: live.Anonymous})
	if ex.Err != nil || ex.Status != 403 {
		t.Fatalf("status %d, error %v", ex.Status, ex.Err)
	}
	shown := string(ex.Request) + string(ex.Response) + target.Curl(ex, live.Anonymous)
	for _, s := range []string{secret, token, "url-password"} {
		if strings.Contains(shown, s) {
			t.Errorf("the exchange or its curl line shows %q:\n%s", s, shown)
		}
	}
	if len(sawAuth) != 1 || sawAuth[0] != "" {
		t.Errorf("the anonymous request went out with Authorization %q", sawAuth)
	}
}

// Once the endpoint stalled, listing is refused at once, but deleting the
// run's buckets is still tried.
func TestTargetDeletesAfterGivingUp(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var methods []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods = append(methods, r.Method)
		mu.Unlock()
		if r.Method == http.MethodGet {
			<-release // no response head until the test ends
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	defer close(release) // before srv.Close, which waits for the handler
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	limits := live.DefaultLimits
	limits.HeaderTimeout = 100 * time.Millisecond
	target := &live.Target{
		Contract: c, Endpoint: u, Signature: signer.S3V4, Region: "us-east-1",
		Creds:  signer.Credentials{AccessKey: "AKIDEXAMPLE", SecretKey: "SECRETEXAMPLE"},
		Client: live.NewClient(limits, nil),
	}
	if ex := target.List(context.Background(), live.Intent{}); live.KindOf(ex.Err) != live.Timeout {
		t.Fatalf("list: %v, want a timeout", ex.Err)
	}
	if ex := target.List(context.Background(), live.Intent{}); live.KindOf(ex.Err) != live.Unusable {
		t.Errorf("second list: %v, want the endpoint given up", ex.Err)
	}
	if ex := target.DeleteBucket(context.Background(), "gsc-00000000-00"); ex.Err != nil || ex.Status != http.StatusNoContent {
		t.Errorf("delete after giving up: status %d, %v", ex.Status, ex.Err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(methods, " ") != "GET DELETE" {
		t.Errorf("the endpoint saw %v, want GET DELETE", methods)
	}
}
