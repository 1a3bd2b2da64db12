package multipart_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sesraw/sesraw/multipart"
)

func BenchmarkAppendTextField(b *testing.B) {
	for _, bc := range []struct{ name, value string }{
		{"ascii", "Your invoice INV-2024-0042 for March is ready"},
		{"ascii-long", strings.Repeat("Quarterly results and outlook ", 8)},
		{"non-ascii", "Grüße aus Köln: Ihre Rechnung für März ist fertig – 日本語"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dst := make([]byte, 0, 1024)
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.value)))
			for b.Loop() {
				var err error
				if dst, err = multipart.AppendTextField(dst[:0], "Subject", bc.value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendAddressField(b *testing.B) {
	addrs := []multipart.Address{
		{Name: "Jane Doe", Addr: "jane.doe@example.com"},
		{Name: "Doe, John", Addr: "john@example.com"},
		{Name: "Jörg Müller", Addr: "joerg@example.de"},
		{Addr: "ops@example.org"},
	}
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if dst, err = multipart.AppendAddressField(dst[:0], "To", addrs); err != nil {
			b.Fatal(err)
		}
	}
}

func benchData(n int) []byte {
	data := make([]byte, n)
	x := uint32(2463534242)
	for i := range data {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		data[i] = byte(x)
	}
	return data
}

// BenchmarkBase64Attachment streams an attachment from a Reader through NewTree and WriteBody;
// BenchmarkStdBase64Encode is the baseline: encoding/base64 on the same bytes, no line breaks,
// no I/O.
func BenchmarkBase64Attachment(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
	}{{"100KiB", 100 << 10}, {"10MiB", 10 << 20}} {
		data := benchData(bc.n)
		b.Run(bc.name+"/reader", func(b *testing.B) {
			r := bytes.NewReader(data)
			p := &multipart.Part{ContentType: "application/pdf", Filename: "report.pdf", Reader: r, Size: int64(len(data))}
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r.Reset(data)
				buildOnce(b, p)
			}
		})
		b.Run(bc.name+"/data", func(b *testing.B) {
			benchWrite(b, &multipart.Part{ContentType: "application/pdf", Filename: "report.pdf", Data: data}, len(data))
		})
	}
}

func BenchmarkStdBase64Encode(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
	}{{"100KiB", 100 << 10}, {"10MiB", 10 << 20}} {
		data := benchData(bc.n)
		dst := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				base64.StdEncoding.Encode(dst, data)
			}
		})
	}
}

// BenchmarkBase64Paired alternates, within each iteration, encoding/base64 StdEncoding.Encode of
// the bytes and streaming the same bytes from a Reader through NewTree and WriteBody, and reports
// our throughput as a fraction of the standard library's (ours/std): a ratio measured on the same
// machine state, so it holds up on a shared, noisy machine where separate benchmarks drift apart.
func BenchmarkBase64Paired(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
	}{{"100KiB", 100 << 10}, {"10MiB", 10 << 20}} {
		data := benchData(bc.n)
		dst := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
		b.Run(bc.name, func(b *testing.B) {
			r := bytes.NewReader(data)
			p := &multipart.Part{ContentType: "application/pdf", Filename: "report.pdf", Reader: r, Size: int64(len(data))}
			var std, ours time.Duration
			b.ReportAllocs()
			b.SetBytes(2 * int64(len(data)))
			for b.Loop() {
				t0 := time.Now()
				base64.StdEncoding.Encode(dst, data)
				t1 := time.Now()
				r.Reset(data)
				buildOnce(b, p)
				t2 := time.Now()
				std += t1.Sub(t0)
				ours += t2.Sub(t1)
			}
			b.ReportMetric(float64(std)/float64(ours), "ours/std")
		})
	}
}

func BenchmarkQuotedPrintable8KB(b *testing.B) {
	var sb strings.Builder
	for sb.Len() < 8<<10 {
		sb.WriteString("Sehr geehrte Kundin, sehr geehrter Kunde, Ihre Bestellung Nr. 4711 wurde am 3. März versandt. Grüße!\r\n")
	}
	text := []byte(sb.String()[:8<<10])
	p := &multipart.Part{ContentType: "text/plain", Data: text, Encoding: multipart.QuotedPrintable}
	// NewTree's scan chooses the encoding and sizes it (BodySize must be exact before anything is
	// written); WriteBody encodes.
	b.Run("newtree+write", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			buildOnce(b, p)
		}
	})
	b.Run("write", func(b *testing.B) { benchWrite(b, p, len(text)) })
}

// BenchmarkTypicalMessage builds a text+HTML alternative with a 64 KiB attachment.
func BenchmarkTypicalMessage(b *testing.B) {
	att := benchData(64 << 10)
	text := []byte(strings.Repeat("Hello, this is the plain text body of the message.\r\n", 20))
	html := []byte(strings.Repeat("<p>Hello, this is the <b>HTML</b> body of the message. Grüße</p>\r\n", 20))
	rnd := bytes.NewReader(nil)
	seed := make([]byte, 1024)
	b.ReportAllocs()
	for b.Loop() {
		root := &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{
			{ContentType: "multipart/alternative", Parts: []*multipart.Part{
				{ContentType: "text/plain", Data: text},
				{ContentType: "text/html", Data: html},
			}},
			{ContentType: "application/pdf", Filename: "Rechnung März.pdf", Data: att},
		}}
		rnd.Reset(seed)
		tr, err := multipart.NewTree(root, rnd)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tr.WriteBody(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// buildOnce is one whole build of p: NewTree, then WriteBody into io.Discard.
func buildOnce(b *testing.B, p *multipart.Part) {
	tr, err := multipart.NewTree(p, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.WriteBody(io.Discard); err != nil {
		b.Fatal(err)
	}
}

// benchWrite times WriteBody alone of a tree prepared once from p (n content bytes per op).
func benchWrite(b *testing.B, p *multipart.Part, n int) {
	tr, err := multipart.NewTree(p, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(n))
	for b.Loop() {
		if _, err := tr.WriteBody(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
