// Package qingstor declares the QingStor conformance specs. Its contract lives in
// schemas/qingstor/, its recorded exchanges in fixtures/*/qingstor/.
package qingstor

import "github.com/getservice-conformance/gsc/internal/suite"

var (
	_ = suite.Vendor("qingstor")
	_ = suite.LiveVendor("qingstor")
)
