package main

import (
	"bytes"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/testenv"
)

// Nothing a run prints or writes holds a path of the machine: not the
// module's checkout (spec locations are module-relative), not the
// directory the run works in, not the home directory. Both commands run
// with every report, -v, and failures to report (a documentation defect,
// a missing request-id header), in a directory of their own, given
// relative report paths.
func TestNoMachinePathInOutput(t *testing.T) {
	root := testenv.ModuleRoot(t)
	noRequestID := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(dropHeader{w, "X-Amz-Request-Id"}, r)
		})
	}
	e := newEndpoint(t, "s3", noRequestID)
	reports := []string{"--junit", "junit.xml", "--results", "results.json", "--markdown", "summary.md", "--html", "report.html"}
	runs := map[string][]string{
		"conformance": append([]string{"conformance", "-v"}, reports...),
		"run":         append([]string{"run", "-v", "--vendor", "s3", "--endpoint", e.url, "--record", "recorded"}, reports...),
	}
	for name, args := range runs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := runnerCmd(t, args...)
			cmd.Dir = dir
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Fatalf("exit %d, want 1 (findings to report)\n%.3000s", code, out)
			}
			outputs := map[string][]byte{"output": out}
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				outputs[p], err = os.ReadFile(p)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"junit.xml", "results.json", "summary.md", "report.html"} {
				if !bytes.Contains(outputs[filepath.Join(dir, f)], []byte("internal/suite/")) {
					t.Errorf("%s shows no module-relative spec location (internal/suite/...)", f)
				}
			}
			if name == "run" && len(outputs) < 10 {
				t.Errorf("%d files written; want the reports and the recordings", len(outputs)-1)
			}
			paths := map[string]string{"the module root": root, "the run's directory": dir, "its parent": filepath.Dir(dir)}
			if home, err := os.UserHomeDir(); err == nil && len(home) > 1 {
				paths["the home directory"] = home + string(filepath.Separator)
			}
			for file, data := range outputs {
				for what, p := range paths {
					if i := bytes.Index(data, []byte(p)); i >= 0 {
						t.Errorf("%s holds %s: ...%s...", strings.TrimPrefix(file, dir+"/"), what, lineAround(data, i))
					}
				}
			}
		})
	}
}

// lineAround is the line around data[i].
func lineAround(data []byte, i int) []byte {
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	end := i + bytes.IndexByte(append(data[i:], '\n'), '\n')
	return data[start:min(end, start+200)]
}
