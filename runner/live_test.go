package main

import (
	"bytes"
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

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/redact"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/schemas"
)

const (
	testAccessKey = "AKIDRUNNERTEST"
	testSecretKey = "runner/test+SECRET/do-not-print"
)

// binDir holds the runner built for these tests; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildRunner builds the runner once per test binary.
var buildRunner = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "gsc-runner")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "runner")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &exec.ExitError{Stderr: out}
	}
	return bin, nil
})

// endpoint is a reference endpoint in this process, with every
// Authorization value it received kept, to search outputs for them.
type endpoint struct {
	*refserver.Server
	url string

	mu   sync.Mutex
	auth []string
}

func newEndpoint(t *testing.T, vendor string, wrap func(http.Handler) http.Handler) *endpoint {
	t.Helper()
	c, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		t.Fatal(err)
	}
	e := &endpoint{Server: refserver.New(c, refserver.Options{
		Keys:          map[string]string{testAccessKey: testSecretKey},
		SessionTokens: map[string]string{testAccessKey: testSessionToken}, // what secrets_test sends
	})}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		if a := r.Header.Get("Authorization"); a != "" {
			e.auth = append(e.auth, a)
		}
		e.mu.Unlock()
		e.Server.ServeHTTP(w, r)
	})
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

func runnerCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the runner")
	}
	bin, err := buildRunner()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+testAccessKey, "AWS_SECRET_ACCESS_KEY="+testSecretKey)
	return cmd
}

// A live run against a conforming endpoint passes; its recordings, checked
// offline, give the same (no) findings; and nothing it printed or wrote
// holds the secret or any signature it sent.
func TestRunRecordsAndRedacts(t *testing.T) {
	e := newEndpoint(t, "s3", nil)
	dir := t.TempDir()
	record, junit := filepath.Join(dir, "recorded"), filepath.Join(dir, "junit.xml")
	cmd := runnerCmd(t, "run", "-v", "--vendor", "s3", "--endpoint", e.url, "--record", record, "--junit", junit,
		"--results", filepath.Join(dir, "results.json"))
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, out)
	}
	// -v prints every exchange, masked like the recordings.
	if !bytes.Contains(out, []byte("--- list: exchange 1\nGET / HTTP/1.1")) || !bytes.Contains(out, []byte("Signature="+redact.Mask)) {
		t.Errorf("-v printed no exchange, or none with a masked signature:\n%.3000s", out)
	}
	if left := e.Buckets(); len(left) != 0 {
		t.Errorf("the run left %d bucket(s) behind: %v", len(left), left)
	}
	files, _ := filepath.Glob(filepath.Join(record, "*.txtar"))
	if len(files) < 5 {
		t.Fatalf("recorded %d files, want one per spec", len(files))
	}

	check := runnerCmd(t, "check", record)
	checkOut, _ := check.CombinedOutput()
	if code := check.ProcessState.ExitCode(); code != 0 {
		t.Errorf("check of the recordings: exit %d\n%s", code, checkOut)
	}

	e.mu.Lock()
	sent := append([]string(nil), e.auth...)
	e.mu.Unlock()
	if len(sent) == 0 {
		t.Fatal("the endpoint saw no signed request")
	}
	secrets := []string{testSecretKey}
	sig := regexp.MustCompile(`Signature=([0-9a-f]{64})`)
	for _, a := range sent {
		if m := sig.FindStringSubmatch(a); m != nil {
			secrets = append(secrets, m[1])
		}
	}
	outputs := map[string][]byte{"run output": out, "check output": checkOut}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			outputs[p], _ = os.ReadFile(p)
		}
		return nil
	})
	for name, data := range outputs {
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds a secret or signature (%s...)", name, s[:8])
			}
		}
	}
	// The recordings still show what was signed, with the signature masked.
	masked := 0
	for _, f := range files {
		if bytes.Contains(outputs[f], []byte("Signature="+redact.Mask)) {
			masked++
		}
	}
	if masked == 0 {
		t.Errorf("no recording shows a masked SigV4 Authorization; first one:\n%s", outputs[files[0]])
	}
}

