package diff

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/outcome"
)

// SpecIndexFile is the file of a recorded run's directory that names the
// spec of each recording, one "FILE<TAB>SPEC-ID" line per recording (the
// last line of a file wins).
const SpecIndexFile = "specs.tsv"

// Side is one endpoint's run of the live specs: what it answered and
// what the specs made of it.
type Side struct {
	RunID      string
	Recordings map[string]*exchange.Recording // by file name
	Specs      map[string]string              // recording file: spec id
	Results    map[string]outcome.Result      // by spec id
}

// LoadSide reads a run recorded into dir (runner run --record) and its
// spec outcomes (runner run --results, or runner check's playback of it).
func LoadSide(dir string, run *outcome.Run) (*Side, error) {
	s := &Side{RunID: run.RunID, Recordings: map[string]*exchange.Recording{}, Specs: map[string]string{}, Results: map[string]outcome.Result{}}
	if s.RunID == "" {
		return nil, fmt.Errorf("%s: the results name no run id", dir)
	}
	for _, r := range run.Results {
		s.Results[r.ID] = r
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s.Recordings[filepath.Base(f)] = exchange.Parse(filepath.Base(f), src)
	}
	idx, err := os.Open(filepath.Join(dir, SpecIndexFile))
	if err != nil {
		return nil, fmt.Errorf("%s: no spec index (%s): record the run again with this runner: %w", dir, SpecIndexFile, err)
	}
	defer idx.Close()
	sc := bufio.NewScanner(idx)
	for sc.Scan() {
		if file, spec, ok := strings.Cut(sc.Text(), "\t"); ok {
			s.Specs[file] = spec
		}
	}
	return s, sc.Err()
}
