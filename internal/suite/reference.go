package suite

import (
	"net/http/httptest"
	"net/url"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// The reference endpoints' keys: the example keys of vendors.md, which
// sign nothing real.
const (
	ExampleAccessKey = "AKIDEXAMPLE"
	ExampleSecretKey = "SECRETEXAMPLE"
)

// ReferenceTargets starts the reference endpoint of each vendor (all when
// none are named) on loopback and returns a live target for each, signed
// with the example keys, and a function that stops them.
func ReferenceTargets(vendors ...string) (map[string]*live.Target, func(), error) {
	if len(vendors) == 0 {
		vendors = contract.Vendors(schemas.FS)
	}
	targets := map[string]*live.Target{}
	var servers []*httptest.Server
	stop := func() {
		for _, s := range servers {
			s.Close()
		}
	}
	for _, vendor := range vendors {
		c, err := contract.Load(schemas.FS, vendor)
		if err != nil {
			stop()
			return nil, nil, err
		}
		srv := httptest.NewServer(refserver.New(c, refserver.Options{Keys: map[string]string{ExampleAccessKey: ExampleSecretKey}}))
		servers = append(servers, srv)
		u, _ := url.Parse(srv.URL)
		targets[vendor] = &live.Target{
			Contract: c, Endpoint: u, Signature: c.Profile.Auth.Signatures[0],
			Creds:  signer.Credentials{AccessKey: ExampleAccessKey, SecretKey: ExampleSecretKey},
			Region: c.Profile.Reference.Region, Addressing: "path", BucketSuffix: "-1250000000",
			Client: live.NewClient(live.DefaultLimits, nil),
		}
	}
	return targets, stop, nil
}

// ReferenceRun configures the live specs to run against the reference
// endpoints of vendors; call the returned function after the specs.
func ReferenceRun(runID string, vendors ...string) (func() error, error) {
	targets, stop, err := ReferenceTargets(vendors...)
	if err != nil {
		return nil, err
	}
	ledger := &live.Ledger{}
	LiveRun = LiveConfig{Targets: targets, RunID: runID, Buckets: 5, Ledger: ledger}
	return func() error {
		defer stop()
		return ledger.Cleanup(LiveRun.ctxOrBackground(), live.DefaultLimits).Err()
	}, nil
}
