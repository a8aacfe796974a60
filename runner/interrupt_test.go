package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/refserver"
)

// holdMode says what the test endpoint does with a request it holds: it
// tells the test the request arrived, then answers nothing until the
// client has gone (the runner cancelled it).
type holdMode int

const (
	pass       holdMode = iota // not held
	holdUnmade                 // held before the endpoint acts on it
	holdMade                   // acted on (a create makes its bucket), the answer held
)

// holding wraps an endpoint so that the test decides, per method, which
// requests are held, and hears when one arrives.
type holding struct {
	mu      sync.Mutex
	modes   map[string]holdMode
	arrived chan string // "PUT /gsc-...-00"
	seen    int
}

func newHolding() *holding {
	return &holding{modes: map[string]holdMode{}, arrived: make(chan string, 100)}
}

func (h *holding) set(method string, m holdMode) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.modes[method] = m
}

func (h *holding) requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen
}

func (h *holding) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen++
		mode := h.modes[r.Method]
		h.mu.Unlock()
		if mode == pass {
			next.ServeHTTP(w, r)
			return
		}
		if mode == holdMade {
			next.ServeHTTP(httptest.NewRecorder(), r)
		}
		select {
		case h.arrived <- r.Method + " " + r.URL.Path:
		default:
		}
		<-r.Context().Done()
	})
}

// started is a runner subprocess whose stderr the test reads as it comes.
type started struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	out   bytes.Buffer // stdout and stderr
	runID chan string
	done  chan struct{}
}

var runLine = regexp.MustCompile(`^run (gsc-[0-9a-f]{8}): `)

