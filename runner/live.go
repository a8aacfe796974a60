package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/redact"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

// noRecordings makes the recorded-exchange specs register nothing.
var noRecordings = []*exchange.Recording{}

// newRunID names a run: every bucket it creates starts with it.
func newRunID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return "gsc-" + hex.EncodeToString(b)
}

// redactURL hides a password in a URL that may not parse.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			return scheme + "://" + redact.Mask + rest[at:]
		}
	}
	return raw
}

// liveFlags are the flags that say how to reach an endpoint.
type liveFlags struct {
	vendor, endpoint, region, signature, addressing, appid          string
	credentials, caFile, contractProfile, awsProfile, resourceGroup string
	insecure                                                        bool
	anonymous                                                       bool // no credentials: runner list only declares specs
	timeout                                                         time.Duration
}

func (f *liveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.vendor, "vendor", "", "the endpoint's vendor: "+strings.Join(contract.Vendors(schemas.FS), ", "))
	fs.StringVar(&f.endpoint, "endpoint", "", "the endpoint's URL, e.g. https://s3.us-east-1.amazonaws.com")
	fs.StringVar(&f.region, "region", "", "the region or zone (default: the profile's)")
	fs.StringVar(&f.signature, "signature", "", "the signature to use (default: the profile's first): "+strings.Join(signer.Dialects(), ", "))
	fs.StringVar(&f.addressing, "addressing", "path", "bucket addressing for set-up calls: path or virtual")
	fs.StringVar(&f.appid, "appid", "", "COS: the APPID that ends every bucket name")
	fs.StringVar(&f.credentials, "credentials", "", "a file of access_key_id = ..., secret_access_key = ..., session_token = ... lines (default: the vendor's environment variables, then its tools' configuration files)")
	fs.StringVar(&f.awsProfile, "profile", "", "s3, scality: the profile of the AWS shared config and credentials files to take the keys from (default: AWS_PROFILE, else default)")
	fs.StringVar(&f.resourceGroup, "resource-group", "", "OSS: a resource group id; the run creates one of its buckets in it to judge x-oss-resource-group-id by (without it, that spec is skipped)")
	fs.StringVar(&f.caFile, "ca-file", "", "PEM certificates to trust for TLS")
	fs.StringVar(&f.contractProfile, "contract-profile", "", "a profile.json to use instead of the vendor's own (schemas/<vendor>/profile.json), e.g. with an endpoint's own limits")
	fs.BoolVar(&f.insecure, "insecure-skip-verify", false, "do not verify the endpoint's TLS certificate")
	fs.DurationVar(&f.timeout, "timeout", live.DefaultLimits.Timeout, "the longest one exchange may take")
}

// target builds the live target the flags describe.
func (f *liveFlags) target() (*live.Target, error) {
	vendors := contract.Vendors(schemas.FS)
	if !slices.Contains(vendors, f.vendor) {
		return nil, usagef("run: --vendor must be one of %s", strings.Join(vendors, ", "))
	}
	u, err := url.Parse(f.endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("run: --endpoint %q is not an http or https URL", redactURL(f.endpoint))
	}
	if u.User != nil {
		// A password here would be printed, recorded and sent as Basic auth.
		return nil, usagef("run: --endpoint %s carries user information: drop it; credentials come from --credentials or the environment", u.Redacted())
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, usagef("run: --endpoint %s: port %s is not between 1 and 65535", u.Redacted(), p)
		}
	}
	if f.timeout <= 0 {
		return nil, usagef("run: --timeout must be more than 0 (it bounds every exchange), not %s", f.timeout)
	}
	if f.addressing != "path" && f.addressing != "virtual" {
		return nil, usagef("run: --addressing must be path or virtual")
	}
	var contracts fs.FS = schemas.FS
	if f.contractProfile != "" {
		contracts = profileOverlay{FS: schemas.FS, name: f.vendor + "/profile.json", file: f.contractProfile}
	}
	c, err := contract.Load(contracts, f.vendor)
	if err != nil {
		return nil, err
	}
	sig := f.signature
	if sig == "" && len(c.Profile.Auth.Signatures) > 0 {
		sig = c.Profile.Auth.Signatures[0]
	}
	if !slices.Contains(c.Profile.Auth.Signatures, sig) {
		return nil, usagef("run: --signature %q is not one %s accepts (%s)", sig, f.vendor, strings.Join(c.Profile.Auth.Signatures, ", "))
	}
	region := f.region
	if region == "" && c.Profile.Reference != nil {
		region = c.Profile.Reference.Region
	}
	var creds signer.Credentials
	if !f.anonymous {
		if creds, err = credentials(f); err != nil {
			return nil, err
		}
	}
	tlsConfig := &tls.Config{InsecureSkipVerify: f.insecure}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		tlsConfig.RootCAs = x509.NewCertPool()
		if !tlsConfig.RootCAs.AppendCertsFromPEM(pem) {
			return nil, usagef("run: --ca-file %s holds no PEM certificate", f.caFile)
		}
	}
	limits := live.DefaultLimits
	limits.Timeout = f.timeout
	suffix := ""
	if f.appid != "" {
		suffix = "-" + f.appid
	}
	if f.resourceGroup != "" && c.Profile.Params.ResourceGroupHeader == "" {
		return nil, usagef("run: --resource-group: %s has no resource groups", f.vendor)
	}
	return &live.Target{
		Contract: c, Endpoint: u, Creds: creds, Signature: sig, Region: region,
		Addressing: f.addressing, BucketSuffix: suffix, ResourceGroup: f.resourceGroup,
		Client: live.NewClient(limits, tlsConfig), TLS: tlsConfig,
	}, nil
}

