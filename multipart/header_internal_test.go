package multipart

import (
	"bytes"
	"strings"
	"testing"
)

// TestSimpleLeafHeader holds appendSimpleLeafHeader to what the emitter writes (appendPartFields)
// for a leaf with only a media type, for types of every length up to simpleTypeMax, text/ or not
// in any case, and every encoding; and checks that one octet more would have been folded.
func TestSimpleLeafHeader(t *testing.T) {
	for _, prefix := range []string{"text/", "TEXT/", "Text/", "application/", "image/", "x/"} {
		for n := len(prefix) + 1; n <= simpleTypeMax+1; n++ {
			ct := prefix + strings.Repeat("x", n-len(prefix)-1) + "-"
			for _, enc := range []Encoding{SevenBit, EightBit, QuotedPrintable, Base64} {
				nd := &node{p: &Part{ContentType: ct}, enc: enc, leaf: true}
				var e emitter
				want, err := (&Tree{}).appendPartFields(nil, nd, ct, &e)
				if err != nil {
					t.Fatal(err)
				}
				got := appendSimpleLeafHeader(nil, ct, enc)
				switch {
				case n <= simpleTypeMax && !bytes.Equal(got, want):
					t.Fatalf("%q %v:\n got %q\nwant %q", ct, enc, got, want)
				case n == simpleTypeMax+1 && hasPrefixFold(ct, "text/") && bytes.Equal(got, want):
					t.Fatalf("%q: a type one octet past simpleTypeMax is not folded; the bound can grow", ct)
				}
			}
		}
	}
}
