package builder_test

import (
	"bytes"
	"io"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// benchMessage is the fixture shared with the bench/ module: a delegated message with all three
// ARN headers, a configuration set and tags, a ~2 KB non-ASCII text body, a ~8 KB HTML body and a
// 100 KiB attachment.
func benchMessage() *builder.Message {
	arn := xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com")
	para := "Grüße aus dem Büro — the Q3 numbers are in: revenue grew 12 % year over year, " +
		"churn fell to 1.8 %, and the résumé of next steps is below. Ärger gab es keinen.\n"
	var text strings.Builder
	for text.Len() < 2000 {
		text.WriteString(para)
	}
	var html strings.Builder
	html.WriteString("<!DOCTYPE html>\n<html><body>\n")
	for html.Len() < 8000 {
		html.WriteString("<p style=\"font-family: Arial, sans-serif; color: #333\">" + strings.TrimSuffix(para, "\n") + "</p>\n")
	}
	html.WriteString("</body></html>\n")
	return &builder.Message{
		From:       mail.Address{Name: "Büro Example", Address: "sender@example.com"},
		To:         []mail.Address{{Address: "recipient@example.com"}, {Name: "Ärger Müller", Address: "r2@example.org"}},
		Cc:         []mail.Address{{Address: "cc@example.net"}},
		ReplyTo:    []mail.Address{{Address: "support@example.com"}},
		ReturnPath: "bounces@example.com",
		Subject:    "Quarterly report — Q3 résumé and next steps for the team",
		Text:       text.String(),
		HTML:       html.String(),
		SES: xheaders.Headers{
			SourceARN: arn, FromARN: arn, ReturnPathARN: arn,
			ConfigurationSet: "transactional",
			Tags:             []xheaders.Tag{{Name: "campaign", Value: "q3"}, {Name: "tenant", Value: "acme"}},
		},
		Attachments: []builder.Attachment{{Filename: "report.pdf", Data: pseudoBytes(100<<10, 7)}},
	}
}

func benchBuilders(b *testing.B) []struct {
	name string
	b    *builder.Builder
} {
	return []struct {
		name string
		b    *builder.Builder
	}{
		{"unsigned", &builder.Builder{Target: builder.TargetV2}},
		{"ed25519", &builder.Builder{Target: builder.TargetV2, Signer: testSigner(b)}},
		{"rsa2048", &builder.Builder{Target: builder.TargetV2, Signer: rsaSigner(b)}},
	}
}

// rsaSigner signs with the 2048-bit RSA key of dkim's tests (the common key size, and the one whose
// private-key operation costs most).
func rsaSigner(b *testing.B) *dkim.Signer {
	pemBytes, err := os.ReadFile("../dkim/testdata/keys/rsa2048.pem")
	if err != nil {
		b.Fatal(err)
	}
	key, err := dkim.ParsePrivateKey(pemBytes)
	if err != nil {
		b.Fatal(err)
	}
	s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "rsa", Key: key, Now: func() time.Time { return fixedNow }})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkBytes(b *testing.B) {
	for _, bb := range benchBuilders(b) {
		b.Run(bb.name, func(b *testing.B) {
			m := benchMessage()
			raw, err := bb.b.Bytes(m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bb.b.Bytes(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendTo(b *testing.B) {
	for _, bb := range benchBuilders(b) {
		b.Run(bb.name, func(b *testing.B) {
			m := benchMessage()
			buf, err := bb.b.AppendTo(nil, m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				if buf, err = bb.b.AppendTo(buf[:0], m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteTo streams the attachment from a reader (reset each iteration).
func BenchmarkWriteTo(b *testing.B) {
	for _, bb := range benchBuilders(b) {
		b.Run(bb.name, func(b *testing.B) {
			m := benchMessage()
			data := m.Attachments[0].Data
			r := bytes.NewReader(data)
			m.Attachments[0] = builder.Attachment{Filename: "report.pdf", Reader: r, Size: int64(len(data))}
			n, err := bb.b.WriteTo(io.Discard, m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(n)
			b.ReportAllocs()
			for b.Loop() {
				r.Reset(data)
				if _, err := bb.b.WriteTo(io.Discard, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	var bb builder.Builder
	m := benchMessage()
	b.ReportAllocs()
	for b.Loop() {
		if err := bb.Validate(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSize measures the exact size, signed included: the signature's length is known without
// a private-key operation.
func BenchmarkSize(b *testing.B) {
	for _, bb := range benchBuilders(b) {
		b.Run(bb.name, func(b *testing.B) {
			m := benchMessage()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := bb.b.Size(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
