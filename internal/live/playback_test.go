package live

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A tape written from a live client and read back answers the same
// requests with the same responses, per key in the order sent, whatever
// the order of the query; retries, chunked and cut bodies come back as
// they were; a request the tape does not hold is an Unrecorded error
// that names it.
func TestPlayback(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		switch {
		case r.URL.Query().Get("flaky") != "" && i == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Query().Get("big") != "":
			fmt.Fprint(w, strings.Repeat("x", 100)) // more than fast.MaxBody
		case r.Header.Get("Authorization") == "":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, "anonymous")
		default:
			w.(http.Flusher).Flush() // chunked
			fmt.Fprintf(w, "answer %d", i)
		}
	}))
	defer srv.Close()
	anonymous := func(url string) func() (*http.Request, error) {
		return func() (*http.Request, error) { return http.NewRequest("GET", url, nil) }
	}
	ctx := context.Background()
	live := NewClient(fast, nil)
	live.Tape = &Tape{}
	var sent []*Exchange
	sent = append(sent, live.Do(ctx, get(srv.URL+"/?flaky=1")))
	sent = append(sent, live.Do(ctx, get(srv.URL+"/?a=1&b=2")))
	sent = append(sent, live.Do(ctx, get(srv.URL+"/?a=1&b=2")))
	sent = append(sent, live.Do(withTamper(ctx, Anonymous), anonymous(srv.URL+"/?a=1&b=2")))
	sent = append(sent, live.Do(ctx, get(srv.URL+"/?big=1")))
	if !sent[4].Truncated || len(sent[0].Retries) != 1 {
		t.Fatalf("live: truncated %v, retries %v", sent[4].Truncated, sent[0].Retries)
	}
	src, err := live.Tape.Format([][2]string{{"vendor", "s3"}})
	if err != nil {
		t.Fatal(err)
	}
	meta, tape, err := ReadTape(src)
	if err != nil || meta["vendor"] != "s3" || len(tape.Entries()) != 6 {
		t.Fatalf("ReadTape: %v, meta %v, %d attempts, want 6\n%s", err, meta, len(tape.Entries()), src)
	}

	played := NewPlayback(tape, fast)
	var got []*Exchange
	got = append(got, played.Do(ctx, get(srv.URL+"/?flaky=1")))
	got = append(got, played.Do(ctx, get(srv.URL+"/?b=2&a=1")))
	got = append(got, played.Do(ctx, get(srv.URL+"/?a=1&b=2")))
	got = append(got, played.Do(withTamper(ctx, Anonymous), anonymous(srv.URL+"/?a=1&b=2")))
	got = append(got, played.Do(ctx, get(srv.URL+"/?big=1")))
	for i := range sent {
		s, g := sent[i], got[i]
		if g.Err != nil || g.Status != s.Status || string(g.Response) != string(s.Response) || g.Truncated != s.Truncated || len(g.Retries) != len(s.Retries) {
			t.Errorf("exchange %d: played %d %v truncated %v retries %d\n%s\nwant %d truncated %v retries %d\n%s",
				i+1, g.Status, g.Err, g.Truncated, len(g.Retries), g.Response, s.Status, s.Truncated, len(s.Retries), s.Response)
		}
	}
	if n.Load() != 6 {
		t.Errorf("the playback reached the server: %d requests, want the live 6", n.Load())
	}

	for _, tc := range []struct {
		ctx  context.Context
		url  string
		want string
	}{
		{ctx, "/?a=1&b=2", "GET " + strings.TrimPrefix(srv.URL, "http://") + " /?a=1&b=2 tamper=signed: the run sent it 2 time(s), and this is one more"},
		{withTamper(ctx, BadSignature), "/?a=1&b=2", "tamper=badSignature: the run never sent it"},
		{ctx, "/?a=2", "/?a=2 tamper=signed: the run never sent it"},
	} {
		ex := played.Do(tc.ctx, get(srv.URL+tc.url))
		var te *TransportError
		if !errors.As(ex.Err, &te) || te.Kind != Unrecorded || !strings.Contains(te.Msg, tc.want) {
			t.Errorf("%s: %v, want an unrecorded error saying %q", tc.url, ex.Err, tc.want)
		}
	}
}

// A tape that lacks a part, or names an unknown tamper, is refused.
func TestReadTapeRefuses(t *testing.T) {
	for _, src := range []string{
		"tape.1: tamper=signed\n",
		"tape.1: tamper=signed\n-- 1/request --\nGET / HTTP/1.1\n",
		"tape.1: tamper=sideways\n-- 1/request --\nGET / HTTP/1.1\n-- 1/response --\nHTTP/1.1 200 OK\r\n\r\n\n",
		"tape.2: tamper=signed\n-- 2/request --\nGET / HTTP/1.1\n-- 2/response --\nHTTP/1.1 200 OK\r\n\r\n\n",
	} {
		if _, _, err := ReadTape([]byte(src)); err == nil {
			t.Errorf("ReadTape accepted %q", src)
		}
	}
}
