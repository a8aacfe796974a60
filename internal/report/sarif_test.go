package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/internal/report"
	"github.com/getservice-conformance/gsc/internal/testenv"
	"github.com/getservice-conformance/gsc/schemas"
)

// sarifSchema compiles the published OASIS SARIF 2.1.0 schema (draft-04),
// with formats (uri, uri-reference, date-time) asserted.
func sarifSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	file := testenv.Standard(t, "sarif-schema-2.1.0.json")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(file)
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	return sch
}

func validate(sch *jsonschema.Schema, log []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// docsRun checks every documentation recording from the module root, as
// `runner check fixtures/docs` does, with or without the docs baseline.
func docsRun(t *testing.T, withBaseline bool) (baseline.Result, report.SARIFOptions) {
	t.Helper()
	t.Chdir(testenv.ModuleRoot(t))
	recs, err := replay.LoadPaths([]string{"fixtures/docs"})
	if err != nil {
		t.Fatal(err)
	}
	checker := &replay.Checker{Contracts: &contract.Set{FS: schemas.FS}}
	src := map[string][]byte{}
	var all []finding.Finding
	for _, rec := range recs {
		src[rec.File] = rec.Src
		all = append(all, checker.Check(rec)...)
	}
	if len(recs) != 17 || len(all) != 77 {
		t.Fatalf("%d recordings, %d findings; the docs fixtures have 17 and 77", len(recs), len(all))
	}
	opts := report.SARIFOptions{Source: func(file string) []byte { return src[file] }}
	var b *baseline.Baseline
	if withBaseline {
		opts.Baseline = "fixtures/docs/baseline.txt"
		if b, err = baseline.Load(opts.Baseline); err != nil {
			t.Fatal(err)
		}
	}
	return b.Compare(all, nil), opts
}

// sarifLog is the part of a log the tests read back.
type sarifLog struct {
	Runs []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name, Version, InformationURI string
				Rules                         []struct {
					ID                   string
					ShortDescription     struct{ Text string }
					DefaultConfiguration struct{ Level string }
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful            bool
			ToolConfigurationNotifications []struct {
				Level      string
				Descriptor struct{ ID string }
				Message    struct{ Text string }
				Locations  []sarifLocation
			}
		}
		Results []struct {
			RuleID        string
			RuleIndex     int
			Level         string
			Message       struct{ Text string }
			BaselineState string
			Locations     []sarifLocation
			Suppressions  []struct {
				Kind, Status, Justification string
				Location                    *sarifLocation
			}
		}
	}
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct{ URI, URIBaseID string }
		Region           *struct{ StartLine, StartColumn int }
	}
	LogicalLocations []struct{ FullyQualifiedName, Kind string }
}

func writeSARIF(t *testing.T, res baseline.Result, opts report.SARIFOptions) ([]byte, sarifLog) {
	t.Helper()
	var buf bytes.Buffer
	if err := report.SARIF(&buf, res, opts); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return buf.Bytes(), log
}

// The log of every documentation finding is valid SARIF 2.1.0, new or
// accepted by the baseline.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifSchema(t)
	for _, withBaseline := range []bool{false, true} {
		res, opts := docsRun(t, withBaseline)
		out, log := writeSARIF(t, res, opts)
		start := time.Now()
		if err := validate(sch, out); err != nil {
			t.Fatalf("baseline %v: the log is not valid SARIF 2.1.0:\n%v", withBaseline, err)
		}
		t.Logf("baseline %v: %d bytes validated in %v", withBaseline, len(out), time.Since(start))
		if n := len(log.Runs[0].Results); n != 77 {
			t.Errorf("%d results, want 77", n)
		}
	}
}

// A run without findings is a valid log with an empty results array (the
// analysis ran and found nothing), not a missing or null one.
func TestSARIFNoFindings(t *testing.T) {
	out, log := writeSARIF(t, baseline.Result{}, report.SARIFOptions{})
	if err := validate(sarifSchema(t), out); err != nil {
		t.Fatalf("not valid SARIF: %v", err)
	}
	if !bytes.Contains(out, []byte(`"results": []`)) || len(log.Runs[0].Results) != 0 {
		t.Errorf("want an empty results array:\n%s", out)
	}
}

