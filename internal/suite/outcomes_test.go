package suite_test

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/suite"
)

// spec is an It under "s3 live" as Ginkgo reports it.
func spec(text string, state types.SpecState, message string, entries ...*types.ReportEntry) types.SpecReport {
	s := types.SpecReport{
		LeafNodeType:            types.NodeTypeIt,
		ContainerHierarchyTexts: []string{"s3 live", "set-up"},
		LeafNodeText:            text,
		State:                   state,
		Failure:                 types.Failure{Message: message},
	}
	for _, e := range entries {
		s.ReportEntries = append(s.ReportEntries, *e)
	}
	return s
}

func entry(name string, value any) *types.ReportEntry {
	return &types.ReportEntry{Name: name, Value: types.WrapEntryValue(value)}
}

// A spec that could not run, or that a signal, a panic, an abort or a
// timeout stopped, is an error, not a failure; a failure, a skip, an
// unsupported capability and a pass keep their statuses.
func TestOutcomesError(t *testing.T) {
	const refused = "set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 AccessDenied"
	r := types.Report{SuiteDescription: "live", SpecReports: []types.SpecReport{
		spec("could not run", types.SpecStateSkipped, refused, entry(suite.ErrorEntry, refused)),
		spec("could not run, no skip message", types.SpecStateSkipped, "", entry(suite.ErrorEntry, "the endpoint stalled\nfor 30s")),
		spec("interrupted", types.SpecStateInterrupted, "received SIGINT"),
		spec("aborted", types.SpecStateAborted, "abort"),
		spec("timed out", types.SpecStateTimedout, "A spec timeout occurred"),
		spec("panicked", types.SpecStatePanicked, "runtime error: index out of range"),
		spec("failed", types.SpecStateFailed, "walk failed",
			entry(suite.DeviationEntry, outcome.Deviation{Expected: "403", Seen: "200", Where: "status line"})),
		spec("skipped", types.SpecStateSkipped, "--read-only"),
		spec("unsupported", types.SpecStateSkipped, "page size ignored", entry(suite.UnsupportedEntry, "max-buckets=1 is ignored")),
		spec("passed", types.SpecStatePassed, ""),
		spec("filtered out", types.SpecStateSkipped, ""),
	}}
	want := []struct {
		spec    string
		status  outcome.Status
		summary string
	}{
		{"set-up / could not run", outcome.Error, refused},
		{"set-up / could not run, no skip message", outcome.Error, "the endpoint stalled"},
		{"set-up / interrupted", outcome.Error, "interrupted: received SIGINT"},
		{"set-up / aborted", outcome.Error, "aborted: abort"},
		{"set-up / timed out", outcome.Error, "timedout: A spec timeout occurred"},
		{"set-up / panicked", outcome.Error, "panicked: runtime error: index out of range"},
		{"set-up / failed", outcome.Fail, "expected 403; saw 200 (status line)"},
		{"set-up / skipped", outcome.Skipped, "--read-only"},
		{"set-up / unsupported", outcome.Unsupported, "max-buckets=1 is ignored"},
		{"set-up / passed", outcome.Pass, ""},
	}
	run := suite.Outcomes(r)
	if len(run.Results) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(run.Results), len(want), run.Results)
	}
	for i, w := range want {
		got := run.Results[i]
		if got.Spec != w.spec || got.Status != w.status || got.Summary != w.summary || got.Target != "s3" {
			t.Errorf("result %d = %s %q %s %q, want %s %q %s %q", i, got.Target, got.Spec, got.Status, got.Summary, "s3", w.spec, w.status, w.summary)
		}
	}
	if m := run.Results[1].Message; m != "the endpoint stalled" {
		t.Errorf("an error without a skip message has message %q, want its reason", m)
	}
	if n := run.Counts(); n[outcome.Error] != 6 || n[outcome.Fail] != 1 {
		t.Errorf("counts %v, want 6 errors and 1 failure", n)
	}
}
