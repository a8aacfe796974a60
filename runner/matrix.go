package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// runMatrix joins the results of several runs (runner run --results) into
// one report: the compatibility matrix of every target they ran against.
func runMatrix(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("matrix", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	title := fs.String("title", "GET Service compatibility", "the report's title")
	files := reportFiles{stdout: stdout}
	files.register(fs, "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("matrix: %w", err)
	}
	if len(paths) == 0 {
		return usagef("matrix: name at least one results file (runner run --results FILE)")
	}
	if files.junit == "" && files.results == "" && files.markdown == "" && files.html == "" {
		return usagef("matrix: name a report to write: --markdown, --html, --junit or --results")
	}
	if err := files.check("", ""); err != nil {
		return err
	}
	var runs []*outcome.Run
	for _, file := range paths {
		run, err := outcome.Load(file)
		if err != nil {
			return fmt.Errorf("matrix: %w", err)
		}
		runs = append(runs, run)
	}
	return files.write(outcome.Merge(*title, runs...), stderr)
}
