package multipart

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// TestEncodeB64LinesMatchesStd holds the line encoder to encoding/base64, line by line, over
// random octets (every value in every position of the six-octet groups).
func TestEncodeB64LinesMatchesStd(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 40 {
		src := make([]byte, n*b64LineIn)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		if n == 1 {
			for i := range src {
				src[i] = 0xff
			}
		}
		got := make([]byte, n*b64LineOut)
		encodeB64Lines(got, src)
		var want []byte
		for s := src; len(s) > 0; s = s[b64LineIn:] {
			want = append(base64.StdEncoding.AppendEncode(want, s[:b64LineIn]), '\r', '\n')
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%d lines: got\n%q\nwant\n%q", n, got, want)
		}
	}
}
