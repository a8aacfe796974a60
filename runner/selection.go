package main

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/schemas"
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

// selection is which specs a run runs, as Ginkgo takes it: a label
// filter, a focus (a regular expression over each spec's full text, ""
// for every spec) and whether to stop at the first failure.
type selection struct {
	labels   string
	focus    string
	failFast bool
}

// selectionFlags are the flags that choose specs: --label-filter, --focus,
// --rerun-failed and, for commands that run them, --fail-fast.
type selectionFlags struct {
	labels, focus, rerunFailed string
	failFast                   bool
}

func (s *selectionFlags) register(fs *flag.FlagSet, labelExample string, runs bool) {
	fs.StringVar(&s.labels, "label-filter", "", "run only specs whose labels match, e.g. "+labelExample)
	fs.StringVar(&s.focus, "focus", "", "run only the spec with this id (as runner list prints it), or the specs whose text matches this regular expression")
	fs.StringVar(&s.rerunFailed, "rerun-failed", "", "run only the specs that failed or could not run in an earlier run: its --results file")
	if runs {
		fs.BoolVar(&s.failFast, "fail-fast", false, "stop at the first failed spec (the run's buckets are still deleted)")
	}
}

// resolve checks the flags and turns them into a selection.
func (s *selectionFlags) resolve(command string) (selection, error) {
	sel := selection{labels: s.labels, failFast: s.failFast}
	if err := checkLabelFilter(command, s.labels); err != nil {
		return sel, err
	}
	var alternatives []string
	if s.focus != "" {
		if _, err := regexp.Compile(s.focus); err != nil {
			return sel, usagef("%s: --focus %q is neither a spec id nor a regular expression: %v", command, s.focus, err)
		}
		if specID.MatchString(s.focus) {
			alternatives = append(alternatives, idPattern("", s.focus))
		}
		alternatives = append(alternatives, s.focus)
	}
	if s.rerunFailed != "" {
		failed, err := failedSpecs(s.rerunFailed)
		if err != nil {
			return sel, fmt.Errorf("%s: --rerun-failed: %w", command, err)
		}
		if len(failed) == 0 {
			return sel, usagef("%s: --rerun-failed: %s holds no failed spec: there is nothing to run again", command, s.rerunFailed)
		}
		alternatives = append(alternatives, failed...)
	}
	for i, a := range alternatives {
		alternatives[i] = "(?:" + a + ")"
	}
	sel.focus = strings.Join(alternatives, "|")
	return sel, nil
}

// specID is the form of a spec id: Slug's words, "-" between words and
// "/" between the parts of a spec's text.
var specID = regexp.MustCompile(`^[a-z0-9.]+(-[a-z0-9.]+)*(/[a-z0-9.]+(-[a-z0-9.]+)*)*$`)

// idPattern is a regular expression over a spec's full text, as Ginkgo
// matches --focus (the suite's description, the target's container, then
// the spec's containers and its own text, joined by spaces), that
// matches exactly the specs whose id is id, of vendor's targets ("" any
// vendor).
func idPattern(vendor, id string) string {
	const sep = `[^a-z0-9.]+`
	vendors := []string{vendor}
	if vendor == "" {
		vendors = contract.Vendors(schemas.FS)
	}
	for i, v := range vendors {
		vendors[i] = regexp.QuoteMeta(v)
	}
	target := `(?:` + strings.Join(vendors, "|") + `)`
	parts := strings.Split(id, "/")
	for i, p := range parts {
		words := strings.Split(p, "-")
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, sep)
	}
	return `(?i)(?:^|\s)` + target + `(?: live)?` + sep + strings.Join(parts, sep) + `[^a-z0-9.]*$`
}

// failedSpecs reads an earlier run's results and returns a pattern for
// each spec that failed or could not run there.
func failedSpecs(file string) ([]string, error) {
	run, err := outcome.Load(file)
	if err != nil {
		return nil, err
	}
	var patterns []string
	for _, r := range run.Results {
		if r.Status != outcome.Fail && r.Status != outcome.Error || r.ID == "" {
			continue
		}
		p := idPattern(r.Vendor, r.ID)
		if !slices.Contains(patterns, p) {
			patterns = append(patterns, p)
		}
	}
	return patterns, nil
}
