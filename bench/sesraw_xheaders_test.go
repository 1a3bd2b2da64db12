package bench

import (
	"bytes"
	"testing"

	"github.com/sesraw/sesraw/xheaders"
)

// sesrawReaders: xheaders.Read, then each value through the zero-allocation path (First +
// AppendUnfolded) and, as "sesraw-get", through Get, which returns a string.
func sesrawReaders() []sesReader {
	return []sesReader{
		{"sesraw", func(dst, raw []byte) ([]byte, error) {
			e, err := xheaders.Read(raw)
			if err != nil {
				return dst, err
			}
			for _, s := range SESHeaders {
				f, _ := e.First(s.Name)
				dst = append(f.AppendUnfolded(dst), '\n')
			}
			return dst, nil
		}},
		{"sesraw-get", func(dst, raw []byte) ([]byte, error) {
			e, err := xheaders.Read(raw)
			if err != nil {
				return dst, err
			}
			for _, s := range SESHeaders {
				v, _ := e.Get(s.Name)
				dst = append(append(dst, v...), '\n')
			}
			return dst, nil
		}},
	}
}

// sesrawRemovers: xheaders.Remove, appending to a reused buffer.
func sesrawRemovers() []sesRemover {
	return []sesRemover{{"sesraw", func(dst, raw []byte) ([]byte, error) {
		return xheaders.Remove(dst, raw), nil
	}}}
}

// BenchmarkXSESReadInto is XSESRead's sesraw case with xheaders.ReadInto filling a reused Effective
// (compare with XSESRead lib=sesraw and lib=go-message in the same run).
func BenchmarkXSESReadInto(b *testing.B) {
	raw := refMessage(b, small)
	want := wantSESValues()
	var e xheaders.Effective
	read := func(dst []byte) []byte {
		if err := xheaders.ReadInto(&e, raw); err != nil {
			b.Fatal(err)
		}
		for _, s := range SESHeaders {
			f, _ := e.First(s.Name)
			dst = append(f.AppendUnfolded(dst), '\n')
		}
		return dst
	}
	b.Run("lib=sesraw", func(b *testing.B) {
		out := read(nil)
		if !bytes.Equal(out, want) {
			b.Fatalf("read %q, want %q", out, want)
		}
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			out = read(out[:0])
		}
	})
}

// BenchmarkXSESRemoveInPlace is XSESRemove's sesraw case with xheaders.RemoveInPlace, which modifies
// the message's header bytes and returns a suffix of it: each iteration first restores the header
// block (the only bytes RemoveInPlace writes), and that copy is included in the time.
func BenchmarkXSESRemoveInPlace(b *testing.B) {
	raw := refMessage(b, small)
	want := StripSES(raw)
	buf := bytes.Clone(raw)
	hdr := bytes.Index(raw, []byte("\r\n\r\n")) + 4
	b.Run("lib=sesraw", func(b *testing.B) {
		out := xheaders.RemoveInPlace(buf)
		if !bytes.Equal(out, want) {
			b.Fatal("output differs from the reference removal")
		}
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			copy(buf[:hdr], raw[:hdr])
			out = xheaders.RemoveInPlace(buf)
		}
		if len(out) != len(want) {
			b.Fatal("output length differs from the reference removal")
		}
	})
}
