package main

import "io"

// runCompletion is `runner completion SHELL`.
func runCompletion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("completion")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("completion: %w", err)
	}
	if len(pos) != 1 {
		return usagef("completion: name one shell: bash, zsh or fish")
	}
	return usagef("completion: not yet")
}
