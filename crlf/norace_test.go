//go:build !race

// The race detector adds allocations of its own, so allocation counts are checked without it.

package crlf_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/sesraw/sesraw/crlf"
)

// TestReaderMemory: converting 8x the input allocates no more than converting 1x (a fixed
// buffer, nothing held).
func TestReaderMemory(t *testing.T) {
	measure := func(n int) float64 {
		src := bytes.Repeat([]byte("a line of text\n"), n)
		return testing.AllocsPerRun(5, func() {
			io.Copy(io.Discard, crlf.NewReader(bytes.NewReader(src)))
		})
	}
	if small, big := measure(10000), measure(80000); big > small {
		t.Errorf("allocations grow with the input: %v at n, %v at 8n", small, big)
	}
}
