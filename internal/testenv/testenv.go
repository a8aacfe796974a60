// Package testenv finds what some tests need from outside the module: a
// Debian tool (xmllint, Chromium) or a published schema (Jenkins JUnit
// XSD, SARIF 2.1.0). When one is missing the test skips with one line
// naming the Debian package or the directory to provide, or fails under
// GSC_REQUIRE_ALL=1, as CI runs it. Environment:
//
//	GSC_REQUIRE_ALL=1        a missing tool or schema fails the test instead of skipping it
//	GSC_STANDARDS_DIR=DIR    the published schemas, when ../shared/standards is not beside the module
//	GSC_SKIP_LOG=FILE        each skip appends "package.Test<TAB>reason" there (make test sums them up)
//	GSC_CHROMIUM=PATH        the browser to run (default: chromium on PATH)
//	GSC_SKIP_BROWSER=1       skip the browser tests even when a browser is there
package testenv

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Packages are the Debian packages the tools come from: what make test
// installs (.ci/provision, whose list a test keeps equal to this one).
var Packages = map[string]string{
	"xmllint":  "libxml2-utils",
	"chromium": "chromium",
	"curl":     "curl",
	"aws":      "awscli",
}

// Tool returns the path of a Debian tool named in Packages, or skips t.
func Tool(t testing.TB, name string) string {
	t.Helper()
	pkg, ok := Packages[name]
	if !ok {
		t.Fatalf("testenv: no Debian package known for %q", name)
		return ""
	}
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(t, fmt.Sprintf("%s not found: install Debian's %s (make test does as root)", name, pkg))
		return ""
	}
	return path
}

// Chromium returns the browser to test the HTML report in: GSC_CHROMIUM or
// chromium on PATH. GSC_SKIP_BROWSER=1 skips t through Missing, so CI
// cannot be told to skip it.
func Chromium(t testing.TB) string {
	t.Helper()
	if os.Getenv("GSC_SKIP_BROWSER") == "1" {
		Missing(t, "GSC_SKIP_BROWSER=1: the HTML report is not checked in a browser")
		return ""
	}
	name := os.Getenv("GSC_CHROMIUM")
	if name == "" {
		return Tool(t, "chromium")
	}
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(t, fmt.Sprintf("GSC_CHROMIUM=%s: %v", filepath.Base(name), errors.Unwrap(err)))
		return ""
	}
	return path
}

// Standard returns the path of a published schema, named by its file name:
// from ../shared/standards beside the module when it is there, else from
// $GSC_STANDARDS_DIR (relative to the module root unless absolute); else
// it skips t.
func Standard(t testing.TB, file string) string {
	t.Helper()
	root := ModuleRoot(t)
	dirs := []string{filepath.Join(root, "..", "shared", "standards")}
	if d := os.Getenv("GSC_STANDARDS_DIR"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join(root, d)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, file)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	Missing(t, fmt.Sprintf("the published schema %s is neither in ../shared/standards nor in $GSC_STANDARDS_DIR", file))
	return ""
}

// ModuleRoot is the directory holding go.mod, above the test's directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	root, _, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// moduleRoot returns the directory holding go.mod and the working
// directory relative to it: the package's, as go test runs a test there.
func moduleRoot() (root, pkg string, err error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			return dir, filepath.ToSlash(rel), err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", errors.New("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Missing ends t for want of something outside the module: a failure under
// GSC_REQUIRE_ALL=1, else a skip with reason, logged to $GSC_SKIP_LOG.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("GSC_REQUIRE_ALL") == "1" {
		t.Fatal(reason + " (GSC_REQUIRE_ALL=1 makes this a failure)")
		return
	}
	if err := logSkip(t.Name(), reason); err != nil {
		t.Fatalf("testenv: logging a skip: %v", err)
		return
	}
	t.Skip(reason)
}

// logSkip appends one line to $GSC_SKIP_LOG. Test binaries of several
// packages run at once; one short write with O_APPEND keeps lines whole.
func logSkip(test, reason string) error {
	file := os.Getenv("GSC_SKIP_LOG")
	if file == "" {
		return nil
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, pkg, _ := moduleRoot()
	line := cmp.Or(pkg, "?") + "." + test + "\t" + strings.ReplaceAll(reason, "\n", " ") + "\n"
	_, werr := f.WriteString(line)
	return errors.Join(werr, f.Close())
}
