package dkim

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestNextTwoSPBlocks compares the word-at-a-time search for "SP SP" (64-byte blocks, the hop with
// IndexByte over SP-free stretches, the byte-wise tail) with bytes.Index, on random bytes from
// dense SPs (prose) to none at all (base64), from every kind of start offset.
func TestNextTwoSPBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 16))
	for n := 0; n < 100000; n++ {
		b := make([]byte, r.IntN([]int{70, 300, 3000}[n%3]))
		density := []int{2, 6, 40, 300, 0}[n%5] // one SP in density bytes; 0: none
		for i := range b {
			if density > 0 && r.IntN(density) == 0 {
				b[i] = ' '
			} else {
				b[i] = "ab\r\n\t\xa0\x60\x00!"[r.IntN(9)]
			}
		}
		i := r.IntN(len(b) + 1)
		want := len(b)
		if k := bytes.Index(b[i:], []byte("  ")); k >= 0 {
			want = i + k
		}
		if got := nextTwoSP(b, i); got != want {
			t.Fatalf("nextTwoSP(%q, %d) = %d, want %d", b, i, got, want)
		}
		if got, want := nextSPLine(b, i, len(b)), i+bytes.IndexByte(append(b[i:len(b):len(b)], ' '), ' '); got != want {
			t.Fatalf("nextSPLine(%q, %d) = %d, want %d", b, i, got, want)
		}
	}
}
