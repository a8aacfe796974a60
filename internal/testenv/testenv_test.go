package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fakeTB records how a helper ended the test instead of ending it.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Name() string                   { return "TestFake" }
func (f *fakeTB) Skip(args ...any)               { f.skipped = fmt.Sprint(args...) }
func (f *fakeTB) Fatal(args ...any)              { f.failed = fmt.Sprint(args...) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.failed = fmt.Sprintf(format, a...) }

// noTools empties PATH and the switches, so no tool is found.
func noTools(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, v := range []string{"GSC_REQUIRE_ALL", "GSC_SKIP_LOG", "GSC_CHROMIUM", "GSC_SKIP_BROWSER", "GSC_STANDARDS_DIR"} {
		t.Setenv(v, "")
	}
}

func TestMissingToolSkipsNamingThePackage(t *testing.T) {
	noTools(t)
	log := filepath.Join(t.TempDir(), "skips")
	t.Setenv("GSC_SKIP_LOG", log)
	for tool, pkg := range map[string]string{"xmllint": "libxml2-utils", "chromium": "chromium", "curl": "curl"} {
		f := &fakeTB{}
		if path := Tool(f, tool); path != "" || f.failed != "" {
			t.Errorf("%s: path %q, failed %q", tool, path, f.failed)
		}
		if !strings.Contains(f.skipped, "install Debian's "+pkg) || strings.Contains(f.skipped, "\n") {
			t.Errorf("%s: skip reason %q does not name %s on one line", tool, f.skipped, pkg)
		}
	}
	f := &fakeTB{}
	Chromium(f)
	if !strings.Contains(f.skipped, "Debian's chromium") {
		t.Errorf("Chromium: skip reason %q", f.skipped)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	want := regexp.MustCompile(`^internal/testenv\.TestFake\t\S+ not found: install Debian's \S+ `)
	if len(lines) != 4 {
		t.Fatalf("skip log has %d lines, want 4:\n%s", len(lines), data)
	}
	for _, l := range lines {
		if !want.MatchString(l) {
			t.Errorf("skip log line %q", l)
		}
	}
}

func TestRequireAllTurnsSkipsIntoFailures(t *testing.T) {
	noTools(t)
	t.Setenv("GSC_REQUIRE_ALL", "1")
	t.Setenv("GSC_SKIP_BROWSER", "1")
	for name, call := range map[string]func(testing.TB){
		"xmllint":          func(tb testing.TB) { Tool(tb, "xmllint") },
		"GSC_SKIP_BROWSER": func(tb testing.TB) { Chromium(tb) },
	} {
		f := &fakeTB{}
		call(f)
		if f.skipped != "" || !strings.Contains(f.failed, "GSC_REQUIRE_ALL=1") {
			t.Errorf("%s under GSC_REQUIRE_ALL=1: skipped %q, failed %q", name, f.skipped, f.failed)
		}
	}
}

func TestStandardLookup(t *testing.T) {
	noTools(t)
	root := ModuleRoot(t)
	const file = "no-such-standard.xsd"
	f := &fakeTB{}
	if p := Standard(f, file); p != "" || !strings.Contains(f.skipped, "the published schema "+file+" is neither in ../shared/standards nor in $GSC_STANDARDS_DIR") {
		t.Errorf("missing schema: path %q, skipped %q, failed %q", p, f.skipped, f.failed)
	}
	t.Setenv("GSC_REQUIRE_ALL", "1")
	f = &fakeTB{}
	if Standard(f, file); f.skipped != "" || !strings.Contains(f.failed, file) {
		t.Errorf("missing schema under GSC_REQUIRE_ALL=1: skipped %q, failed %q", f.skipped, f.failed)
	}

	// Found in $GSC_STANDARDS_DIR, absolute or relative to the module root.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, file), []byte("<xs:schema/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, rel} {
		t.Setenv("GSC_STANDARDS_DIR", d)
		f = &fakeTB{}
		if p := Standard(f, file); p != filepath.Join(dir, file) || f.skipped != "" || f.failed != "" {
			t.Errorf("GSC_STANDARDS_DIR=%s: path %q, skipped %q, failed %q", d, p, f.skipped, f.failed)
		}
	}
}

// The tool and schema are found where they are.
func TestFound(t *testing.T) {
	noTools(t)
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	if err := os.WriteFile(filepath.Join(bin, "xmllint"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GSC_CHROMIUM", "xmllint") // any executable will do
	f := &fakeTB{}
	if p := Tool(f, "xmllint"); p != filepath.Join(bin, "xmllint") || f.skipped != "" || f.failed != "" {
		t.Errorf("xmllint: %q, skipped %q, failed %q", p, f.skipped, f.failed)
	}
	if p := Chromium(f); p != filepath.Join(bin, "xmllint") || f.skipped != "" || f.failed != "" {
		t.Errorf("GSC_CHROMIUM: %q, skipped %q, failed %q", p, f.skipped, f.failed)
	}
}

// Every package a test may ask for is one make test installs.
func TestProvisionListsEveryPackage(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(ModuleRoot(t), ".ci", "provision"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^packages=\(([^)]*)\)`).FindSubmatch(script)
	if m == nil {
		t.Fatal(".ci/provision has no packages=(...) line")
	}
	listed := strings.Fields(string(m[1]))
	var want []string
	for _, p := range Packages {
		want = append(want, p)
	}
	slices.Sort(listed)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Errorf(".ci/provision installs %q; the tests need %q", listed, want)
	}
}
