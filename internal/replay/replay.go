// Package replay loads recorded exchanges from disk or from the embedded
// fixtures and checks each against its vendor's contract.
package replay

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
)

// MaxFileSize bounds one recording, so a wrong path cannot exhaust memory.
const MaxFileSize = 64 << 20

// LoadPaths reads recordings from files and directories (every *.txtar
// below a directory). A path that cannot be read is an error: the caller
// exits 2 rather than report a partial run as clean.
func LoadPaths(paths []string) ([]*exchange.Recording, error) {
	files, err := Files(paths)
	if err != nil {
		return nil, err
	}
	var recs []*exchange.Recording
	for _, f := range files {
		rec, err := ReadFile(f)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// Files lists the recordings LoadPaths would read, in its order, so that
// a caller can read and check them one at a time: its memory is then that
// of the largest recording, not of them all.
func Files(paths []string) ([]string, error) {
	return FilesBelow(paths, func(name string) bool { return strings.HasSuffix(name, ".txtar") }, ".txtar recordings")
}

// FilesBelow lists the files named, and below each directory named the
// files keep takes, in name order; a directory with none is an error
// that says it holds no such files (what).
func FilesBelow(paths []string, keep func(name string) bool, what string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var below []string
		err = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && keep(name) {
				below = append(below, name)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(below) == 0 {
			return nil, fmt.Errorf("%s: no %s in this directory", p, what)
		}
		sort.Strings(below)
		files = append(files, below...)
	}
	return files, nil
}

// ReadFile reads one recording of at most MaxFileSize bytes.
func ReadFile(name string) (*exchange.Recording, error) { return readFile(name) }

func readFile(name string) (*exchange.Recording, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d a recording may have", name, info.Size(), MaxFileSize)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return exchange.Parse(filepath.ToSlash(name), data), nil
}

// LoadFS reads every *.txtar below dir in fsys; file names are given as
// prefix + their path in fsys, so embedded fixtures read as in the repo.
func LoadFS(fsys fs.FS, dir, prefix string) ([]*exchange.Recording, error) {
	var recs []*exchange.Recording
	err := fs.WalkDir(fsys, dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".txtar" {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		recs = append(recs, exchange.Parse(prefix+name, data))
		return nil
	})
	return recs, err
}

// Checker checks recordings against the contracts.
type Checker struct {
	Contracts *contract.Set
	// Vendor, when set, overrides each recording's own vendor line.
	Vendor string
}

// Check returns a recording's findings. A recording whose vendor has no
// contract is one exchange.format finding, not an error: one bad file
// does not stop the others from being checked.
func (c *Checker) Check(rec *exchange.Recording) []finding.Finding {
	vendor := c.Vendor
	if vendor == "" {
		vendor = rec.Vendor()
	}
	if vendor == "" {
		return rec.Problems
	}
	con, err := c.Contracts.Get(vendor)
	if err != nil {
		f := rec.At("exchange.format", 0, -1, fmt.Sprintf("vendor %q: %v", vendor, err))
		return append(append([]finding.Finding(nil), rec.Problems...), f)
	}
	return check.Recording(rec, con)
}

// Expected returns the findings a recording's expect lines name, as a
// baseline of its own.
func Expected(rec *exchange.Recording) map[finding.Key]exchange.Expectation {
	m := map[finding.Key]exchange.Expectation{}
	for _, e := range rec.Expect {
		m[e.Key] = e
	}
	return m
}
