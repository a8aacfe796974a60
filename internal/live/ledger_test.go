package live

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// ledgerEndpoint is an S3 reference endpoint on loopback; before, when
// set, sees each request first and may answer it itself (true).
type ledgerEndpoint struct {
	*refserver.Server
	target *Target

	mu      sync.Mutex
	deletes []string
}

func newLedgerEndpoint(t *testing.T, limits Limits, before func(w http.ResponseWriter, r *http.Request, srv http.Handler) bool) *ledgerEndpoint {
	t.Helper()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	e := &ledgerEndpoint{Server: refserver.New(c, refserver.Options{Keys: map[string]string{"AKIDLEDGER": "ledger-secret"}})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			e.mu.Lock()
			e.deletes = append(e.deletes, strings.TrimPrefix(r.URL.Path, "/"))
			e.mu.Unlock()
		}
		if before != nil && before(w, r, e.Server) {
			return
		}
		e.Server.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	e.target = &Target{
		Contract: c, Endpoint: u, Signature: signer.S3V4, Region: e.Region(), Addressing: "path",
		Creds:  signer.Credentials{AccessKey: "AKIDLEDGER", SecretKey: "ledger-secret"},
		Client: NewClient(limits, nil),
	}
	return e
}

func (e *ledgerEndpoint) names() []string {
	var names []string
	for _, b := range e.Buckets() {
		names = append(names, b.Name)
	}
	return names
}

func (e *ledgerEndpoint) deleted() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.deletes)
}

var cleanupLimits = Limits{ConnectTimeout: 5 * time.Second, HeaderTimeout: 10 * time.Second, Timeout: 20 * time.Second, MaxBody: 1 << 20}

func TestLedgerCleansUpWhatItCreated(t *testing.T) {
	e := newLedgerEndpoint(t, fast, nil)
	e.Seed(refserver.Bucket{Name: "users-own-bucket"})
	var l Ledger
	for _, name := range []string{"gsc-0a0b0c0d-00", "gsc-0a0b0c0d-01"} {
		if ex := l.Create(context.Background(), e.target, name); ex.Status != 200 {
			t.Fatalf("create %s: status %d, %v", name, ex.Status, ex.Err)
		}
	}
	if got := l.Created(e.target); strings.Join(got, " ") != "gsc-0a0b0c0d-00 gsc-0a0b0c0d-01" {
		t.Errorf("Created = %v", got)
	}
	c := l.Cleanup(context.Background(), cleanupLimits)
	if strings.Join(c.Deleted, " ") != "gsc-0a0b0c0d-00 gsc-0a0b0c0d-01" || len(c.Absent)+len(c.Left) != 0 || c.Err() != nil {
		t.Errorf("Cleanup = %+v, err %v", c, c.Err())
	}
	if got := e.names(); strings.Join(got, " ") != "users-own-bucket" {
		t.Errorf("buckets after cleanup: %v, want only the user's", got)
	}
	if again := l.Cleanup(context.Background(), cleanupLimits); len(again.Deleted)+len(again.Absent)+len(again.Left) != 0 {
		t.Errorf("a second cleanup found work: %+v", again)
	}
}

// A create whose answer never arrives (the run was interrupted while it
// was in flight) may still have made the bucket: it stays pending, and
// cleanup deletes it, through a client of its own: the target's, here
// with limits no request can meet (a run with --timeout 1ms), is not
// used. One the endpoint never made is found absent (404): gone too.
func TestLedgerResolvesUnsettledCreates(t *testing.T) {
	arrived := make(chan struct{}, 1)
	e := newLedgerEndpoint(t, fast, func(w http.ResponseWriter, r *http.Request, srv http.Handler) bool {
		if r.Method != http.MethodPut {
			return false
		}
		if strings.HasSuffix(r.URL.Path, "-00") { // made, but the answer is held until the client left
			srv.ServeHTTP(httptest.NewRecorder(), r)
		}
		arrived <- struct{}{}
		<-r.Context().Done()
		return true
	})
	var l Ledger
	for _, name := range []string{"gsc-0a0b0c0d-00", "gsc-0a0b0c0d-01"} {
		ctx, interrupt := context.WithCancel(context.Background())
		go func() { <-arrived; interrupt() }()
		if ex := l.Create(ctx, e.target, name); ex.Err == nil {
			t.Fatalf("create %s answered %d, want no answer", name, ex.Status)
		}
	}
	if p := l.Pending(e.target); strings.Join(p, " ") != "gsc-0a0b0c0d-00 gsc-0a0b0c0d-01" || len(l.Created(e.target)) != 0 {
		t.Fatalf("pending %v, created %v: want both pending", p, l.Created(e.target))
	}
	if got := e.names(); strings.Join(got, " ") != "gsc-0a0b0c0d-00" {
		t.Fatalf("the endpoint holds %v, want the bucket whose answer was lost", got)
	}
	e.target.Client = NewClient(Limits{ConnectTimeout: time.Nanosecond, HeaderTimeout: time.Nanosecond, Timeout: time.Nanosecond}, nil)
	c := l.Cleanup(context.Background(), cleanupLimits)
	if strings.Join(c.Deleted, " ") != "gsc-0a0b0c0d-00" || strings.Join(c.Absent, " ") != "gsc-0a0b0c0d-01" || c.Err() != nil {
		t.Errorf("Cleanup = %+v, err %v; want -00 deleted, -01 absent", c, c.Err())
	}
	if got := e.names(); len(got) != 0 {
		t.Errorf("buckets left: %v", got)
	}
}

