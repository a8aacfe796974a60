package explore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/live"
)

// Recordings writes each listing walk of a failure's steps as a recording
// in dir, named after the property and the step, which runner check
// judges and runner replay sends again; it returns the file of each step
// ("" for a step that is not a walk).
func Recordings(dir string, t *live.Target, runID string, p Property, f *Failure) ([]string, error) {
	files := make([]string, len(f.Steps))
	vendor := t.Contract.Profile.Vendor
	for i, s := range f.Steps {
		if !s.Listing || len(s.Exchanges) == 0 {
			continue
		}
		name := fmt.Sprintf("explore-%s-%s-step-%02d.txtar", vendor, slug(string(p)), i+1)
		meta := [][2]string{
			{"vendor", vendor},
			{"title", fmt.Sprintf("explore: %s, step %d: %s", p, i+1, s.Action)},
			{"source", fmt.Sprintf("runner explore run %s against %s, seed %d", runID, t.Endpoint.Redacted(), f.Seed)},
			{"scope", runID + "-x"},
		}
		if s.Failed {
			meta = append(meta, [2]string{"shows", "the step where the " + string(p) + " property failed: " + f.Message})
		}
		meta = append(meta, t.ReplayMeta(s.Exchanges)...)
		var parts []exchange.Part
		for j, ex := range s.Exchanges {
			parts = append(parts,
				exchange.Part{Name: fmt.Sprintf("%d/request", j+1), Data: ex.Request},
				exchange.Part{Name: fmt.Sprintf("%d/response", j+1), Data: ex.Response})
		}
		data, err := exchange.Format(meta, parts)
		if err != nil {
			return nil, fmt.Errorf("recording step %d: %w", i+1, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return nil, err
		}
		files[i] = filepath.Join(dir, name)
	}
	return files, nil
}

// PrintSteps writes the failure's steps, numbered, each request with the
// line that sends it again: runner replay for a recorded page, else curl.
func PrintSteps(w io.Writer, t *live.Target, f *Failure, files []string) {
	for i, s := range f.Steps {
		mark := ""
		switch {
		case s.Failed:
			mark = "   <- fails here"
		case s.Cleanup:
			mark = "   (the sequence's cleanup)"
		case s.Between:
			mark = "   (between two pages of the walk before)"
		}
		fmt.Fprintf(w, "  %d. %s%s\n", i+1, s.Action, mark)
		for j, ex := range s.Exchanges {
			status := fmt.Sprintf("%d", ex.Status)
			if ex.Err != nil {
				status = ex.Err.Error()
			}
			line := t.Curl(ex, live.Signed)
			if i < len(files) && files[i] != "" {
				line = fmt.Sprintf("runner replay %s --exchange %d", files[i], j+1)
			}
			fmt.Fprintf(w, "     %s  # %s\n", line, status)
		}
	}
}

func slug(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, s)
}
