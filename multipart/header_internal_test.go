package multipart

import (
	"bytes"
	"io"
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

// TestLeafHdrSize: the header fields appendSimpleLeafHeader writes for the longest media type
// NewTree keeps in Tree.oneHdr (simpleTypeMax octets, text/, every encoding) fit it.
func TestLeafHdrSize(t *testing.T) {
	for _, enc := range []Encoding{SevenBit, EightBit, QuotedPrintable, Base64} {
		if n := len(appendSimpleLeafHeader(nil, "text/"+strings.Repeat("x", simpleTypeMax-5), enc)); n > leafHdrSize {
			t.Fatalf("%v: %d octets, Tree.oneHdr holds %d", enc, n, leafHdrSize)
		}
	}
}

// writeLocal makes a tree of p and writes it, keeping the tree to itself, as a caller that only
// writes a body does.
func writeLocal(p *Part, w io.Writer) error {
	tr, err := NewTree(p, nil)
	if err != nil {
		return err
	}
	_, err = tr.WriteBody(w)
	return err
}

// TestLeafTreeAllocs: NewTree and WriteBody of one in-memory leaf, by a caller that keeps the tree
// to itself, allocate nothing: the Tree points nowhere into itself, so it lives on the caller's
// stack (NewTree is inlined), and the body writer is pooled.
func TestLeafTreeAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop what it holds at random")
	}
	if testing.AllocsPerRun(10, func() { inlineProbeSink = newInlineProbe().v }) != 0 {
		t.Skip("inlining is off (-gcflags=-l, as debuggers build): no tree can live on its caller's stack")
	}
	for _, p := range []*Part{
		{ContentType: "text/plain", Data: []byte("Gr\xc3\xbc\xc3\x9fe aus dem B\xc3\xbcro\n"), Encoding: QuotedPrintable},
		{ContentType: "text/html", Data: []byte("<p>Hello</p>\n")},
		{ContentType: "application/octet-stream", Data: []byte("\x00\x01\x02")},
	} {
		if err := writeLocal(p, io.Discard); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = writeLocal(p, io.Discard) }); n != 0 {
			t.Errorf("%s: %v allocations per NewTree + WriteBody, want 0", p.ContentType, n)
		}
	}
}

// inlineProbe tells TestLeafTreeAllocs whether the compiler inlines: newInlineProbe's value stays
// on its caller's stack only when the call is inlined, as NewTree's must be.
type inlineProbe struct{ v int }

var inlineProbeSink int

func newInlineProbe() *inlineProbe { return &inlineProbe{v: 1} }
