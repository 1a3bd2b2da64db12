package multipart

import (
	"encoding/base64"
	"math/rand/v2"
	"mime/quotedprintable"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fixture's bodies, as bench/fixture.go makes them (the bench module cannot be imported here).
var benchTextLines = []string{
	"Grüße aus dem Büro — here is the Q3 résumé you asked for.",
	"Umsatz und Marge stiegen im dritten Quartal; the naïve forecast was beaten.",
	"Prochaines étapes : réviser le budget, préparer la réunion de décembre.",
	"Zusammenfassung: Kosten −4 %, Kundenzufriedenheit 92 %, Lieferzeit 2,1 Tage.",
	"Please reply before Friday if the numbers in the attached report look wrong.",
}

func benchFixtureText() []byte {
	var sb strings.Builder
	sb.WriteString("Hallo Team,\n\n")
	for i := 0; sb.Len() < 2048; i++ {
		sb.WriteString(strconv.Itoa(i + 1))
		sb.WriteString(". ")
		sb.WriteString(benchTextLines[i%len(benchTextLines)])
		sb.WriteString("\n")
	}
	sb.WriteString("\nViele Grüße,\nBüro Example\n")
	return []byte(sb.String())
}

func benchFixtureHTML() []byte {
	var sb strings.Builder
	sb.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Q3 résumé</title></head>\n<body>\n")
	sb.WriteString("<h1>Quarterly report — Q3 résumé</h1>\n")
	for _, l := range benchTextLines {
		sb.WriteString("<p>")
		sb.WriteString(l)
		sb.WriteString("</p>\n")
	}
	sb.WriteString("<table border=\"1\" cellpadding=\"4\">\n<tr><th>Region</th><th>Umsatz</th><th>Marge</th><th>Notiz</th></tr>\n")
	regions := []string{"Nord", "Süd", "Île-de-France", "Zürich", "Øresund"}
	for i := 0; sb.Len() < 8000; i++ {
		sb.WriteString("<tr><td>")
		sb.WriteString(regions[i%len(regions)])
		sb.WriteString("</td><td>")
		sb.WriteString(strconv.Itoa(1000 + 37*i))
		sb.WriteString(" €</td><td>")
		sb.WriteString(strconv.Itoa(10 + i%17))
		sb.WriteString(" %</td><td>geprüft</td></tr>\n")
	}
	sb.WriteString("</table>\n<p>Viele Grüße,<br>Büro Example</p>\n</body></html>\n")
	return []byte(sb.String())
}

// latin1Words are French, German, Spanish and Nordic words dense in Latin-1 letters (two UTF-8
// octets each, six on the quoted-printable wire).
var latin1Words = strings.Fields("Größe Übergröße müßig Bäckerei Grüße Straße Füße Öl Äpfel hören " +
	"déjà été élève côté àpre façade garçon naïve crème brûlée où Noël " +
	"año señor mañana niño pingüino acción camión también " +
	"Ærø Øresund blåbær smørrebrød fjørd Åland kærlighed " +
	"the and of report figures quarter")

// benchLatin1Text returns n octets of text made of latin1Words, in lines of at most 72
// characters ending in LF.
func benchLatin1Text(n int) []byte {
	var sb strings.Builder
	line := 0
	for i := 0; sb.Len() < n; i++ {
		w := latin1Words[(i*7+i/3)%len(latin1Words)]
		if line+1+len([]rune(w)) > 72 {
			sb.WriteByte('\n')
			line = 0
		} else if line > 0 {
			sb.WriteByte(' ')
			line++
		}
		sb.WriteString(w)
		line += len([]rune(w))
	}
	return []byte(sb.String()[:n])
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// pairedRatio runs std and ours alternately, each rounds times per sample, on one locked OS thread,
// and returns the ratio of their CPU times (std/ours: above 1 means ours is faster), from all
// samples and from the fastest sample of each.
func pairedRatio(b *testing.B, rounds int, std, ours func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var ts, to time.Duration
	minS, minO := time.Duration(1<<62), time.Duration(1<<62)
	for b.Loop() {
		t0 := threadCPU()
		for range rounds {
			std()
		}
		t1 := threadCPU()
		for range rounds {
			ours()
		}
		t2 := threadCPU()
		ts += t1 - t0
		to += t2 - t1
		minS, minO = min(minS, t1-t0), min(minO, t2-t1)
	}
	b.ReportMetric(float64(ts)/float64(to), "ours/std")
	b.ReportMetric(float64(minS)/float64(minO), "ours/std-min")
}

// BenchmarkQPPaired compares, on CPU time, mime/quotedprintable's Writer with our encoder over
// the same text body: "encode" is the encoder alone, "scan+encode" adds the scan that chooses the
// encoding and sizes it (what NewTree and WriteBody do for an in-memory text leaf).
func BenchmarkQPPaired(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{{"text", benchFixtureText()}, {"html", benchFixtureHTML()}, {"latin1-1MiB", benchLatin1Text(1 << 20)}} {
		data := bc.data
		rounds := max(1, (256<<10)/len(data))
		sw := sliceWriter{b: make([]byte, 0, 4*len(data))}
		std := func() {
			sw.b = sw.b[:0]
			w := quotedprintable.NewWriter(&sw)
			_, _ = w.Write(data)
			_ = w.Close()
		}
		dst := make([]byte, 0, 4*len(data))
		encode := func() {
			q := qpEncoder{crlf: true}
			dst, _ = q.encode(dst[:0], data, true)
		}
		b.Run("body="+bc.name+"/encode", func(b *testing.B) {
			b.SetBytes(int64(rounds * len(data)))
			pairedRatio(b, rounds, std, encode)
		})
		b.Run("body="+bc.name+"/scan+encode", func(b *testing.B) {
			b.SetBytes(int64(rounds * len(data)))
			pairedRatio(b, rounds, std, func() {
				s := scan(data, true)
				encode()
				if s.qpLen != int64(len(dst)) {
					b.Fatalf("scan sized %d, encoded %d", s.qpLen, len(dst))
				}
			})
		})
	}
}

// BenchmarkBase64LinesPaired compares, on CPU time, 76-column MIME base64 with CRLF line ends made
// with encoding/base64 (StdEncoding.Encode of each 57-octet line, then CRLF: what the floor
// benchmark does) and with our line encoder, over 100 KiB.
func BenchmarkBase64LinesPaired(b *testing.B) {
	data := make([]byte, 100<<10)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(data) // random octets, like an attachment
	full := len(data) / b64LineIn * b64LineIn
	dst := make([]byte, 0, b64Size(int64(len(data))))
	b.SetBytes(int64(4 * len(data)))
	pairedRatio(b, 4, func() {
		out := dst[:0]
		for src := data; len(src) > 0; {
			n := min(b64LineIn, len(src))
			out = base64.StdEncoding.AppendEncode(out, src[:n])
			out = append(out, '\r', '\n')
			src = src[n:]
		}
		dst = out
	}, func() {
		out := dst[:b64Size(int64(len(data)))]
		encodeB64Lines(out, data[:full])
		tail := data[full:]
		o := full / b64LineIn * b64LineOut
		base64.StdEncoding.Encode(out[o:], tail)
		m := base64.StdEncoding.EncodedLen(len(tail))
		out[o+m], out[o+m+1] = '\r', '\n'
		dst = out
	})
}
