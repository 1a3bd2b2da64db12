//go:build !linux

package multipart

import "time"

var start = time.Now()

// threadCPU falls back to wall-clock time where the thread's CPU time is not available.
func threadCPU() time.Duration { return time.Since(start) }
