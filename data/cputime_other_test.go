//go:build !unix

package data

func processCPU() int64 { return 0 }
