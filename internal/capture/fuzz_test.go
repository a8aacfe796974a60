package capture

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/schemas"
)

// FuzzRead: whatever a capture holds, reading, placing, checking and
// converting it never panics, and every finding lies inside the file.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("../../fixtures/captures/*/*")
	for _, s := range seeds {
		if filepath.Ext(s) == ".expect" {
			continue
		}
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("> GET / HTTP/1.1\n> Host: s3.amazonaws.com\n>\n< HTTP/1.1 200 OK\n<\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n<a/>"))
	set := &contract.Set{FS: schemas.FS}
	checker := &replay.Checker{Contracts: set}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := newLines(data)
		for _, format := range []Format{HAR, VCR, Curl} {
			imp, err := Read("f", data, format, Options{Contracts: set})
			if err != nil {
				continue
			}
			for _, fd := range imp.Check(checker.Check) {
				if fd.Line > len(lines) || fd.Line > 0 && lines.offset(fd.Line, fd.Col) > len(data) {
					t.Fatalf("%s finding outside the file: %s", format, fd)
				}
			}
			if _, _, err := imp.Recordings("f"); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
		}
	})
}
