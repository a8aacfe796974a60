package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/internal/testenv"
	"github.com/getservice-conformance/gsc/schemas"
)

// reproFaults make signed listings fail (the Content-Type; page sizes and
// the prefix filter, with queries, where the vendor has them) and
// tampered requests answer wrongly: accepted, or refused with the wrong
// status.
var reproFaults = []refserver.Fault{
	refserver.WrongContentType, refserver.SignatureUnchecked,
	refserver.AnonymousWrongStatus, refserver.ClockSkewWrongStatus, refserver.UnknownKeyWrongStatus,
	refserver.PageSizeUnvalidated, refserver.PrefixIgnored, refserver.PresignedRefused,
}

func init() {
	// Every failure of the S3 V4 auth catalogue served, so that each of
	// its specs prints a curl line.
	for _, f := range signer.Finer() {
		reproFaults = append(reproFaults, refserver.Unchecked(f))
	}
}

// Every curl line a failing run prints, run as printed by bash with the
// vendor's credential variables set, sends the same request again and
// gets the failing status back; for every dialect, signed and tampered,
// and for an access key that holds a ':'. runner replay sends each
// recorded tampered request again and gets the recorded status.
func TestReprosReplay(t *testing.T) {
	curl := testenv.Tool(t, "curl")
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run the printed lines with")
	}
	for _, tc := range []struct {
		vendor, signature, accessKey string
	}{
		{"s3", "s3-v4", testAccessKey},
		{"s3", "s3-v4", "AKID:WITH:COLONS"},
		{"s3", "s3-v2", testAccessKey},
		{"cos", "cos", testAccessKey},
		{"oss", "oss-v1", testAccessKey},
		{"oss", "oss-v4", testAccessKey},
		{"bos", "bce", testAccessKey},
		{"qingstor", "qingstor", testAccessKey},
	} {
		t.Run(tc.vendor+"/"+tc.signature+"/"+tc.accessKey, func(t *testing.T) {
			url, log := reproEndpoint(t, tc.vendor, tc.signature, tc.accessKey)
			env := append(os.Environ(), credentialVars(tc.vendor, tc.accessKey)...)
			record := filepath.Join(t.TempDir(), "recorded")
			results := filepath.Join(t.TempDir(), "results.json")
			cmd := runnerCmd(t, "run", "--vendor", tc.vendor, "--signature", tc.signature, "--endpoint", url,
				"--junit", "", "--results", results, "--record", record)
			cmd.Env = env
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Fatalf("run against a faulty endpoint: exit %d, want 1\n%s", code, out)
			}
			run, err := outcome.Load(results)
			if err != nil {
				t.Fatal(err)
			}
			// The printed lines find the runner on PATH, as after go install.
			env = append(env, "PATH="+filepath.Dir(runnerBin(t))+string(os.PathListSeparator)+filepath.Dir(curl)+string(os.PathListSeparator)+os.Getenv("PATH"))
			signed, tampered := 0, 0
			for _, r := range run.Results {
				for _, d := range r.Deviations {
					if d.Curl == "" {
						continue
					}
					want := statusIn(t, d.Exchange)
					log.take()
					if got := runPrinted(t, d.Curl, env); got != want {
						t.Errorf("%s: the curl line got %d, the run %d:\n%s", r.ID, got, want, d.Curl)
					}
					seen, as := log.take(), sentAs(r.ID, d.Exchange)
					if strings.Contains(tc.accessKey, ":") && as == string(signer.InvalidAuthorization) {
						// "AWS AKID:WITH:COLONS" without its signature reads
						// as key AKID:WITH and signature COLONS: the form
						// cannot tell them apart, so the endpoint sees a key.
						as = string(signer.UnknownKey)
					}
					if !allAre(seen, as) {
						t.Errorf("%s: the endpoint saw the curl line's requests as %q; the run's was %s:\n%s", r.ID, seen, as, d.Curl)
					}
					if strings.Contains(d.Curl, "--tamper ") {
						tampered++
					} else {
						signed++
					}
				}
			}
			t.Logf("ran %d signed and %d tampered curl lines", signed, tampered)
			if signed == 0 || tampered == 0 {
				t.Errorf("ran %d signed and %d tampered curl lines; want some of each\n%s", signed, tampered, out)
			}
			n := replayTampered(t, record, env, log, tc.accessKey)
			t.Logf("replayed %d tampered exchanges", n)
			if n < 3 {
				t.Errorf("replayed %d tampered exchanges; want one per tamper", n)
			}
		})
	}
}

// authLog keeps, for each request an endpoint received, what its
// authentication was as the signer's own verification sees it: "signed",
// or the failure (anonymous, badSignature, unknownKey, clockSkew).
type authLog struct {
	mu   sync.Mutex
	seen []string
}

