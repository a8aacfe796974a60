package explore

import (
	"bytes"
	"flag"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

// The proof's budgets: with each seed, explore must find each fault a
// property covers within findBudget requests, and shrink it to at most
// shrunkBound actions, with runBudget requests in all; against the clean
// endpoints, cleanBudget requests find nothing.
const (
	findBudget  = 2500
	runBudget   = 5000
	shrunkBound = 60
	cleanBudget = 1000
	exploreDoc  = "../../docs/explore.md"
)

var proofSeeds = []uint64{1000, 2000, 3000}

var updateExploreDoc = flag.Bool("update-explore-doc", false, "rewrite "+exploreDoc)

// exploreFaults are the faults only explore meets.
var exploreFaults = []refserver.Fault{refserver.TokenCountsPositions, refserver.PrefixDotWildcard, refserver.DivisiblePageDropsLast}

func exploreRef(t *testing.T, c *contract.Contract, seed uint64, requests int, faults ...refserver.Fault) *Report {
	t.Helper()
	srv := httptest.NewServer(refserver.New(c, refserver.Options{
		Keys: map[string]string{suite.ExampleAccessKey: suite.ExampleSecretKey}, Faults: faults,
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	tg := &live.Target{
		Contract: c, Endpoint: u, Creds: signer.Credentials{AccessKey: suite.ExampleAccessKey, SecretKey: suite.ExampleSecretKey},
		Signature: c.Profile.Auth.Signatures[0], Region: c.Profile.Reference.Region, Addressing: "path",
		Client: live.NewClient(live.DefaultLimits, nil),
	}
	ledger := &live.Ledger{}
	rep, err := Run(Config{Target: tg, Ledger: ledger, RunID: "gsc-0123abcd", Seed: seed, Requests: requests})
	if err != nil {
		t.Fatal(err)
	}
	if left := ledger.Created(tg); len(left) > 0 {
		t.Errorf("seed %d: the run left %v in its ledger", seed, left)
	}
	return rep
}

func failed(rep *Report) []Result {
	var out []Result
	for _, r := range rep.Results {
		if r.Status == outcome.Fail || r.Status == outcome.Unsupported {
			out = append(out, r)
		}
	}
	return out
}

// TestExploreProof runs explore against every vendor's reference endpoint
// with each explore fault that applies, for every proof seed: it must
// find the fault within the budget and shrink it; against the clean
// endpoint it finds nothing. It writes the table into docs/explore.md
// (-update-explore-doc) and holds the page to it.
func TestExploreProof(t *testing.T) {
	if testing.Short() {
		t.Skip("explores every vendor's reference endpoint")
	}
	var rows bytes.Buffer
	for _, vendor := range contract.Vendors(schemas.FS) {
		c, err := contract.Load(schemas.FS, vendor)
		if err != nil {
			t.Fatal(err)
		}
		for _, seed := range proofSeeds {
			rep := exploreRef(t, c, seed, cleanBudget)
			if got := failed(rep); len(got) > 0 {
				t.Errorf("%s clean, seed %d: %s: %s", vendor, seed, got[0].Property, got[0].Failure.Message)
			}
			if rep.Unjudged != "" {
				t.Errorf("%s clean, seed %d: %s", vendor, seed, rep.Unjudged)
			}
		}
		fmt.Fprintf(&rows, "| (clean) | %s | nothing, %d seeds × %d requests | | |\n", vendor, len(proofSeeds), cleanBudget)
		for _, f := range exploreFaults {
			if _, err := refserver.ParseFault(c, string(f)); err != nil {
				continue
			}
			var found, shrunk []string
			var props []string
			for _, seed := range proofSeeds {
				rep := exploreRef(t, c, seed, runBudget, f)
				got := failed(rep)
				if len(got) == 0 {
					t.Errorf("%s %s seed %d: found nothing in %d requests", vendor, f, seed, rep.Requests)
					found, shrunk = append(found, "no"), append(shrunk, "-")
					continue
				}
				// The fault may fail more than one property; it was found
				// when the first of them failed.
				first := got[0]
				for _, r := range got {
					if r.Failure.Found < first.Failure.Found {
						first = r
					}
				}
				fl := first.Failure
				if fl.Found > findBudget {
					t.Errorf("%s %s seed %d: found after %d requests, over the budget of %d", vendor, f, seed, fl.Found, findBudget)
				}
				if fl.Shrunk() > shrunkBound {
					t.Errorf("%s %s seed %d: shrunk to %d actions, over %d", vendor, f, seed, fl.Shrunk(), shrunkBound)
				}
				found = append(found, fmt.Sprint(fl.Found))
				shrunk = append(shrunk, fmt.Sprint(fl.Shrunk()))
				if !slices.Contains(props, string(first.Property)) {
					props = append(props, string(first.Property))
				}
			}
			fmt.Fprintf(&rows, "| `%s` | %s | %s | %s | %s |\n", f, vendor, strings.Join(found, ", "), strings.Join(shrunk, ", "), strings.Join(props, ", "))
		}
	}
	doc := exploreMarkdown(rows.String())
	if *updateExploreDoc {
		if err := os.WriteFile(exploreDoc, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(exploreDoc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, doc) {
		t.Errorf("%s is not what explore finds; run go test ./internal/explore -run TestExploreProof -update-explore-doc", exploreDoc)
	}
}

func exploreMarkdown(rows string) []byte {
	return []byte(fmt.Sprintf(`# What runner explore finds

`+"`runner explore`"+` generates sequences of creates, deletes and walks of the
run's own buckets and judges each step against a model of the listing
(README, "Exploring"). Three faults of the reference endpoint exist for it:
no live spec of `+"`runner run`"+` meets them, since its five buckets and fixed
page sizes never change between two pages, never hold a '.' where a
prefix ends, and never fill a last page exactly.

The proof (`+"`internal/explore/proof_test.go`"+`) runs explore against every
vendor's reference endpoint with each fault that applies, for the seeds
%v: it must find the fault within %d requests (of %d in all, shrinking
included) and shrink it to at most %d actions; against each clean
endpoint, %d requests per seed find nothing. This page is generated from
that run (`+"`go test ./internal/explore -run TestExploreProof -update-explore-doc`"+`).

| fault | vendor | requests to find it, per seed | shrunk length (actions), per seed | property that failed first |
| --- | --- | --- | --- | --- |
%s`, proofSeeds, findBudget, runBudget, shrunkBound, cleanBudget, rows))
}
