package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	vendor := fs.String("vendor", "", "the vendor whose contract the endpoint speaks: "+strings.Join(contract.Vendors(schemas.FS), ", "))
	addr := fs.String("addr", "127.0.0.1:0", "the loopback address to listen on")
	var faultNames names
	fs.Var(&faultNames, "fault", "make the endpoint deviate from its contract in this named way (repeatable; \"help\" lists the vendor's faults)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("serve: %w", err)
	}
	if len(pos) > 0 {
		return usagef("serve: unexpected argument %q", pos[0])
	}
	if !slices.Contains(contract.Vendors(schemas.FS), *vendor) {
		return usagef("serve: --vendor must be one of %s", strings.Join(contract.Vendors(schemas.FS), ", "))
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("serve: --addr %q: %v", *addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("serve: --addr must be a loopback address (127.0.0.1, ::1, localhost): the reference endpoint is for tests")
	}
	c, err := contract.Load(schemas.FS, *vendor)
	if err != nil {
		return err
	}
	faults, err := parseFaults(c, faultNames)
	if err != nil {
		return err
	}
	creds, ok := credentialsFromEnv(*vendor)
	if !ok {
		creds = signer.Credentials{AccessKey: suite.ExampleAccessKey, SecretKey: suite.ExampleSecretKey}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           refserver.New(c, refserver.Options{Keys: map[string]string{creds.AccessKey: creds.SecretKey}, SessionTokens: sessionTokens(creds), Faults: faults}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Fprintf(stdout, "%s reference endpoint on http://%s (access key %s; secret from the environment or the example key)\n", c.Profile.Name, ln.Addr(), creds.AccessKey)
	if len(faults) > 0 {
		fmt.Fprintf(stdout, "faults in force, the endpoint breaks its contract on purpose: %s\n", strings.Join(faultNames, ", "))
	}
	ctx, stop := interruptible()
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// names collects a repeatable flag's values.
type names []string

func (n *names) String() string     { return strings.Join(*n, ",") }
func (n *names) Set(v string) error { *n = append(*n, v); return nil }

// parseFaults reads --fault values: each must name a fault that applies
// to the vendor; "help" or an unknown name lists the ones that do.
func parseFaults(c *contract.Contract, given []string) ([]refserver.Fault, error) {
	var faults []refserver.Fault
	for _, name := range given {
		if name == "help" || !slices.Contains(refserver.AllFaults(), refserver.Fault(name)) {
			var valid []string
			for _, f := range refserver.Faults(c) {
				valid = append(valid, string(f))
			}
			why := fmt.Sprintf("unknown fault %q", name)
			if name == "help" {
				why = "--fault help"
			}
			return nil, usagef("serve: %s; the faults of %s are: %s", why, c.Profile.Vendor, strings.Join(valid, ", "))
		}
		f, err := refserver.ParseFault(c, name)
		if err != nil {
			return nil, usagef("serve: --fault: %v", err)
		}
		if !slices.Contains(faults, f) {
			faults = append(faults, f)
		}
	}
	return faults, nil
}

// sessionTokens is the session token of the keys the endpoint serves, if
// the environment names one: the endpoint issued it, so a run with the
// same environment is served.
func sessionTokens(c signer.Credentials) map[string]string {
	if c.SessionToken == "" {
		return nil
	}
	return map[string]string{c.AccessKey: c.SessionToken}
}
