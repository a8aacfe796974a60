package proxy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/proxy"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// TestPaginatedWalkIsOneWalk: the AWS SDK's ListBuckets paginator with
// MaxBuckets 2 makes three requests, each sending the token the page
// before gave; the proxy judges them as one complete walk, and a second
// listing after it as a walk of its own.
func TestPaginatedWalkIsOneWalk(t *testing.T) {
	var events []proxy.Event
	p, client, _ := s3Through(t, 5, proxy.Config{Event: func(e proxy.Event) { events = append(events, e) }})
	ctx := context.Background()
	pages := 0
	pg := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)})
	for pg.HasMorePages() && pages < 10 {
		if _, err := pg.NextPage(ctx); err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if _, err := client.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
	walks, stats := p.Close()
	if pages != 3 || len(walks) != 2 || walks[0].Exchanges != 3 || walks[1].Exchanges != 1 {
		t.Fatalf("%d pages; walks %+v, want one of 3 exchanges then one of 1", pages, walks)
	}
	if !walks[0].Complete || !walks[1].Complete || len(walks[0].Findings)+len(walks[1].Findings) != 0 {
		t.Errorf("walks %+v, want both complete without findings", walks)
	}
	if stats.Judged != 4 || stats.Walks != 2 {
		t.Errorf("stats %+v", stats)
	}
	var ended []int
	for _, e := range events {
		if e.Ended {
			ended = append(ended, e.Walk.N*10+e.Exchange)
		}
	}
	if fmt.Sprint(ended) != "[13 21]" {
		t.Errorf("walks ended at (walk*10+exchange) %v, want [13 21]", ended)
	}
	select {
	case <-p.FirstWalk():
	default:
		t.Error("FirstWalk is still open after a complete walk")
	}
}

// TestAbandonedWalk: a client that stops after the first of several
// pages leaves its walk open; Close ends it, incomplete, with what it
// judged.
func TestAbandonedWalk(t *testing.T) {
	p, client, _ := s3Through(t, 5, proxy.Config{})
	if _, err := client.ListBuckets(context.Background(), &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.FirstWalk():
		t.Error("FirstWalk closed by a walk that expects more pages")
	default:
	}
	walks, _ := p.Close()
	if len(walks) != 1 || walks[0].Complete || walks[0].Exchanges != 1 {
		t.Errorf("walks %+v, want one incomplete walk of one exchange", walks)
	}
}

// TestPassThrough: what the client receives through the proxy is what
// the endpoint sends, byte for byte, for GET Service and for other
// calls; the other calls are counted and not judged, and a GET Service
// body past MaxBody passes whole, unjudged.
func TestPassThrough(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<12) // 64 KiB
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen-Host", r.Host)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusTeapot)
		// Two writes and a flush between: a streamed, chunked body.
		w.Write(body[:1000])
		w.(http.Flusher).Flush()
		w.Write(body[1000:])
	}))
	t.Cleanup(up.Close)
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(up.URL)
	var notes []string
	p, err := proxy.New(proxy.Config{Contract: c, Upstream: u, MaxBody: 32 << 10, Event: func(e proxy.Event) { notes = append(notes, e.Note) }})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	for _, target := range []string{"/", "/some-bucket/some-key"} {
		for _, method := range []string{"GET", "PUT"} {
			req, _ := http.NewRequest(method, ps.URL+target, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusTeapot || !bytes.Equal(got, body) {
				t.Errorf("%s %s: status %d, %d bytes (%v), want 418 and the %d bytes sent", method, target, resp.StatusCode, len(got), err, len(body))
			}
			if h := resp.Header.Get("X-Seen-Host"); h != req.URL.Host {
				t.Errorf("%s %s: the endpoint saw Host %q, want the client's %q", method, target, h, req.URL.Host)
			}
		}
	}
	walks, stats := p.Close()
	if stats.Passed != 3 || stats.Judged != 0 || stats.Unjudged != 1 || len(walks) != 0 {
		t.Errorf("stats %+v, walks %d: want 3 passed and 1 GET Service unjudged (too large)", stats, len(walks))
	}
	if len(notes) != 1 || !bytes.Contains([]byte(notes[0]), []byte("larger than the 32768 bytes")) {
		t.Errorf("notes %q", notes)
	}
}

