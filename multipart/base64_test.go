package multipart_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sesraw/sesraw/multipart"
)

func TestBase64Lines(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 56, 57, 58, 114, 3647, 3648, 3649, 100000} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7)
		}
		p := &multipart.Part{ContentType: "application/octet-stream", Data: data}
		hdr, body := build(t, p, nil)
		checkLines(t, body, 76, false)
		lines := strings.Split(strings.TrimSuffix(string(body), "\r\n"), "\r\n")
		for i, l := range lines[:len(lines)-1] {
			if len(l) != 76 {
				t.Fatalf("n=%d: line %d has %d columns", n, i, len(l))
			}
		}
		leaves := parseStd(t, hdr, body)
		if !bytes.Equal(leaves[0].body, data) {
			t.Fatalf("n=%d: base64 round trip differs", n)
		}
		// The same bytes from a Reader, in odd chunks, give the same body.
		for _, r := range []io.Reader{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data)), iotest.HalfReader(bytes.NewReader(data))} {
			_, body2 := build(t, &multipart.Part{ContentType: "application/octet-stream", Reader: r, Size: int64(n)}, nil)
			if !bytes.Equal(body, body2) {
				t.Fatalf("n=%d: Reader body differs from Data body", n)
			}
		}
	}
}

// b64SplitWriter records what WriteBody hands to WriteBase64 apart from what it writes.
type b64SplitWriter struct {
	all  bytes.Buffer // every byte, in order
	runs [][]byte     // the WriteBase64 calls
}

func (w *b64SplitWriter) Write(p []byte) (int, error) { return w.all.Write(p) }

func (w *b64SplitWriter) WriteBase64(p []byte) (int, error) {
	w.runs = append(w.runs, bytes.Clone(p))
	return w.all.Write(p)
}

// TestWriteBase64: a writer with WriteBase64 gets the same bytes as a plain writer, in the same
// order; what goes through WriteBase64 is only complete 76-column lines of the base64 alphabet,
// each ending in CRLF (a DKIM body hasher relies on that to skip its WSP scan); and it carries most
// of a large attachment, from Data and from a Reader.
func TestWriteBase64(t *testing.T) {
	data := make([]byte, 200000)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	for _, tc := range []struct {
		name string
		root func() *multipart.Part
		min  int // bytes at least that go through WriteBase64
	}{
		{"sample", sampleTree, 4000},
		{"data", func() *multipart.Part {
			return &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{
				leafOf("text/plain", "Hello  there, \t\n"),
				{ContentType: "application/pdf", Filename: "a b.pdf", Data: data},
				{ContentType: "application/pdf", Filename: "small.pdf", Data: data[:100]},
				{ContentType: "application/pdf", Filename: "c.pdf", Data: data[:20000]},
			}}
		}, 240000},
		{"reader", func() *multipart.Part {
			return &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{
				leafOf("text/plain", "x"),
				{ContentType: "application/pdf", Reader: iotest.HalfReader(bytes.NewReader(data)), Size: int64(len(data))},
			}}
		}, 240000},
		{"root", func() *multipart.Part { return &multipart.Part{ContentType: "image/png", Data: data} }, 240000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, want := build(t, tc.root(), zeroRand{})
			tr, err := multipart.NewTree(tc.root(), zeroRand{})
			if err != nil {
				t.Fatal(err)
			}
			var w b64SplitWriter
			n, err := tr.WriteBody(&w)
			if err != nil || n != int64(w.all.Len()) {
				t.Fatalf("WriteBody = %d, %v; wrote %d", n, err, w.all.Len())
			}
			if !bytes.Equal(w.all.Bytes(), want) {
				t.Fatal("bytes differ from those written to a plain writer")
			}
			total := 0
			for _, r := range w.runs {
				total += len(r)
				if len(r) == 0 || len(r)%78 != 0 {
					t.Fatalf("WriteBase64 run of %d bytes, not whole 78-byte lines", len(r))
				}
				for l := r; len(l) > 0; l = l[78:] {
					if string(l[76:78]) != "\r\n" || strings.Trim(string(l[:76]), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") != "" {
						t.Fatalf("WriteBase64 line %q is not a 76-column base64 line", l[:78])
					}
				}
			}
			if total < tc.min {
				t.Errorf("%d bytes through WriteBase64, want at least %d", total, tc.min)
			}
		})
	}
}
