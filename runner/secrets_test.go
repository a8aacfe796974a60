package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const testSessionToken = "FwoGZXIvYXdzEGSCtestSESSIONtoken/with+base64=="

// echoer wraps an endpoint so that every 403 echoes what S3 and its clones
// echo on SignatureDoesNotMatch (the signature, a StringToSign and a
// CanonicalRequest holding the security token, their hex forms) and more
// (the token and the secret key in the message and a header), and lacks
// its request-id header, so that the specs fail and the reports carry
// these exchanges and their curl lines. It keeps every secret value it
// saw, to search the outputs for.
type echoer struct {
	mu      sync.Mutex
	secrets map[string]bool
	echoed  int
}

var sigPatterns = []*regexp.Regexp{
	regexp.MustCompile(`Signature=([^,\s&]+)`),
	regexp.MustCompile(`^AWS [^:]+:(\S+)$`),
}

func (e *echoer) keep(values ...string) {
	for _, v := range values {
		if len(v) >= 8 {
			e.secrets[v] = true
		}
	}
}

func (e *echoer) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("X-Amz-Security-Token")
		auth := r.Header.Get("Authorization")
		var sig string
		for _, re := range sigPatterns {
			if m := re.FindStringSubmatch(auth); m != nil {
				sig = m[1]
			}
		}
		e.mu.Lock()
		e.keep(token, sig, r.URL.Query().Get("X-Amz-Signature"))
		e.mu.Unlock()

		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusForbidden {
			stringToSign := "AWS4-HMAC-SHA256\n20261130T000000Z\n20261130/us-east-1/s3/aws4_request\nx-amz-security-token:" + token
			canonical := "GET\n/\n\nhost:" + r.Host + "\nx-amz-security-token:" + token + "\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD"
			echo := fmt.Sprintf("<Detail>token %s key %s</Detail><StringToSign>%s</StringToSign><SignatureProvided>%s</SignatureProvided>"+
				"<StringToSignBytes>%s</StringToSignBytes><CanonicalRequest>%s</CanonicalRequest><CanonicalRequestBytes>%s</CanonicalRequestBytes></Error>",
				token, testSecretKey, stringToSign, sig, spacedHex(stringToSign), canonical, spacedHex(canonical))
			body = bytes.Replace(body, []byte("</Error>"), []byte(echo), 1)
			rec.Header().Del("X-Amz-Request-Id")
			rec.Header().Set("X-Echo-Token", token)
			e.mu.Lock()
			e.echoed++
			e.keep(spacedHex(token), hex.EncodeToString([]byte(token)))
			e.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

func spacedHex(s string) string {
	h := hex.EncodeToString([]byte(s))
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, " ")
}

// Nothing a run writes or prints holds the secret key, the session token
// or any signature it sent, though the endpoint echoes them all in its
// error bodies and headers; the masked echoes are still there to read.
func TestRunMasksEchoedSecrets(t *testing.T) {
	e := &echoer{secrets: map[string]bool{testSecretKey: true, testSessionToken: true}}
	ep := newEndpoint(t, "s3", e.wrap)
	dir := t.TempDir()
	files := map[string]string{
		"--junit": filepath.Join(dir, "junit.xml"), "--results": filepath.Join(dir, "results.json"),
		"--markdown": filepath.Join(dir, "summary.md"), "--html": filepath.Join(dir, "report.html"),
	}
	args := []string{"run", "-v", "--vendor", "s3", "--endpoint", ep.url, "--record", filepath.Join(dir, "recorded")}
	for flag, file := range files {
		args = append(args, flag, file)
	}
	cmd := runnerCmd(t, args...)
	cmd.Env = append(cmd.Env, "AWS_SESSION_TOKEN="+testSessionToken)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("run: exit %d, want 1 (the echoing endpoint lacks its request-id on 403s)\n%s", code, stderr.String())
	}

	e.mu.Lock()
	echoed, secrets := e.echoed, e.secrets
	e.mu.Unlock()
	if echoed == 0 || !secrets[testSessionToken] || len(secrets) < 5 {
		t.Fatalf("the endpoint echoed %d answers and saw %d secret values: the run never sent the token or never got refused", echoed, len(secrets))
	}
	outputs := map[string][]byte{"stdout": stdout.Bytes(), "stderr": stderr.Bytes()}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			outputs[filepath.Base(p)], _ = os.ReadFile(p)
		}
		return nil
	})
	for _, file := range files {
		if _, ok := outputs[filepath.Base(file)]; !ok {
			t.Errorf("the run wrote no %s", filepath.Base(file))
		}
	}
	for name, data := range outputs {
		for s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds a secret value (%.6s...)", name, s)
			}
		}
	}
	// The echoes reached the recordings, -v and the results, masked; the
	// reports' curl lines carry no secret either (checked above with
	// everything else).
	masked := regexp.MustCompile(`StringToSign(>|\\u003e|&gt;)\*{20}`)
	for _, name := range []string{"s3-rejects-badsignature.txtar", "results.json", "stderr"} {
		if !masked.Match(outputs[name]) {
			t.Errorf("%s shows no masked StringToSign: the echoing exchanges never reached it", name)
		}
	}
	for _, name := range []string{"junit.xml", "summary.md", "report.html"} {
		if !bytes.Contains(outputs[name], []byte("curl -sS")) {
			t.Errorf("%s holds no curl line to check", name)
		}
	}
	// Masking kept each body's length: no recording has a Content-Length finding.
	check := runnerCmd(t, "check", filepath.Join(dir, "recorded"))
	out, _ := check.CombinedOutput()
	if bytes.Contains(out, []byte("http.content-length")) {
		t.Errorf("masking changed a body's length:\n%s", out)
	}
}

