// Package suite builds the Ginkgo specs that judge recorded exchanges: per
// vendor a table with one entry per recording and area, labelled by
// vendor, area and fixture set so --label-filter selects them. The
// per-vendor packages under suites/ declare them; go test and the runner
// run them.
package suite

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/fixtures"
	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/internal/report"
	"github.com/getservice-conformance/gsc/schemas"
)

// Config is what the specs judge and against what. Set it before the
// specs run; the zero Config judges every embedded fixture by its own
// expect lines, exactly (the project's tests).
type Config struct {
	// Recordings to judge; nil means the embedded fixtures.
	Recordings []*exchange.Recording
	// Baseline, when set, replaces the recordings' expect lines: findings
	// in it pass but are reported, entries no longer found are warned
	// about. Without it every expect line must be found, and nothing else.
	Baseline *baseline.Baseline
}

// Current is the configuration the specs read when the tree is built.
var Current Config

// Vendor declares the specs for one vendor's recordings. Call it from a
// package-level var in suites/<vendor>.
func Vendor(vendor string) bool {
	return Describe(vendor, Label(vendor), func() {
		recs := recordings(vendor)
		for _, area := range finding.Areas {
			args := []any{Label(area), judge}
			for _, rec := range recs {
				args = append(args, Entry(entryTitle(rec), Label(set(rec.File)), rec, area))
			}
			DescribeTable(area, args...)
		}
	})
}

// entryTitle names a recording's spec by what tells it from its
// neighbours first: the file's name, then its folder, then its title
// ("bucket-region.txtar (valid/s3): bucket-region=eu-west-1 honoured").
func entryTitle(rec *exchange.Recording) string {
	dir := strings.TrimPrefix(path.Dir(rec.File), "fixtures/")
	return fmt.Sprintf("%s (%s): %s", path.Base(rec.File), dir, rec.Title())
}

// set is the fixture set a recording belongs to: docs, valid, checks, or
// "recorded" for anything outside the project's fixtures.
func set(file string) string {
	parts := strings.Split(file, "/")
	for i, p := range parts[:max(len(parts)-2, 0)] {
		if p == "fixtures" && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return "recorded"
}

var (
	loadOnce sync.Once
	all      []*exchange.Recording
	loadErr  error
	checker  = &replay.Checker{Contracts: &contract.Set{FS: schemas.FS}}

	findingsMu sync.Mutex
	findings   = map[*exchange.Recording][]finding.Finding{}
)

func recordings(vendor string) []*exchange.Recording {
	loadOnce.Do(func() {
		all = Current.Recordings
		if all == nil {
			all, loadErr = replay.LoadFS(fixtures.FS, ".", "fixtures/")
		}
	})
	if loadErr != nil {
		Fail(fmt.Sprintf("loading fixtures: %v", loadErr))
	}
	var recs []*exchange.Recording
	for _, r := range all {
		if r.Vendor() == vendor {
			recs = append(recs, r)
		}
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].File < recs[j].File })
	return recs
}

// Findings returns a recording's findings, checking it only if no spec
// has yet: the runner judges the baseline's entries with the same ones.
func Findings(rec *exchange.Recording) []finding.Finding { return findingsOf(rec) }

// findingsOf checks a recording once and keeps the result for its other
// areas' specs.
func findingsOf(rec *exchange.Recording) []finding.Finding {
	findingsMu.Lock()
	defer findingsMu.Unlock()
	fs, ok := findings[rec]
	if !ok {
		fs = checker.Check(rec)
		findings[rec] = fs
	}
	return fs
}

// judge is every table entry's body: the recording's findings in one area
// against what is accepted.
func judge(rec *exchange.Recording, area string) {
	var got []finding.Finding
	for _, f := range findingsOf(rec) {
		if f.Area == area {
			got = append(got, f)
		}
	}
	var problems []string
	if Current.Baseline != nil {
		res := Current.Baseline.Compare(got, map[string]bool{rec.File: true})
		for i, f := range res.Accepted {
			fmt.Fprintf(GinkgoWriter, "accepted by baseline: %s\n", f)
			a := outcome.Acceptance{What: f.String()}
			if i < len(res.AcceptedBy) {
				a = res.AcceptedBy[i].Acceptance(f.String(), Current.Baseline.File)
			}
			AddReportEntry(AcceptedEntry, a, ReportEntryVisibilityNever)
		}
		for _, e := range res.Stale {
			if finding.AreaOf(e.Key.Check) == area {
				fmt.Fprintf(GinkgoWriter, "warning: %s:%d: baseline entry no longer found: %s\n", Current.Baseline.File, e.Line, e.Key)
				AddReportEntry("stale baseline entry", e.Key.String(), ReportEntryVisibilityFailureOrVerbose)
			}
		}
		for _, f := range res.New {
			problems = append(problems, f.String())
			deviation(f, "no "+f.Check+" finding outside the baseline")
		}
	} else {
		want := replay.Expected(rec)
		seen := map[finding.Key]bool{}
		for _, f := range got {
			seen[f.Key()] = true
			if _, ok := want[f.Key()]; ok {
				fmt.Fprintf(GinkgoWriter, "expected: %s\n", f)
				continue
			}
			problems = append(problems, "unexpected: "+f.String())
			deviation(f, "no "+f.Check+" finding beyond the fixture's expect lines")
		}
		for k, e := range want {
			if finding.AreaOf(k.Check) == area && !seen[k] {
				problems = append(problems, fmt.Sprintf("missing: %s:%d: expect %s %d %s %s", rec.File, e.Line, k.Check, k.Exchange, k.Where, e.Note))
				AddReportEntry(DeviationEntry, outcome.Deviation{
					Expected: fmt.Sprintf("a %s finding at %s (exchange %d), as the fixture expects", k.Check, k.Where, k.Exchange),
					Seen:     "no such finding",
					Where:    fmt.Sprintf("%s:%d", rec.File, e.Line),
				}, ReportEntryVisibilityNever)
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		Fail(fmt.Sprintf("%s, %s: %d finding(s) outside what is accepted:\n%s", path.Base(rec.File), area, len(problems), strings.Join(problems, "\n")))
	}
}

// deviation adds a recorded finding to the spec's report.
func deviation(f finding.Finding, expected string) {
	where := f.File
	if f.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Col)
	} else if w := f.Where(); w != "-" {
		where += " " + w
	}
	AddReportEntry(DeviationEntry, outcome.Deviation{Expected: expected, Seen: f.Message, Where: where}, ReportEntryVisibilityNever)
}

// WriteJUnit returns a ReportAfterSuite body that writes the suite's JUnit
// report to dst.
func WriteJUnit(dst string) func(Report) {
	return func(r Report) {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			Fail(err.Error())
		}
		var buf bytes.Buffer
		if err := report.JUnit(&buf, Outcomes(r)); err != nil {
			Fail(err.Error())
		}
		if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
			Fail(err.Error())
		}
	}
}
