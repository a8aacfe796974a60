package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// checkLabelFilter refuses a label expression that does not parse, in
// plain words: Ginkgo's own message is coloured for a terminal.
func checkLabelFilter(command, expr string) error {
	_, err := types.ParseLabelFilter(expr)
	if err == nil {
		return nil
	}
	msg := err.Error()
	var ge types.GinkgoError
	if errors.As(err, &ge) {
		// The message repeats the expression, then says what is wrong.
		lines := strings.Split(strings.TrimSpace(ge.Message), "\n")
		msg = strings.TrimSpace(lines[len(lines)-1])
	}
	return usagef("%s: --label-filter %q does not parse: %s", command, expr, msg)
}

// judgedSomething says why a run that failed no spec still cannot pass:
// it ran no spec at all (a selection that matches none), some specs could
// not run (set-up failed, the endpoint was unreachable or stalled, the
// deadline passed), or every spec it ran was skipped. Each is exit 2: a
// gate that judged nothing must not pass.
func judgedSomething(run *outcome.Run) error {
	if len(run.Results) == 0 {
		return errors.New("the selection matches no spec")
	}
	judged, cannot := 0, 0
	var why []string
	for _, r := range run.Results {
		switch r.Status {
		case outcome.Error:
			cannot++
			reason := r.Target + ": " + r.Summary
			if len(why) < 3 && !slices.Contains(why, reason) {
				why = append(why, reason)
			}
		case outcome.Pass, outcome.Fail, outcome.Accepted, outcome.Unsupported:
			judged++
		}
	}
	switch {
	case cannot > 0:
		return fmt.Errorf("%d of %d spec(s) could not run: %s", cannot, len(run.Results), strings.Join(why, "; "))
	case judged == 0:
		return fmt.Errorf("every one of the %d spec(s) selected was skipped", len(run.Results))
	}
	return nil
}
