package main

import (
	"bytes"
	"strings"
	"testing"
)

func runBuffered(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// Flags may follow the arguments, as people type them.
func TestFlagsAfterArguments(t *testing.T) {
	const warned = "../fixtures/checks/cos/request.auth-scheme.txtar"
	for _, args := range [][]string{
		{"check", warned, "--format", "json"},
		{"check", "--format", "json", warned},
		{"check", "--format=json", warned},
		{"check", "--format", "json", "--", warned},
	} {
		code, stdout, stderr := runBuffered(args...)
		if code != 0 || !strings.HasPrefix(stdout, `{"file":`) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	// A value that looks like a flag is still the flag's value.
	if code, _, stderr := runBuffered("sign", "--vendor", "s3", "--data", "-h", "GET", "http://127.0.0.1:1/"); code == 0 && strings.Contains(stderr, "usage") {
		t.Errorf("--data -h was read as help: %s", stderr)
	}
}

func TestVersion(t *testing.T) {
	_, a, _ := runBuffered("version")
	_, b, _ := runBuffered("--version")
	if !strings.HasPrefix(a, "runner ") || a != b {
		t.Errorf("version %q, --version %q", a, b)
	}
}

// Every command describes itself: what it does, its usage, every flag
// with its default, its arguments and examples, the same through help
// COMMAND and COMMAND -h.
func TestHelpOfEveryCommand(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, help, _ := runBuffered("help", c.name)
			if code != 0 {
				t.Fatalf("help %s: exit %d", c.name, code)
			}
			for _, want := range []string{"runner " + c.name + ": ", "usage: runner " + c.name, "examples:\n  "} {
				if !strings.Contains(help, want) {
					t.Errorf("help %s lacks %q:\n%s", c.name, want, help)
				}
			}
			if len(c.examples) < 2 {
				t.Errorf("%d example(s), want 2 or 3", len(c.examples))
			}
			if c.run == nil {
				return
			}
			fs := flagsOf(c)
			if fs == nil {
				t.Fatalf("%s does not parse its flags with parseInterleaved", c.name)
			}
			for _, flagName := range flagNames(fs) {
				if !strings.Contains(help, "\n  "+dashed(flagName)) {
					t.Errorf("help %s lacks %s", c.name, dashed(flagName))
				}
			}
			for _, h := range []string{"-h", "--help", "-help"} {
				code, stdout, _ := runBuffered(c.name, h)
				if code != 0 || stdout != help {
					t.Errorf("%s %s: exit %d, and not the same as help %s", c.name, h, code, c.name)
				}
			}
		})
	}
	_, help, _ := runBuffered("run", "--vendor", "s3", "-h")
	for _, want := range []string{"--deadline D", "(default 15m0s)", "--label-filter EXPR", "--fail-fast"} {
		if !strings.Contains(help, want) {
			t.Errorf("run -h lacks %q", want)
		}
	}
}

// A mistyped flag or command names the one meant and prints that
// command's usage only.
func TestSuggestions(t *testing.T) {
	tests := []struct {
		args       []string
		want       string
		usage      string
		wantNoList bool
	}{
		{[]string{"run", "--lable-filter", "auth"}, "unknown flag --lable-filter (did you mean --label-filter?)", "usage: runner run ", true},
		{[]string{"conformance", "--basline", "x"}, "did you mean --baseline?", "usage: runner conformance ", true},
		{[]string{"check", "--fromat", "json", "x"}, "did you mean --format?", "usage: runner check ", true},
		{[]string{"chekc", "x"}, `unknown command "chekc" (did you mean check?)`, "usage: runner check ", true},
		{[]string{"lst"}, "did you mean list?", "usage: runner list ", true},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`, "usage: runner COMMAND", false},
		{[]string{"help", "rnu"}, "did you mean run?", "", false},
	}
	for _, tt := range tests {
		code, _, stderr := runBuffered(tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, tt.usage) {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant %q and %q", tt.args, code, stderr, tt.want, tt.usage)
		}
		if tt.wantNoList && strings.Contains(stderr, "commands:") {
			t.Errorf("%q prints the whole command list:\n%s", tt.args, stderr)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"label-filter", "baseline", "format", "fail-on", "fail-fast", "v"}
	for in, want := range map[string]string{
		"lable-filter": "label-filter", "label": "label-filter", "basline": "baseline", "fromat": "format",
		"fail-fats": "fail-fast", "colour": "", "x": "", "verbose": "",
	} {
		if got := closest(in, names); got != want {
			t.Errorf("closest(%q) = %q, want %q", in, got, want)
		}
	}
}
