//go:build unix

package datatest

import "syscall"

// ProcessCPU is the CPU time this process has used, user plus system, in
// nanoseconds. Benchmarks report it beside wall time because a shared
// machine's load inflates ns/op but not the work done.
func ProcessCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
