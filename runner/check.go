package main

import (
	"flag"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/capture"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/internal/report"
	"github.com/getservice-conformance/gsc/schemas"
)

// runCheck is `runner check`. It writes the report to stdout and what is wrong with the baseline
// to stderr, so that a JSON or SARIF report stays one document.
func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	vendor := fs.String("vendor", "", "check every recording against this vendor's contract (default: each recording's vendor line; for a capture, told from each entry's host, headers or body)")
	format := fs.String("format", "text", "output format: text, json or sarif")
	baselineFile := fs.String("baseline", "", "file of accepted findings")
	gf := addGateFlags(fs)
	files := reportFiles{stdout: stdout} // the played-back specs' reports
	files.register(fs, "")
	inputs, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("check: %w", err)
	}
	vendors := contract.Vendors(schemas.FS)
	if *vendor != "" && !slices.Contains(vendors, *vendor) {
		return usagef("check: unknown vendor %q (known: %s)", *vendor, strings.Join(vendors, ", "))
	}
	if !slices.Contains([]string{"text", "json", "sarif"}, *format) {
		return usagef("check: unknown format %q (want text, json or sarif)", *format)
	}
	if len(inputs) == 0 {
		return usagef("check: name at least one recording file or directory")
	}
	base, err := loadBaseline(*baselineFile)
	if err != nil {
		return err
	}
	// One recording at a time: memory is that of the largest, not the sum.
	names, err := checkFiles(inputs)
	if err != nil {
		return err
	}
	tape, err := findTape(inputs)
	if err != nil {
		return err
	}
	checker := &replay.Checker{Contracts: &contract.Set{FS: schemas.FS}, Vendor: *vendor}
	var all []finding.Finding
	checked := map[string]bool{}
	paths := map[string]string{} // recording name -> path, to read its source again for SARIF
	for _, name := range names {
		// HAR, go-vcr and curl captures: placed in their own file (capture).
		imp, err := checkImport(name, capture.Options{Contracts: checker.Contracts, Vendor: *vendor}, stderr)
		if err != nil {
			return err
		}
		if imp != nil {
			checked[imp.File], paths[imp.File] = true, name
			all = append(all, imp.Check(checker.Check)...)
			continue
		}
		rec, err := replay.ReadFile(name)
		if err != nil {
			return err
		}
		if err := tape.holds(rec); err != nil {
			return err
		}
		checked[rec.File] = true
		paths[rec.File] = name
		all = append(all, checker.Check(rec)...)
	}
	res := base.CompareAt(all, checked, time.Now())
	switch *format {
	case "json":
		err = report.JSON(stdout, res)
	case "sarif":
		err = report.SARIF(stdout, res, report.SARIFOptions{
			Source: func(file string) []byte {
				data, err := os.ReadFile(paths[file])
				if err != nil {
					return nil // the results give the line only
				}
				return data
			},
			Baseline:       *baselineFile,
			StrictBaseline: gf.StrictBaseline,
		})
	default:
		err = report.Text(stdout, res, len(names))
	}
	if err != nil {
		return err
	}
	reportBaseline(stderr, *baselineFile, res.Stale, res.Expired, gf.StrictBaseline)
	if tape != nil {
		verdicts := stdout
		if *format != "text" {
			verdicts = stderr
		}
		return tape.judge(files, base, *baselineFile, *gf, verdicts, stderr)
	}
	return gate(tallyFindings(res), *gf)
}
