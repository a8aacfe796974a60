// Package s3 declares the Amazon S3 conformance specs. Its contract lives in
// schemas/s3/, its recorded exchanges in fixtures/*/s3/.
package s3

import "github.com/getservice-conformance/gsc/internal/suite"

var (
	_ = suite.Vendor("s3")
	_ = suite.LiveVendor("s3")
)
