package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/baseline"
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
	vendor := fs.String("vendor", "", "check every recording against this vendor's contract (default: each recording's vendor line)")
	format := fs.String("format", "text", "output format: text, json or sarif")
	baselineFile := fs.String("baseline", "", "file of accepted findings")
	gf := addGateFlags(fs)
	files := reportFiles{stdout: stdout} // the played-back specs' reports
	files.register(fs, "")
	if err := fs.Parse(args); err != nil {
		return usagef("check: %w", err)
	}
	vendors := contract.Vendors(schemas.FS)
	if *vendor != "" && !slices.Contains(vendors, *vendor) {
		return usagef("check: unknown vendor %q (known: %s)", *vendor, strings.Join(vendors, ", "))
	}
	if !slices.Contains([]string{"text", "json", "sarif"}, *format) {
		return usagef("check: unknown format %q (want text, json or sarif)", *format)
	}
	if fs.NArg() == 0 {
		return usagef("check: name at least one recording file or directory")
	}
	var base *baseline.Baseline
	if *baselineFile != "" {
		var err error
		if base, err = baseline.Load(*baselineFile); err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
	}
	recs, err := replay.LoadPaths(fs.Args())
	if err != nil {
		return err
	}
	tape, err := findTape(fs.Args(), recs)
	if err != nil {
		return err
	}
	checker := &replay.Checker{Contracts: &contract.Set{FS: schemas.FS}, Vendor: *vendor}
	var all []finding.Finding
	checked := map[string]bool{}
	src := map[string][]byte{}
	for _, rec := range recs {
		checked[rec.File] = true
		src[rec.File] = rec.Src
		all = append(all, checker.Check(rec)...)
	}
	res := base.CompareAt(all, checked, time.Now())
	switch *format {
	case "json":
		err = report.JSON(stdout, res)
	case "sarif":
		err = report.SARIF(stdout, res, report.SARIFOptions{
			Source:         func(file string) []byte { return src[file] },
			Baseline:       *baselineFile,
			StrictBaseline: gf.StrictBaseline,
		})
	default:
		err = report.Text(stdout, res, len(recs))
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
