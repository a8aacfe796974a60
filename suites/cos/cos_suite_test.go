package cos_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/getservice-conformance/gsc/internal/suite"
	_ "github.com/getservice-conformance/gsc/suites/cos"
)

func TestCos(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Tencent COS conformance")
}

var _ = ReportAfterSuite("JUnit", suite.WriteJUnit("../../reports/junit-cos.xml"))
