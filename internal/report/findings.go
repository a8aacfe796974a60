// Package report writes findings for people (text) and for machines
// (JSON lines, SARIF 2.1.0 for code-scanning views), and a run's outcome
// as a Markdown job summary and a self-contained HTML compatibility matrix.
package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/finding"
)

// Text writes a run for people: new findings, then accepted ones with
// their reasons, then a one-line summary. What is wrong with the baseline
// itself (stale and expired entries) is the caller's to say: whether it
// fails the run is its decision.
func Text(w io.Writer, res baseline.Result, files int) error {
	for _, f := range res.New {
		fmt.Fprintln(w, f)
	}
	for i, f := range res.Accepted {
		if i < len(res.AcceptedBy) {
			fmt.Fprintf(w, "%s (accepted by baseline: %s)\n", f, res.AcceptedBy[i].Reason)
		} else {
			fmt.Fprintf(w, "%s (accepted by baseline)\n", f)
		}
	}
	errs, warns := 0, 0
	for _, f := range res.New {
		switch f.Severity {
		case finding.Error:
			errs++
		case finding.Warning:
			warns++
		}
	}
	_, err := fmt.Fprintf(w, "%d recording(s) checked: %d error(s), %d warning(s) new; %d accepted by baseline; %d stale, %d expired baseline entr(ies)\n",
		files, errs, warns, len(res.Accepted), len(res.Stale), len(res.Expired))
	return err
}

// jsonFinding is one line of --format json.
type jsonFinding struct {
	finding.Finding
	Status string `json:"status"`           // "new" or "accepted"
	Reason string `json:"reason,omitempty"` // the baseline's, for an accepted one
}

// JSON writes one JSON object per finding, one per line.
func JSON(w io.Writer, res baseline.Result) error {
	enc := json.NewEncoder(w)
	for _, f := range res.New {
		if err := enc.Encode(jsonFinding{f, "new", ""}); err != nil {
			return err
		}
	}
	for i, f := range res.Accepted {
		jf := jsonFinding{f, "accepted", ""}
		if i < len(res.AcceptedBy) {
			jf.Reason = res.AcceptedBy[i].Reason
		}
		if err := enc.Encode(jf); err != nil {
			return err
		}
	}
	return nil
}
