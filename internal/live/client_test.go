package live

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var fast = Limits{
	ConnectTimeout: time.Second, HeaderTimeout: 300 * time.Millisecond, Timeout: 2 * time.Second,
	MaxBody: 64, Retries: 2, Backoff: time.Millisecond,
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

func TestClient(t *testing.T) {
	var calls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Second) })
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(strings.Repeat("x", 1000))) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/elsewhere", http.StatusFound) })
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := NewClient(fast, nil)

	tests := []struct {
		path      string
		status    int
		retries   int
		err       string
		truncated bool
	}{
		{"/flaky", 200, 1, "", false},
		{"/down", 500, 2, "", false},
		{"/missing", 404, 0, "", false},
		{"/slow", 0, 0, "timed out", false},
		{"/huge", 200, 0, "", true},
		{"/moved", 302, 0, "", false},
		{"/reset", 0, 0, "closed", false},
	}
	for _, tt := range tests {
		ex := c.Do(context.Background(), get(srv.URL+tt.path))
		if ex.Status != tt.status || len(ex.Retries) != tt.retries || ex.Truncated != tt.truncated {
			t.Errorf("%s: status %d retries %q truncated %v, want %d, %d, %v", tt.path, ex.Status, ex.Retries, ex.Truncated, tt.status, tt.retries, tt.truncated)
		}
		if tt.err == "" && ex.Err != nil || tt.err != "" && (ex.Err == nil || !strings.Contains(ex.Err.Error(), tt.err)) {
			t.Errorf("%s: error %v, want one saying %q", tt.path, ex.Err, tt.err)
		}
		if strings.Contains(string(ex.Request), "c2lnbmF0dXJl") {
			t.Errorf("%s: the recorded request keeps the signature:\n%s", tt.path, ex.Request)
		}
		if tt.truncated && len(ex.Body) != int(fast.MaxBody) {
			t.Errorf("%s: kept %d body bytes, want the %d allowed", tt.path, len(ex.Body), fast.MaxBody)
		}
	}
}

func TestClientTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	ex := NewClient(fast, nil).Do(context.Background(), get(srv.URL))
	if ex.Err == nil || !strings.Contains(ex.Err.Error(), "certificate is not trusted") {
		t.Errorf("untrusted certificate: error %v", ex.Err)
	}
	ex = NewClient(fast, srv.Client().Transport.(*http.Transport).TLSClientConfig).Do(context.Background(), get(srv.URL))
	if ex.Err != nil || ex.Status != 200 {
		t.Errorf("trusted certificate: status %d error %v", ex.Status, ex.Err)
	}
}

func TestClientNothingListening(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	ex := NewClient(fast, nil).Do(context.Background(), get(url))
	if ex.Err == nil || !strings.Contains(ex.Err.Error(), "nothing listens") {
		t.Errorf("closed port: error %v", ex.Err)
	}
}
