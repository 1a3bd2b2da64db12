package dkim_test

import (
	"bytes"
	"crypto"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"testing"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/sesraw/sesraw/dkim"
)

// benchText is prose as a quoted-printable or 7bit text part carries it (single spaces, no trailing
// whitespace: already relaxed-canonical); benchTextWSP has runs of WSP, tabs and trailing spaces on
// every line (the worst case for relaxed); benchBase64 is a 64 KiB attachment in 76-character lines.
var benchText, benchTextWSP, benchBase64 = func() ([]byte, []byte, []byte) {
	var text, wsp bytes.Buffer
	for i := 0; i < 30; i++ {
		text.WriteString("Dear customer, this is line number ")
		text.WriteString(strings.Repeat("x", i%7))
		text.WriteString(" of the quarterly report; nothing to see here, move along.\r\n")
		wsp.WriteString("Dear customer,  this is line number ")
		wsp.WriteString(strings.Repeat("x", i%7))
		wsp.WriteString(" of the\tquarterly report; nothing to see here,  move along. \r\n")
	}
	text.WriteString("\r\n\r\n")
	wsp.WriteString("\r\n\r\n")
	r := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 64<<10)
	for i := range blob {
		blob[i] = byte(r.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(blob)
	var b64 bytes.Buffer
	for len(enc) > 76 {
		b64.WriteString(enc[:76])
		b64.WriteString("\r\n")
		enc = enc[76:]
	}
	b64.WriteString(enc + "\r\n")
	return text.Bytes(), wsp.Bytes(), b64.Bytes()
}()

// benchQP is what a builder's text and HTML parts look like: non-ASCII prose and an HTML table in
// quoted-printable, about 12 KB of short and 76-column lines, already relaxed-canonical (the
// encoder escapes WSP before a line break).
var benchQP = func() []byte {
	var src strings.Builder
	for i := 0; src.Len() < 2500; i++ {
		src.WriteString("Grüße aus dem Büro — here is the Q3 résumé; Kosten −4 %, Lieferzeit 2,1 Tage.\n")
	}
	for i := 0; src.Len() < 10000; i++ {
		src.WriteString("<tr><td>Zürich</td><td>" + strconv.Itoa(1000+37*i) + " €</td><td>" + strconv.Itoa(10+i%17) + " %</td><td>geprüft</td></tr>\n")
	}
	var out bytes.Buffer
	w := quotedprintable.NewWriter(&out)
	_, _ = w.Write([]byte(src.String()))
	_ = w.Close()
	return out.Bytes()
}()

var benchMessage = func() []byte {
	var m bytes.Buffer
	m.WriteString(dkim.Header15)
	m.WriteString("\r\n")
	m.Write(benchText)
	m.Write(benchBase64)
	return m.Bytes()
}()

// BenchmarkRelaxedHeader canonicalizes the 15 fields of a realistic header into one reused
// buffer: allocs/op is the allocation count for all 15 fields.
func BenchmarkRelaxedHeader(b *testing.B) {
	fields := bytes.SplitAfter([]byte(dkim.Header15), []byte("\r\n"))
	buf := make([]byte, 0, 1024)
	b.SetBytes(int64(len(dkim.Header15)))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fields {
			buf = dkim.AppendRelaxedHeader(buf[:0], f)
		}
	}
}

// BenchmarkBodyHash compares the body hasher with plain SHA-256 over the same bytes (the floor),
// for a prose part, one with WSP to canonicalize, a base64 attachment and quoted-printable parts,
// written in 4 KiB chunks as a writer would.
func BenchmarkBodyHash(b *testing.B) {
	for _, in := range []struct {
		name string
		data []byte
	}{{"text", bytes.Repeat(benchText, 32)}, {"text-wsp", bytes.Repeat(benchTextWSP, 32)}, {"base64", benchBase64}, {"qp", benchQP}} {
		b.Run(in.name+"/sha256-floor", func(b *testing.B) {
			h := sha256.New()
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				h.Reset()
				for p := in.data; len(p) > 0; {
					n := min(4096, len(p))
					h.Write(p[:n])
					p = p[n:]
				}
				h.Sum(nil)
			}
		})
		for _, relaxed := range []bool{false, true} {
			s := bodySigner(b, relaxed)
			b.Run(in.name+"/"+canonName(relaxed), func(b *testing.B) {
				b.SetBytes(int64(len(in.data)))
				b.ReportAllocs()
				for b.Loop() {
					h := s.NewBodyHasher()
					for p := in.data; len(p) > 0; {
						n := min(4096, len(p))
						h.Write(p[:n])
						p = p[n:]
					}
					h.Sum()
				}
			})
		}
	}
}

// BenchmarkAppendSignature signs the 15-field header block with a precomputed body hash.
func BenchmarkAppendSignature(b *testing.B) {
	header := []byte(dkim.Header15)
	for _, k := range testKeys {
		s := NewSigner(b, k, dkim.Relaxed, "X-Campaign")
		bh := sha256.Sum256(nil)
		dst := make([]byte, 0, 1024)
		b.Run(k.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if dst, err = s.AppendSignature(dst[:0], header, bh[:]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSign signs the whole ~92 KB message: ours, go-msgauth's dkim.Sign with the same h= list
// and canonicalization, and the floor (SHA-256 over the message plus one private-key signature).
func BenchmarkSign(b *testing.B) {
	for _, k := range testKeys {
		key := k.key(b)
		s := NewSigner(b, k, dkim.Relaxed, "X-Campaign")
		dst := make([]byte, 0, len(benchMessage)+1024)
		signed, err := s.Sign(nil, benchMessage)
		if err != nil {
			b.Fatal(err)
		}
		hkeys := strings.Split(sigTags(b, signed)["h"], ":")
		var opts crypto.SignerOpts = crypto.SHA256
		if k.name == "ed25519" {
			opts = crypto.Hash(0)
		}
		b.Run(k.name+"/floor", func(b *testing.B) {
			b.SetBytes(int64(len(benchMessage)))
			b.ReportAllocs()
			for b.Loop() {
				d := sha256.Sum256(benchMessage)
				if _, err := key.Sign(crand.Reader, d[:], opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(k.name+"/sesraw", func(b *testing.B) {
			b.SetBytes(int64(len(benchMessage)))
			b.ReportAllocs()
			for b.Loop() {
				if dst, err = s.Sign(dst[:0], benchMessage); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(k.name+"/go-msgauth", func(b *testing.B) {
			var out bytes.Buffer
			o := &msgauth.SignOptions{
				Domain: "example.com", Selector: k.selector, Signer: key, HeaderKeys: hkeys,
				HeaderCanonicalization: msgauth.CanonicalizationRelaxed, BodyCanonicalization: msgauth.CanonicalizationRelaxed,
			}
			b.SetBytes(int64(len(benchMessage)))
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				if err := msgauth.Sign(&out, bytes.NewReader(benchMessage), o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
