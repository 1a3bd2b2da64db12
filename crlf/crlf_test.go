package crlf_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sesraw/sesraw/crlf"
)

// reference is the conversion written the obvious way, one byte at a time.
func reference(src []byte) []byte {
	var out []byte
	for i, c := range src {
		if c == '\n' && (i == 0 || src[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

var cases = []struct{ in, want string }{
	{"", ""},
	{"a", "a"},
	{"\n", "\r\n"},
	{"\r\n", "\r\n"},
	{"a\nb\n", "a\r\nb\r\n"},
	{"a\r\nb\n\nc", "a\r\nb\r\n\r\nc"},
	{"bare\rcr\n", "bare\rcr\r\n"}, // a bare CR is kept as it is
	{"\r\r\n", "\r\r\n"},           // CR CR LF: the second CR pairs with the LF
	{"x\r", "x\r"},                 // CR at the end stays bare
	{"From: a\nX: b\r\n\nbody", "From: a\r\nX: b\r\n\r\nbody"},
}

func TestReader(t *testing.T) {
	for _, tc := range cases {
		for name, wrap := range map[string]func(io.Reader) io.Reader{
			"whole":    func(r io.Reader) io.Reader { return r },
			"one byte": iotest.OneByteReader,
			"half":     iotest.HalfReader,
		} {
			got, err := io.ReadAll(crlf.NewReader(wrap(strings.NewReader(tc.in))))
			if err != nil || string(got) != tc.want {
				t.Errorf("%s %q: got %q, %v; want %q", name, tc.in, got, err, tc.want)
			}
			// A one-byte destination exercises the owed LF.
			var out []byte
			r := crlf.NewReader(wrap(strings.NewReader(tc.in)))
			b := make([]byte, 1)
			for {
				n, err := r.Read(b)
				out = append(out, b[:n]...)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if string(out) != tc.want {
				t.Errorf("%s, 1-byte reads %q: got %q, want %q", name, tc.in, out, tc.want)
			}
		}
		if got := crlf.Append([]byte("pre"), []byte(tc.in)); string(got) != "pre"+tc.want {
			t.Errorf("Append %q: got %q", tc.in, got)
		}
		if got := crlf.HasBareLF([]byte(tc.in)); got != (tc.in != tc.want) {
			t.Errorf("HasBareLF(%q) = %v", tc.in, got)
		}
	}
}

// TestReaderError: the underlying reader's error comes after every converted byte.
func TestReaderError(t *testing.T) {
	r := crlf.NewReader(iotest.DataErrReader(iotest.TimeoutReader(strings.NewReader("a\nb"))))
	got, err := io.ReadAll(r)
	if err != iotest.ErrTimeout || len(got) == 0 {
		t.Errorf("got %q, %v; want data then iotest.ErrTimeout", got, err)
	}
	if err := iotest.TestReader(crlf.NewReader(strings.NewReader("line one\nline two\r\nthree\n")), []byte("line one\r\nline two\r\nthree\r\n")); err != nil {
		t.Error(err)
	}
}

// FuzzReader checks the invariant: for any input and any read sizes, Reader and Append produce
// exactly the reference conversion (every LF not preceded by CR becomes CRLF, nothing else
// changes), and the output has no bare LF.
func FuzzReader(f *testing.F) {
	for _, tc := range cases {
		f.Add([]byte(tc.in), uint8(1))
	}
	f.Add([]byte("\r\n\n\r\r\n\n"), uint8(3))
	f.Fuzz(func(t *testing.T, in []byte, size uint8) {
		want := reference(in)
		r := crlf.NewReader(iotest.HalfReader(bytes.NewReader(in)))
		buf := make([]byte, int(size)%17+1)
		var got []byte
		for {
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Reader(%q) = %q, want %q", in, got, want)
		}
		if app := crlf.Append(nil, in); !bytes.Equal(app, want) {
			t.Fatalf("Append(%q) = %q, want %q", in, app, want)
		}
		if crlf.HasBareLF(got) {
			t.Fatalf("output %q has a bare LF", got)
		}
		if bytes.Count(got, []byte{'\r'})-bytes.Count(in, []byte{'\r'}) != len(got)-len(in) {
			t.Fatalf("something other than CR was added")
		}
	})
}

func BenchmarkReader(b *testing.B) {
	src := bytes.Repeat([]byte("Subject: a line of a template-engine message, LF only\n"), 20000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		io.Copy(io.Discard, crlf.NewReader(bytes.NewReader(src)))
	}
}

func BenchmarkAppend(b *testing.B) {
	src := bytes.Repeat([]byte("Subject: a line of a template-engine message, LF only\n"), 20000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	var dst []byte
	for b.Loop() {
		dst = crlf.Append(dst[:0], src)
	}
}