// A deviating endpoint's findings are the same live and from the
// recordings. The deviation (no request-id header) is injected here by a
// wrapper: a stand-in until the reference endpoint has fault switches.
func TestRunFindingsReplayOffline(t *testing.T) {
	noRequestID := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(dropHeader{w, "X-Amz-Request-Id"}, r)
		})
	}
	e := newEndpoint(t, "s3", noRequestID)
	record := filepath.Join(t.TempDir(), "recorded")
	cmd := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--record", record, "--junit", filepath.Join(t.TempDir(), "j.xml"), "--label-filter", "headers")
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "header.request-id") {
		t.Fatalf("run: exit %d, want 1 with header.request-id findings\n%s", code, out)
	}
	check := runnerCmd(t, "check", record)
	checkOut, _ := check.CombinedOutput()
	if code := check.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(checkOut), "[header.request-id] no x-amz-request-id header") {
		t.Errorf("check of the recordings: exit %d, want 1 with the same finding\n%s", code, checkOut)
	}
}

type dropHeader struct {
	http.ResponseWriter
	name string
}

func (d dropHeader) WriteHeader(code int) {
	d.Header().Del(d.name)
	d.ResponseWriter.WriteHeader(code)
}

func (d dropHeader) Write(b []byte) (int, error) {
	d.Header().Del(d.name)
	return d.ResponseWriter.Write(b)
}

// Interrupted midway, a run deletes exactly the buckets it created: every
// bucket that was there before is still there, none of the run's is left.
func TestRunInterruptedCleansUp(t *testing.T) {
	listed := make(chan struct{}, 100)
	slowLists := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				select {
				case listed <- struct{}{}:
				default:
				}
				time.Sleep(200 * time.Millisecond)
			}
			h.ServeHTTP(w, r)
		})
	}
	e := newEndpoint(t, "s3", slowLists)
	before := []string{"aaa-kept", "gsc-00000000-00", "zzz-kept"} // the second looks like a run's, but is not this one's
	for _, name := range before {
		e.Seed(refserver.Bucket{Name: name, Region: "us-east-1", Created: time.Now()})
	}
	cmd := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--junit", filepath.Join(t.TempDir(), "j.xml"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the run has created its buckets and is listing.
	deadline := time.After(30 * time.Second)
	for created := false; !created; {
		select {
		case <-listed:
			created = len(e.Buckets()) > len(before)
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("the run never got going\n%s", out.String())
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the run did not stop after SIGINT\n%s", out.String())
	}
	var after []string
	for _, b := range e.Buckets() {
		after = append(after, b.Name)
	}
	if strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("buckets after the interrupted run: %v, want exactly %v\n%s", after, before, out.String())
	}
	if code := cmd.ProcessState.ExitCode(); code == 0 {
		t.Errorf("an interrupted run exited 0\n%s", out.String())
	}
}

func badProfile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "profile.json")
	os.WriteFile(p, []byte(`{"vendor": "s3", "maxBucket": 5}`), 0o644)
	return p
}

