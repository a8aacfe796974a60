package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// spoolFiles lists the spool files left in dir.
func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(dir, "*.spool"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// tapeAttempts are attempts of every kind a tape line tells apart.
func tapeAttempts() []struct {
	tm Tamper
	ex *Exchange
} {
	req := func(q string) []byte { return []byte("GET /?" + q + " HTTP/1.1\r\nHost: h\r\n\r\n") }
	return []struct {
		tm Tamper
		ex *Exchange
	}{
		{Signed, &Exchange{Request: req("a=1"), Response: []byte("HTTP/1.1 503 Slow Down\r\n\r\n")}},
		{Signed, &Exchange{Request: req("a=1"), Response: []byte("HTTP/1.1 200 OK\r\n\r\n<a/>\n")}},
		{Anonymous, &Exchange{Request: req("b=2"), Response: []byte("HTTP/1.1 403 Forbidden\r\n\r\n")}},
		{Signed, &Exchange{Request: req("big=1"), Response: []byte("HTTP/1.1 200 OK\r\n\r\nxxxx"), Truncated: true}},
		{BadSignature, &Exchange{Request: req("c=3"), Err: &TransportError{Kind: Timeout, Msg: "no answer\nwithin 1s"}}},
		{Signed, &Exchange{Request: req("d=4"), Response: []byte("HTTP/1.1 200 OK\r\n\r\nhalf"), Err: &TransportError{Kind: Reset, Msg: "reset"}}},
	}
}

// A spooled tape writes, byte for byte, what a kept tape of the same
// attempts formats, reads back to the same attempts, and leaves no spool
// file once committed.
func TestSpooledTapeIsTheKeptTape(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s3.tape")
	spooled, err := SpoolTape(path)
	if err != nil {
		t.Fatal(err)
	}
	defer spooled.Discard()
	kept := &Tape{}
	for _, a := range tapeAttempts() {
		ctx := withTamper(context.Background(), a.tm)
		kept.add(ctx, a.ex)
		spooled.add(ctx, a.ex)
	}
	if got := len(spoolFiles(t, dir)); got != 2 {
		t.Fatalf("%d spool files while recording; want 2", got)
	}
	if n := len(spooled.Entries()); n != 0 {
		t.Errorf("the spooled tape keeps %d attempts in memory", n)
	}
	meta := [][2]string{{"vendor", "s3"}, {"label-filter", "auth || pagination"}}
	want, err := kept.Format(meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := spooled.Commit(meta); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the spooled tape differs from the kept one:\n%s\nwant\n%s", got, want)
	}
	_, read, err := ReadTape(got)
	if err != nil {
		t.Fatal(err)
	}
	if es := read.Entries(); len(es) != len(tapeAttempts()) || es[4].Kind != Timeout || !es[3].Truncated || es[2].Tamper != Anonymous {
		t.Errorf("read back %+v", es)
	}
	if left := spoolFiles(t, dir); len(left) > 0 {
		t.Errorf("committed, yet the spool is left: %v", left)
	}
	if _, err := spooled.Format(meta); err == nil {
		t.Error("a spooled tape formatted itself from memory it does not keep")
	}
	if err := spooled.Commit(meta); err == nil {
		t.Error("a tape was committed twice")
	}
}

// Attempts made at once are numbered as the tape holds them: each
// attempt's request and response keep the same number.
func TestSpooledTapeConcurrentAttempts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s3.tape")
	tp, err := SpoolTape(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Discard()
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			tp.add(context.Background(), &Exchange{
				Request:  fmt.Appendf(nil, "GET /?i=%d HTTP/1.1\r\nHost: h\r\n\r\n", i),
				Response: fmt.Appendf(nil, "HTTP/1.1 200 OK\r\n\r\n%d", i),
			})
		})
	}
	wg.Wait()
	if err := tp.Commit(nil); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, read, err := ReadTape(src)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range read.Entries() {
		var i int
		fmt.Sscanf(string(e.Request), "GET /?i=%d", &i)
		if want := fmt.Sprintf("HTTP/1.1 200 OK\r\n\r\n%d", i); string(e.Response) != want {
			t.Errorf("request %d came back with %q", i, e.Response)
		}
		seen[string(e.Request)] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct attempts read back; want %d", len(seen), n)
	}
}

// A discarded tape, or one with an attempt the format cannot keep, writes
// no tape file and leaves no spool.
func TestSpooledTapeLeavesNothing(t *testing.T) {
	ok := &Exchange{Request: []byte("GET / HTTP/1.1\r\n\r\n"), Response: []byte("HTTP/1.1 200 OK\r\n\r\n")}
	marker := &Exchange{Request: []byte("GET / HTTP/1.1\r\n\r\n"), Response: []byte("HTTP/1.1 200 OK\r\n\r\n-- 9/request --\n")}
	for _, tc := range []struct {
		name    string
		attempt *Exchange
		commit  bool
	}{
		{"discarded", ok, false},
		{"a body with a marker line", marker, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "s3.tape")
			tp, err := SpoolTape(path)
			if err != nil {
				t.Fatal(err)
			}
			tp.add(context.Background(), ok)
			tp.add(context.Background(), tc.attempt)
			if tc.commit {
				if err := tp.Commit(nil); err == nil {
					t.Error("Commit wrote a tape with a marker line in a body")
				}
			}
			tp.Discard()
			tp.Discard() // again: nothing left to do
			if left := spoolFiles(t, dir); len(left) > 0 {
				t.Errorf("spool left: %v", left)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a tape file was written: %v", err)
			}
			tp.add(context.Background(), ok) // after the end: dropped, no panic
		})
	}
}

// A tape cannot be spooled into a directory that does not exist.
func TestSpoolTapeRefusesMissingDir(t *testing.T) {
	if _, err := SpoolTape(filepath.Join(t.TempDir(), "gone", "s3.tape")); err == nil {
		t.Error("SpoolTape spooled into a missing directory")
	}
}
