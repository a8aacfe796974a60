package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/testenv"
	"github.com/getservice-conformance/gsc/schemas"
)

// lockedBuffer is an output a running command writes while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningLine = regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+)`)

// proxying is runner proxy running in this process.
type proxying struct {
	url            string
	stdout, stderr *lockedBuffer
	code           chan int
}

// startProxy runs runner proxy with args and waits for its address.
func startProxy(t *testing.T, args ...string) *proxying {
	t.Helper()
	p := &proxying{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, code: make(chan int, 1)}
	go func() { p.code <- run(append([]string{"proxy"}, args...), p.stdout, p.stderr) }()
	for i := 0; i < 500; i++ {
		if m := listeningLine.FindStringSubmatch(p.stdout.String()); m != nil {
			p.url = m[1]
			return p
		}
		select {
		case code := <-p.code:
			t.Fatalf("runner proxy exited %d before listening\n%s%s", code, p.stdout, p.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("runner proxy is not listening after 5s\n%s%s", p.stdout, p.stderr)
	return nil
}

// wait returns the exit code.
func (p *proxying) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-p.code:
		return code
	case <-time.After(60 * time.Second):
		t.Fatalf("runner proxy did not end\n%s%s", p.stdout, p.stderr)
	}
	return -1
}

// proxyEndpoint is an S3 reference endpoint with five buckets and faults
// in force.
func proxyEndpoint(t *testing.T, faults ...refserver.Fault) string {
	t.Helper()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	srv := refserver.New(c, refserver.Options{Keys: map[string]string{testAccessKey: testSecretKey}, Faults: faults})
	for _, name := range []string{"zeta-2024", "app", "media", "app-logs", "backup"} {
		srv.Seed(refserver.Bucket{Name: name, Created: time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)})
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// walkS3 lists through endpoint with the AWS SDK's paginator, pages of 2.
func walkS3(t *testing.T, endpoint string) int {
	t.Helper()
	client := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true, RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey}, nil
		}),
	})
	n := 0
	p := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)})
	for pages := 0; p.HasMorePages() && pages < 10; pages++ {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("listing through the proxy: %v", err)
		}
		n += len(out.Buckets)
	}
	return n
}

// findingLines are the lines of out that are findings of the proxy's
// recordings, sorted.
func findingLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "s3-proxy-walk-") && strings.Contains(l, ".txtar:") {
			lines = append(lines, l)
		}
	}
	slices.Sort(lines)
	return lines
}

// TestProxyOnceJudgesAWalk: with --once, runner proxy judges the SDK's
// walk of three pages as one walk, prints its findings as runner check
// prints those of the recording it wrote, writes the reports and exits by
// the verdict: 1 with a fault in force, 0 without.
func TestProxyOnceJudgesAWalk(t *testing.T) {
	for _, tc := range []struct {
		fault refserver.Fault
		code  int
		want  []string // check ids
	}{
		{"", exitClean, nil},
		{refserver.Unsorted, exitFindings, []string{"page.order"}},
		{refserver.MissingRequestID, exitFindings, []string{"header.request-id"}},
	} {
		t.Run(cmpName(string(tc.fault), "clean"), func(t *testing.T) {
			dir := t.TempDir()
			record, results := filepath.Join(dir, "recorded"), filepath.Join(dir, "results.json")
			var faults []refserver.Fault
			if tc.fault != "" {
				faults = append(faults, tc.fault)
			}
			reports := map[string]string{"--junit": "junit.xml", "--markdown": "summary.md", "--html": "report.html"}
			args := []string{"--vendor", "s3", "--upstream", proxyEndpoint(t, faults...), "--once", "--record", record, "--results", results}
			for flag, name := range reports {
				args = append(args, flag, filepath.Join(dir, name))
			}
			p := startProxy(t, args...)
			if n := walkS3(t, p.url); n != 5 {
				t.Errorf("the SDK listed %d buckets through the proxy, want 5", n)
			}
			if code := p.wait(t); code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, p.stdout, p.stderr)
			}
			out := p.stdout.String()
			if !strings.Contains(out, "walk 1 ended after 3 page(s)") {
				t.Errorf("no line saying walk 1 ended after 3 pages:\n%s", out)
			}
			got := findingLines(out)
			var ids []string
			for _, l := range got {
				if m := regexp.MustCompile(`\[([a-z.-]+)\]`).FindStringSubmatch(l); m != nil && !slices.Contains(ids, m[1]) {
					ids = append(ids, m[1])
				}
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("check ids %q, want %q:\n%s", ids, tc.want, out)
			}
			var checkOut, checkErr lockedBuffer
			checkCode := run([]string{"check", "--vendor", "s3", record}, &checkOut, &checkErr)
			if want := findingLines(checkOut.String()); !slices.Equal(got, want) {
				t.Errorf("runner proxy printed\n  %s\nrunner check on its recording prints\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if checkCode != tc.code {
				t.Errorf("runner check on the recording: exit %d, want %d", checkCode, tc.code)
			}
			for flag, name := range reports {
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil || !bytes.Contains(data, []byte("client walk 1")) {
					t.Errorf("%s: the report does not name client walk 1 (%v)", flag, err)
				}
			}
			r, err := outcome.Load(results)
			if err != nil {
				t.Fatal(err)
			}
			want := outcome.Pass
			if tc.code == exitFindings {
				want = outcome.Fail
			}
			if len(r.Results) != 1 || r.Results[0].Status != want || r.Results[0].ID != "client-walk-1" {
				t.Errorf("results %+v, want one result client-walk-1 %s", r.Results, want)
			}
		})
	}
}

