// Package oss declares the Alibaba OSS conformance specs. Its contract lives in
// schemas/oss/, its recorded exchanges in fixtures/*/oss/.
package oss

import "github.com/getservice-conformance/gsc/internal/suite"

var (
	_ = suite.Vendor("oss")
	_ = suite.LiveVendor("oss")
)
