package suite

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// ErrorEntry names the report entry of a live spec that could not run
// (set-up failed, the endpoint was unreachable or stalled, the run's
// deadline passed); its value is the reason, on one line. The spec then
// ends with Skip(reason), and Outcomes reports it as outcome.Error.
const ErrorEntry = "error"

// AcceptedEntry names a report entry holding an outcome.Acceptance: a
// finding the baseline accepts.
const AcceptedEntry = "accepted"

// Outcomes turns a Ginkgo report into the run the reports show: one result
// per spec (It) and target. Specs a label filter left out are not results;
// specs that skipped themselves are, with their reason.
func Outcomes(r types.Report) *outcome.Run {
	run := &outcome.Run{Title: r.SuiteDescription, Started: r.StartTime, Duration: r.RunTime}
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt || len(s.ContainerHierarchyTexts) == 0 {
			continue
		}
		if s.State == types.SpecStateSkipped && s.Failure.Message == "" && !hasEntry(s, ErrorEntry) {
			continue // filtered out
		}
		run.Results = append(run.Results, result(s))
	}
	// Ginkgo shuffles top-level containers; reports list targets in name
	// order (live targets before recordings), specs as declared.
	slices.SortStableFunc(run.Results, func(a, b outcome.Result) int {
		return strings.Compare(a.Target, b.Target)
	})
	return run
}

func result(s types.SpecReport) outcome.Result {
	vendor, target := targetOf(s.ContainerHierarchyTexts[0])
	spec := strings.Join(append(slices.Clone(s.ContainerHierarchyTexts[1:]), s.LeafNodeText), " / ")
	res := outcome.Result{
		Target:   target,
		Vendor:   vendor,
		Spec:     spec,
		ID:       outcome.Slug(spec),
		Labels:   s.Labels(),
		Location: location(s.LeafNodeLocation),
		Duration: s.RunTime,
		Output:   s.CapturedGinkgoWriterOutput,
	}
	var unsupported, couldNot string
	for _, e := range s.ReportEntries {
		switch e.Name {
		case DeviationEntry:
			if d, ok := e.Value.GetRawValue().(outcome.Deviation); ok {
				res.Deviations = append(res.Deviations, d)
			}
		case UnsupportedEntry:
			unsupported = e.Value.String()
		case AcceptedEntry:
			if a, ok := e.Value.GetRawValue().(outcome.Acceptance); ok {
				res.Accepted = append(res.Accepted, a)
			}
		case ErrorEntry:
			if couldNot == "" {
				couldNot = outcome.FirstLine(e.Value.String())
			}
		}
	}
	switch {
	// A deviation found is the target's, whatever stopped the spec after.
	case s.State == types.SpecStateFailed:
		res.Status, res.Message = outcome.Fail, s.Failure.Message
		res.Summary = failSummary(res)
	case couldNot != "":
		res.Status, res.Summary, res.Message = outcome.Error, couldNot, s.Failure.Message
		if res.Message == "" {
			res.Message = couldNot
		}
	case s.State == types.SpecStatePassed && len(res.Accepted) > 0:
		// It passes only because the baseline accepts what it found.
		res.Status = outcome.Accepted
		res.Summary = fmt.Sprintf("%d finding(s) accepted: %s", len(res.Accepted), res.Accepted[0].Reason)
	case s.State == types.SpecStatePassed:
		res.Status = outcome.Pass
	case s.State == types.SpecStateSkipped && unsupported != "":
		res.Status, res.Summary, res.Message = outcome.Unsupported, unsupported, s.Failure.Message
	case s.State == types.SpecStateSkipped || s.State == types.SpecStatePending:
		res.Status, res.Message = outcome.Skipped, s.Failure.Message
		res.Summary = outcome.FirstLine(res.Message)
	default:
		// Interrupted, aborted, timed out or panicked: the spec did not
		// finish judging, and none of these is the target's deviation.
		res.Status, res.Message = outcome.Error, s.State.String()+": "+s.Failure.Message
		res.Summary = outcome.FirstLine(res.Message)
	}
	return res
}

// failSummary is a failure's line in a matrix cell: its first deviation,
// else the first line of its message.
func failSummary(res outcome.Result) string {
	if len(res.Deviations) == 0 {
		return outcome.FirstLine(res.Message)
	}
	d := res.Deviations[0]
	summary := "expected " + outcome.FirstLine(d.Expected) + "; saw " + outcome.FirstLine(d.Seen)
	if d.Where != "" {
		summary += " (" + d.Where + ")"
	}
	return summary
}

func hasEntry(s types.SpecReport, name string) bool {
	for _, e := range s.ReportEntries {
		if e.Name == name {
			return true
		}
	}
	return false
}

// ModuleDir is where the compiler saw the module's files, with a final
// slash: the checkout, the module cache for a binary built with `go
// install ...@version`, or the module path under -trimpath. This file is
// internal/suite/outcomes.go.
var ModuleDir = func() string {
	_, file, _, ok := runtime.Caller(0)
	dir, found := strings.CutSuffix(file, "internal/suite/outcomes.go")
	if !ok || !found {
		return ""
	}
	return dir
}()

// location is where a spec is declared, relative to the module root
// (internal/suite/live.go:288): reports show no path of the machine that
// built the runner. A file outside the module shows its base name only.
func location(l types.CodeLocation) string {
	if l.FileName == "" {
		return ""
	}
	file, ok := strings.CutPrefix(l.FileName, ModuleDir)
	if !ok || ModuleDir == "" {
		file = filepath.Base(l.FileName)
	}
	return file + ":" + strconv.Itoa(l.LineNumber)
}

// targetOf reads a top-level container: "<vendor> live" holds the live
// specs of the vendor's target, "<vendor>" the vendor's recordings.
func targetOf(container string) (vendor, target string) {
	if v, ok := strings.CutSuffix(container, " live"); ok {
		if t := LiveRun.Targets[v]; t != nil && t.Name != "" {
			return v, t.Name
		}
		return v, v
	}
	return container, container + " recordings"
}