func cmpName(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestProxyBaseline: a baseline that accepts the fault's findings, as
// written from the recording of a first run, makes the same walk exit 0.
func TestProxyBaseline(t *testing.T) {
	dir := t.TempDir()
	record, base := filepath.Join(dir, "recorded"), filepath.Join(dir, "baseline.txt")
	p := startProxy(t, "--vendor", "s3", "--upstream", proxyEndpoint(t, refserver.MissingRequestID), "--once", "--record", record)
	walkS3(t, p.url)
	if code := p.wait(t); code != exitFindings {
		t.Fatalf("exit %d without a baseline, want 1\n%s", code, p.stdout)
	}
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(record, "s3-proxy-walk-1.txtar")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fs := check.Recording(exchange.Parse(filepath.ToSlash(file), src), c)
	if len(fs) == 0 {
		t.Fatal("the recording has no findings to accept")
	}
	if err := os.WriteFile(base, baseline.Format(fs), 0o644); err != nil {
		t.Fatal(err)
	}
	// The baseline names the recordings: the same --record names them so.
	p = startProxy(t, "--vendor", "s3", "--upstream", proxyEndpoint(t, refserver.MissingRequestID), "--once", "--record", record, "--baseline", base)
	walkS3(t, p.url)
	if code := p.wait(t); code != exitClean {
		t.Errorf("exit %d with every finding in the baseline, want 0\n%s%s", code, p.stdout, p.stderr)
	}
	if !strings.Contains(p.stdout.String(), fmt.Sprintf("%d accepted by the baseline", len(fs))) {
		t.Errorf("the summary does not count %d accepted finding(s):\n%s", len(fs), p.stdout)
	}
}

// TestProxyJudgedNothing: a proxy no client used exits 2 when stopped,
// with its reports saying why.
func TestProxyJudgedNothing(t *testing.T) {
	results := filepath.Join(t.TempDir(), "results.json")
	p := startProxy(t, "--vendor", "s3", "--upstream", proxyEndpoint(t), "--timeout", "100ms", "--results", results)
	if code := p.wait(t); code != exitUsage {
		t.Errorf("exit %d, want 2\n%s%s", code, p.stdout, p.stderr)
	}
	r, err := outcome.Load(results)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Error, "no GET Service exchange was judged") || len(r.Results) != 0 {
		t.Errorf("results: error %q, %d results", r.Error, len(r.Results))
	}
}

