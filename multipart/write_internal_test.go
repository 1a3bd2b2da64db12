package multipart

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// TestQPWriteChunks holds what WriteBody writes for an in-memory quoted-printable leaf to the
// encoding of the whole body in one call, for bodies around the sizes where writeLeafContent
// splits them (what fits an empty 8 KiB buffer, what fits the room left after a first part) and
// of every width of escape, as the root and as the second part of a multipart; and the encoder
// never needs more room than the buffer has (it would grow it).
func TestQPWriteChunks(t *testing.T) {
	for _, unit := range []string{"a", "\xff", "a\xc3\xa9 b=\n", "abcdefg\r\n", "abcdefghijklmn\x7fopqrstuvwxyz0123456789\n"} {
		for _, n := range []int{1, 2, 3, 633, 634, 2536, 2537, 2538, 2539, 2540, 5076, 8000, 20000} {
			data := bytes.Repeat([]byte(unit), n/len(unit)+1)[:n]
			q := qpEncoder{crlf: true}
			want, _ := q.encode(nil, data, true)
			for _, first := range []int{-1, 0, 100, 3000, 7000} {
				t.Run(fmt.Sprintf("%q/%d/%d", unit, n, first), func(t *testing.T) {
					leaf := &Part{ContentType: "text/plain", Data: data, Encoding: QuotedPrintable}
					root := leaf
					if first >= 0 {
						before := &Part{ContentType: "application/octet-stream", Data: bytes.Repeat([]byte("xxxxxxxx\r\n"), first/10), Encoding: SevenBit}
						root = &Part{ContentType: "multipart/mixed", Parts: []*Part{before, leaf}}
					}
					tr, err := NewTree(root, bytes.NewReader(make([]byte, 1024)))
					if err != nil {
						t.Fatal(err)
					}
					// WriteBodyContext's steps, with a buffer of our own to look at after.
					var buf bytes.Buffer
					b := &bodyWriter{buf: make([]byte, 0, outBufSize)}
					b.reset(context.Background(), &buf)
					tr.writeNode(b, 0, true)
					b.flush()
					if b.err != nil {
						t.Fatal(b.err)
					}
					if cap(b.buf) != outBufSize {
						t.Fatalf("the output buffer grew to %d octets", cap(b.buf))
					}
					got := buf.Bytes()
					if first >= 0 {
						// The leaf's body runs from the blank line after its header to the
						// CRLF before the closing delimiter.
						i := bytes.Index(got, []byte("quoted-printable\r\n\r\n"))
						j := bytes.LastIndex(got, []byte("\r\n--"))
						if i < 0 || j < i {
							t.Fatalf("leaf not found in %q", got)
						}
						got = got[i+len("quoted-printable\r\n\r\n") : j]
					} else if tr.list()[0].term {
						got = bytes.TrimSuffix(got, []byte("\r\n"))
					}
					if !bytes.Equal(got, want) {
						t.Fatalf("wrote %d octets, one encode gives %d; first difference at %d", len(got), len(want), firstDiff(got, want))
					}
				})
			}
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
