package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

// mutationsFile is the mutation table: which specs each fault must fail.
const mutationsFile = "testdata/mutations.txt"

// faultsDoc is the page generated from the table and the faults' docs.
const faultsDoc = "../docs/faults.md"

var updateFaultsDoc = flag.Bool("update-faults-doc", false, "rewrite "+faultsDoc+" from "+mutationsFile)

// expectation is a spec a fault must fail (or leave unsupported).
type expectation struct {
	status outcome.Status
	id     string // a path.Match pattern of spec ids
}

func (e expectation) String() string {
	if e.status == outcome.Fail {
		return e.id
	}
	return string(e.status) + ":" + e.id
}

func (e expectation) matches(r outcome.Result) bool {
	ok, _ := path.Match(e.id, r.ID)
	return ok && r.Status == e.status
}

// mutation is one line of the table:
//
//	FAULT VENDORS SPEC... [| SEEN...] [# why]
//
// VENDORS is "*" (every vendor the fault applies to, unless a line names
// the vendor) or a comma-separated list. SPEC is the id of a spec meant to
// catch the fault, "unsupported:ID" where the spec must report the
// capability unsupported; ids may hold path.Match wildcards. SEEN, after
// "|", is what the suite does today where it differs from SPEC: the specs
// that fail instead, or "nothing". The test holds the run to SEEN where
// given, so that the gap is known and stays written down until the specs
// change; a fault counts as caught only without one.
type mutation struct {
	line    int
	fault   refserver.Fault
	vendors []string // nil: "*"
	want    []expectation
	seen    []expectation
	gap     bool // SEEN is given
	// explore: no live spec meets the fault; runner explore catches it
	// (SPEC "explore", proven in internal/explore, docs/explore.md).
	explore bool
	why     string
}

// expected is what the run must show today.
func (m *mutation) expected() []expectation {
	if m.gap {
		return m.seen
	}
	return m.want
}

type mutationTable []*mutation

