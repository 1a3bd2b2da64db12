package dkim

import (
	"math/rand/v2"
	"testing"
)

// TestNextSPStop compares the word-at-a-time search for a SP followed by an octet of at most 0x20
// (sixteen-octet rounds, the hop over SP-free stretches, the octet-wise tail) with a plain loop,
// on random bytes from dense SPs (prose) to none at all (base64), from every kind of start offset.
// The bytes include CR, LF, HTAB, NUL, 0x1f, 0x20 and 0x21 (a borrow from a flagged octet flags
// the '!' above it, which nextSPStop must pass over), and octets at and above 0x80 (the top bit).
func TestNextSPStop(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 16))
	for n := 0; n < 100000; n++ {
		b := make([]byte, r.IntN([]int{20, 70, 300, 3000}[n%4]))
		density := []int{2, 6, 40, 300, 0}[n%5] // one SP in density bytes; 0: none
		for i := range b {
			if density > 0 && r.IntN(density) == 0 {
				b[i] = ' '
			} else {
				b[i] = "ab\r\n\t\xa0\xa1\x60\x00!\x1f\x21\xff"[r.IntN(13)]
			}
		}
		i := r.IntN(len(b) + 1)
		want := len(b)
		for k := i; k+1 < len(b); k++ {
			if b[k] == ' ' && b[k+1] <= ' ' {
				want = k
				break
			}
		}
		if got := nextSPStop(b, i); got != want {
			t.Fatalf("nextSPStop(%q, %d) = %d, want %d", b, i, got, want)
		}
	}
}
