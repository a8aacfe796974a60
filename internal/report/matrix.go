package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// cell is what one spec came to against one target (or, in a turned
// table, one recording in one area). A spec may run more than once
// against a target (a table entry repeated); the cell then shows the
// worst status and keeps every result.
type cell struct {
	status  outcome.Status // "" when the spec did not run for the target
	results []*outcome.Result
}

// rank orders statuses from least to most worth a reader's attention.
func rank(s outcome.Status) int {
	switch s {
	case outcome.Skipped:
		return 1
	case outcome.Pass:
		return 2
	case outcome.Accepted:
		return 3
	case outcome.Unsupported:
		return 4
	case outcome.Error:
		return 5
	case outcome.Fail:
		return 6
	}
	return 0 // an unknown status, or none
}

// summary is the one line the cell shows: that of its first result with
// the cell's status. An accepted outcome shows what the spec found, after
// its own status ("(fail) expected status 403 ..."): in a matrix of
// servers that is what tells the cells apart; accepted findings (no
// outcome of their own) show the baseline's reason.
func (c cell) summary() string {
	for _, r := range c.results {
		if r.Status != c.status {
			continue
		}
		if r.Status == outcome.Accepted && len(r.Accepted) > 0 {
			a := r.Accepted[0]
			if a.Status != "" && r.Summary != "" {
				return "(" + string(a.Status) + ") " + r.Summary
			}
			return acceptedWhy(a)
		}
		return r.Summary
	}
	return ""
}

// acceptedWhy is the baseline's reason for an acceptance, with its expiry.
func acceptedWhy(a outcome.Acceptance) string {
	if a.Expires != "" {
		return a.Reason + " (until " + a.Expires + ")"
	}
	return a.Reason
}

// why is what a cell's tooltip adds to its summary: for an accepted
// outcome, the baseline's reason.
func (c cell) why() string {
	for _, r := range c.results {
		if r.Status == outcome.Accepted && r.Status == c.status && len(r.Accepted) > 0 && r.Accepted[0].Status != "" && r.Summary != "" {
			return "accepted: " + acceptedWhy(r.Accepted[0])
		}
	}
	return ""
}

// tally counts one target's results by status, in outcome.Statuses order.
func tally(run *outcome.Run, target string) []int {
	n := make([]int, len(outcome.Statuses))
	for _, r := range run.Results {
		if r.Target == target {
			if i := slices.Index(outcome.Statuses, r.Status); i >= 0 {
				n[i]++
			}
		}
	}
	return n
}

// tallyText reads "3 pass, 1 fail, 0 error, 0 accepted, 0 unsupported,
// 2 skipped".
func tallyText(n []int) string {
	parts := make([]string, len(n))
	for i, s := range outcome.Statuses {
		parts[i] = fmt.Sprintf("%d %s", n[i], s)
	}
	return strings.Join(parts, ", ")
}

// Fact is one line of a report's header: what the run was.
type Fact struct{ Name, Value string }

// Metadata is what a report's header says of the run, leaving out what
// the run does not know: the tool's version, the vendor, the endpoint
// (never with credentials: the runner refuses a URL with user
// information), region, signature, run id, start, duration and requests.
func Metadata(run *outcome.Run) []Fact {
	var fs []Fact
	add := func(name, value string) {
		if value != "" {
			fs = append(fs, Fact{name, value})
		}
	}
	add("tool", run.Tool)
	add("vendor", run.Vendor)
	add("endpoint", run.Endpoint)
	add("region", run.Region)
	add("signature", run.Signature)
	add("run", run.RunID)
	if !run.Started.IsZero() {
		add("started", run.Started.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	if run.Duration > 0 {
		add("duration", run.Duration.Round(time.Millisecond).String())
	}
	if run.Requests > 0 {
		add("requests", fmt.Sprint(run.Requests))
	}
	return fs
}

// Facts reads "run gsc-1a2b3c4d, 57 requests", leaving out what the run
// does not know.
func Facts(run *outcome.Run) string {
	var parts []string
	if run.RunID != "" {
		parts = append(parts, "run "+run.RunID)
	}
	if run.Requests == 1 {
		parts = append(parts, "1 request")
	} else if run.Requests > 0 {
		parts = append(parts, fmt.Sprintf("%d requests", run.Requests))
	}
	return strings.Join(parts, ", ")
}

func title(run *outcome.Run) string {
	if t := strings.TrimSpace(run.Title); t != "" {
		return t
	}
	return "GET Service conformance"
}
