//go:build !unix

package main

import "os/exec"

// ownProcessGroup does nothing where there are no process groups to
// keep a terminal's signal from reaching the side's run directly.
func ownProcessGroup(cmd *exec.Cmd) {}