func (l *authLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := l.seen
	l.seen = nil
	return seen
}

// reproEndpoint serves a vendor with reproFaults, for one access key,
// and logs how each request was authenticated in dialect.
func reproEndpoint(t *testing.T, vendor, dialect, accessKey string) (string, *authLog) {
	t.Helper()
	c, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		t.Fatal(err)
	}
	var faults []refserver.Fault
	for _, f := range refserver.Faults(c) {
		if slices.Contains(reproFaults, f) {
			faults = append(faults, f)
		}
	}
	ref := refserver.New(c, refserver.Options{Keys: map[string]string{accessKey: testSecretKey}, Faults: faults})
	log := &authLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret := func(ak string) (string, bool) { return testSecretKey, ak == accessKey }
		// The run's dialect first; a tamper of the catalogue may sign in
		// another the profile accepts (S3 V2): the one that understood the
		// request most says how it failed, as the endpoint decides.
		verdict, rank := "", -1
		noTokens := func(string, string) bool { return false } // the endpoint issued none
		for _, d := range append([]string{dialect}, c.Profile.Auth.Signatures...) {
			var rej *signer.Rejection
			err := signer.Verify(d, r, secret, signer.Options{Region: ref.Region(), Token: noTokens}, 15*time.Minute, time.Now())
			switch {
			case err == nil:
				verdict, rank = "signed", 3
			case errors.As(err, &rej) && failureRank(rej.Failure) > rank:
				verdict, rank = string(rej.Failure), failureRank(rej.Failure)
			case !errors.As(err, &rej) && rank < 0:
				verdict = err.Error()
			}
		}
		log.mu.Lock()
		log.seen = append(log.seen, verdict)
		log.mu.Unlock()
		ref.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, log
}

// failureRank orders failures by how much of the request a dialect
// understood: none (anonymous), not its form (bad signature), its own.
func failureRank(f signer.Failure) int {
	switch f {
	case signer.Anonymous:
		return 0
	case signer.BadSignature:
		return 1
	}
	return 2
}

// sentAs is how the run authenticated the request a deviation shows: a
// request without Authorization is anonymous; an auth spec's names its
// tamper; any other is signed.
func sentAs(id, exchange string) string {
	request, _, _ := strings.Cut(exchange, "\nHTTP/")
	for _, dialect := range signer.Dialects() {
		for _, tm := range live.Catalogue(dialect, signer.Dialects()...) {
			if strings.HasSuffix(id, "/"+specSlug(tm.What())) && tm.Failure() != "" {
				return tm.Failure()
			}
		}
	}
	switch {
	case strings.HasSuffix(id, "accepts-a-valid-presigned-url"), strings.HasSuffix(id, "accepts-a-valid-sigv2-presigned-url"):
		return "signed"
	case !strings.Contains(request, "\nAuthorization:"):
		return "anonymous"
	case strings.Contains(id, "bad-signature"):
		return "badSignature"
	case strings.Contains(id, "unknown-access-key"):
		return "unknownKey"
	case strings.Contains(id, "two-hours-ago"):
		return "clockSkew"
	}
	return "signed"
}

// specSlug is how a spec id spells a title.
func specSlug(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, s), "-")
}

// credentialVars sets a vendor's credential variables, and no others'.
func credentialVars(vendor, accessKey string) []string {
	env := credentialEnv[vendor]
	vars := []string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY="}
	return append(vars, env[0][0]+"="+accessKey, env[1][0]+"="+testSecretKey)
}

func runnerBin(t *testing.T) string {
	bin, err := buildRunner()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return bin
}

var statusLine = regexp.MustCompile(`(?m)^HTTP/[0-9.]+ ([0-9]{3})`)

