package main

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

// runExit runs the runner and returns its exit code and output.
func runExit(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := runnerCmd(t, args...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	case err != nil:
		t.Fatalf("runner: %v", err)
	}
	return 0, string(out)
}

// recordAndReplay runs the live specs against a reference endpoint of c
// with faults, recording, then checks the recordings offline; it returns
// both runs' exits and outcomes.
func recordAndReplay(t *testing.T, c *contract.Contract, creds string, faults ...refserver.Fault) (live, offline runOutcome) {
	t.Helper()
	srv := httptest.NewServer(refserver.New(c, refserver.Options{
		Keys: map[string]string{suite.ExampleAccessKey: suite.ExampleSecretKey}, Faults: faults,
	}))
	dir := t.TempDir()
	record := filepath.Join(dir, "recorded")
	for _, side := range []struct {
		o    *runOutcome
		args []string
	}{
		{&live, append([]string{"run", "--vendor", c.Profile.Vendor, "--endpoint", srv.URL, "--credentials", creds, "--record", record, "--junit", ""}, groupArgs(c)...)},
		{&offline, []string{"check", record}},
	} {
		if side.o == &offline {
			srv.Close() // offline means offline: nothing may reach the endpoint
		}
		results := filepath.Join(dir, side.args[0]+".json")
		args := append([]string{side.args[0], "--results", results}, side.args[1:]...)
		side.o.exit, side.o.output = runExit(t, args...)
		run, err := outcome.Load(results)
		if err != nil {
			t.Fatalf("runner %s: exit %d: %v\n%s", side.args[0], side.o.exit, err, side.o.output)
		}
		side.o.results = run.Results
	}
	return live, offline
}

// sameVerdicts says how two runs' verdicts differ, spec by spec: status
// and summary.
func sameVerdicts(live, offline runOutcome) []string {
	var diffs []string
	byID := map[string]outcome.Result{}
	for _, r := range offline.results {
		byID[r.ID] = r
	}
	for _, l := range live.results {
		o, ok := byID[l.ID]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: %s live, not run offline", l.ID, l.Status))
		case o.Status != l.Status || o.Summary != l.Summary:
			diffs = append(diffs, fmt.Sprintf("%s: live %s %q, offline %s %q", l.ID, l.Status, l.Summary, o.Status, o.Summary))
		}
		delete(byID, l.ID)
	}
	for id, o := range byID {
		diffs = append(diffs, fmt.Sprintf("%s: %s offline, not run live", id, o.Status))
	}
	if live.exit != offline.exit {
		diffs = append(diffs, fmt.Sprintf("exit %d live, %d offline", live.exit, offline.exit))
	}
	return diffs
}

// TestOfflineVerdicts: a live run, recorded, reproduces offline: for
// every vendor, against the clean reference endpoint and with each fault
// of the mutation table, runner check on the recordings reaches the same
// verdict for every spec (status and summary) and the same exit as the
// live run, with the endpoint gone.
func TestOfflineVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the runner twice per vendor and fault")
	}
	table := loadMutations(t)
	creds := exampleCredentials(t)
	for _, vendor := range contract.Vendors(schemas.FS) {
		c, err := contract.Load(schemas.FS, vendor)
		if err != nil {
			t.Fatal(err)
		}
		cases := [][]refserver.Fault{nil}
		for _, f := range refserver.Faults(c) {
			if table.lookup(f, vendor) != nil { // TestMutations says when a line is missing
				cases = append(cases, []refserver.Fault{f})
			}
		}
		for _, faults := range cases {
			name := vendor + "/clean"
			if faults != nil {
				name = vendor + "/" + string(faults[0])
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				live, offline := recordAndReplay(t, c, creds, faults...)
				if diffs := sameVerdicts(live, offline); len(diffs) > 0 {
					t.Errorf("offline verdicts differ from the live run's:\n%s\n--- live:\n%s\n--- offline:\n%s", strings.Join(diffs, "\n"), live.output, offline.output)
				}
				if faults == nil && live.exit != 0 {
					t.Errorf("the clean run: exit %d\n%s", live.exit, live.output)
				}
			})
		}
	}
}

// runner check refuses to play back a mix: two runs' tapes, or a tape
// with recordings of something else; a directory without a tape is
// checked for findings only, as before.
func TestCheckRefusesAMix(t *testing.T) {
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	creds := exampleCredentials(t)
	srv := httptest.NewServer(refserver.New(c, refserver.Options{Keys: map[string]string{suite.ExampleAccessKey: suite.ExampleSecretKey}}))
	defer srv.Close()
	one, two := t.TempDir(), t.TempDir()
	for _, dir := range []string{one, two} {
		if code, out := runExit(t, "run", "--vendor", "s3", "--endpoint", srv.URL, "--credentials", creds, "--record", dir, "--junit", "", "--label-filter", "headers"); code != 0 {
			t.Fatalf("run: exit %d\n%s", code, out)
		}
	}
	other, err := os.ReadFile(filepath.Join(two, "s3-headers.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if code, out := runExit(t, "check", one); code != 0 || !strings.Contains(out, "played back:\n  pass        answers-with-the-contract-s-headers") {
		t.Errorf("check of one run: exit %d, want 0 with the played-back verdict\n%s", code, out)
	}
	if code, out := runExit(t, "check", one, two); code != 2 || !strings.Contains(out, "are the tapes of two live runs") {
		t.Errorf("check of two runs: exit %d, want 2 naming both tapes\n%s", code, out)
	}
	if err := os.WriteFile(filepath.Join(one, "other.txtar"), other, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := runExit(t, "check", one); code != 2 || !strings.Contains(out, "other.txtar is not a recording of the run") {
		t.Errorf("check of a tape and another run's recording: exit %d, want 2\n%s", code, out)
	}
	// A spec whose requests the tape does not hold could not run, and
	// says which request: the run was of the headers spec only.
	tape := filepath.Join(one, "s3.tape")
	src, err := os.ReadFile(tape)
	if err != nil || os.Remove(filepath.Join(one, "other.txtar")) != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tape, []byte(strings.Replace(string(src), "label-filter: headers\n", "label-filter: \n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := runExit(t, "check", one); code != 2 || !strings.Contains(out, "playback: the recordings hold no answer to GET") {
		t.Errorf("check of specs the run did not run: exit %d, want 2 naming an unrecorded request\n%s", code, out)
	}
	if err := os.Remove(filepath.Join(two, "s3.tape")); err != nil {
		t.Fatal(err)
	}
	if code, out := runExit(t, "check", two); code != 0 || strings.Contains(out, "played back") {
		t.Errorf("check without a tape: exit %d, want 0 and findings only\n%s", code, out)
	}
}
