package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/replay"
)

// headerFlags collects repeated -H 'Name: value' flags.
type headerFlags []string

func (h *headerFlags) String() string { return strings.Join(*h, ", ") }

func (h *headerFlags) Set(v string) error {
	if name, _, ok := strings.Cut(v, ":"); !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("%q is not Name: value", v)
	}
	*h = append(*h, v)
	return nil
}

// runSign prints the headers that sign a request in a vendor's dialect
// (Authorization, its date, payload hash, session token), one per line,
// for curl -H @- to send: the repro of a dialect curl cannot sign.
func runSign(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	var lf liveFlags
	fs.StringVar(&lf.vendor, "vendor", "", "the endpoint's vendor: its environment variables hold the keys")
	fs.StringVar(&lf.signature, "signature", "", "the signature dialect (default: the profile's first)")
	fs.StringVar(&lf.region, "region", "", "the signing region (default: the profile's)")
	fs.StringVar(&lf.credentials, "credentials", "", "a file of access_key_id = ..., secret_access_key = ... lines (default: the vendor's environment variables)")
	fs.StringVar(&lf.awsProfile, "profile", "", "s3, scality: the profile of the AWS shared config and credentials files to take the keys from")
	tamperName := fs.String("tamper", "signed", "spoil the signature as a run does: signed, anonymous, badSignature, unknownKey, clockSkew, or a case of the auth catalogue (an unknown name lists them); a presigning one (presigned...) prints the URL to send")
	data := fs.String("data", "", "the request body")
	var headers headerFlags
	fs.Var(&headers, "H", "a header the request carries, 'Name: value' (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("sign: %w", err)
	}
	if len(pos) != 2 {
		return usagef("sign: want METHOD URL, got %d argument(s)", len(pos))
	}
	tamper, err := live.ParseTamper(*tamperName)
	if err != nil {
		return usagef("sign: --tamper: %w", err)
	}
	u, err := url.Parse(pos[1])
	if err != nil || u.Host == "" {
		return usagef("sign: %q is not a URL", redactURL(pos[1]))
	}
	lf.endpoint = (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
	lf.addressing, lf.timeout = "path", live.DefaultLimits.Timeout
	t, err := lf.target()
	if err != nil {
		return err
	}
	req, err := http.NewRequest(pos[0], u.String(), bytes.NewReader([]byte(*data)))
	if err != nil {
		return usagef("sign: %w", err)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if tamper.Presigns() {
		u, err := t.SignURL(req, tamper)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, u)
		return nil
	}
	signed, err := t.SignHeaders(req, tamper)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(signed))
	for name := range signed {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range signed[name] {
			fmt.Fprintf(stdout, "%s: %s\n", name, v)
		}
	}
	return nil
}

// runReplay sends one exchange of a recording again: the recorded
// request, signed anew with the current keys and spoilt as the recording
// says it was (its replay.N line), and prints the response.
func runReplay(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	var lf liveFlags
	lf.register(fs)
	n := fs.Int("exchange", 1, "the exchange to send again, from 1")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("replay: %w", err)
	}
	if len(pos) != 1 {
		return usagef("replay: want one RECORDING, got %d argument(s)", len(pos))
	}
	recs, err := replay.LoadPaths(pos)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	rec := recs[0]
	if *n < 1 || *n > len(rec.Exchanges) || rec.Exchanges[*n-1].Request == nil {
		return usagef("replay: %s has no request %d (it holds %d exchange(s))", shownPath(pos[0]), *n, len(rec.Exchanges))
	}
	key := "replay." + strconv.Itoa(*n)
	signing, err := live.ParseSigning(rec.Meta[key])
	if err != nil {
		return usagef("replay: %s: %s: %v (a recording written by runner run --record says how each request was signed)", shownPath(pos[0]), key, err)
	}
	fill := func(flagValue *string, recorded string) {
		if *flagValue == "" {
			*flagValue = recorded
		}
	}
	fill(&lf.vendor, rec.Vendor())
	fill(&lf.endpoint, rec.Meta["endpoint"])
	fill(&lf.signature, signing.Signature)
	fill(&lf.region, signing.Region)
	t, err := lf.target()
	if err != nil {
		return err
	}
	ctx, stop := interruptible()
	defer stop()
	ex := t.Resend(ctx, rec.Exchanges[*n-1].Request.Raw, signing.Tamper)
	if ex.Err != nil {
		return fmt.Errorf("replay: %w", ex.Err)
	}
	was := "no response"
	if r := rec.Exchanges[*n-1].Response; r != nil {
		was = strconv.Itoa(r.Status)
	}
	fmt.Fprintf(stderr, "replay: %s exchange %d, %s, signed with %s: %d (recorded: %s)\n",
		shownPath(pos[0]), *n, signing.Tamper.Name(), t.Signature, ex.Status, was)
	_, err = stdout.Write(ex.Response)
	return err
}
