package bos_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/getservice-conformance/gsc/internal/suite"
	_ "github.com/getservice-conformance/gsc/suites/bos"
)

func TestBos(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Baidu BOS conformance")
}

var _ = ReportAfterSuite("JUnit", suite.WriteJUnit("../../reports/junit-bos.xml"))
