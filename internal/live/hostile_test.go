package live

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hostile is a raw loopback server that does to each connection what its
// behaviour says, for what httptest cannot do: trickle, stall, reset,
// answer with bytes that are not HTTP.
type hostile struct {
	url   string
	conns atomic.Int32 // connections accepted
	done  chan struct{}
}

func newHostile(t *testing.T, scheme string, behave func(h *hostile, conn net.Conn)) *hostile {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hostile{url: scheme + "://" + ln.Addr().String() + "/", done: make(chan struct{})}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			h.conns.Add(1)
			mu.Lock()
			open = append(open, conn)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				behave(h, conn)
			}()
		}
	}()
	t.Cleanup(func() {
		close(h.done)
		ln.Close()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return h
}

// readRequest reads the request head, so that the client has sent it.
func readRequest(conn net.Conn) bool {
	_, err := http.ReadRequest(bufio.NewReader(conn))
	return err == nil
}

// trickle writes s one byte every few milliseconds,
// until the client goes away or the test ends.
func (h *hostile) trickle(conn net.Conn, s string) {
	for i := 0; i < len(s); i++ {
		select {
		case <-h.done:
			return
		case <-time.After(5 * time.Millisecond):
		}
		if _, err := conn.Write([]byte{s[i]}); err != nil {
			return
		}
	}
}

// hold keeps a connection open, silent, until the client closes it or the
// test ends.
func hold(conn net.Conn) {
	buf := make([]byte, 512)
	for {
		if _, err := conn.Read(buf); err != nil {
			return
		}
	}
}

// Every hostile behaviour ends the exchange with its kind and a message
// that says what happened; the ones that cost time (timeouts, stalls)
// make the client give the endpoint up, so the next request is refused
// at once without a connection, unless cleanup insists.
func TestClientHostile(t *testing.T) {
	tests := []struct {
		name   string
		scheme string
		limits func(*Limits)
		behave func(*hostile, net.Conn)
		kind   Kind
		msg    string // a regular expression
		gaveUp bool
	}{
		{"headers trickled", "http", func(l *Limits) { l.HeaderTimeout, l.Timeout, l.Stall = 200*time.Millisecond, time.Minute, time.Minute },
			func(h *hostile, c net.Conn) {
				if readRequest(c) {
					h.trickle(c, "HTTP/1.1 200 OK\r\nX-Slow: "+strings.Repeat("a", 12000)+"\r\n\r\n")
				}
			},
			Timeout, `^no response head within 200ms of sending the request \(\d+ bytes of it arrived\)$`, true},
		// A short HeaderTimeout here proves the head timer stops once the head is in.
		{"body trickled", "http", func(l *Limits) {
			l.HeaderTimeout, l.Timeout, l.Stall, l.MaxBody = time.Second, 3*time.Second, time.Minute, 1<<20
		},
			func(h *hostile, c net.Conn) {
				if readRequest(c) {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 12000\r\n\r\n")
					h.trickle(c, strings.Repeat("b", 12000))
				}
			},
			Timeout, `^the exchange took longer than 3s: the body was still arriving \(\d+ of 12000 body bytes arrived\)$`, true},
		{"body stalled", "http", func(l *Limits) {
			l.HeaderTimeout, l.Timeout, l.Stall = 5*time.Second, time.Minute, 200*time.Millisecond
		},
			func(h *hostile, c net.Conn) {
				if readRequest(c) {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
					hold(c)
				}
			},
			Stalled, `^the body stopped arriving: nothing for 200ms \(10 of 1000 body bytes arrived\)$`, true},
		{"response head never comes", "http", func(l *Limits) { l.HeaderTimeout, l.Timeout = 200*time.Millisecond, time.Minute },
			func(h *hostile, c net.Conn) { readRequest(c); hold(c) },
			Timeout, `^no response head within 200ms of sending the request \(0 bytes of it arrived\)$`, true},
		{"TLS handshake never comes", "https", func(l *Limits) { l.ConnectTimeout = 200 * time.Millisecond },
			func(h *hostile, c net.Conn) { hold(c) },
			Timeout, `^the TLS handshake with 127\.0\.0\.1:\d+ did not finish within 200ms$`, true},
		{"closed mid-body", "http", func(l *Limits) { l.MaxBody = 1 << 20 },
			func(h *hostile, c net.Conn) {
				if readRequest(c) {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n%s", strings.Repeat("c", 100))
				}
			},
			Reset, `^the endpoint closed the connection mid-body \(100 of 1000 body bytes arrived\)$`, false},
		{"reset mid-body", "http", func(l *Limits) { l.MaxBody = 1 << 20 },
			func(h *hostile, c net.Conn) {
				if readRequest(c) {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n%s", strings.Repeat("c", 100))
					time.Sleep(50 * time.Millisecond) // let the head and first bytes arrive before the reset
					c.(*net.TCPConn).SetLinger(0)     // close with RST
				}
			},
			Reset, `^the endpoint reset the connection (mid-body \(\d+ of 1000 body bytes arrived\)|before the response head ended \(\d+ bytes arrived\))$`, false},
		{"not HTTP", "http", nil,
			func(h *hostile, c net.Conn) {
				if readRequest(c) {
					fmt.Fprintf(c, "SSH-2.0-OpenSSH_9.6\r\n")
					hold(c)
				}
			},
			Protocol, `^the endpoint answered with bytes that are not an HTTP response: "SSH-2\.0-OpenSSH_9\.6\\r\\n"$`, false},
		{"not TLS either", "https", nil,
			func(h *hostile, c net.Conn) { fmt.Fprintf(c, "SSH-2.0-OpenSSH_9.6\r\n"); hold(c) },
			TLS, `^TLS: the endpoint at 127\.0\.0\.1:\d+ does not speak TLS: is it a plain http:// port\?$`, false},
		{"a 10 MB header line", "http", nil,
			func(h *hostile, c net.Conn) {
				if readRequest(c) {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nX-Big: ")
					line := []byte(strings.Repeat("x", 64<<10))
					for range 160 {
						if _, err := c.Write(line); err != nil {
							return
						}
					}
					fmt.Fprintf(c, "\r\n\r\n")
				}
			},
			Protocol, `^the response head is larger than the 4096 bytes a run reads$`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHostile(t, tt.scheme, tt.behave)
			l := fast
			if tt.limits != nil {
				tt.limits(&l)
			}
			c := NewClient(l, nil)
			ex := c.Do(context.Background(), get(h.url))
			if KindOf(ex.Err) != tt.kind || !regexp.MustCompile(tt.msg).MatchString(ex.Err.Error()) {
				t.Fatalf("error %v (kind %v), want %v matching %s", ex.Err, KindOf(ex.Err), tt.kind, tt.msg)
			}
			t.Log(ex.Err)
			if !CannotJudge(ex.Err) || c.Requests() != 1 {
				t.Errorf("CannotJudge %v, %d requests counted; want true, 1", CannotJudge(ex.Err), c.Requests())
			}
			conns := h.conns.Load()
			again := c.Do(context.Background(), get(h.url))
			if !tt.gaveUp {
				if c.Unusable() != nil || KindOf(again.Err) == Unusable || c.Requests() != 2 {
					t.Errorf("the client gave the endpoint up after a %v: %v", tt.kind, again.Err)
				}
				return
			}
			verb := map[Kind]string{Timeout: "timed out", Stalled: "stalled"}[tt.kind]
			want := "the endpoint " + verb + " earlier (" + ex.Err.Error() + "): not sending more requests"
			if KindOf(again.Err) != Unusable || again.Err.Error() != want || !CannotJudge(again.Err) {
				t.Errorf("the next request: %v (kind %v), want Unusable %q", again.Err, KindOf(again.Err), want)
			}
			if h.conns.Load() != conns || c.Requests() != 1 {
				t.Errorf("after giving up, the client still connected (%d connections, then %d) or counted %d requests", conns, h.conns.Load(), c.Requests())
			}
			// Cleanup insists: its requests still go out.
			c.Do(EvenIfUnusable(context.Background()), get(h.url))
			if c.Requests() != 2 {
				t.Errorf("a request under EvenIfUnusable was not sent: %d requests", c.Requests())
			}
		})
	}
}

// The caller's context ending is Cancelled, named for why it ended, and
// does not make the client give the endpoint up.
func TestClientCancelled(t *testing.T) {
	arrived := make(chan struct{}, 10)
	h := newHostile(t, "http", func(h *hostile, c net.Conn) {
		if readRequest(c) {
			arrived <- struct{}{}
			hold(c)
		}
	})
	l := fast
	l.HeaderTimeout, l.Timeout = time.Minute, time.Minute
	c := NewClient(l, nil)

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	ex := c.Do(ctx, get(h.url))
	if KindOf(ex.Err) != Cancelled || ex.Err.Error() != "the run was interrupted during the exchange" {
		t.Errorf("interrupted: %v (kind %v)", ex.Err, KindOf(ex.Err))
	}

	ctx, stop := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer stop()
	ex = c.Do(ctx, get(h.url))
	if KindOf(ex.Err) != Cancelled || ex.Err.Error() != "the run's deadline passed during the exchange" {
		t.Errorf("deadline: %v (kind %v)", ex.Err, KindOf(ex.Err))
	}
	if c.Unusable() != nil {
		t.Errorf("the client gave the endpoint up after a cancelled exchange: %v", c.Unusable())
	}
}
