package live

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// writeTape writes src to a tape file in a test directory.
func writeTape(t *testing.T, src []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s3.tape")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// OpenTape reads, attempt by attempt, what ReadTape reads: the same
// metadata and attempts, for every kind of attempt, a long line, parts
// without a line and a file without its last newline; and it refuses
// what ReadTape refuses.
func TestOpenTapeIsReadTape(t *testing.T) {
	kept := &Tape{}
	for _, a := range tapeAttempts() {
		kept.add(withTamper(context.Background(), a.tm), a.ex)
	}
	long := &Exchange{Request: []byte("GET /?long=1 HTTP/1.1\r\nHost: h\r\n\r\n"),
		Response: []byte("HTTP/1.1 200 OK\r\n\r\n" + strings.Repeat("x", 200000) + "\n-- not a part\n")}
	kept.add(withTamper(context.Background(), Signed), long)
	formatted, err := kept.Format([][2]string{{"vendor", "s3"}, {"label-filter", strings.Repeat("l", 9000)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range [][]byte{
		formatted,
		bytes.TrimSuffix(formatted, []byte("\n")),
		[]byte("run: r\ntape.1: tamper=signed error=3 gone\n-- 1/request --\n-- 1/response --\n"),
		[]byte("tape.1: tamper=signed\n-- 1/request --\nGET / HTTP/1.1\n\n-- 1/response --\nHTTP/1.1 200 OK\r\n\r\n\n\n"),
	} {
		wantMeta, want, err := ReadTape(src)
		if err != nil {
			t.Fatalf("ReadTape: %v", err)
		}
		gotMeta, tf, err := OpenTape(writeTape(t, src))
		if err != nil {
			t.Fatalf("OpenTape: %v", err)
		}
		if !reflect.DeepEqual(gotMeta, wantMeta) {
			t.Errorf("metadata %v, want %v", gotMeta, wantMeta)
		}
		if tf.Len() != len(want.Entries()) {
			t.Fatalf("%d attempts, want %d", tf.Len(), len(want.Entries()))
		}
		for i, w := range want.Entries() {
			g, err := tf.entry(i)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("attempt %d: %+.80v, want %+.80v", i+1, g, w)
			}
		}
	}
	for _, src := range []string{
		"tape.1: tamper=signed\n",
		"tape.1: tamper=signed\n-- 1/request --\nGET / HTTP/1.1\n",
		"tape.1: tamper=sideways\n-- 1/request --\nGET / HTTP/1.1\n-- 1/response --\nHTTP/1.1 200 OK\r\n\r\n\n",
		"tape.2: tamper=signed\n-- 2/request --\nGET / HTTP/1.1\n-- 2/response --\nHTTP/1.1 200 OK\r\n\r\n\n",
	} {
		if _, _, err := OpenTape(writeTape(t, []byte(src))); err == nil {
			t.Errorf("OpenTape accepted %q", src)
		}
	}
}

// A playback of a tape file holds the exchange in hand, not the tape:
// playing back every attempt of a tape of many large answers, the heap
// grows by a few times the largest answer, while a tape read whole
// holds them all.
func TestPlaybackFileHoldsOneExchange(t *testing.T) {
	const attempts, size = 40, 1 << 20
	kept := &Tape{}
	for i := 0; i < attempts; i++ {
		kept.add(withTamper(context.Background(), Signed), &Exchange{
			Request:  []byte(fmt.Sprintf("GET /?page=%d HTTP/1.1\r\nHost: h\r\n\r\n", i)),
			Response: []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", size, strings.Repeat("b", size))),
		})
	}
	src, err := kept.Format([][2]string{{"vendor", "s3"}})
	if err != nil {
		t.Fatal(err)
	}
	path := writeTape(t, src)
	kept, src = nil, nil

	play := func(open func() http.RoundTripper) (peak uint64) {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		base := m.HeapAlloc
		rt := open()
		for i := 0; i < attempts; i++ {
			req, _ := http.NewRequest("GET", fmt.Sprintf("http://h/?page=%d", i), nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if len(body) != size {
				t.Fatalf("attempt %d: a body of %d bytes, want %d", i, len(body), size)
			}
			runtime.GC()
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base {
				peak = max(peak, m.HeapAlloc-base)
			}
			runtime.KeepAlive(rt)
			runtime.KeepAlive(body) // the exchange in hand counts
		}
		return peak
	}

	streamed := play(func() http.RoundTripper {
		_, tf, err := OpenTape(path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := newPlaybackErr(tf)
		if err != nil {
			t.Fatal(err)
		}
		return p
	})
	held := play(func() http.RoundTripper {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, whole, err := ReadTape(data)
		if err != nil {
			t.Fatal(err)
		}
		return newPlayback(keptTape(whole.Entries()))
	})
	t.Logf("tape of %d answers of %d bytes: the file playback held %d bytes, the whole tape %d", attempts, size, streamed, held)
	if streamed > 4*size {
		t.Errorf("the file playback held %d bytes, want at most 4 answers (%d)", streamed, 4*size)
	}
	if held < attempts*size/2 {
		t.Errorf("the whole tape held only %d bytes: the measure cannot tell", held)
	}
}