func TestRunUsageErrors(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no vendor", []string{"run", "--endpoint", "http://127.0.0.1:1"}, "--vendor must be one of"},
		{"no endpoint", []string{"run", "--vendor", "s3"}, `--endpoint "" is not an http or https URL`},
		{"endpoint without scheme", []string{"run", "--vendor", "s3", "--endpoint", "127.0.0.1:9000"}, "is not an http or https URL"},
		{"no credentials", []string{"run", "--vendor", "s3", "--endpoint", "http://127.0.0.1:1"}, "no credentials for s3: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
		{"missing credentials file", []string{"run", "--vendor", "s3", "--endpoint", "http://127.0.0.1:1", "--credentials", "no/such"}, "credentials: open no/such"},
		{"foreign signature", []string{"run", "--vendor", "s3", "--endpoint", "http://127.0.0.1:1", "--signature", "cos"}, `--signature "cos" is not one s3 accepts`},
		{"bad addressing", []string{"run", "--vendor", "s3", "--endpoint", "http://127.0.0.1:1", "--addressing", "dns"}, "--addressing must be path or virtual"},
		{"secret as a flag", []string{"run", "--vendor", "s3", "--endpoint", "http://127.0.0.1:1", "--secret-key", "x"}, "unknown flag --secret-key"},
		{"missing profile file", []string{"run", "--vendor", "s3", "--endpoint", "http://127.0.0.1:1", "--contract-profile", "no/such.json"}, "open no/such.json"},
		{"profile with an unknown field", []string{"run", "--vendor", "s3", "--endpoint", "http://127.0.0.1:1", "--contract-profile", badProfile(t)}, `unknown field "maxBucket"`},
		{"serve off loopback", []string{"serve", "--vendor", "s3", "--addr", "0.0.0.0:9000"}, "--addr must be a loopback address"},
		{"serve unknown vendor", []string{"serve", "--vendor", "azure"}, "--vendor must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), tt.stderr)
			}
		})
	}
}

// --contract-profile replaces the vendor's profile: with a maximum page size of 3
// the run expects max-buckets=4 to be refused, which the reference
// endpoint (maximum 10,000) does not do.
func TestRunWithProfile(t *testing.T) {
	data, err := schemas.FS.ReadFile("s3/profile.json")
	if err != nil {
		t.Fatal(err)
	}
	patched := bytes.Replace(data, []byte(`"max": 10000`), []byte(`"max": 3`), 1)
	if bytes.Equal(patched, data) {
		t.Fatal(`s3/profile.json has no "max": 10000 to patch`)
	}
	profile := filepath.Join(t.TempDir(), "profile.json")
	os.WriteFile(profile, patched, 0o644)
	e := newEndpoint(t, "s3", nil)
	cmd := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--contract-profile", profile,
		"--label-filter", "pagination", "--junit", filepath.Join(t.TempDir(), "j.xml"))
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), `seen: 200 ""`) || !strings.Contains(string(out), "where: max-buckets=4") {
		t.Errorf("exit %d, want 1 with max-buckets=4 refused by the profile\n%s", code, out)
	}
}

// --read-only creates nothing: the endpoint's buckets are the same after
// the run, and the specs that need buckets of their own are skipped.
func TestRunReadOnly(t *testing.T) {
	e := newEndpoint(t, "s3", nil)
	e.Seed(refserver.Bucket{Name: "existing-bucket", Region: "us-east-1", Created: time.Now()})
	var created []string
	cmd := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--read-only", "--junit", filepath.Join(t.TempDir(), "j.xml"))
	out, _ := cmd.CombinedOutput()
	for _, b := range e.Buckets() {
		created = append(created, b.Name)
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 || strings.Join(created, " ") != "existing-bucket" {
		t.Errorf("exit %d, buckets after %v\n%s", code, created, out)
	}
	if m := regexp.MustCompile(`s3 +[0-9]+ passed.* ([1-9][0-9]*) skipped`).FindStringSubmatch(string(out)); m == nil {
		t.Errorf("no spec was skipped under --read-only\n%s", out)
	}
}

// A redirect is reported as one, not followed.
func TestRunRedirect(t *testing.T) {
	redirect := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.invalid/", http.StatusMovedPermanently)
		})
	}
	e := newEndpoint(t, "s3", redirect)
	cmd := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--label-filter", "schema", "--junit", filepath.Join(t.TempDir(), "j.xml"))
	out, _ := cmd.CombinedOutput()
	// Set-up (creating the run's buckets) is redirected: the run cannot judge.
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), `the endpoint redirected (301 to "https://elsewhere.invalid/")`) {
		t.Errorf("exit %d, want 2 naming the redirect\n%s", code, out)
	}
}
