// Package schemas embeds the vendor contracts (see README.md) so that the
// runner works from any directory and after go install.
package schemas

import "embed"

// FS holds <vendor>/profile.json, the JSON Schemas and the XPath assertions.
//
//go:embed */*.json
var FS embed.FS