// A refused create made no bucket of the run's: cleanup leaves it alone,
// even when the name exists (someone's bucket that was there before).
func TestLedgerForgetsRefusedCreates(t *testing.T) {
	e := newLedgerEndpoint(t, fast, nil)
	e.Seed(refserver.Bucket{Name: "gsc-0a0b0c0d-00"})
	var l Ledger
	if ex := l.Create(context.Background(), e.target, "gsc-0a0b0c0d-00"); ex.Status != http.StatusConflict {
		t.Fatalf("create of an existing name: status %d, want 409", ex.Status)
	}
	bad := *e.target
	bad.Creds.SecretKey = "wrong"
	if ex := l.Create(context.Background(), &bad, "gsc-0a0b0c0d-01"); ex.Status != http.StatusForbidden {
		t.Fatalf("create with a wrong key: status %d, want 403", ex.Status)
	}
	if p, c := l.Pending(e.target), l.Created(e.target); len(p)+len(c)+len(l.Pending(&bad)) != 0 {
		t.Errorf("refused creates recorded: pending %v, created %v", p, c)
	}
	l.Cleanup(context.Background(), cleanupLimits)
	if d := e.deleted(); len(d) != 0 {
		t.Errorf("cleanup sent DELETE for %v", d)
	}
	if got := e.names(); strings.Join(got, " ") != "gsc-0a0b0c0d-00" {
		t.Errorf("buckets after cleanup: %v, want the one that was there before", got)
	}
}

// A bucket cleanup cannot delete is reported with the reason, kept in the
// ledger, and deleted by a later cleanup once the endpoint lets it; a
// cancelled cleanup reports every bucket it did not get to.
func TestLedgerReportsWhatItCouldNotDelete(t *testing.T) {
	var refuse sync.Mutex
	refusing := true
	e := newLedgerEndpoint(t, fast, func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		refuse.Lock()
		defer refuse.Unlock()
		if r.Method == http.MethodDelete && refusing {
			w.WriteHeader(http.StatusConflict)
			w.Write([]byte("<Error><Code>BucketNotEmpty</Code></Error>"))
			return true
		}
		return false
	})
	var l Ledger
	l.Create(context.Background(), e.target, "gsc-0a0b0c0d-00")
	c := l.Cleanup(context.Background(), cleanupLimits)
	if len(c.Left) != 1 || c.Left[0].Bucket != "gsc-0a0b0c0d-00" || c.Left[0].Reason != "status 409 BucketNotEmpty" {
		t.Fatalf("Cleanup = %+v", c)
	}
	if err := c.Err(); err == nil || !strings.Contains(err.Error(), "gsc-0a0b0c0d-00 (status 409 BucketNotEmpty)") {
		t.Errorf("Err() = %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c := l.Cleanup(ctx, cleanupLimits); len(c.Left) != 1 || !strings.Contains(c.Left[0].Reason, "cleanup stopped") {
		t.Errorf("cancelled Cleanup = %+v", c)
	}

	refuse.Lock()
	refusing = false
	refuse.Unlock()
	if c := l.Cleanup(context.Background(), cleanupLimits); strings.Join(c.Deleted, " ") != "gsc-0a0b0c0d-00" || c.Err() != nil {
		t.Errorf("later Cleanup = %+v", c)
	}
	if got := e.names(); len(got) != 0 {
		t.Errorf("buckets left: %v", got)
	}
}

// A create that never reached the endpoint (nothing listens) is not the
// run's to clean up; one that reached it without an answer is.
func TestLedgerForgetsCreatesNeverSent(t *testing.T) {
	e := newLedgerEndpoint(t, fast, nil)
	nowhere := *e.target
	nowhere.Endpoint = &url.URL{Scheme: "http", Host: closedAddr(t)}
	var l Ledger
	if ex := l.Create(context.Background(), &nowhere, "gsc-0a0b0c0d-00"); KindOf(ex.Err) != Unreachable {
		t.Fatalf("create where nothing listens: %v, want unreachable", ex.Err)
	}
	if p := l.Pending(&nowhere); len(p) != 0 {
		t.Errorf("a create that was never sent is pending: %v", p)
	}
}

// closedAddr is a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// A create the run gave up on may reach the endpoint after the cleanup's
// first DELETE found nothing: cleanup looks again a moment later, and
// deletes it then.
func TestLedgerCatchesLateCreates(t *testing.T) {
	e := newLedgerEndpoint(t, fast, func(w http.ResponseWriter, r *http.Request, srv http.Handler) bool {
		if r.Method != http.MethodPut {
			return false
		}
		go func() { // the endpoint makes the bucket later than the client waits
			time.Sleep(lateCreates / 3)
			srv.ServeHTTP(httptest.NewRecorder(), r.Clone(context.Background()))
		}()
		<-r.Context().Done()
		return true
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var l Ledger
	if ex := l.Create(ctx, e.target, "gsc-0a0b0c0d-00"); ex.Err == nil {
		t.Fatalf("create answered %d, want no answer", ex.Status)
	}
	c := l.Cleanup(context.Background(), cleanupLimits)
	if strings.Join(c.Deleted, " ") != "gsc-0a0b0c0d-00" || len(c.Absent) != 0 || c.Err() != nil {
		t.Errorf("Cleanup = %+v, err %v; want the late bucket deleted", c, c.Err())
	}
	if got := e.names(); len(got) != 0 {
		t.Errorf("buckets left: %v", got)
	}
}
