// Package cos declares the Tencent COS conformance specs. Its contract lives in
// schemas/cos/, its recorded exchanges in fixtures/*/cos/.
package cos

import "github.com/getservice-conformance/gsc/internal/suite"

var (
	_ = suite.Vendor("cos")
	_ = suite.LiveVendor("cos")
)