// The schema check can fire: each of these breaks the log in a way the
// SARIF schema forbids.
func TestSARIFSchemaRejectsBrokenLogs(t *testing.T) {
	sch := sarifSchema(t)
	res, opts := docsRun(t, true)
	out, _ := writeSARIF(t, res, opts)
	tests := []struct {
		name   string
		mutate func(log map[string]any)
	}{
		{"no version", func(log map[string]any) { delete(log, "version") }},
		{"another version", func(log map[string]any) { log["version"] = "2.0.0" }},
		{"an unknown level", func(log map[string]any) { result(log)["level"] = "fatal" }},
		{"line 0", func(log map[string]any) { region(log)["startLine"] = 0 }},
		{"column 0", func(log map[string]any) { region(log)["startColumn"] = 0 }},
		{"a result without message", func(log map[string]any) { delete(result(log), "message") }},
		{"an unknown baseline state", func(log map[string]any) { result(log)["baselineState"] = "accepted" }},
		{"a suppression of an unknown kind", func(log map[string]any) {
			result(log)["suppressions"] = []any{map[string]any{"kind": "baseline"}}
		}},
		{"an unknown column kind", func(log map[string]any) { run(log)["columnKind"] = "bytes" }},
		{"a driver without a name", func(log map[string]any) {
			delete(run(log)["tool"].(map[string]any)["driver"].(map[string]any), "name")
		}},
		{"an unknown property on a result", func(log map[string]any) { result(log)["severity"] = "error" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log map[string]any
			if err := json.Unmarshal(out, &log); err != nil {
				t.Fatal(err)
			}
			tt.mutate(log)
			broken, err := json.Marshal(log)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, broken); err == nil {
				t.Errorf("a log with %s passes the SARIF schema", tt.name)
			}
		})
	}
}

func run(log map[string]any) map[string]any {
	return log["runs"].([]any)[0].(map[string]any)
}

func result(log map[string]any) map[string]any {
	return run(log)["results"].([]any)[0].(map[string]any)
}

func region(log map[string]any) map[string]any {
	loc := result(log)["locations"].([]any)[0].(map[string]any)
	return loc["physicalLocation"].(map[string]any)["region"].(map[string]any)
}

// Every result sits where its finding does: the recording, relative to
// SRCROOT; its line; its column (ASCII lines: the byte column); and its
// rule, level and baseline state are the finding's.
func TestSARIFResultsMatchFindings(t *testing.T) {
	res, opts := docsRun(t, true)
	if len(res.Accepted) != 77 || len(res.New) != 0 {
		t.Fatalf("%d accepted, %d new; the docs baseline accepts all 77", len(res.Accepted), len(res.New))
	}
	_, log := writeSARIF(t, res, opts)
	r := log.Runs[0]
	if r.ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind %q", r.ColumnKind)
	}
	files := map[string]bool{}
	for i, got := range r.Results {
		f := res.Accepted[i]
		files[f.File] = true
		loc := got.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != f.File || loc.ArtifactLocation.URIBaseID != "SRCROOT" {
			t.Errorf("%s: artifact %+v", f, loc.ArtifactLocation)
		}
		if loc.Region == nil || loc.Region.StartLine != f.Line || loc.Region.StartColumn != f.Col {
			t.Errorf("%s: region %+v, want line %d column %d", f, loc.Region, f.Line, f.Col)
		}
		if got.RuleID != f.Check || r.Tool.Driver.Rules[got.RuleIndex].ID != f.Check {
			t.Errorf("%s: rule %s, index %d", f, got.RuleID, got.RuleIndex)
		}
		if got.Level != f.Severity.String() {
			t.Errorf("%s: level %s", f, got.Level)
		}
		if !strings.HasPrefix(got.Message.Text, f.Message) {
			t.Errorf("%s: message %q", f, got.Message.Text)
		}
		e := res.AcceptedBy[i]
		if got.BaselineState != "unchanged" || len(got.Suppressions) != 1 {
			t.Fatalf("%s: accepted, yet baselineState %q, %d suppressions", f, got.BaselineState, len(got.Suppressions))
		}
		s := got.Suppressions[0]
		if s.Kind != "external" || s.Status != "accepted" || s.Justification != e.Reason || e.Reason == "" {
			t.Errorf("%s: suppression %+v, want the reason %q", f, s, e.Reason)
		}
		if s.Location == nil || s.Location.PhysicalLocation.ArtifactLocation.URI != "fixtures/docs/baseline.txt" || s.Location.PhysicalLocation.Region.StartLine != e.Line {
			t.Errorf("%s: suppression location %+v, want baseline line %d", f, s.Location, e.Line)
		}
	}
	if len(files) != 17 {
		t.Errorf("results in %d files, want 17", len(files))
	}

	d := r.Tool.Driver
	if d.Name != "gsc" || d.Version == "" || d.InformationURI == "" {
		t.Errorf("driver %q %q %q", d.Name, d.Version, d.InformationURI)
	}
	rules := map[string]string{}
	for _, rule := range d.Rules {
		if rule.ShortDescription.Text == "" {
			t.Errorf("rule %s has no description", rule.ID)
		}
		rules[rule.ID] = rule.DefaultConfiguration.Level
	}
	for id, spec := range finding.Catalogue {
		if rules[id] != spec.Severity.String() {
			t.Errorf("rule %s: default level %q, want %s", id, rules[id], spec.Severity)
		}
	}
	for _, id := range []string{"xpath.name-has-appid", "xpath.s3-namespace"} {
		if rules[id] != "error" {
			t.Errorf("rule %s of the contracts: level %q", id, rules[id])
		}
	}
}

