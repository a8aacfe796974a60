package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fast keeps retries quick; its timeouts are generous, so that a loaded
// machine does not turn a test about something else into a timeout. The
// tests about timeouts set their own.
var fast = Limits{
	ConnectTimeout: 10 * time.Second, HeaderTimeout: 10 * time.Second, Timeout: 20 * time.Second, Stall: 10 * time.Second,
	MaxBody: 64, MaxHead: 4096, Retries: 2, Backoff: time.Millisecond, MaxRetryAfter: 2 * time.Second,
}

func get(url string) func() (*http.Request, error) {
	return func() (*http.Request, error) {
		req, err := http.NewRequest("GET", url, nil)
		if err == nil {
			req.Header.Set("Authorization", "AWS AKIDEXAMPLE:c2lnbmF0dXJl")
		}
		return req, err
	}
}

// countRequests wraps a handler with a count of the requests it served.
func countRequests(h http.Handler) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	}), &n
}

func TestClient(t *testing.T) {
	var flakyCalls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if flakyCalls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(strings.Repeat("x", 1000))) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/elsewhere", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/throttled", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	h, served := countRequests(mux)
	srv := httptest.NewServer(h)
	defer srv.Close()

	tests := []struct {
		path      string
		status    int
		retries   int
		sent      int // requests the server saw
		kind      Kind
		err       string
		truncated bool
	}{
		{"/flaky", 200, 1, 2, 0, "", false},
		{"/down", 500, 2, 3, 0, "", false}, // 5xx forever: bounded retries, then the status
		{"/missing", 404, 0, 1, 0, "", false},
		{"/huge", 200, 0, 1, 0, "", true},
		{"/moved", 302, 0, 1, 0, "", false},
		{"/loop", 302, 0, 1, 0, "", false},      // a redirect loop costs one request: nothing follows it
		{"/throttled", 503, 1, 1, 0, "", false}, // Retry-After: 3600 is not waited for
		{"/reset", 0, 0, 1, Reset, "the endpoint closed the connection without answering", false},
	}
	for _, tt := range tests {
		before := served.Load()
		c := NewClient(fast, nil)
		ex := c.Do(context.Background(), get(srv.URL+tt.path))
		if ex.Status != tt.status || len(ex.Retries) != tt.retries || ex.Truncated != tt.truncated {
			t.Errorf("%s: status %d retries %q truncated %v, want %d, %d, %v", tt.path, ex.Status, ex.Retries, ex.Truncated, tt.status, tt.retries, tt.truncated)
		}
		if n := int(served.Load() - before); n != tt.sent || c.Requests() != tt.sent {
			t.Errorf("%s: the server saw %d requests and the client counts %d, want %d", tt.path, n, c.Requests(), tt.sent)
		}
		if tt.err == "" && ex.Err != nil || tt.err != "" && (ex.Err == nil || ex.Err.Error() != tt.err || KindOf(ex.Err) != tt.kind) {
			t.Errorf("%s: error %v (kind %v), want %q (%v)", tt.path, ex.Err, KindOf(ex.Err), tt.err, tt.kind)
		}
		if strings.Contains(string(ex.Request), "c2lnbmF0dXJl") {
			t.Errorf("%s: the recorded request keeps the signature:\n%s", tt.path, ex.Request)
		}
		if tt.truncated && len(ex.Body) != int(fast.MaxBody) {
			t.Errorf("%s: kept %d body bytes, want the %d allowed", tt.path, len(ex.Body), fast.MaxBody)
		}
	}
}

// A Retry-After within the cap is honoured; one above it is named.
func TestClientRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", r.URL.Query().Get("after"))
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	ex := NewClient(fast, nil).Do(context.Background(), get(srv.URL+"/?after=1"))
	if ex.Status != 200 || len(ex.Retries) != 1 || !strings.Contains(ex.Retries[0], "429 Too Many Requests; retried after 1s") {
		t.Errorf("Retry-After: 1: status %d, retries %q; want 200 after one retry 1s later", ex.Status, ex.Retries)
	}
	calls.Store(0)
	ex = NewClient(fast, nil).Do(context.Background(), get(srv.URL+"/?after=3600"))
	want := "attempt 1: 429 Too Many Requests with Retry-After: 3600, longer than the 2s a run waits: not retried"
	if ex.Status != 429 || len(ex.Retries) != 1 || ex.Retries[0] != want || calls.Load() != 1 {
		t.Errorf("Retry-After: 3600: status %d, retries %q, %d requests; want 429 as is, %q, 1 request", ex.Status, ex.Retries, calls.Load(), want)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true}, {"3", 3 * time.Second, true}, {"3600", time.Hour, true},
		{"Mon, 30 Nov 2026 08:00:05 GMT", 5 * time.Second, true},
		{"Mon, 30 Nov 2026 07:00:00 GMT", 0, true},
		{"-1", 0, false}, {"soon", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		if got, ok := retryAfter(tt.in, now); got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// Each way an endpoint cannot be reached is Unreachable, with a message
// that names the host and says what is wrong, and no Go noise.
func TestClientUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	tests := []struct{ url, msg string }{
		{"http://" + closed + "/", "nothing listens at " + closed + " (connection refused)"},
		{"http://gsc-no-such-host.invalid/", "cannot resolve gsc-no-such-host.invalid: no such host"},
		{"http://127.0.0.1:0/", "cannot connect to 127.0.0.1:0: invalid port"},
		{"http://127.0.0.1:99999/", "cannot connect to 127.0.0.1:99999: invalid port"},
	}
	for _, tt := range tests {
		c := NewClient(fast, nil)
		ex := c.Do(context.Background(), get(tt.url))
		var te *TransportError
		if !errors.As(ex.Err, &te) || te.Kind != Unreachable || te.Msg != tt.msg || !CannotJudge(ex.Err) {
			t.Errorf("%s: error %v (kind %v), want Unreachable %q", tt.url, ex.Err, KindOf(ex.Err), tt.msg)
		}
		if c.Unusable() != nil {
			t.Errorf("%s: an unreachable endpoint was given up on as if it had stalled", tt.url)
		}
	}
}

func TestClientTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()
	tests := []struct{ name, url, msg string }{
		{"self-signed, not trusted", srv.URL, "TLS: the endpoint's certificate is not trusted (signed by an unknown authority): pass --ca-file with its CA, or --insecure-skip-verify"},
		{"https to a plain-HTTP port", strings.Replace(plain.URL, "http:", "https:", 1), "TLS: the endpoint at " + plain.Listener.Addr().String() + " answers plain HTTP, not TLS: use http://"},
	}
	for _, tt := range tests {
		ex := NewClient(fast, nil).Do(context.Background(), get(tt.url))
		if KindOf(ex.Err) != TLS || ex.Err.Error() != tt.msg {
			t.Errorf("%s: error %v (kind %v), want TLS %q", tt.name, ex.Err, KindOf(ex.Err), tt.msg)
		}
	}
	ex := NewClient(fast, srv.Client().Transport.(*http.Transport).TLSClientConfig).Do(context.Background(), get(srv.URL))
	if ex.Err != nil || ex.Status != 200 {
		t.Errorf("trusted certificate: status %d error %v", ex.Status, ex.Err)
	}
}

// An endpoint that echoes the token, the signature and the secret key, in
// its body and headers, gets none of them into the exchange; the body
// keeps its length, so Content-Length still matches.
func TestClientMasksEchoes(t *testing.T) {
	const (
		secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
		token  = "FQoGZXIvYXdzEBYaDGSTOKEN+session/token=="
		sig    = "c2lnbmF0dXJlLW9mLXRoZS1yZXF1ZXN0"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo", r.Header.Get("X-Amz-Security-Token"))
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "<Error><Code>SignatureDoesNotMatch</Code><Message>%s %s</Message><StringToSign>GET\n\nx-amz-security-token:%s</StringToSign><SignatureProvided>%s</SignatureProvided><Query>%s</Query></Error>",
			auth, secret, token, auth[strings.LastIndex(auth, ":")+1:], r.URL.RawQuery)
	}))
	defer srv.Close()
	l := fast
	l.MaxBody = 1 << 20
	c := NewClient(l, nil)
	c.Secrets().Add(secret)
	ex := c.Do(context.Background(), func() (*http.Request, error) {
		req, err := http.NewRequest("GET", srv.URL+"/?X-Amz-Signature=querysignature0123&max-buckets=1", nil)
		req.Header.Set("Authorization", "AWS AKIDEXAMPLE:"+sig)
		req.Header.Set("X-Amz-Security-Token", token)
		return req, err
	})
	if ex.Err != nil || ex.Status != 403 {
		t.Fatalf("status %d, error %v", ex.Status, ex.Err)
	}
	kept := map[string]string{"request": string(ex.Request), "response": string(ex.Response), "body": string(ex.Body), "header": fmt.Sprint(ex.Header)}
	for where, data := range kept {
		for _, s := range []string{secret, token, sig, "querysignature0123", "x-amz-security-token:"} {
			if strings.Contains(data, s) {
				t.Errorf("the %s keeps %q:\n%s", where, s, data)
			}
		}
	}
	if n := ex.Header.Get("Content-Length"); n != strconv.Itoa(len(ex.Body)) {
		t.Errorf("the masked body has %d bytes; Content-Length says %s", len(ex.Body), n)
	}
	if !strings.Contains(string(ex.Body), "<Code>SignatureDoesNotMatch</Code><Message>AWS AKIDEXAMPLE:****") {
		t.Errorf("the body lost what is not secret:\n%s", ex.Body)
	}
}
