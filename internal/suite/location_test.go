package suite

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// A spec's location is relative to the module root, wherever the module
// was built from; a file outside it keeps only its base name.
func TestLocationIsModuleRelative(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(filepath.Dir(wd)) // this package is internal/suite
	if ModuleDir != filepath.ToSlash(root)+"/" {
		t.Fatalf("ModuleDir = %q, want the module root %q", ModuleDir, root)
	}
	tests := []struct {
		in   types.CodeLocation
		want string
	}{
		{types.CodeLocation{FileName: ModuleDir + "internal/suite/live.go", LineNumber: 288}, "internal/suite/live.go:288"},
		{types.CodeLocation{FileName: ModuleDir + "suites/s3/s3.go", LineNumber: 7}, "suites/s3/s3.go:7"},
		{types.CodeLocation{FileName: "/elsewhere/pkg/mod/x@v1/spec.go", LineNumber: 3}, "spec.go:3"},
		{types.CodeLocation{}, ""},
	}
	for _, tt := range tests {
		if got := location(tt.in); got != tt.want {
			t.Errorf("location(%s) = %q, want %q", tt.in.FileName, got, tt.want)
		}
	}
}
