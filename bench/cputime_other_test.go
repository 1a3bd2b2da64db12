//go:build !linux

package bench

import "time"

var start = time.Now()

// threadCPU falls back to wall-clock time where the thread's CPU time is not available.
func threadCPU() time.Duration { return time.Since(start) }

// processCPU is not measured here: 0 leaves the metric out.
func processCPU() time.Duration { return 0 }
