package main

import (
	"io"
	"os"
	"strings"

	"github.com/getservice-conformance/gsc/internal/suite"
)

// trimPaths wraps what Ginkgo's own console report (-v) is written to: it
// names each spec by its absolute file and the suite by the working
// directory. They come out module-relative and as ".", so no output holds
// a path of the machine. Ginkgo writes whole lines, never part of a path.
func trimPaths(w io.Writer) io.Writer {
	var pairs []string
	if suite.ModuleDir != "" {
		pairs = append(pairs, suite.ModuleDir, "")
	}
	if wd, err := os.Getwd(); err == nil && wd != "/" {
		pairs = append(pairs, wd+string(os.PathSeparator), "", wd, ".")
	}
	return pathTrimmer{w, strings.NewReplacer(pairs...)}
}

type pathTrimmer struct {
	w io.Writer
	r *strings.Replacer
}

func (p pathTrimmer) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, p.r.Replace(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}
