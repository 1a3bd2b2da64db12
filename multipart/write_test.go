package multipart_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sesraw/sesraw/multipart"
)

func TestStreamingQPAndRaw(t *testing.T) {
	inputs := []string{
		"", "a", "a \r\n", strings.Repeat("x", 200) + "\r\n", "é\r\nb \t\r\n=", strings.Repeat("ab \r\n", 2000),
		strings.Repeat("a", 74) + " \r", "tail\r",
	}
	for _, in := range inputs {
		want := qpBody(t, "application/x", in)
		for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in)), iotest.DataErrReader(strings.NewReader(in))} {
			hdr, body := build(t, &multipart.Part{ContentType: "application/x", Reader: r, Encoding: multipart.QuotedPrintable}, nil)
			if string(body) != want {
				t.Fatalf("streamed QP(%q) =\n%q\nwant\n%q", in, body, want)
			}
			if got := parseStd(t, hdr, body)[0].body; string(got) != string(withRootTerm([]byte(in), "quoted-printable")) {
				t.Fatalf("QP round trip of %q = %q", in, got)
			}
		}
	}
	// Streamed 7bit/8bit content is validated on the fly.
	rawTests := []struct {
		in   string
		enc  multipart.Encoding
		want error
	}{
		{"ok\r\nfine\r\n", multipart.SevenBit, nil},
		{"é\r\n", multipart.EightBit, nil},
		{"é\r\n", multipart.SevenBit, multipart.ErrInvalidPart},
		{"a\nb", multipart.SevenBit, multipart.ErrInvalidPart},
		{"a\rb", multipart.EightBit, multipart.ErrInvalidPart},
		{"a\r", multipart.EightBit, multipart.ErrInvalidPart},
		{"a\x00", multipart.EightBit, multipart.ErrInvalidPart},
		{strings.Repeat("a", 998) + "\r\n", multipart.SevenBit, nil},
		{strings.Repeat("a", 999) + "\r\n", multipart.SevenBit, multipart.ErrLineTooLong},
	}
	for _, tt := range rawTests {
		for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
			tr, err := multipart.NewTree(&multipart.Part{ContentType: "application/x", Reader: r, Encoding: tt.enc}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			_, err = tr.WriteBody(&buf)
			if !errors.Is(err, tt.want) {
				t.Errorf("raw %v %q: error %v, want %v", tt.enc, tt.in, err, tt.want)
			}
			if err == nil && buf.String() != tt.in {
				t.Errorf("raw %v %q: wrote %q", tt.enc, tt.in, buf.String())
			}
		}
	}
}

func TestSizeMismatch(t *testing.T) {
	for _, enc := range []multipart.Encoding{multipart.Auto, multipart.QuotedPrintable, multipart.SevenBit} {
		for _, size := range []int64{4, 6} {
			p := &multipart.Part{ContentType: "application/x", Reader: strings.NewReader("hello"), Size: size, Encoding: enc}
			tr, err := multipart.NewTree(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.WriteBody(io.Discard); !errors.Is(err, multipart.ErrSizeMismatch) {
				t.Errorf("enc %v, Size %d for 5 bytes: error %v", enc, size, err)
			}
		}
	}
	// Size 0 is unknown: any length is accepted and BodySize says so.
	tr, err := multipart.NewTree(&multipart.Part{Reader: strings.NewReader("hello")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.BodySize(); ok {
		t.Error("BodySize known for a Reader without Size")
	}
	if _, err := tr.WriteBody(io.Discard); err != nil {
		t.Error(err)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, io.ErrClosedPipe
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	root := sampleTree()
	tr, err := multipart.NewTree(root, zeroRand{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := tr.WriteBody(&failWriter{n: 100})
	if !errors.Is(err, io.ErrClosedPipe) || n != 100 {
		t.Fatalf("WriteBody to a failing writer = %d, %v; want 100, ErrClosedPipe", n, err)
	}
	// A reader error is returned as is.
	p := &multipart.Part{Reader: iotest.ErrReader(io.ErrNoProgress)}
	tr, _ = multipart.NewTree(p, nil)
	if _, err := tr.WriteBody(io.Discard); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("reader error: %v", err)
	}
}

// Text bodies with bare LF are written with CRLF under every encoding, whatever their length
// (base64 sizes of n and n+1 octets often coincide, which once hid the conversion).
func TestTextLineEndingsAllEncodings(t *testing.T) {
	for n := 0; n < 130; n++ {
		data := strings.Repeat("é", n/2) + strings.Repeat("a", n%2) + "\nx\n"
		for _, enc := range []multipart.Encoding{multipart.Auto, multipart.QuotedPrintable, multipart.Base64, multipart.EightBit} {
			hdr, body := build(t, &multipart.Part{ContentType: "text/plain", Data: []byte(data), Encoding: enc}, nil)
			want := strings.ReplaceAll(data, "\n", "\r\n")
			for _, l := range []leaf{parseStd(t, hdr, body)[0], parseGoMessage(t, hdr, body)[0]} {
				if string(l.body) != want {
					t.Fatalf("n=%d enc %v (%s): body %q, want %q", n, enc, l.cte, l.body, want)
				}
			}
		}
	}
}
