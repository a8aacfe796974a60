package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/live"
)

// cleanupTimeout bounds a run's cleanup as a whole; cleanupLimits bound
// each of its requests, whatever --timeout the run had (a run given 1ms
// must still clean up).
const cleanupTimeout = 2 * time.Minute

var cleanupLimits = live.DefaultLimits

// runInterruptNote is what a spec run says when the first signal arrives.
const runInterruptNote = "stopping the run, then deleting its buckets (a signal during the cleanup abandons it)"

// settle ends a spec run: it deletes what the run created, on every path
// and on a context and client of its own, says what it deleted and what
// it could not, and decides what the run's error becomes: an interruption
// outranks everything (exit 130 or 143), then buckets left behind (exit
// 2: the account needs attention), then the run's own error.
func settle(sigs *signals, l *live.Ledger, runID string, runErr error, stderr io.Writer) error {
	ctx, cancel := sigs.cleanupContext(cleanupTimeout)
	c := l.Cleanup(ctx, cleanupLimits)
	cancel()

	done := fmt.Sprintf("cleaned up %d bucket(s)", len(c.Deleted))
	if len(c.Absent) > 0 {
		done += fmt.Sprintf(" (%d unsettled create(s) had made none)", len(c.Absent))
	}
	left := ""
	if len(c.Left) > 0 {
		var names []string
		for _, b := range c.Left {
			names = append(names, b.Bucket+" ("+b.Reason+")")
		}
		left = fmt.Sprintf("; %d bucket(s) may be left: %s; delete them with: %s",
			len(c.Left), strings.Join(names, ", "), cleanupCommand(c.Left[0].Target, runID))
	}

	if sig := sigs.received(); sig != nil {
		why := "interrupted by " + signalName(sig)
		if again := sigs.abandoned(); again != nil {
			why += "; " + signalName(again) + " during the cleanup stopped it"
		}
		return errors.Join(interrupted{sig.(syscall.Signal), why + ": " + done + left}, runErr)
	}
	if left != "" {
		return errors.Join(runErr, fmt.Errorf("run %s: %s%s", runID, done, left))
	}
	if len(c.Deleted)+len(c.Absent) > 0 {
		fmt.Fprintf(stderr, "run %s: %s\n", runID, done)
	}
	return runErr
}

// cleanupCommand is the runner cleanup line that finds and deletes a
// run's buckets on t: with the connection flags the run was given, so
// that it signs and addresses as the run did (the keys stay in the
// environment, as for the run).
func cleanupCommand(t *live.Target, runID string) string {
	args := []string{"runner cleanup --vendor", t.Contract.Profile.Vendor, "--endpoint", t.Endpoint.Redacted()}
	if t.Region != "" {
		args = append(args, "--region", t.Region)
	}
	if t.Signature != "" {
		args = append(args, "--signature", t.Signature)
	}
	if t.Addressing != "" && t.Addressing != "path" {
		args = append(args, "--addressing", t.Addressing)
	}
	if appid := strings.TrimPrefix(t.BucketSuffix, "-"); appid != "" {
		args = append(args, "--appid", appid)
	}
	return strings.Join(append(args, "--run", runID, "--yes"), " ")
}

// runIDPattern is what newRunID makes.
var runIDPattern = regexp.MustCompile(`^gsc-[0-9a-f]{8}$`)

// runBuckets matches the names of the buckets runs create: the run id,
// then a two-digit index (runner run) or x and a name's body (runner
// explore), then the target's suffix, and nothing else.
func runBuckets(runID, suffix string) *regexp.Regexp {
	id := `gsc-[0-9a-f]{8}`
	if runID != "" {
		id = regexp.QuoteMeta(runID)
	}
	return regexp.MustCompile(`^` + id + `-([0-9]{2}|x[a-z0-9][a-z0-9.-]*)` + regexp.QuoteMeta(suffix) + `$`)
}

