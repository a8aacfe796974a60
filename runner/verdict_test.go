package main

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// Exit 2, not 1, when the run cannot judge: the target is not at fault,
// or nothing was judged. Each case says why in one line.
func TestRunCannotJudge(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nothing := "http://" + closed.Addr().String()
	closed.Close()

	e := newReferenceEndpoint(t, "s3")
	slow := newEndpoint(t, "s3", func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				time.Sleep(300 * time.Millisecond)
			}
			h.ServeHTTP(w, r)
		})
	})
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	selfSigned := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(selfSigned.Close)
	for _, tc := range []struct {
		name, url string
		args      []string
		env       []string // replaces the keys
		want      string
		errors    bool // every spec reported could not run
	}{
		{"nothing listens", nothing, nil, nil, "spec(s) could not run: s3: set-up: creating bucket", true},
		{"no such host", "http://gsc-test.invalid:9000", nil, nil, "cannot resolve gsc-test.invalid", true},
		{"https to a plain HTTP port", strings.Replace(plain.URL, "http:", "https:", 1), nil, nil, "TLS:", true},
		{"a self-signed certificate without --ca-file", selfSigned.URL, nil, nil, "TLS: the endpoint's certificate is not trusted", true},
		{"credentials refused at set-up", e.url, nil, []string{"AWS_ACCESS_KEY_ID=AKIDNOBODY", "AWS_SECRET_ACCESS_KEY=x"},
			"the credentials were refused: 403 InvalidAccessKeyId: check the keys, the region and --signature", true},
		{"credentials refused, read-only", e.url, []string{"--read-only"}, []string{"AWS_ACCESS_KEY_ID=AKIDNOBODY", "AWS_SECRET_ACCESS_KEY=x"},
			"set-up: listing the buckets: the credentials were refused: 403 InvalidAccessKeyId", true},
		{"the selection matches no spec", e.url, []string{"--label-filter", "no-such-label"}, nil, "runner: could not judge: the selection matches no spec", false},
		{"every spec selected skipped", e.url, []string{"--read-only", "--label-filter", "filters && !prefix && !region && !refusals"}, nil, "could not judge: every one of the 9 spec(s) selected was skipped", false},
		{"the deadline passes", slow.url, []string{"--deadline", "2s"}, nil, "the run's deadline passed (--deadline)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			results := t.TempDir() + "/results.json"
			cmd := runnerCmd(t, append([]string{"run", "--vendor", "s3", "--endpoint", tc.url, "--junit", "", "--results", results}, tc.args...)...)
			cmd.Env = append(cmd.Env, tc.env...)
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), tc.want) {
				t.Errorf("exit %d, want 2 saying %q\n%s", code, tc.want, out)
			}
			run, err := outcome.Load(results)
			if err != nil {
				t.Fatal(err)
			}
			if n := run.Counts()[outcome.Fail]; n > 0 {
				t.Errorf("%d spec(s) failed: a run that cannot judge blames no spec on the target\n%s", n, out)
			}
			if c := run.Counts(); tc.errors && c[outcome.Error] != len(run.Results) {
				t.Errorf("results %v, want every spec could not run", c)
			}
			if tc.errors && run.Error == "" {
				t.Errorf("results.json does not say why the run could not judge")
			}
		})
	}
}

// A label expression that does not parse is a usage error in plain words,
// with no terminal colour, for run and conformance alike.
func TestLabelFilterDoesNotParse(t *testing.T) {
	for _, command := range []string{"run", "conformance"} {
		args := []string{command, "--label-filter", "auth &&"}
		if command == "run" {
			args = append(args, "--vendor", "s3", "--endpoint", "http://127.0.0.1:1")
		}
		cmd := runnerCmd(t, args...)
		out, _ := cmd.CombinedOutput()
		want := `--label-filter "auth &&" does not parse: Unexpected EOF.`
		if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), want) || strings.Contains(string(out), "\x1b[") {
			t.Errorf("%s: exit %d, want 2 saying %q without colour\n%q", command, code, want, out)
		}
	}
}

// conformance too refuses to pass when its selection matches no spec.
func TestConformanceSelectionMatchesNoSpec(t *testing.T) {
	cmd := runnerCmd(t, "conformance", "--label-filter", "no-such-label", "--junit", "")
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), "the selection matches no spec") {
		t.Errorf("exit %d, want 2\n%s", code, out)
	}
}

// A spec whose judgement needs an answer does not pass, nor fail, when
// the endpoint was not there to give one: listings refused, or 5xx and
// 429 that outlast the retries, end the spec as could not run, naming
// the status and how often it was tried.
func TestNoVerdictWithoutEvidence(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		want   string
	}{
		{"listings answered 503", http.StatusServiceUnavailable, "the endpoint answered 503 (no error code), 3 times"},
		{"listings answered 429", http.StatusTooManyRequests, "the endpoint answered 429 (no error code), 3 times"},
		{"listings refused 403", http.StatusForbidden, "the endpoint answered 403 AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEndpoint(t, "s3", func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodGet && r.URL.Path == "/" {
						w.Header().Set("Content-Type", "application/xml")
						w.WriteHeader(tc.status)
						if tc.status == http.StatusForbidden {
							w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>AccessDenied</Code><Message>no</Message><RequestId>1</RequestId></Error>"))
						}
						return
					}
					h.ServeHTTP(w, r)
				})
			})
			code, out, run := liveRun(t, "s3", e.url, "--label-filter", "schema || headers")
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s", code, out)
			}
			for _, r := range run.Results {
				if r.ID == "lists-the-buckets-as-the-contract-says" && (r.Status != outcome.Error || !strings.Contains(r.Summary, tc.want)) {
					t.Errorf("%s: %s %q, want error saying %q", r.ID, r.Status, r.Summary, tc.want)
				}
				if r.Status == outcome.Pass && r.ID != "answers-errors-with-the-contract-s-error-document" {
					t.Errorf("%s passed without a successful listing", r.ID)
				}
			}
		})
	}
}

// runner serve honours the session token of its own environment, so a run
// with the same environment (AWS_SESSION_TOKEN set) is served.
func TestServeAcceptsItsSessionToken(t *testing.T) {
	env := []string{"AWS_ACCESS_KEY_ID=AKIDSERVETOKEN", "AWS_SECRET_ACCESS_KEY=serve/secret", "AWS_SESSION_TOKEN=serve-session-token-0001"}
	serve := runnerCmd(t, "serve", "--vendor", "s3", "--addr", "127.0.0.1:0")
	serve.Env = append(serve.Env, env...)
	out, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { serve.Process.Kill(); serve.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	url := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`).FindString(line)
	if err != nil || url == "" {
		t.Fatalf("serve said %q (%v)", line, err)
	}
	cmd := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", url, "--junit", "", "--label-filter", "schema")
	cmd.Env = append(cmd.Env, env...)
	got, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("a run with the endpoint's own session token: exit %d\n%s", code, got)
	}
}