// statusIn is the status of the first response in text.
func statusIn(t *testing.T, text string) int {
	t.Helper()
	m := statusLine.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no status line in:\n%s", text)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// runPrinted runs a printed command line with bash and returns the status
// curl -i printed.
func runPrinted(t *testing.T, line string, env []string) int {
	t.Helper()
	cmd := exec.Command("bash", "-o", "pipefail", "-c", line)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	return statusIn(t, string(out))
}

// replayTampered runs runner replay on every tampered exchange of the
// recordings in dir, checks it gets the recorded status, and returns how
// many it replayed.
func replayTampered(t *testing.T, dir string, env []string, log *authLog, accessKey string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings in %s: %v", dir, err)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rec := exchange.Parse(f, data)
		for _, ex := range rec.Exchanges {
			signing := rec.Meta[fmt.Sprintf("replay.%d", ex.Index)]
			if signing == "" {
				t.Errorf("%s: exchange %d has no replay.%d line", filepath.Base(f), ex.Index, ex.Index)
				continue
			}
			if strings.Contains(signing, "tamper=signed") {
				continue
			}
			cmd := exec.Command(runnerBin(t), "replay", f, "--exchange", strconv.Itoa(ex.Index))
			cmd.Env = env
			log.take()
			out, err := cmd.Output()
			_, name, _ := strings.Cut(signing, "tamper=")
			tm, err := live.ParseTamper(name)
			if err != nil {
				t.Fatalf("%s: %v", signing, err)
			}
			want := tm.Failure() // the tamper's failure, as the endpoint's verification names it
			if want == "" {
				want = "signed" // a valid presigned URL
			}
			if strings.Contains(accessKey, ":") && want == string(signer.InvalidAuthorization) {
				want = string(signer.UnknownKey) // see TestReprosReplay: a key with ':' reads as key and signature
			}
			if seen := log.take(); !allAre(seen, want) {
				t.Errorf("replay %s --exchange %d (%s): the endpoint saw %q", filepath.Base(f), ex.Index, signing, seen)
			}
			if err != nil {
				t.Errorf("replay %s --exchange %d: %v\n%s", filepath.Base(f), ex.Index, err, out)
				continue
			}
			if got, want := statusIn(t, string(out)), ex.Response.Status; got != want {
				t.Errorf("replay %s --exchange %d (%s): %d, recorded %d", filepath.Base(f), ex.Index, signing, got, want)
			}
			n++
		}
	}
	return n
}

// allAre says whether seen holds one request or more (retries of a 5xx),
// each authenticated as want.
func allAre(seen []string, want string) bool {
	return len(seen) > 0 && !slices.ContainsFunc(seen, func(s string) bool { return s != want })
}

// runner sign prints headers that sign the request as named: the signer's
// own verification accepts them, or rejects them for the tamper asked.
func TestSignPrintsSigningHeaders(t *testing.T) {
	t.Setenv("COS_SECRETID", testAccessKey)
	t.Setenv("COS_SECRETKEY", testSecretKey)
	const target = "http://127.0.0.1:9/?marker=a%27b"
	for _, tamper := range []string{"signed", "badSignature", "unknownKey", "clockSkew"} {
		var out, errs strings.Builder
		if code := run([]string{"sign", "--vendor", "cos", "GET", target, "-H", "x-cos-meta-a: 1", "--tamper", tamper}, &out, &errs); code != 0 {
			t.Fatalf("%s: exit %d: %s", tamper, code, errs.String())
		}
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("x-cos-meta-a", "1")
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			name, value, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("%s: %q is not a header line", tamper, line)
			}
			req.Header.Add(name, value)
		}
		if req.Header.Get("Authorization") == "" {
			t.Fatalf("%s: no Authorization in:\n%s", tamper, out.String())
		}
		secret := func(ak string) (string, bool) { return testSecretKey, ak == testAccessKey }
		err := signer.Verify("cos", req, secret, signer.Options{}, 15*time.Minute, time.Now())
		var rej *signer.Rejection
		switch {
		case tamper == "signed" && err != nil:
			t.Errorf("signed: %v", err)
		case tamper != "signed" && (!errors.As(err, &rej) || string(rej.Failure) != tamper):
			t.Errorf("%s: verified as %v", tamper, err)
		}
	}
	for _, args := range [][]string{
		{"sign", "--vendor", "cos"},
		{"sign", "--vendor", "cos", "GET", target, "--tamper", "forged"},
		{"sign", "--vendor", "nobody", "GET", target},
		{"sign", "--vendor", "cos", "GET", target, "-H", "no colon"},
	} {
		var out, errs strings.Builder
		if code := run(args, &out, &errs); code != exitUsage || out.Len() > 0 {
			t.Errorf("%q: exit %d, printed %q; want 2 and nothing", args, code, out.String())
		}
	}
}

// runner replay needs the replay.N line runner run --record writes.
func TestReplayNeedsReplayLines(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "old.txtar")
	old := "vendor: s3\ntitle: recorded before replay lines\n-- 1/request --\nGET / HTTP/1.1\nHost: 127.0.0.1:9\n\n-- 1/response --\nHTTP/1.1 200 OK\nContent-Length: 0\n\n"
	if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", testAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecretKey)
	for args, want := range map[string]string{
		file:                    "replay.1",
		file + " --exchange 2":  "has no request 2",
		"":                      "want one RECORDING",
		filepath.Join(dir, "x"): "no such file",
	} {
		var out, errs strings.Builder
		code := run(append([]string{"replay"}, strings.Fields(args)...), &out, &errs)
		if code != exitUsage || !strings.Contains(errs.String(), want) {
			t.Errorf("replay %s: exit %d, %q; want 2 and %q", args, code, errs.String(), want)
		}
	}
}
