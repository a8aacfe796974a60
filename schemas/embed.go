// Package schemas embeds the vendor contracts (see README.md) so that the
// runner works from any directory and after go install.
package schemas

import "embed"

// FS holds <vendor>/profile.json, the JSON Schemas, the XPath assertions
// and the body templates of the reference endpoint (listing.tmpl,
// error.tmpl).
//
//go:embed */*.json */*.tmpl
var FS embed.FS