// runCleanup lists the buckets earlier runs left (a run killed before its
// own cleanup) and, with --yes, deletes them.
func runCleanup(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cleanup", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	var lf liveFlags
	lf.register(fs)
	runID := fs.String("run", "", "the run whose buckets to delete (printed at its start: run gsc-xxxxxxxx: ...)")
	allRuns := fs.Bool("all-runs", false, "every run's buckets: every name gsc-xxxxxxxx-NN or gsc-xxxxxxxx-x... (runner explore's), with the --appid suffix")
	yes := fs.Bool("yes", false, "delete the buckets found; without it, only list them")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("cleanup: %w", err)
	}
	if len(pos) > 0 {
		return usagef("cleanup: unexpected argument %q", pos[0])
	}
	switch {
	case (*runID == "") == !*allRuns:
		return usagef("cleanup: name one run with --run ID, or every run with --all-runs")
	case *runID != "" && !runIDPattern.MatchString(*runID):
		return usagef("cleanup: --run %q is not a run id (gsc- and 8 hex digits)", *runID)
	}
	t, err := lf.target()
	if err != nil {
		return err
	}
	sigs := catchSignals(stderr, "stopping")
	defer sigs.stop()
	ctx := sigs.ctx
	match := runBuckets(*runID, t.BucketSuffix)
	prefix := "gsc-"
	if *runID != "" {
		prefix = *runID + "-"
	}
	names, err := listAll(ctx, t, prefix)
	if sig := sigs.received(); sig != nil {
		return interrupted{sig.(syscall.Signal), "interrupted by " + signalName(sig) + ": nothing deleted"}
	}
	if err != nil {
		return fmt.Errorf("cleanup: listing the buckets: %w", err)
	}
	var found []string
	for _, n := range names {
		if match.MatchString(n) {
			found = append(found, n)
		}
	}
	which := "earlier runs"
	if *runID != "" {
		which = "run " + *runID
	}
	if !*yes {
		for _, n := range found {
			fmt.Fprintln(stdout, n)
		}
		fmt.Fprintf(stderr, "%d bucket(s) of %s at %s; nothing deleted: add --yes to delete them\n", len(found), which, t.Endpoint.Redacted())
		return nil
	}
	var failed []string
	for _, n := range found {
		ex := t.DeleteBucket(ctx, n)
		switch {
		case ex.Err == nil && (ex.Status/100 == 2 || ex.Status == 404):
			fmt.Fprintf(stdout, "deleted %s\n", n)
		case ex.Err != nil:
			failed = append(failed, fmt.Sprintf("%s (%v)", n, ex.Err))
		default:
			why := strconv.Itoa(ex.Status)
			if code := check.ErrorCode(t.Contract, ex.Body); code != "" {
				why += " " + code
			}
			failed = append(failed, fmt.Sprintf("%s (status %s)", n, why))
		}
	}
	done := fmt.Sprintf("deleted %d of %d bucket(s) of %s at %s", len(found)-len(failed), len(found), which, t.Endpoint.Redacted())
	if sig := sigs.received(); sig != nil {
		return interrupted{sig.(syscall.Signal), "interrupted by " + signalName(sig) + ": " + done}
	}
	fmt.Fprintln(stderr, done)
	if len(failed) > 0 {
		return fmt.Errorf("cleanup: could not delete %d bucket(s): %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// maxCleanupPages bounds a cleanup's walk of the listing.
const maxCleanupPages = 1000

// listAll walks the whole listing, the way the profile paginates (offset,
// token or marker), at the largest page the profile allows, with prefix
// where the profile has a prefix filter (the names are matched again: a
// server that ignores the filter lists more, never less). It stops with
// an error on a failed page, a continuation seen twice (a cycle) or after
// maxCleanupPages pages.
func listAll(ctx context.Context, t *live.Target, prefix string) ([]string, error) {
	p := t.Contract.Profile
	size := p.Params.PageSize.Max
	if size == 0 {
		size = p.Params.PageSize.Default
	}
	var in live.Intent
	if p.Params.PageSize.Name != "" && size > 0 {
		in.PageSize = strconv.Itoa(size)
	}
	if p.Params.Prefix != "" {
		in.Prefix = prefix
	}
	var names []string
	seen := map[string]bool{}
	listed := map[string]bool{}
	offset := 0
	for page := 1; page <= maxCleanupPages; page++ {
		ex := t.List(ctx, in)
		if ex.Err != nil {
			return nil, fmt.Errorf("page %d: %w", page, ex.Err)
		}
		if ex.Status != 200 {
			why := strconv.Itoa(ex.Status)
			if code := check.ErrorCode(t.Contract, ex.Body); code != "" {
				why += " " + code
			}
			return nil, fmt.Errorf("page %d: status %s", page, why)
		}
		pg := check.ReadPage(t.Contract, ex.Body)
		offset += len(pg.Names)
		for _, n := range pg.Names {
			if !listed[n] { // an offset listing may shift under the walk
				listed[n] = true
				names = append(names, n)
			}
		}
		var next string
		switch {
		case p.Params.Offset != "":
			if in.PageSize == "" || len(pg.Names) < size || len(pg.Names) == 0 {
				return names, nil
			}
			next = strconv.Itoa(offset)
			in.Offset = next
		case p.Params.Token != "" && pg.Next != "":
			next = pg.Next
			in.Token = next
		case p.Params.Marker != "" && pg.Truncated == "true":
			next = pg.Next
			if next == "" && len(pg.Names) > 0 {
				next = pg.Names[len(pg.Names)-1]
			}
			if next == "" {
				return nil, fmt.Errorf("page %d is truncated and names no next marker", page)
			}
			in.Marker = next
		default:
			return names, nil
		}
		if seen[next] {
			return nil, fmt.Errorf("page %d leads back to %q, seen before: the listing cycles", page, next)
		}
		seen[next] = true
	}
	return nil, fmt.Errorf("the listing did not end after %d pages", maxCleanupPages)
}