// Without a baseline every result is new, with no suppression.
func TestSARIFNewResults(t *testing.T) {
	res, opts := docsRun(t, false)
	_, log := writeSARIF(t, res, opts)
	for _, got := range log.Runs[0].Results {
		if got.BaselineState != "new" || len(got.Suppressions) != 0 {
			t.Errorf("%s: baselineState %q, %d suppressions", got.RuleID, got.BaselineState, len(got.Suppressions))
		}
	}
}

// A byte column becomes a UTF-16 column: one unit for a character of the
// BMP, two for one beyond it, one for a bad byte.
func TestSARIFColumns(t *testing.T) {
	src := []byte("line one\n" +
		"<Name>桶-é</Name>\n" + // 桶 is 3 bytes, é 2
		"<Name>😀x</Name>\n" + // 😀 is 4 bytes, 2 UTF-16 units
		"a\xffb\r\n" +
		"last")
	tests := []struct {
		name          string
		line, col     int
		wantCol       int // 0: no column
		withoutSource bool
	}{
		{"ASCII", 1, 6, 6, false},
		{"first column", 2, 1, 1, false},
		{"before the multi-byte characters", 2, 7, 7, false},
		{"after a 3-byte character", 2, 10, 8, false},
		{"after 3- and 2-byte characters", 2, 13, 10, false},
		{"inside a character", 2, 8, 7, false},
		{"after a character beyond the BMP", 3, 11, 9, false},
		{"after a bad byte", 4, 3, 3, false},
		{"at the CR", 4, 4, 4, false},
		{"past the end of the line", 5, 7, 7, false},
		{"past the last line", 6, 1, 0, false},
		{"no source", 2, 13, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := finding.New("xml.syntax", "m")
			f.File, f.Exchange, f.Line, f.Col = "dir/a b.txtar", 1, tt.line, tt.col
			opts := report.SARIFOptions{Source: func(file string) []byte {
				if file == f.File && !tt.withoutSource {
					return src
				}
				return nil
			}}
			_, log := writeSARIF(t, baseline.Result{New: []finding.Finding{f}}, opts)
			loc := log.Runs[0].Results[0].Locations[0].PhysicalLocation
			if loc.Region == nil || loc.Region.StartLine != tt.line || loc.Region.StartColumn != tt.wantCol {
				t.Errorf("region %+v, want line %d column %d", loc.Region, tt.line, tt.wantCol)
			}
			if loc.ArtifactLocation.URI != "dir/a%20b.txtar" {
				t.Errorf("uri %q, want dir/a%%20b.txtar", loc.ArtifactLocation.URI)
			}
		})
	}
}

