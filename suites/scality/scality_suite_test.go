package scality_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/getservice-conformance/gsc/internal/suite"
	_ "github.com/getservice-conformance/gsc/suites/scality"
)

func TestScality(t *testing.T) {
	RegisterFailHandler(Fail)
	// The live specs run against the vendor's reference endpoint.
	done, err := suite.ReferenceRun("gsc-test", "scality")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := done(); err != nil {
			t.Error(err)
		}
	}()
	RunSpecs(t, "Scality (S3-compatible) conformance")
}

var _ = ReportAfterSuite("JUnit", suite.WriteJUnit("../../reports/junit-scality.xml"))
