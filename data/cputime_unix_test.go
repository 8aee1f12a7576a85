//go:build unix

package data

import "syscall"

// processCPU is the CPU time this process has used, user plus system, in
// nanoseconds. Benchmarks report it beside wall time because a shared
// machine's load inflates ns/op but not the work done.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