// A finding without a line is placed in its file, and its pointer or
// XPath becomes a logical location and part of the message.
func TestSARIFWithoutLine(t *testing.T) {
	sch := sarifSchema(t)
	whole := finding.New("http.host", "no Host header")
	whole.File, whole.Exchange = "a.txtar", 1
	ptr := finding.New("schema.success", "not a string")
	ptr.File, ptr.Exchange, ptr.Pointer, ptr.XPath = "a.txtar", 1, "/R/Buckets/0/Name", "/R/Buckets/Bucket[1]/Name"
	xp := finding.New("xpath.s3-namespace", "does not hold")
	xp.File, xp.Exchange, xp.XPath, xp.Recovered = "/abs/dir/b.txtar", 2, "/R", true
	out, log := writeSARIF(t, baseline.Result{New: []finding.Finding{whole, ptr, xp}}, report.SARIFOptions{})
	if err := validate(sch, out); err != nil {
		t.Fatalf("not valid SARIF: %v", err)
	}
	rs := log.Runs[0].Results
	for i, r := range rs {
		if r.Locations[0].PhysicalLocation.Region != nil {
			t.Errorf("result %d has a region without a line: %+v", i, r.Locations[0].PhysicalLocation.Region)
		}
	}
	if got := rs[0].Message.Text; got != "no Host header" || len(rs[0].Locations[0].LogicalLocations) != 0 {
		t.Errorf("whole exchange: %q, %+v", got, rs[0].Locations[0].LogicalLocations)
	}
	if got := rs[1].Message.Text; got != "not a string at /R/Buckets/0/Name" {
		t.Errorf("pointer: message %q", got)
	}
	if ll := rs[1].Locations[0].LogicalLocations; len(ll) != 2 || ll[0].FullyQualifiedName != ptr.Pointer || ll[1].FullyQualifiedName != ptr.XPath {
		t.Errorf("pointer: logical locations %+v", ll)
	}
	if got := rs[2].Message.Text; got != "does not hold (recovered) at /R" {
		t.Errorf("XPath: message %q", got)
	}
	if a := rs[2].Locations[0].PhysicalLocation.ArtifactLocation; a.URI != "file:///abs/dir/b.txtar" || a.URIBaseID != "" {
		t.Errorf("absolute path: artifact %+v", a)
	}
}

// Stale and expired baseline entries are configuration notifications
// pointing at their line: warnings, or errors under --strict-baseline.
func TestSARIFBaselineNotifications(t *testing.T) {
	sch := sarifSchema(t)
	b, err := baseline.Parse("base.txt", []byte("a.txtar http.host 1 - gone\na.txtar http.date 1 3:7 expires=2020-01-01 old\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := finding.New("http.date", "bad date")
	f.File, f.Exchange, f.Line, f.Col = "a.txtar", 1, 3, 7
	res := b.Compare([]finding.Finding{f}, nil)
	for _, strict := range []bool{false, true} {
		out, log := writeSARIF(t, res, report.SARIFOptions{Baseline: "base.txt", StrictBaseline: strict})
		if err := validate(sch, out); err != nil {
			t.Fatalf("not valid SARIF: %v", err)
		}
		inv := log.Runs[0].Invocations
		if len(inv) != 1 || !inv[0].ExecutionSuccessful {
			t.Fatalf("invocations %+v", inv)
		}
		want := map[string]int{"baseline.stale": 1, "baseline.expired": 2}
		level := map[bool]string{false: "warning", true: "error"}[strict]
		notes := inv[0].ToolConfigurationNotifications
		if len(notes) != 2 {
			t.Fatalf("%d notifications, want 2", len(notes))
		}
		for _, n := range notes {
			line := n.Locations[0].PhysicalLocation.Region.StartLine
			if want[n.Descriptor.ID] != line || n.Level != level || n.Locations[0].PhysicalLocation.ArtifactLocation.URI != "base.txt" {
				t.Errorf("strict %v: notification %s %s at line %d: %q", strict, n.Descriptor.ID, n.Level, line, n.Message.Text)
			}
		}
		if !strings.Contains(notes[1].Message.Text, "expired on 2020-01-01") {
			t.Errorf("expired: %q", notes[1].Message.Text)
		}
	}
}
