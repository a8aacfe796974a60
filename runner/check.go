package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/internal/report"
	"github.com/getservice-conformance/gsc/schemas"
)

func runCheck(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vendor := fs.String("vendor", "", "check every recording against this vendor's contract (default: each recording's vendor line)")
	format := fs.String("format", "text", "output format: text or json")
	baselineFile := fs.String("baseline", "", "file of accepted findings")
	if err := fs.Parse(args); err != nil {
		return usagef("check: %v", err)
	}
	vendors := contract.Vendors(schemas.FS)
	if *vendor != "" && !slices.Contains(vendors, *vendor) {
		return usagef("check: unknown vendor %q (known: %s)", *vendor, strings.Join(vendors, ", "))
	}
	if *format != "text" && *format != "json" {
		return usagef("check: unknown format %q (want text or json)", *format)
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
	checker := &replay.Checker{Contracts: &contract.Set{FS: schemas.FS}, Vendor: *vendor}
	var all []finding.Finding
	checked := map[string]bool{}
	for _, rec := range recs {
		checked[rec.File] = true
		all = append(all, checker.Check(rec)...)
	}
	res := base.Compare(all, checked)
	if *format == "json" {
		err = report.JSON(stdout, res)
	} else {
		err = report.Text(stdout, res, len(recs))
	}
	if err != nil {
		return err
	}
	for _, f := range res.New {
		if f.Severity == finding.Error {
			return errFindings
		}
	}
	return nil
}
