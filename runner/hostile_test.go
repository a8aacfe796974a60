package main

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// rawServer serves every connection on loopback with serve, until the
// test ends.
func rawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				// Read the request head first, as a server would.
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				select {
				case <-done:
				default:
					serve(c)
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// trickle writes s a byte a second, stopping when the client hangs up.
func trickle(c net.Conn, s string) {
	for i := range len(s) {
		if _, err := c.Write([]byte{s[i]}); err != nil {
			return
		}
		time.Sleep(time.Second)
	}
}

// A hostile endpoint never holds a run past its bounds, and never makes
// it blame the target for what it could not judge: each case ends with
// exit 2 and its reason in one line, or exit 1 with a finding.
func TestRunAgainstHostileEndpoints(t *testing.T) {
	const head = "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n"
	hostile := []struct {
		name string
		url  func(t *testing.T) string
		want string
	}{
		{"head trickled a byte a second", func(t *testing.T) string {
			return rawServer(t, func(c net.Conn) { trickle(c, head) })
		}, "the exchange took longer than 3s"},
		{"body trickled a byte a second", func(t *testing.T) string {
			return rawServer(t, func(c net.Conn) { c.Write([]byte(head)); trickle(c, strings.Repeat("x", 1000)) })
		}, "the exchange took longer than 3s: the body was still arriving"},
		{"reset mid-body", func(t *testing.T) string {
			return rawServer(t, func(c net.Conn) {
				c.Write([]byte(head + strings.Repeat("x", 100)))
				c.(*net.TCPConn).SetLinger(0) // close with RST
			})
		}, "reset"},
		{"bytes that are not HTTP", func(t *testing.T) string {
			return rawServer(t, func(c net.Conn) { c.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n")) })
		}, `the endpoint answered with bytes that are not an HTTP response: "SSH-2.0-OpenSSH_9.2\r\n"`},
		{"a 10 MB header line", func(t *testing.T) string {
			return rawServer(t, func(c net.Conn) {
				c.Write([]byte("HTTP/1.1 200 OK\r\nX-Big: "))
				c.Write([]byte(strings.Repeat("a", 10<<20)))
				c.Write([]byte("\r\n\r\n"))
			})
		}, "the response head is larger than the 1048576 bytes a run reads"},
		{"a redirect loop", func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.String(), http.StatusFound)
			}))
			t.Cleanup(srv.Close)
			return srv.URL
		}, "the endpoint redirected (302"},
		{"5xx forever", func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusServiceUnavailable)
			}))
			t.Cleanup(srv.Close)
			return srv.URL
		}, "answered 503"},
		{"Retry-After: 3600", func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			t.Cleanup(srv.Close)
			return srv.URL
		}, "Retry-After"},
	}
	for _, tc := range hostile {
		for _, mode := range []string{"run", "read-only"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				args := []string{"--timeout", "3s", "--deadline", "60s"}
				if mode == "read-only" {
					args = append(args, "--read-only")
				}
				code, out, run := liveRun(t, "s3", tc.url(t), args...)
				if code != 2 || !strings.Contains(out, tc.want) {
					t.Errorf("exit %d, want 2 saying %q\n%s", code, tc.want, out)
				}
				if run == nil || run.Error == "" {
					t.Errorf("results.json does not say why the run could not judge")
				}
				if strings.Contains(out, "FAIL:") {
					t.Errorf("a run that could not judge reads as a failure of the target\n%s", out)
				}
			})
		}
	}
}