// TestProxyUsage: what runner proxy refuses before it listens.
func TestProxyUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--upstream", "http://127.0.0.1:9"},
		{"--vendor", "s3"},
		{"--vendor", "s3", "--upstream", "ftp://127.0.0.1:9"},
		{"--vendor", "nope", "--upstream", "http://127.0.0.1:9"},
		{"--vendor", "s3", "--upstream", "http://127.0.0.1:9", "--listen", "0.0.0.0:0"},
		{"--vendor", "s3", "--upstream", "http://127.0.0.1:9", "extra"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"proxy"}, args...), &stdout, &stderr); code != exitUsage || stdout.Len() != 0 {
			t.Errorf("proxy %q: exit %d, stdout %q; want 2 and nothing listening", args, code, stdout.String())
		}
	}
	// A report that could not be written at the end is found before it
	// listens.
	var stdout, stderr bytes.Buffer
	dir := t.TempDir()
	if code := run([]string{"proxy", "--vendor", "s3", "--upstream", "http://127.0.0.1:9", "--junit", dir}, &stdout, &stderr); code != exitUsage || stdout.Len() != 0 {
		t.Errorf("--junit naming a directory: exit %d, stdout %q; want 2 before listening", code, stdout.String())
	}
	if !strings.Contains(stderr.String(), "--junit") {
		t.Errorf("the refusal does not name --junit:\n%s", stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	run([]string{"proxy", "--vendor", "s3", "--upstream", "http://127.0.0.1:9", "--listen", "0.0.0.0:0"}, &stdout, &stderr)
	if !strings.Contains(stderr.String(), "--allow-remote") {
		t.Errorf("a non-loopback --listen is refused without naming --allow-remote:\n%s", stderr.String())
	}
}

// TestProxyStopsOnSignal: the runner binary, stopped by SIGINT or
// SIGTERM, writes its reports and exits by what it judged (here: 1, a
// fault's findings), not as interrupted.
func TestProxyStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			junit := filepath.Join(dir, "junit.xml")
			cmd := runnerCmd(t, "proxy", "--vendor", "s3", "--upstream", proxyEndpoint(t, refserver.Unsorted), "--junit", junit)
			var out lockedBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			t.Cleanup(func() {
				select {
				case <-done:
				default:
					cmd.Process.Kill()
					<-done
				}
			})
			var url string
			for i := 0; i < 3000 && url == ""; i++ {
				if m := listeningLine.FindStringSubmatch(out.String()); m != nil {
					url = m[1]
				}
				time.Sleep(10 * time.Millisecond)
			}
			if url == "" {
				t.Fatalf("the proxy did not listen\n%s", out.String())
			}
			walkS3(t, url)
			walkS3(t, url) // a second walk; the proxy goes on until stopped
			for i := 0; i < 3000 && !strings.Contains(out.String(), "walk 2 ended"); i++ {
				time.Sleep(10 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("the proxy did not stop on %s\n%s", sig, out.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != exitFindings {
				t.Errorf("exit %d after %s, want 1 (the fault's findings)\n%s", code, sig, out.String())
			}
			data, err := os.ReadFile(junit)
			if err != nil {
				t.Fatalf("no JUnit report after %s: %v\n%s", sig, err, out.String())
			}
			if n := bytes.Count(data, []byte("<testcase ")); n != 2 || !bytes.Contains(data, []byte("page.order")) {
				t.Errorf("JUnit report has %d test cases (want 2, one per walk), page.order %v:\n%.2000s", n, bytes.Contains(data, []byte("page.order")), data)
			}
		})
	}
}

// TestProxyAWSCLI: the AWS CLI walks pages of two (--page-size) through
// the proxy, pointed at it with --endpoint-url, or told the endpoint's own
// name and given the proxy as its HTTP proxy (the Host it signs is then
// the endpoint's); the proxy judges the walk as one and reports the fault
// in force.
func TestProxyAWSCLI(t *testing.T) {
	aws := testenv.Tool(t, "aws")
	for _, tc := range []struct {
		name     string
		endpoint func(proxyURL string) (endpoint string, env []string)
	}{
		{"endpoint-url", func(u string) (string, []string) { return u, nil }},
		{"http-proxy", func(u string) (string, []string) {
			return "http://s3.us-east-1.gsc-proxy.internal", []string{"HTTP_PROXY=" + u, "http_proxy=" + u, "NO_PROXY=", "no_proxy="}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startProxy(t, "--vendor", "s3", "--upstream", proxyEndpoint(t, refserver.Unsorted), "--once")
			endpoint, env := tc.endpoint(p.url)
			cmd := exec.Command(aws, "--endpoint-url", endpoint, "s3api", "list-buckets", "--page-size", "2", "--query", "Buckets[].Name", "--output", "text")
			cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+testAccessKey, "AWS_SECRET_ACCESS_KEY="+testSecretKey,
				"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
				"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
			cmd.Env = append(cmd.Env, env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("aws s3api list-buckets through the proxy: %v\n%s", err, out)
			}
			if n := len(strings.Fields(string(out))); n != 5 {
				t.Errorf("the AWS CLI listed %d buckets, want 5:\n%s", n, out)
			}
			if code := p.wait(t); code != exitFindings {
				t.Errorf("exit %d, want 1\n%s%s", code, p.stdout, p.stderr)
			}
			stdout := p.stdout.String()
			if !strings.Contains(stdout, "walk 1 ended after 3 page(s)") || !strings.Contains(stdout, "[page.order]") {
				t.Errorf("want one walk of three pages with page.order findings:\n%s", stdout)
			}
		})
	}
}