// TestUpstreamDown: an upstream that cannot be reached is a 502 to the
// client and an exchange not judged, not a finding.
func TestUpstreamDown(t *testing.T) {
	ln := httptest.NewServer(http.NotFoundHandler())
	u, _ := url.Parse(ln.URL)
	ln.Close() // nothing listens there now
	c, _ := contract.Load(schemas.FS, "s3")
	p, err := proxy.New(proxy.Config{Contract: c, Upstream: u})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	defer ps.Close()
	resp, err := http.Get(ps.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	walks, stats := p.Close()
	if resp.StatusCode != http.StatusBadGateway || stats.Unjudged != 1 || stats.Judged != 0 || len(walks) != 0 {
		t.Errorf("status %d, stats %+v, %d walks", resp.StatusCode, stats, len(walks))
	}
}

// s3Through is an S3 reference endpoint with n buckets, a proxy in front
// of it (cfg completed) and an AWS SDK client pointed at the proxy.
func s3Through(t testing.TB, n int, cfg proxy.Config) (*proxy.Proxy, *s3.Client, *httptest.Server) {
	t.Helper()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	srv := refserver.New(c, refserver.Options{Keys: map[string]string{sdkKey: sdkSecret}})
	t0 := time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)
	for i := range n {
		srv.Seed(refserver.Bucket{Name: fmt.Sprintf("bucket-%06d", i), Created: t0})
	}
	up := httptest.NewServer(srv)
	t.Cleanup(up.Close)
	cfg.Contract = c
	cfg.Upstream, _ = url.Parse(up.URL)
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	client := s3.New(s3.Options{
		Region: srv.Region(), BaseEndpoint: aws.String(ps.URL), UsePathStyle: true, RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: sdkKey, SecretAccessKey: sdkSecret}, nil
		}),
	})
	return p, client, up
}

// TestForwardProxyKeepsTheEndpointsHost: a client that uses the proxy as
// its HTTP proxy (HTTP_PROXY, or the transport's Proxy) names the real
// endpoint's host, signs for it and sends its requests in absolute form;
// the proxy forwards them to the upstream with that Host, so a signature
// for the endpoint's own name verifies there, and judges the listing as
// it would a direct one. The name is never resolved: only the proxy is
// dialled.
func TestForwardProxyKeepsTheEndpointsHost(t *testing.T) {
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	srv := refserver.New(c, refserver.Options{Keys: map[string]string{sdkKey: sdkSecret}})
	srv.Seed(refserver.Bucket{Name: "forwarded", Created: time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts = append(hosts, r.Host)
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(up.Close)
	upURL, _ := url.Parse(up.URL)
	dir := t.TempDir()
	p, err := proxy.New(proxy.Config{Contract: c, Upstream: upURL, Record: func(name string) (io.WriteCloser, error) { return os.Create(filepath.Join(dir, name)) }})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	psURL, _ := url.Parse(ps.URL)
	const endpoint = "http://s3.us-east-1.gsc-proxy.internal"
	client := s3.New(s3.Options{
		Region: srv.Region(), BaseEndpoint: aws.String(endpoint), UsePathStyle: true, RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(psURL)}},
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: sdkKey, SecretAccessKey: sdkSecret}, nil
		}),
	})
	out, err := client.ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("listing through the proxy as an HTTP proxy: %v", err)
	}
	walks, stats := p.Close()
	if len(out.Buckets) != 1 || stats.Judged != 1 || len(walks) != 1 {
		t.Fatalf("%d buckets, stats %+v", len(out.Buckets), stats)
	}
	if fmt.Sprint(hosts) != "[s3.us-east-1.gsc-proxy.internal]" {
		t.Errorf("the upstream saw Host %q, want the endpoint's name", hosts)
	}
	if len(walks[0].Findings) != 0 {
		t.Errorf("findings on a clean listing: %v", walks[0].Findings)
	}
	src, err := os.ReadFile(filepath.Join(dir, walks[0].File))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("-- 1/request --\nGET /?x-id=ListBuckets HTTP/1.1\r\nHost: s3.us-east-1.gsc-proxy.internal\r\n")) {
		t.Errorf("the recording does not show the request as the endpoint got it (origin form, its Host):\n%.400s", src)
	}
}