func start(t *testing.T, cmd *exec.Cmd) *started {
	t.Helper()
	s := &started{cmd: cmd, runID: make(chan string, 1), done: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.mu.Lock()
			s.out.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := runLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case s.runID <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	go func() {
		cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

func (s *started) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// wait returns the exit code, bounded generously: a run that does not end
// fails the test.
func (s *started) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(90 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		t.Fatalf("the runner did not end\n%s", s.output())
	}
	time.Sleep(10 * time.Millisecond) // let the reader take the last lines
	return s.cmd.ProcessState.ExitCode()
}

func (s *started) waitFor(t *testing.T, what string, ch <-chan string) string {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-s.done:
		t.Fatalf("the runner ended before %s\n%s", what, s.output())
	case <-time.After(60 * time.Second):
		t.Fatalf("no %s within a minute\n%s", what, s.output())
	}
	return ""
}

// bucketsLeft lists the endpoint's buckets, and those of runs.
func bucketsLeft(e *endpoint) (all, runs []string) {
	for _, b := range e.Buckets() {
		all = append(all, b.Name)
		if strings.HasPrefix(b.Name, "gsc-") && b.Name != "gsc-not-a-run" {
			runs = append(runs, b.Name)
		}
	}
	return all, runs
}

// An interrupted run deletes every bucket it created or may have created,
// whenever the signal comes, exits 128+signal and says what it cleaned up.
// Before the creates, the signal may overtake the first create or not:
// either way nothing is left. During a create, the endpoint may have made
// the bucket (its answer lost) or not: cleanup finds out.
func TestInterruptLeavesNoBucket(t *testing.T) {
	points := []struct {
		name    string
		prepare func(h *holding)
		await   func(t *testing.T, s *started, h *holding, e *endpoint)
		cleaned string // what the last line says, a regexp
	}{
		{"before the creates", func(h *holding) { h.set(http.MethodPut, holdMade) },
			func(t *testing.T, s *started, h *holding, e *endpoint) { s.waitFor(t, "the run line", s.runID) },
			`cleaned up [01] bucket\(s\)`},
		{"during a create the endpoint made", func(h *holding) { h.set(http.MethodPut, holdMade) },
			func(t *testing.T, s *started, h *holding, e *endpoint) { s.waitFor(t, "a create", h.arrived) },
			`cleaned up 1 bucket\(s\)$`},
		{"during a create the endpoint had not made", func(h *holding) { h.set(http.MethodPut, holdUnmade) },
			func(t *testing.T, s *started, h *holding, e *endpoint) { s.waitFor(t, "a create", h.arrived) },
			`cleaned up 0 bucket\(s\) \(1 unsettled create\(s\) had made none\)$`},
		{"after the creates", func(h *holding) { h.set(http.MethodGet, holdUnmade) },
			func(t *testing.T, s *started, h *holding, e *endpoint) {
				s.waitFor(t, "a listing", h.arrived)
				if _, runs := bucketsLeft(e); len(runs) != 5 {
					t.Fatalf("listing before the 5 creates: %v", runs)
				}
			},
			`cleaned up 5 bucket\(s\)$`},
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		for _, p := range points {
			t.Run(fmt.Sprintf("%s %s", signalName(sig), p.name), func(t *testing.T) {
				h := newHolding()
				p.prepare(h)
				e := newEndpoint(t, "s3", h.wrap)
				e.Seed(refserver.Bucket{Name: "users-own-bucket", Region: "us-east-1", Created: time.Now()})
				rec := t.TempDir()
				s := start(t, runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--junit", filepath.Join(t.TempDir(), "j.xml"), "--record", rec))
				p.await(t, s, h, e)
				s.cmd.Process.Signal(sig)
				code := s.wait(t)
				out := s.output()
				all, runs := bucketsLeft(e)
				if len(runs) > 0 || strings.Join(all, " ") != "users-own-bucket" {
					t.Errorf("buckets left: %v\n%s", all, out)
				}
				if want := 128 + int(sig); code != want {
					t.Errorf("exit %d, want %d\n%s", code, want, out)
				}
				line := regexp.MustCompile(`(?m)^runner: interrupted by ` + signalName(sig) + `: ` + p.cleaned)
				if !line.MatchString(out) {
					t.Errorf("no line matching %q\n%s", line, out)
				}
				checkRecordDir(t, rec)
			})
		}
	}
}

// A run whose own limits no request can meet (--timeout 1ms) still cleans
// up: the creates it gave up on are resolved with cleanup's own limits.
func TestTimedOutCreatesAreCleanedUp(t *testing.T) {
	h := newHolding()
	h.set(http.MethodPut, holdMade)
	e := newEndpoint(t, "s3", h.wrap)
	s := start(t, runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--timeout", "1ms", "--junit", filepath.Join(t.TempDir(), "j.xml")))
	code := s.wait(t)
	out := s.output()
	if _, runs := bucketsLeft(e); len(runs) > 0 {
		t.Errorf("buckets left: %v\n%s", runs, out)
	}
	if code != 2 {
		t.Errorf("exit %d for a run whose every request timed out, want 2 (could not judge)\n%s", code, out)
	}
	if !regexp.MustCompile(`(?m)^run gsc-[0-9a-f]{8}: cleaned up [01] bucket\(s\)`).MatchString(out) || strings.Contains(out, "may be left") {
		t.Errorf("no cleanup line, or one that left buckets\n%s", out)
	}
}

// checkRecordDir fails unless an interrupted run's --record directory
// holds a tape that reads, and no spool it was written from.
func checkRecordDir(t *testing.T, dir string) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(dir, "*.spool")); len(left) > 0 {
		t.Errorf("the interrupted run left its spool: %v", left)
	}
	src, err := os.ReadFile(filepath.Join(dir, "s3.tape"))
	if err != nil {
		t.Fatalf("the interrupted run wrote no tape: %v", err)
	}
	if _, _, err := live.ReadTape(src); err != nil {
		t.Errorf("the interrupted run's tape does not read: %v", err)
	}
}

// A signal during the cleanup stops it, and the run says which buckets may
// be left and the command that deletes them; that command does.
func TestSecondSignalStopsCleanupLoudly(t *testing.T) {
	h := newHolding()
	h.set(http.MethodGet, holdUnmade)
	e := newEndpoint(t, "s3", h.wrap)
	rec := t.TempDir()
	s := start(t, runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--junit", filepath.Join(t.TempDir(), "j.xml"), "--record", rec))
	runID := s.waitFor(t, "the run line", s.runID)
	s.waitFor(t, "a listing", h.arrived)
	h.set(http.MethodDelete, holdUnmade)
	s.cmd.Process.Signal(syscall.SIGINT)
	for arrived := ""; !strings.HasPrefix(arrived, "DELETE"); {
		arrived = s.waitFor(t, "a delete", h.arrived)
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	code := s.wait(t)
	out := s.output()
	if code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, out)
	}
	hint := regexp.MustCompile(`(?m)^runner: interrupted by SIGINT; SIGINT during the cleanup stopped it: cleaned up 0 bucket\(s\); 5 bucket\(s\) may be left: .*; delete them with: (runner cleanup --vendor s3 --endpoint \S+ --region us-east-1 --signature s3-v4 --run ` + runID + ` --yes)$`)
	m := hint.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no line naming what may be left and how to delete it\n%s", out)
	}
	if _, runs := bucketsLeft(e); len(runs) != 5 {
		t.Fatalf("the stopped cleanup left %v, want the 5 buckets", runs)
	}
	checkRecordDir(t, rec)
	h.set(http.MethodDelete, pass)
	h.set(http.MethodGet, pass)
	clean := runnerCmd(t, strings.Fields(m[1])[1:]...)
	cleanOut, _ := clean.CombinedOutput()
	if code := clean.ProcessState.ExitCode(); code != 0 {
		t.Errorf("%s: exit %d\n%s", m[1], code, cleanOut)
	}
	if _, runs := bucketsLeft(e); len(runs) > 0 {
		t.Errorf("left after %s: %v\n%s", m[1], runs, cleanOut)
	}
}