// A password in the endpoint URL is refused before any request, and
// printed nowhere.
func TestRunEndpointUserinfo(t *testing.T) {
	h, served := countRequests(http.NotFoundHandler())
	srv := httptest.NewServer(h)
	defer srv.Close()
	withPassword := strings.Replace(srv.URL, "http://", "http://admin:hunter2-secret@", 1)
	cmd := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", withPassword, "-v", "--junit", filepath.Join(t.TempDir(), "j.xml"))
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), "carries user information") {
		t.Errorf("exit %d, want 2 refusing the user information\n%s", code, out)
	}
	if strings.Contains(string(out), "hunter2-secret") {
		t.Errorf("the output shows the password:\n%s", out)
	}
	if n := served.Load(); n != 0 {
		t.Errorf("the endpoint saw %d requests", n)
	}
}

// countRequests wraps a handler with a count of the requests it served.
func countRequests(h http.Handler) (http.Handler, *atomicCount) {
	n := &atomicCount{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.add()
		h.ServeHTTP(w, r)
	}), n
}

type atomicCount struct {
	mu sync.Mutex
	n  int
}

func (c *atomicCount) add() { c.mu.Lock(); c.n++; c.mu.Unlock() }
func (c *atomicCount) Load() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// The endpoint and timeout flags are checked before anything is sent.
func TestRunEndpointUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"timeout 0", []string{"--endpoint", "http://127.0.0.1:1", "--timeout", "0s"}, "--timeout must be more than 0"},
		{"negative timeout", []string{"--endpoint", "http://127.0.0.1:1", "--timeout", "-5s"}, "--timeout must be more than 0"},
		{"port 0", []string{"--endpoint", "http://127.0.0.1:0"}, "port 0 is not between 1 and 65535"},
		{"port 99999", []string{"--endpoint", "http://127.0.0.1:99999"}, "port 99999 is not between 1 and 65535"},
		{"user without password", []string{"--endpoint", "http://admin@127.0.0.1:1"}, "carries user information"},
		{"unparsable URL with a password", []string{"--endpoint", "http://u:pw-secret@[::1"}, "is not an http or https URL"},
	}
	t.Setenv("AWS_ACCESS_KEY_ID", testAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecretKey)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"run", "--vendor", "s3"}, tt.args...), &stdout, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), tt.stderr) || strings.Contains(stderr.String(), "pw-secret") {
				t.Errorf("exit %d, stderr %q; want 2 and %q, no password", code, stderr.String(), tt.stderr)
			}
		})
	}
	// A positive timeout, a port in range and no user information pass.
	lf := liveFlags{vendor: "s3", endpoint: "http://127.0.0.1:65535", addressing: "path", timeout: time.Second}
	if target, err := lf.target(); err != nil || target.Endpoint.Port() != "65535" {
		t.Errorf("a valid endpoint and --timeout 1s: %v", err)
	}
}
