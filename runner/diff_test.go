package main

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/diff"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

// diffOutcome is what one runner diff came to.
type diffOutcome struct {
	exit   int
	rows   []diff.Row
	stdout string
	output string // standard error
}

// referenceServer starts a reference endpoint of c with faults on
// 127.0.0.1, its answers passed through wrap when given.
func referenceServer(t *testing.T, c *contract.Contract, wrap func(http.Handler) http.Handler, faults ...refserver.Fault) string {
	t.Helper()
	var h http.Handler = refserver.New(c, refserver.Options{
		Keys: map[string]string{suite.ExampleAccessKey: suite.ExampleSecretKey}, Faults: faults,
	})
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// runDiffBinary runs runner diff by the runner binary, with the rows
// written as JSON.
func runDiffBinary(t *testing.T, args ...string) diffOutcome {
	t.Helper()
	return runDiffEnv(t, nil, args...)
}

// runDiffEnv is runDiffBinary with env over the keys runnerCmd sets.
func runDiffEnv(t *testing.T, env []string, args ...string) diffOutcome {
	t.Helper()
	rows := filepath.Join(t.TempDir(), "rows.json")
	cmd := runnerCmd(t, append([]string{"diff", "--rows", rows}, args...)...)
	cmd.Env = append(cmd.Env, env...) // the last of a name wins
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	o := diffOutcome{stdout: stdout.String(), output: stderr.String()}
	if errors.As(err, &exit) {
		o.exit = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("runner diff: %v", err)
	}
	if data, err := os.ReadFile(rows); err == nil {
		if err := json.Unmarshal(data, &o.rows); err != nil {
			t.Fatalf("rows: %v", err)
		}
	}
	return o
}

// differing returns the rows that are not the same.
func (o diffOutcome) differing() []diff.Row {
	var out []diff.Row
	for _, r := range o.rows {
		if r.Kind != diff.Same {
			out = append(out, r)
		}
	}
	return out
}

func describeRows(rows []diff.Row) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("\n  " + r.ID() + ": " + string(r.Kind) + " on " + r.Side + ": " + r.Reason)
		for _, d := range r.Differences {
			b.WriteString("\n    " + d.String())
		}
	}
	return b.String()
}

// resting on the verdict: a row classified by a spec's verdicts, not by
// a check that fires on one side.
func restsOnVerdict(r diff.Row) bool { return strings.HasPrefix(r.Reason, "the spec is ") }

// TestDiffFindsEachFault diffs, for every vendor, a clean reference
// endpoint against itself (nothing differs) and against the same
// endpoint with each fault of the mutation table: the diff must find the
// fault's difference on B and only there, in every spec the table says
// catches it (a failing spec as a contract violation, an unsupported one
// as a capability gap), and classify by verdict no other spec.
func TestDiffFindsEachFault(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the runner twice per vendor and fault")
	}
	table := loadMutations(t)
	creds := exampleCredentials(t)
	for _, vendor := range contract.Vendors(schemas.FS) {
		c, err := contract.Load(schemas.FS, vendor)
		if err != nil {
			t.Fatal(err)
		}
		// Each diff has endpoints of its own: a walk over the account
		// must see no other test's buckets.
		t.Run(vendor+"/clean", func(t *testing.T) {
			t.Parallel()
			o := runDiffBinary(t, "--vendor", vendor, "--endpoint", referenceServer(t, c, nil), "--endpoint", referenceServer(t, c, nil), "--credentials", creds)
			if d := o.differing(); len(d) > 0 || o.exit != 0 || len(o.rows) == 0 {
				t.Errorf("two clean endpoints: exit %d, %d rows, differing:%s\n%s", o.exit, len(o.rows), describeRows(d), o.output)
			}
		})
		for _, f := range refserver.Faults(c) {
			m := table.lookup(f, vendor)
			if m == nil {
				t.Errorf("%s has no line for fault %s on %s", mutationsFile, f, vendor)
				continue
			}
			t.Run(vendor+"/"+string(f), func(t *testing.T) {
				t.Parallel()
				args := append([]string{"--vendor", vendor, "--endpoint", referenceServer(t, c, nil), "--endpoint", referenceServer(t, c, nil, f), "--credentials", creds}, groupArgs(c)...)
				checkFaultDiff(t, runDiffBinary(t, args...), m)
			})
		}
	}
}

