package proxy_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/proxy"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// TestRecordingsAreRedacted: an endpoint that refuses a request and
// echoes its signature, in the error body and in a header, has the
// signature masked in the recording and in every finding printed, while
// the client still gets the bytes as sent.
func TestRecordingsAreRedacted(t *testing.T) {
	sigRE := regexp.MustCompile(`Signature=([0-9a-f]{64})`)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sig := sigRE.FindStringSubmatch(r.Header.Get("Authorization"))[1]
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Amz-Request-Id", "0123456789ABCDEF")
		w.Header().Set("X-Echo", sig)
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message><SignatureProvided>%s</SignatureProvided><RequestId>0123456789ABCDEF</RequestId><HostId>h</HostId></Error>`, sig)
	}))
	t.Cleanup(up.Close)
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(up.URL)
	dir := t.TempDir()
	var printed bytes.Buffer
	p, err := proxy.New(proxy.Config{Contract: c, Upstream: u,
		Record: func(name string) (io.WriteCloser, error) { return os.Create(filepath.Join(dir, name)) },
		Event: func(e proxy.Event) {
			for _, f := range e.Findings {
				fmt.Fprintln(&printed, f.String())
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	req, _ := http.NewRequest(http.MethodGet, ps.URL+"/", nil)
	if err := signer.Sign(signer.S3V4, req, signer.Credentials{AccessKey: sdkKey, SecretKey: sdkSecret}, signer.Options{Region: "us-east-1"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	sig := sigRE.FindStringSubmatch(req.Header.Get("Authorization"))[1]
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(sig)) || resp.Header.Get("X-Echo") != sig {
		t.Errorf("the client did not get the echo as the endpoint sent it")
	}
	walks, _ := p.Close()
	if len(walks) != 1 {
		t.Fatalf("%d walks", len(walks))
	}
	src, err := os.ReadFile(filepath.Join(dir, walks[0].File))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"the recording": src, "the findings printed": printed.Bytes()} {
		if bytes.Contains(data, []byte(sig)) || bytes.Contains(data, []byte(sdkSecret)) {
			t.Errorf("%s holds the signature or the secret:\n%s", name, data)
		}
	}
	if !bytes.Contains(src, []byte("<SignatureProvided>****")) || !bytes.Contains(src, []byte("Signature=****")) {
		t.Errorf("the recording does not show the masked signature where it was:\n%s", src)
	}
}
