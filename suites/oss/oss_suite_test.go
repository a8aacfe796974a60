package oss_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/getservice-conformance/gsc/internal/suite"
	_ "github.com/getservice-conformance/gsc/suites/oss"
)

func TestOss(t *testing.T) {
	RegisterFailHandler(Fail)
	// The live specs run against the vendor's reference endpoint.
	done, err := suite.ReferenceRun("gsc-test", "oss")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := done(); err != nil {
			t.Error(err)
		}
	}()
	RunSpecs(t, "Alibaba OSS conformance")
}

var _ = ReportAfterSuite("JUnit", suite.WriteJUnit("../../reports/junit-oss.xml"))
