package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/diff"
	"github.com/getservice-conformance/gsc/internal/outcome"
)

// indexSpecs wraps a run's recorder so that it also notes, in the
// directory's spec index, which spec wrote each recording: runner diff
// pairs two runs' recordings by spec, and classifies what differs by the
// spec's verdict on each side. A nil recorder stays nil.
func indexSpecs(dir string, open func(string) (io.WriteCloser, error)) func(string) (io.WriteCloser, error) {
	if open == nil {
		return nil
	}
	var mu sync.Mutex
	return func(name string) (io.WriteCloser, error) {
		if id := currentSpecID(); id != "" {
			mu.Lock()
			err := appendLine(filepath.Join(dir, diff.SpecIndexFile), name+"\t"+id+"\n")
			mu.Unlock()
			if err != nil {
				return nil, fmt.Errorf("spec index: %w", err)
			}
		}
		return open(name)
	}
}

// currentSpecID is the running spec's id as the reports show it, or ""
// outside a spec.
func currentSpecID() (id string) {
	defer func() {
		if recover() != nil {
			id = ""
		}
	}()
	s := ginkgo.CurrentSpecReport()
	if len(s.ContainerHierarchyTexts) == 0 {
		return ""
	}
	spec := strings.Join(append(slices.Clone(s.ContainerHierarchyTexts[1:]), s.LeafNodeText), " / ")
	return outcome.Slug(spec)
}

func appendLine(name, line string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