// profileOverlay is the embedded contracts with one profile replaced by a
// file of the user's.
type profileOverlay struct {
	fs.FS
	name, file string
}

func (o profileOverlay) Open(name string) (fs.File, error) {
	if name == o.name {
		return os.Open(o.file)
	}
	return o.FS.Open(name)
}

// recorder opens recordings in dir.
func recorder(dir string) (func(string) (io.WriteCloser, error), error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--record: %w", err)
	}
	return func(name string) (io.WriteCloser, error) {
		return os.Create(filepath.Join(dir, name))
	}, nil
}

func runLive(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	var lf liveFlags
	lf.register(fs)
	readOnly := fs.Bool("read-only", false, "create nothing; check the listing that exists")
	buckets := fs.Int("buckets", 5, "buckets to create for pagination and filter specs")
	record := fs.String("record", "", "write every exchange, redacted, as recordings into this directory")
	name := fs.String("name", "", "what the reports call the target, e.g. versitygw (default: the vendor)")
	baselineFile := fs.String("baseline", "", "file of accepted spec outcomes (spec TARGET SPEC-ID STATUS [expires=DATE] REASON)")
	gf := addGateFlags(fs)
	writeBaseline := fs.String("write-baseline", "", "write the run's failed and unsupported specs as a baseline to this file (their summaries as reasons: edit them)")
	files := reportFiles{stdout: stdout}
	files.register(fs, "reports/junit.xml")
	var sf selectionFlags
	sf.register(fs, "'auth || pagination'", true)
	verbose := fs.Bool("v", false, "print every spec, and every exchange (redacted) as it happens")
	deadline := deadlineFlag(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("run: %w", err)
	}
	if len(pos) > 0 {
		return usagef("run: unexpected argument %q", pos[0])
	}
	if *buckets < 1 || *buckets > 100 {
		return usagef("run: --buckets must be between 1 and 100")
	}
	if *deadline <= 0 {
		return usagef("run: --deadline must be more than 0")
	}
	sel, err := sf.resolve("run")
	if err != nil {
		return err
	}
	base, err := loadBaseline(*baselineFile)
	if err != nil {
		return err
	}
	if err := files.check(*record, *writeBaseline); err != nil {
		return err
	}
	t, err := lf.target()
	if err != nil {
		return err
	}
	t.Name = *name
	rec, err := recorder(*record)
	if err != nil {
		return err
	}
	rec = indexSpecs(*record, rec)
	if rec != nil {
		// Every attempt, for runner check to play back: spooled to disk
		// as it is made, so that memory does not grow with the pages.
		tape, err := live.SpoolTape(tapeFile(*record, t.Contract.Profile.Vendor))
		if err != nil {
			return fmt.Errorf("--record: %w", err)
		}
		defer tape.Discard() // the spool goes whichever way the run ends
		t.Client.Tape = tape
	}
	sigs := catchSignals(stderr, runInterruptNote)
	defer sigs.stop()
	ctx, cancelDeadline := context.WithTimeout(sigs.ctx, *deadline)
	defer cancelDeadline()
	ledger := &live.Ledger{}
	suite.LiveRun = suite.LiveConfig{
		Targets: map[string]*live.Target{lf.vendor: t}, RunID: newRunID(), ReadOnly: *readOnly,
		Buckets: *buckets, Ledger: ledger, Record: rec, Context: ctx, Trace: trace(*verbose, stderr), Started: time.Now(),
	}
	suite.Current = suite.Config{Recordings: noRecordings}
	fmt.Fprintf(stderr, "run %s: %s at %s, deadline %s\n", suite.LiveRun.RunID, lf.vendor, t.Endpoint.Redacted(), *deadline)
	if !*readOnly {
		fmt.Fprintf(stderr, "set-up: creating %d bucket(s) %s-NN%s in the order %s, not name order, so that a listing in creation order shows itself\n",
			*buckets, suite.LiveRun.RunID, t.BucketSuffix, creationOrder(*buckets))
	}
	run, err := runSpecs("GET Service live run", runFacts{RunID: suite.LiveRun.RunID, Targets: suite.LiveRun.Targets, Baseline: base, BaselineFile: *baselineFile}, files, sel, *verbose, stderr)
	var tapeErr error
	if t.Client.Tape != nil {
		tapeErr = writeTape(t, suite.LiveRun, tapeRun{sel: sel, ownProfile: lf.contractProfile != ""})
	}
	if err := settle(sigs, ledger, suite.LiveRun.RunID, err, stderr); err != nil {
		return err
	}
	if tapeErr != nil {
		return fmt.Errorf("--record: writing the tape: %w", tapeErr)
	}
	if err := writeSpecBaseline(*writeBaseline, run, stdout, stderr); err != nil {
		return err
	}
	return judgeRun(run, base, *baselineFile, baseline.Result{}, *gf, stderr)
}

// creationOrder lists the suffixes of a run's buckets in the order they
// are created.
func creationOrder(n int) string {
	var b strings.Builder
	for i, k := range suite.CreationOrder(n) {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02d", k)
	}
	return b.String()
}

// defaultDeadline bounds a whole run, whatever the endpoint does.
const defaultDeadline = 15 * time.Minute

// deadlineFlag defines --deadline on fs.
func deadlineFlag(fs *flag.FlagSet) *time.Duration {
	return fs.Duration("deadline", defaultDeadline, "the longest the whole run may take; specs still running then end as could not run")
}

// trace is where -v prints exchanges.
func trace(verbose bool, w io.Writer) io.Writer {
	if verbose {
		return w
	}
	return nil
}
