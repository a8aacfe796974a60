// Package report writes findings for people (text) and for machines
// (JSON lines, SARIF 2.1.0 for code-scanning views).
package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/finding"
)

// Text writes a run for people: new findings, then accepted ones, then
// stale baseline entries, then a one-line summary.
func Text(w io.Writer, res baseline.Result, files int) error {
	for _, f := range res.New {
		fmt.Fprintln(w, f)
	}
	for _, f := range res.Accepted {
		fmt.Fprintf(w, "%s (accepted by baseline)\n", f)
	}
	for _, e := range res.Stale {
		fmt.Fprintf(w, "warning: baseline entry no longer found: %s\n", e.Key)
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
	_, err := fmt.Fprintf(w, "%d recording(s) checked: %d error(s), %d warning(s) new; %d accepted by baseline; %d stale baseline entr(ies)\n",
		files, errs, warns, len(res.Accepted), len(res.Stale))
	return err
}

// jsonFinding is one line of --format json.
type jsonFinding struct {
	finding.Finding
	Status string `json:"status"` // "new" or "accepted"
}

// JSON writes one JSON object per finding, one per line.
func JSON(w io.Writer, res baseline.Result) error {
	enc := json.NewEncoder(w)
	for _, f := range res.New {
		if err := enc.Encode(jsonFinding{f, "new"}); err != nil {
			return err
		}
	}
	for _, f := range res.Accepted {
		if err := enc.Encode(jsonFinding{f, "accepted"}); err != nil {
			return err
		}
	}
	return nil
}