// TestCopiesAreBounded: with every copy slot held by a listing still
// passing, one more listing passes through whole but unjudged: the proxy
// holds at most a bounded number of bodies.
func TestCopiesAreBounded(t *testing.T) {
	const slots = 8 // maxCopies
	arrived := make(chan struct{}, slots+1)
	release := make(chan struct{})
	var mu sync.Mutex
	n := 0
	page := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID><DisplayName>d</DisplayName></Owner><Buckets></Buckets></ListAllMyBucketsResult>`
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		held := n <= slots
		mu.Unlock()
		arrived <- struct{}{}
		if held {
			<-release
		}
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Amz-Request-Id", "0123456789ABCDEF")
		io.WriteString(w, page)
	}))
	t.Cleanup(up.Close)
	c, _ := contract.Load(schemas.FS, "s3")
	u, _ := url.Parse(up.URL)
	p, err := proxy.New(proxy.Config{Contract: c, Upstream: u})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	get := func() error {
		resp, err := http.Get(ps.URL + "/")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err == nil && string(body) != page {
			err = fmt.Errorf("got %q", body)
		}
		return err
	}
	errs := make(chan error, slots)
	for range slots {
		go func() { errs <- get() }()
	}
	for range slots {
		<-arrived
	}
	if err := get(); err != nil { // the one past the slots
		t.Fatal(err)
	}
	<-arrived
	close(release)
	for range slots {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	_, stats := p.Close()
	if stats.Judged != slots || stats.Unjudged != 1 {
		t.Errorf("stats %+v, want %d judged and 1 passed unjudged", stats, slots)
	}
}

// TestOffsetWalk: QingStor pages by offset: the requests a client sends
// with offset 0 (or none), 2, 4 and limit 2 are one walk, which ends
// complete at the page that comes back short (a walk ended early would
// make the next page a walk of its own).
func TestOffsetWalk(t *testing.T) {
	c, err := contract.Load(schemas.FS, "qingstor")
	if err != nil {
		t.Fatal(err)
	}
	srv := refserver.New(c, refserver.Options{Keys: map[string]string{sdkKey: sdkSecret}})
	for i := range 5 {
		srv.Seed(refserver.Bucket{Name: fmt.Sprintf("bucket-%d", i), Created: time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)})
	}
	up := httptest.NewServer(srv)
	t.Cleanup(up.Close)
	u, _ := url.Parse(up.URL)
	p, err := proxy.New(proxy.Config{Contract: c, Upstream: u})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	for _, q := range []string{"limit=2", "limit=2&offset=2", "limit=2&offset=4"} {
		req, _ := http.NewRequest(http.MethodGet, ps.URL+"/?"+q, nil)
		if err := signer.Sign(signer.QingStor, req, signer.Credentials{AccessKey: sdkKey, SecretKey: sdkSecret}, signer.Options{}, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", q, resp.StatusCode)
		}
	}
	walks, _ := p.Close()
	if len(walks) != 1 || walks[0].Exchanges != 3 || !walks[0].Complete || len(walks[0].Findings) != 0 {
		t.Errorf("walks %+v, want one complete walk of three pages, no findings", walks)
	}
}

// TestVirtualHostedBucket: GET / on a bucket's own host (a name under
// localhost, as a client addresses a bucket virtual-hosted on the proxy)
// lists objects, not buckets: passed, not judged; GET / on the proxy's
// address is judged.
func TestVirtualHostedBucket(t *testing.T) {
	p, _, _ := s3Through(t, 1, proxy.Config{})
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	psURL, _ := url.Parse(ps.URL)
	for _, host := range []string{"photos.localhost:" + psURL.Port(), psURL.Host} {
		req, _ := http.NewRequest(http.MethodGet, ps.URL+"/", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	_, stats := p.Close()
	if stats.Passed != 1 || stats.Judged != 1 {
		t.Errorf("stats %+v, want the bucket's GET passed and the service's judged", stats)
	}
}
