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

type qpBody struct{ name, body string }

// qpBodies are the bodies of the quoted-printable target: the fixture's text and HTML and 1 MiB of
// Latin-1-heavy text.
func qpBodies() []qpBody {
	return []qpBody{{"text", small.Text}, {"html", small.HTML}, {"latin1-1MiB", latin1Text(1 << 20)}}
}

// qpOps returns mime/quotedprintable (the floor) and sesraw (NewTree + WriteBody of one
// quoted-printable leaf) encoding body into a reused buffer.
func qpOps(b *testing.B, body string) (std, ours func()) {
	data := []byte(body)
	p := &multipart.Part{ContentType: "text/plain", Data: data, Encoding: multipart.QuotedPrintable}
	w := SliceWriter{B: make([]byte, 0, 4*len(data))}
	return func() { w.B = AppendQP(w.B[:0], body) }, func() {
		w.B = w.B[:0]
		writeTree(b, p, &w)
	}
}

func BenchmarkQP(b *testing.B) {
	for _, bc := range qpBodies() {
		std, ours := qpOps(b, bc.body)
		b.Run("body="+bc.name+"/lib=sesraw", func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				ours()
			}
		})
		b.Run("body="+bc.name+"/lib=floor-stdlib", func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				std()
			}
		})
	}
}

// base64Ops returns encoding/base64 with CRLF every 76 columns (the floor) and sesraw (NewTree +
// WriteBody of the fixture's attachment) into a reused buffer.
func base64Ops(b *testing.B) (std, ours func()) {
	data := small.Attachment
	p := &multipart.Part{ContentType: AttachmentType, Data: data}
	w := SliceWriter{B: make([]byte, 0, 2*len(data))}
	return func() { w.B = AppendBase64Lines(w.B[:0], data) }, func() {
		w.B = w.B[:0]
		writeTree(b, p, &w)
	}
}

func BenchmarkBase64(b *testing.B) {
	std, ours := base64Ops(b)
	n := int64(len(small.Attachment))
	b.Run("lib=sesraw", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		for b.Loop() {
			ours()
		}
	})
	b.Run("lib=floor-stdlib", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		for b.Loop() {
			std()
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
