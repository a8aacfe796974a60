package main

import (
	"errors"
	"flag"
	"io"
	"testing"

	"github.com/getservice-conformance/gsc/internal/finding"
)

// Each rule of the gate, once where it fails a run and once where it
// does not.
func TestGate(t *testing.T) {
	byDefault := gateFlags{FailOn: severityFlag(finding.Error)}
	onWarning := gateFlags{FailOn: severityFlag(finding.Warning)}
	strict := gateFlags{FailOn: severityFlag(finding.Error), StrictBaseline: true}
	tests := []struct {
		name  string
		tally tally
		flags gateFlags
		fails bool
	}{
		{"nothing", tally{}, strict, false},
		{"a new error", tally{Errors: 1}, byDefault, true},
		{"a failed spec", tally{Failed: 1}, byDefault, true},
		{"a warning", tally{Warnings: 2}, byDefault, false},
		{"a warning, --fail-on warning", tally{Warnings: 2}, onWarning, true},
		{"a stale entry", tally{Stale: 1}, byDefault, false},
		{"a stale entry, --strict-baseline", tally{Stale: 1}, strict, true},
		{"an expired entry", tally{Expired: 1}, onWarning, false},
		{"an expired entry, --strict-baseline", tally{Expired: 1}, strict, true},
	}
	for _, tt := range tests {
		err := gate(tt.tally, tt.flags)
		if fails := errors.Is(err, errFindings); fails != tt.fails || (err != nil) != tt.fails {
			t.Errorf("%s: gate = %v, want failing %v", tt.name, err, tt.fails)
		}
	}
}

func TestGateFlags(t *testing.T) {
	tests := []struct {
		args   []string
		failOn finding.Severity
		strict bool
		bad    bool
	}{
		{nil, finding.Error, false, false},
		{[]string{"--fail-on", "warning", "--strict-baseline"}, finding.Warning, true, false},
		{[]string{"--fail-on=error"}, finding.Error, false, false},
		{[]string{"--fail-on", "info"}, 0, false, true},
		{[]string{"--fail-on", "Warning"}, 0, false, true},
		{[]string{"--fail-on", ""}, 0, false, true},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		g := addGateFlags(fs)
		err := fs.Parse(tt.args)
		if (err != nil) != tt.bad {
			t.Errorf("%q: error %v, want bad %v", tt.args, err, tt.bad)
			continue
		}
		if !tt.bad && (finding.Severity(g.FailOn) != tt.failOn || g.StrictBaseline != tt.strict) {
			t.Errorf("%q: fail-on %v, strict %v", tt.args, g.FailOn.String(), g.StrictBaseline)
		}
	}
}
