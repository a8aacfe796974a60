package check_test

import (
	"io/fs"
	"testing"

	"github.com/getservice-conformance/gsc/fixtures"
	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/schemas"
)

// FuzzCheck feeds arbitrary recordings through the whole engine for every
// vendor: whatever the bytes, it reports findings, never panics, and every
// finding it places lies inside the file.
func FuzzCheck(f *testing.F) {
	fs.WalkDir(fixtures.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fixtures.FS.ReadFile(name)
			f.Add(data)
		}
		return nil
	})
	var contracts []*contract.Contract
	for _, v := range contract.Vendors(schemas.FS) {
		c, err := contract.Load(schemas.FS, v)
		if err != nil {
			f.Fatal(err)
		}
		contracts = append(contracts, c)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		rec := exchange.Parse("fuzz.txtar", src)
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, c := range contracts {
			for _, fd := range check.Recording(rec, c) {
				if fd.Line < 0 || fd.Line > lines || fd.Line > 0 && fd.Col < 1 {
					t.Fatalf("%s: finding placed outside the file (%d lines): %v", c.Profile.Vendor, lines, fd)
				}
			}
		}
	})
}
