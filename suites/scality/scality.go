// Package scality declares the Scality (S3-compatible) conformance specs. Its contract lives in
// schemas/scality/, its recorded exchanges in fixtures/*/scality/.
package scality

import "github.com/getservice-conformance/gsc/internal/suite"

var (
	_ = suite.Vendor("scality")
	_ = suite.LiveVendor("scality")
)
