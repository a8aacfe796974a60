package diff

import (
	"fmt"
	"io"
	"strings"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// Results turns rows into spec outcomes, one per row, for the usual
// reports and the baseline: the same and variances pass, violations and
// capability gaps fail, what could not be judged is an error. target
// names the pair, e.g. "versitygw vs s3".
func Results(rows []Row, target, vendor string) []outcome.Result {
	out := make([]outcome.Result, 0, len(rows))
	for _, r := range rows {
		res := outcome.Result{Target: target, Vendor: vendor, ID: r.ID(), Spec: r.title(), Labels: []string{vendor, "diff", string(r.Kind)}}
		switch r.Kind {
		case Same, Variance:
			res.Status = outcome.Pass
		case Violation, Capability:
			res.Status = outcome.Fail
		default:
			res.Status = outcome.Error
		}
		if r.Kind != Same {
			res.Summary = r.summary()
			var b strings.Builder
			b.WriteString(res.Summary)
			for _, d := range r.Differences {
				b.WriteString("\n" + d.String())
				res.Deviations = append(res.Deviations, outcome.Deviation{Expected: "A: " + d.A, Seen: "B: " + d.B, Where: d.Where})
			}
			res.Message = b.String()
		}
		out = append(out, res)
	}
	return out
}

// ID names the row in baselines: the spec's id, and the exchange.
func (r Row) ID() string {
	if r.Exchange == 0 {
		return r.Spec
	}
	return fmt.Sprintf("%s/exchange-%d", r.Spec, r.Exchange)
}

func (r Row) title() string {
	if r.Exchange == 0 {
		return r.Spec + " / the verdicts"
	}
	return fmt.Sprintf("%s / exchange %d: %s", r.Spec, r.Exchange, r.Request)
}

func (r Row) summary() string {
	s := string(r.Kind)
	if r.Side != "" {
		s += " on " + r.Side
	}
	if r.Reason != "" {
		s += ": " + r.Reason
	}
	return s
}

// Counts tallies rows by kind.
func Counts(rows []Row) map[Kind]int {
	c := map[Kind]int{}
	for _, r := range rows {
		c[r.Kind]++
	}
	return c
}

// WriteText writes what differs, grouped by spec and reason: a line for
// the spec, then one per exchange with what differs in it. Rows that are
// the same are counted, not shown.
func WriteText(w io.Writer, rows []Row) error {
	var last string
	for _, r := range rows {
		if r.Kind == Same {
			continue
		}
		if head := r.Spec + ": " + r.summary(); head != last {
			fmt.Fprintln(w, head)
			last = head
		}
		if r.Exchange > 0 {
			fmt.Fprintf(w, "  exchange %d: %s\n", r.Exchange, r.Request)
		}
		for _, d := range r.Differences {
			fmt.Fprintf(w, "    %s\n", d)
		}
	}
	c := Counts(rows)
	_, err := fmt.Fprintf(w, "%d request(s) and verdict(s) compared: %d the same, %d variance(s), %d contract violation(s), %d capability gap(s), %d could not judge\n",
		len(rows), c[Same], c[Variance], c[Violation], c[Capability], c[Unjudged])
	return err
}
