//go:build !unix

package datatest

// ProcessCPU is 0 where getrusage is missing.
func ProcessCPU() int64 { return 0 }
