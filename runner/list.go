package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

// listedSpec is one line of runner list --format json.
type listedSpec struct {
	Vendor string   `json:"vendor"`
	ID     string   `json:"id"`
	Spec   string   `json:"spec"`
	Labels []string `json:"labels"`
}

// runList prints the live specs a run would run, per vendor: Ginkgo walks
// the spec tree without running a node (a dry run), so the list is the
// tree runner run builds, narrowed by the same selection flags.
func runList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("list")
	vendor := fs.String("vendor", "", "list this vendor's specs only: "+strings.Join(contract.Vendors(schemas.FS), ", "))
	format := fs.String("format", "text", "output format: text (a line per spec) or json (an object per line)")
	var sf selectionFlags
	sf.register(fs, "'auth || pagination'", false)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("list: %w", err)
	}
	if len(pos) > 0 {
		return usagef("list: unexpected argument %q", pos[0])
	}
	if *format != "text" && *format != "json" {
		return usagef("list: unknown format %q (want text or json)", *format)
	}
	vendors := contract.Vendors(schemas.FS)
	if *vendor != "" {
		if !slices.Contains(vendors, *vendor) {
			return usagef("list: unknown vendor %q (known: %s)", *vendor, strings.Join(vendors, ", "))
		}
		vendors = []string{*vendor}
	}
	sel, err := sf.resolve("list")
	if err != nil {
		return err
	}
	targets := map[string]*live.Target{}
	for _, v := range vendors {
		// A target that is never reached: the specs only need its
		// contract, signature and region to be declared.
		lf := liveFlags{vendor: v, endpoint: "http://127.0.0.1:1", addressing: "path", timeout: live.DefaultLimits.Timeout, anonymous: true}
		t, err := lf.target()
		if err != nil {
			return fmt.Errorf("list: %s: %w", v, err)
		}
		targets[v] = t
	}
	suite.LiveRun = suite.LiveConfig{Targets: targets, RunID: "gsc-00000000", Buckets: 5, Ledger: &live.Ledger{}}
	suite.Current = suite.Config{Recordings: noRecordings}
	run, _, err := runGinkgo("GET Service specs", sel, false, true)
	if err != nil {
		return err
	}
	if len(run.Results) == 0 {
		return usagef("list: the selection matches no spec")
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		for _, r := range run.Results {
			if err := enc.Encode(listedSpec{Vendor: r.Vendor, ID: r.ID, Spec: r.Spec, Labels: r.Labels}); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VENDOR\tID\tSPEC\tLABELS")
	for _, r := range run.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Vendor, r.ID, r.Spec, strings.Join(r.Labels, ","))
	}
	return tw.Flush()
}
