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