// checkFaultDiff holds a diff of a clean endpoint (A) and a faulty one
// (B) to the fault's line of the mutation table.
func checkFaultDiff(t *testing.T, o diffOutcome, m *mutation) {
	t.Helper()
	var problems []string
	gate := false
	for _, r := range o.differing() {
		switch {
		case r.Kind == diff.Unjudged:
			problems = append(problems, "could not judge "+r.ID())
		case r.Kind == diff.Variance:
		case r.Side != "B":
			problems = append(problems, r.ID()+" is put on "+r.Side+", not on the faulty side B")
		default:
			gate = true
			if restsOnVerdict(r) && !slices.ContainsFunc(m.expected(), func(e expectation) bool { ok, _ := path.Match(e.id, r.Spec); return ok }) {
				problems = append(problems, r.ID()+" is put on a verdict of a spec the table does not name")
			}
		}
	}
	for _, e := range m.expected() {
		want := diff.Violation
		if e.status == outcome.Unsupported {
			want = diff.Capability
		}
		found := slices.ContainsFunc(o.differing(), func(r diff.Row) bool {
			ok, _ := path.Match(e.id, r.Spec)
			return ok && r.Kind == want && r.Side == "B"
		})
		if !found {
			problems = append(problems, "no "+string(want)+" on B in "+e.id)
		}
	}
	if len(m.expected()) > 0 && !gate {
		problems = append(problems, "no difference gates the diff")
	}
	if wantExit := map[bool]int{true: 1, false: 0}[gate]; o.exit != wantExit {
		problems = append(problems, "exit "+string(rune('0'+o.exit)))
	}
	if len(problems) > 0 {
		t.Errorf("%s:%d: fault %s:\n  %s\nrows:%s\n%s", mutationsFile, m.line, m.fault, strings.Join(problems, "\n  "), describeRows(o.differing()), o.output)
	}
}

// restyled answers as h does, rendered otherwise in ways an S3 contract
// leaves open: a charset parameter on the content type, dates to the
// second rather than the millisecond, the owner after the buckets, and
// the document indented.
func restyled(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.String()
		if rec.Code == http.StatusOK && strings.Contains(body, "<ListAllMyBucketsResult") {
			body = millis.ReplaceAllString(body, "Z<")
			if owner := ownerElement.FindString(body); owner != "" {
				body = strings.Replace(body, owner, "", 1)
				body = strings.Replace(body, "</Buckets>", "</Buckets>\n"+owner, 1)
			}
			body = strings.ReplaceAll(body, "<Bucket>", "\n  <Bucket>\n    ")
			rec.Header().Set("Content-Type", "application/xml; charset=utf-8")
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		io.WriteString(w, body)
	})
}

var (
	millis       = regexp.MustCompile(`\.\d{3}Z<`)
	ownerElement = regexp.MustCompile(`<Owner>.*?</Owner>`)
)

// Two clean S3 endpoints, one rendering its listings otherwise, differ
// in variances only: the diff passes, and shows each latitude taken.
func TestDiffVariancesOnly(t *testing.T) {
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	o := runDiffBinary(t, "--vendor", "s3", "--endpoint", referenceServer(t, c, nil), "--endpoint", referenceServer(t, c, restyled),
		"--credentials", exampleCredentials(t))
	seen := map[string]bool{}
	for _, r := range o.differing() {
		if r.Kind != diff.Variance {
			t.Errorf("%s: %s, not a variance", r.ID(), r.Kind)
		}
		for _, d := range r.Differences {
			seen[d.Variance] = true
		}
	}
	for _, want := range []string{diff.TypeParameters, diff.DatePrecision, diff.ElementOrder, diff.Formatting} {
		if !seen[want] {
			t.Errorf("no %s variance shown", want)
		}
	}
	if seen[""] {
		t.Errorf("a difference in substance between two clean endpoints")
	}
	if o.exit != 0 {
		t.Errorf("exit %d, want 0 for variances only", o.exit)
	}
	if t.Failed() {
		t.Logf("rows:%s\n%s%s", describeRows(o.differing()), o.stdout, o.output)
	}
}

var updateDiffExample = flag.Bool("update-diff-example", false, "rewrite the runner diff example in "+readmeFile)

const readmeFile = "../README.md"

// diffExample finds the example output of runner diff in the README: the
// text block after the command.
var diffExample = regexp.MustCompile("(?s)(--label-filter pagination\n```\n\n```text\n)(.*?)(```)")

// The README's example of runner diff is what the command prints.
func TestDiffReadmeExample(t *testing.T) {
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	o := runDiffBinary(t, "--vendor", "s3", "--endpoint", referenceServer(t, c, nil),
		"--endpoint", referenceServer(t, c, nil, "page-size-ignored"), "--credentials", exampleCredentials(t), "--label-filter", "pagination")
	if o.exit != 1 {
		t.Fatalf("exit %d, want 1 (capability gaps)\n%s%s", o.exit, o.stdout, o.output)
	}
	readme, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	m := diffExample.FindSubmatchIndex(readme)
	if m == nil {
		t.Fatalf("%s holds no runner diff example", readmeFile)
	}
	if *updateDiffExample {
		updated := append(append(append([]byte{}, readme[:m[4]]...), o.stdout...), readme[m[5]:]...)
		if err := os.WriteFile(readmeFile, updated, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := string(readme[m[4]:m[5]]); got != o.stdout {
		t.Errorf("%s's runner diff example is not what it prints (go test ./runner -run TestDiffReadmeExample -update-diff-example):\n%s", readmeFile, o.stdout)
	}
}