func loadMutations(t testing.TB) mutationTable {
	t.Helper()
	f, err := os.Open(mutationsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var table mutationTable
	seen := map[string]int{} // fault and vendor (or "*") -> line
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text, why, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if len(fields) < 3 {
			t.Fatalf("%s:%d: want FAULT VENDORS SPEC... [| SEEN...]", mutationsFile, n)
		}
		m := &mutation{line: n, fault: refserver.Fault(fields[0]), why: strings.TrimSpace(why)}
		if !slices.Contains(refserver.AllFaults(), m.fault) {
			t.Fatalf("%s:%d: unknown fault %q", mutationsFile, n, fields[0])
		}
		if fields[1] != "*" {
			m.vendors = strings.Split(fields[1], ",")
		}
		for _, v := range strings.Split(fields[1], ",") {
			if first, dup := seen[fields[0]+" "+v]; dup {
				t.Fatalf("%s:%d: %s on %s is already on line %d", mutationsFile, n, fields[0], v, first)
			}
			seen[fields[0]+" "+v] = n
		}
		list := &m.want
		for _, s := range fields[2:] {
			switch {
			case s == "|":
				m.gap, list = true, &m.seen
			case s == "nothing" && list == &m.seen:
			case s == "explore" && list == &m.want:
				m.explore = true
			case strings.HasPrefix(s, "unsupported:"):
				*list = append(*list, expectation{outcome.Unsupported, strings.TrimPrefix(s, "unsupported:")})
			default:
				*list = append(*list, expectation{outcome.Fail, s})
			}
			if _, err := path.Match(s, ""); err != nil {
				t.Fatalf("%s:%d: %q: %v", mutationsFile, n, s, err)
			}
		}
		if len(m.want) == 0 && !m.explore {
			t.Fatalf("%s:%d: no spec is meant to catch %s", mutationsFile, n, m.fault)
		}
		table = append(table, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return table
}

// lookup returns the line for a fault on a vendor: the one that names the
// vendor, else the "*" one.
func (tb mutationTable) lookup(f refserver.Fault, vendor string) *mutation {
	var any *mutation
	for _, m := range tb {
		switch {
		case m.fault != f:
		case slices.Contains(m.vendors, vendor):
			return m
		case m.vendors == nil:
			any = m
		}
	}
	return any
}

// runOutcome is what one run of the runner came to.
type runOutcome struct {
	exit    int
	results []outcome.Result
	output  string
}

// runMutant runs the live specs by the runner binary against a reference
// endpoint of c, with faults, started in this process on 127.0.0.1.
func runMutant(t *testing.T, c *contract.Contract, creds string, faults ...refserver.Fault) runOutcome {
	t.Helper()
	srv := httptest.NewServer(refserver.New(c, refserver.Options{
		Keys: map[string]string{suite.ExampleAccessKey: suite.ExampleSecretKey}, Faults: faults,
	}))
	defer srv.Close()
	results := filepath.Join(t.TempDir(), "results.json")
	args := append([]string{"run", "--vendor", c.Profile.Vendor, "--endpoint", srv.URL, "--credentials", creds,
		"--results", results, "--junit", ""}, groupArgs(c)...)
	cmd := runnerCmd(t, args...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	code := 0
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("runner: %v", err)
	}
	run, err := outcome.Load(results)
	if err != nil {
		t.Fatalf("runner exit %d: %v\n%s", code, err, out)
	}
	return runOutcome{exit: code, results: run.Results, output: string(out)}
}

// groupArgs names a resource group where the vendor has them (OSS), so
// that the run judges every case of the group filter.
func groupArgs(c *contract.Contract) []string {
	if c.Profile.Params.ResourceGroupHeader == "" {
		return nil
	}
	return []string{"--resource-group", "rg-gsc-mutants"}
}

// caught returns the results that fail or are unsupported.
func (o runOutcome) caught() []outcome.Result {
	var out []outcome.Result
	for _, r := range o.results {
		if r.Status == outcome.Fail || r.Status == outcome.Unsupported {
			out = append(out, r)
		}
	}
	return out
}

func describe(rs []outcome.Result) string {
	if len(rs) == 0 {
		return "nothing"
	}
	var s []string
	for _, r := range rs {
		s = append(s, expectation{r.Status, r.ID}.String())
	}
	return strings.Join(s, " ")
}

// compare says how the caught results differ from the expectations: a
// result no expectation matches, an expectation no result matches.
func compare(caught []outcome.Result, want []expectation) []string {
	var diffs []string
	for _, r := range caught {
		if !slices.ContainsFunc(want, func(e expectation) bool { return e.matches(r) }) {
			diffs = append(diffs, fmt.Sprintf("also %s: %s (%s)", r.Status, r.ID, r.Summary))
		}
	}
	for _, e := range want {
		if !slices.ContainsFunc(caught, e.matches) {
			diffs = append(diffs, fmt.Sprintf("not %s: %s", e.status, e.id))
		}
	}
	return diffs
}

// exampleCredentials writes the reference endpoints' example keys as a
// --credentials file.
func exampleCredentials(t *testing.T) string {
	t.Helper()
	creds := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(creds, []byte("access_key_id = "+suite.ExampleAccessKey+"\nsecret_access_key = "+suite.ExampleSecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return creds
}

// TestMutations is the mutation table: for each vendor and each fault
// that applies to it, the live specs run against the reference endpoint
// with that fault must fail (or find unsupported) exactly the specs the
// table names; against the clean endpoint every spec passes or is
// skipped.
func TestMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the runner once per vendor and fault")
	}
	table := loadMutations(t)
	creds := exampleCredentials(t)
	start := time.Now()
	injected, caught := map[string]int{}, map[string]int{}
	used := map[*mutation]bool{}
	vendors := contract.Vendors(schemas.FS)
	t.Cleanup(func() {
		total, all := 0, 0
		for _, v := range vendors {
			t.Logf("mutation score %s: %d/%d", v, caught[v], injected[v])
			total, all = total+caught[v], all+injected[v]
		}
		t.Logf("mutation score: %d/%d faults caught exactly in the specs meant to catch them, in %s", total, all, time.Since(start).Round(time.Second/10))
		for _, m := range table {
			if !used[m] && !t.Failed() {
				t.Errorf("%s:%d: the line for %s is used by no vendor", mutationsFile, m.line, m.fault)
			}
		}
	})
	for _, vendor := range vendors {
		c, err := contract.Load(schemas.FS, vendor)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(vendor+"/clean", func(t *testing.T) {
			t.Parallel()
			o := runMutant(t, c, creds)
			if got := o.caught(); len(got) > 0 || o.exit != 0 {
				t.Errorf("against the clean endpoint: exit %d, %s\n%s", o.exit, describe(got), o.output)
			}
		})
		for _, f := range refserver.Faults(c) {
			m := table.lookup(f, vendor)
			if m == nil {
				t.Errorf("%s has no line for fault %s on %s", mutationsFile, f, vendor)
				continue
			}
			used[m] = true
			injected[vendor]++
			if !m.gap {
				caught[vendor]++
			}
			t.Run(vendor+"/"+string(f), func(t *testing.T) {
				t.Parallel()
				o := runMutant(t, c, creds, f)
				got := o.caught()
				if diffs := compare(got, m.expected()); len(diffs) > 0 {
					t.Errorf("%s:%d: with fault %s the run caught %s:\n%s\n%s", mutationsFile, m.line, f, describe(got), strings.Join(diffs, "\n"), o.output)
				}
				failed := slices.ContainsFunc(got, func(r outcome.Result) bool { return r.Status == outcome.Fail })
				if failed != (o.exit == 1) {
					t.Errorf("exit %d with %s", o.exit, describe(got))
				}
				if m.gap {
					t.Logf("gap: %s on %s: meant to fail %v, fails %s (%s)", f, vendor, m.want, describe(got), m.why)
				}
			})
		}
	}
	for _, m := range table {
		for _, v := range m.vendors {
			c, err := contract.Load(schemas.FS, v)
			if err != nil {
				t.Fatalf("%s:%d: %v", mutationsFile, m.line, err)
			}
			if _, err := refserver.ParseFault(c, string(m.fault)); err != nil {
				t.Errorf("%s:%d: %v", mutationsFile, m.line, err)
			}
		}
	}
}

// TestFaultsDoc keeps docs/faults.md what the table and the faults say:
// go test ./runner -run TestFaultsDoc -update-faults-doc rewrites it.
func TestFaultsDoc(t *testing.T) {
	doc := faultsMarkdown(t, loadMutations(t))
	if *updateFaultsDoc {
		if err := os.WriteFile(faultsDoc, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(faultsDoc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, doc) {
		t.Errorf("%s is not what %s says; run go test ./runner -run TestFaultsDoc -update-faults-doc", faultsDoc, mutationsFile)
	}
}

// faultsMarkdown writes the faults page: every fault, what it does, the
// vendors it applies to and the specs that catch it, then the gaps and
// the mutation score.
func faultsMarkdown(t *testing.T, table mutationTable) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`# Faults and the mutation table

` + "`runner serve --vendor V --fault NAME`" + ` (repeatable) makes a vendor's
reference endpoint break its contract in one named way; ` + "`--fault help`" + `
lists the faults that apply to the vendor. The mutation test
(` + "`runner/mutation_test.go`" + `, table ` + "`runner/" + mutationsFile + "`" + `) runs the live
specs against every vendor's endpoint with each fault that applies to it,
on a fresh endpoint that holds only the run's buckets, and asserts that
exactly the specs named here fail (or report the capability unsupported,
marked *unsupported*); against the clean endpoint every spec passes or is
skipped. This page is generated from the table and the faults' own
descriptions (` + "`go test ./runner -run TestFaultsDoc -update-faults-doc`" + `).

| fault | what the endpoint does | vendors | spec that catches it |
| --- | --- | --- | --- |
`)
	vendors := contract.Vendors(schemas.FS)
	contracts := map[string]*contract.Contract{}
	for _, v := range vendors {
		c, err := contract.Load(schemas.FS, v)
		if err != nil {
			t.Fatal(err)
		}
		contracts[v] = c
	}
	type gap struct {
		f       refserver.Fault
		vendors []string
		m       *mutation
	}
	var gaps []gap
	injected, caught, exact := map[string]int{}, map[string]int{}, map[string]int{}
	for _, f := range refserver.AllFaults() {
		// The vendors the fault applies to, grouped by their table line.
		var applies []string
		byLine := map[*mutation][]string{}
		var lines []*mutation
		for _, v := range vendors {
			if slices.Contains(refserver.Faults(contracts[v]), f) {
				applies = append(applies, v)
				m := table.lookup(f, v)
				if m == nil {
					continue
				}
				if byLine[m] == nil {
					lines = append(lines, m)
				}
				byLine[m] = append(byLine[m], v)
				injected[v]++
				if !m.gap || len(m.seen) > 0 {
					caught[v]++
				}
				if !m.gap {
					exact[v]++
				}
			}
		}
		var catches []string
		for _, m := range lines {
			specs := specList(m.want)
			if m.explore {
				specs = strings.TrimPrefix(strings.TrimPrefix(specs, "nothing"), ", ")
				if specs != "" {
					specs += "; "
				}
				specs += "`runner explore` ([docs/explore.md](explore.md))"
			}
			if len(lines) > 1 {
				specs = strings.Join(byLine[m], ", ") + ": " + specs
			}
			if m.gap {
				specs += " (not yet: see below)"
				gaps = append(gaps, gap{f, byLine[m], m})
			}
			catches = append(catches, specs)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f, f.Doc(), strings.Join(applies, ", "), strings.Join(catches, "; "))
	}
	b.WriteString("\nSpec ids are those of `runner run --results` (`outcome.Result.ID`); `*` stands for any text within one part of an id.\n")
	if len(gaps) > 0 {
		b.WriteString("\n## Not yet caught as meant\n\n| fault | vendors | meant to fail | fails today | why |\n| --- | --- | --- | --- | --- |\n")
		for _, g := range gaps {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", g.f, strings.Join(g.vendors, ", "), specList(g.m.want), specList(g.m.seen), g.m.why)
		}
	}
	b.WriteString("\n## Mutation score\n\nOf the faults injected, those some spec catches, and those caught in exactly the specs meant to catch them:\n\n| vendor | caught | caught exactly where meant |\n| --- | --- | --- |\n")
	var sum [3]int
	for _, v := range vendors {
		fmt.Fprintf(&b, "| %s | %d/%d | %d/%d |\n", v, caught[v], injected[v], exact[v], injected[v])
		sum[0], sum[1], sum[2] = sum[0]+caught[v], sum[1]+exact[v], sum[2]+injected[v]
	}
	fmt.Fprintf(&b, "| all | %d/%d | %d/%d |\n", sum[0], sum[2], sum[1], sum[2])
	return b.Bytes()
}

func specList(es []expectation) string {
	if len(es) == 0 {
		return "nothing"
	}
	var s []string
	for _, e := range es {
		if e.status == outcome.Fail {
			s = append(s, "`"+e.id+"`")
		} else {
			s = append(s, "`"+e.id+"` ("+string(e.status)+")")
		}
	}
	return strings.Join(s, ", ")
}

// The serve command's --fault flag: help and unknown names list the
// vendor's faults, a fault that does not apply says why; all exit 2.
func TestServeFaultFlag(t *testing.T) {
	tests := []struct {
		args   []string
		stderr []string
	}{
		{[]string{"--vendor", "s3", "--fault", "help"}, []string{"the faults of s3 are: anonymous-accepted,", "wrong-namespace", "forged-token-accepted"}},
		{[]string{"--vendor", "bos", "--fault", "no-such-fault"}, []string{`unknown fault "no-such-fault"`, "invalid-json"}},
		{[]string{"--vendor", "s3", "--fault", "invalid-json"}, []string{"fault invalid-json does not apply to s3: the contract's bodies are XML"}},
		{[]string{"--vendor", "scality", "--fault", "unsorted"}, []string{"does not promise an order"}},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"serve"}, tt.args...), &stdout, &stderr); code != 2 {
			t.Errorf("serve %v: exit %d, want 2", tt.args, code)
		}
		for _, s := range tt.stderr {
			if !strings.Contains(stderr.String(), s) {
				t.Errorf("serve %v: stderr lacks %q:\n%s", tt.args, s, stderr.String())
			}
		}
		if strings.Contains(stderr.String(), "invalid-json") && strings.Contains(stderr.String(), "the faults of s3") {
			t.Errorf("serve %v lists a JSON fault for an XML vendor", tt.args)
		}
	}
	c, err := contract.Load(schemas.FS, "qingstor")
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseFaults(c, []string{"count-disagrees", "invalid-json", "count-disagrees"})
	if err != nil || !slices.Equal(got, []refserver.Fault{refserver.CountDisagrees, refserver.InvalidJSON}) {
		t.Errorf("parseFaults = %v, %v", got, err)
	}
}
