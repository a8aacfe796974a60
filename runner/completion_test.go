package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completionScript writes runner completion SHELL to a file.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"completion", shell}, &stdout, &stderr); code != 0 {
		t.Fatalf("runner completion %s: exit %d: %s", shell, code, stderr.String())
	}
	file := filepath.Join(t.TempDir(), "runner."+shell)
	if err := os.WriteFile(file, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func needShell(t *testing.T, shell string) string {
	t.Helper()
	path, err := exec.LookPath(shell)
	if err != nil {
		if os.Getenv("GSC_REQUIRE_ALL") == "1" {
			t.Fatalf("%s is not installed (Debian package %s)", shell, shell)
		}
		t.Skipf("%s is not installed (Debian package %s)", shell, shell)
	}
	return path
}

// The bash script completes commands, flags, flag values and positional
// choices, as bash asks it to.
func TestCompletionBash(t *testing.T) {
	bash := needShell(t, "bash")
	script := completionScript(t, "bash")
	tests := []struct {
		words string
		want  []string
	}{
		{"runner ch", []string{"check"}},
		{"runner c", []string{"check", "cleanup", "completion", "conformance", "convert"}},
		{"runner run --label", []string{"--label-filter"}},
		{"runner run --fail", []string{"--fail-fast", "--fail-on"}},
		{"runner run --vendor s", []string{"s3", "scality"}},
		{"runner check --format ", []string{"json", "sarif", "text"}},
		{"runner list --format ", []string{"json", "text"}},
		{"runner completion ", []string{"bash", "fish", "zsh"}},
		{"runner help li", []string{"list"}},
	}
	for _, tt := range tests {
		t.Run(tt.words, func(t *testing.T) {
			words := strings.Fields(tt.words)
			if strings.HasSuffix(tt.words, " ") {
				words = append(words, "")
			}
			var quoted []string
			for _, w := range words {
				quoted = append(quoted, "'"+w+"'")
			}
			cmd := exec.Command(bash, "--norc", "-c", `source "$1"; COMP_WORDS=(`+strings.Join(quoted, " ")+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _runner; printf '%s\n' "${COMPREPLY[@]}"`, "bash", script)
			cmd.Dir = t.TempDir() // no file names to complete
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			got := strings.Fields(string(out))
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// fish answers complete -C with the script's candidates.
func TestCompletionFish(t *testing.T) {
	fish := needShell(t, "fish")
	script := completionScript(t, "fish")
	for line, want := range map[string]string{
		"runner conf":             "conformance",
		"runner run --label-f":    "--label-filter",
		"runner run --vendor ":    "qingstor",
		"runner list --fo":        "--format",
		"runner completion ":      "zsh",
		"runner run --rerun-fail": "--rerun-failed",
	} {
		out, err := exec.Command(fish, "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", script, line).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v: %s", line, err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			got = append(got, strings.SplitN(l, "\t", 2)[0])
		}
		if !slices.Contains(got, want) {
			t.Errorf("complete -C %q: %q, want %q among them", line, got, want)
		}
	}
}

// zsh parses the script, and it holds every command and flag; driving
// zsh's completion system needs a terminal (zpty), so the candidates are
// checked in bash and fish, which share the table.
func TestCompletionZsh(t *testing.T) {
	zsh := needShell(t, "zsh")
	script := completionScript(t, "zsh")
	if out, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v: %s", err, out)
	}
	text, _ := os.ReadFile(script)
	for _, want := range []string{"'list:list the live specs", "'--label-filter:", "'--rerun-failed:", "compadd -- bos cos oss qingstor s3 scality"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the zsh script lacks %q", want)
		}
	}
}

func TestCompletionUnknownShell(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"completion", "powershell"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), `unknown shell "powershell"`) {
		t.Errorf("exit %d, %s", code, stderr.String())
	}
}
