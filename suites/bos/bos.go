// Package bos declares the Baidu BOS conformance specs. Its contract lives in
// schemas/bos/, its recorded exchanges in fixtures/*/bos/.
package bos

import "github.com/getservice-conformance/gsc/internal/suite"

var (
	_ = suite.Vendor("bos")
	_ = suite.LiveVendor("bos")
)
