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
	RunSpecs(t, "Alibaba OSS conformance")
}

var _ = ReportAfterSuite("JUnit", suite.WriteJUnit("../../reports/junit-oss.xml"))
