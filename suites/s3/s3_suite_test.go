package s3_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/getservice-conformance/gsc/internal/suite"
	_ "github.com/getservice-conformance/gsc/suites/s3"
)

func TestS3(t *testing.T) {
	RegisterFailHandler(Fail)
	// The live specs run against the vendor's reference endpoint.
	done, err := suite.ReferenceRun("gsc-test", "s3")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := done(); err != nil {
			t.Error(err)
		}
	}()
	RunSpecs(t, "Amazon S3 conformance")
}

var _ = ReportAfterSuite("JUnit", suite.WriteJUnit("../../reports/junit-s3.xml"))
