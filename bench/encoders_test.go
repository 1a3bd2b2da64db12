package bench

import (
	"io"
	"testing"

	"github.com/sesraw/sesraw/multipart"
)

// The encoders alone, through multipart's public API (NewTree, then WriteBody into a reused
// buffer: the scan that chooses and sizes the encoding, the encoding, and the part's few header
// bytes), against the standard library doing the same encoding (the floor's method).

// latin1Text returns n octets of text dense in Latin-1 letters (two UTF-8 octets each), lines
// under 76 characters ending in LF.
func latin1Text(n int) string {
	words := []string{"Größe", "Übergröße", "müßig", "Bäckerei", "Grüße", "Straße", "déjà", "été",
		"élève", "côté", "façade", "garçon", "naïve", "crème", "brûlée", "Noël", "año", "señor",
		"mañana", "niño", "acción", "Ærø", "Øresund", "blåbær", "smørrebrød", "the", "and", "report"}
	var b []byte
	line := 0
	for i := 0; len(b) < n; i++ {
		w := words[(i*7+i/3)%len(words)]
		if line+1+len(w) > 72 {
			b = append(b, '\n')
			line = 0
		} else if line > 0 {
			b = append(b, ' ')
			line++
		}
		b = append(b, w...)
		line += len(w)
	}
	return string(b[:n])
}

func BenchmarkQP(b *testing.B) {
	for _, bc := range []struct{ name, body string }{
		{"text", small.Text}, {"html", small.HTML}, {"latin1-1MiB", latin1Text(1 << 20)},
	} {
		data := []byte(bc.body)
		p := &multipart.Part{ContentType: "text/plain", Data: data, Encoding: multipart.QuotedPrintable}
		w := SliceWriter{B: make([]byte, 0, 4*len(data))}
		b.Run("body="+bc.name+"/lib=sesraw", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				w.B = w.B[:0]
				writeTree(b, p, &w)
			}
		})
		b.Run("body="+bc.name+"/lib=floor-stdlib", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				w.B = AppendQP(w.B[:0], bc.body)
			}
		})
	}
}

func BenchmarkBase64(b *testing.B) {
	data := small.Attachment
	p := &multipart.Part{ContentType: AttachmentType, Data: data}
	w := SliceWriter{B: make([]byte, 0, 2*len(data))}
	b.Run("lib=sesraw", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			w.B = w.B[:0]
			writeTree(b, p, &w)
		}
	})
	b.Run("lib=floor-stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			w.B = AppendBase64Lines(w.B[:0], data)
		}
	})
}

func writeTree(b *testing.B, p *multipart.Part, w io.Writer) {
	t, err := multipart.NewTree(p, zeroReader{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := t.WriteBody(w); err != nil {
		b.Fatal(err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
