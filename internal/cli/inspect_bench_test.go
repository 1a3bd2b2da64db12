package cli

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// inspectBenchMessage is a ~120 KB delegated message: text and HTML alternatives inside
// multipart/mixed with a base64 PDF attachment (the shape of preflight's benchmark message).
func inspectBenchMessage() []byte {
	var b bytes.Buffer
	b.WriteString("X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n")
	b.WriteString("From: Ann Example <ann@example.com>\r\nTo: Bob <bob@example.org>, carol@example.org\r\n")
	b.WriteString("Subject: receipt\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mixed-1\"\r\n\r\n")
	b.WriteString("--mixed-1\r\nContent-Type: multipart/alternative; boundary=\"alt-1\"\r\n\r\n")
	b.WriteString("--alt-1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.WriteString(strings.Repeat("Thank you for your order. Your receipt is attached; reply to this message =\r\nwith any question.\r\n", 250))
	b.WriteString("--alt-1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.WriteString(strings.Repeat("<p style=3D\"margin:0\">Thank you for your order. Your receipt is attached.</p>\r\n", 250))
	b.WriteString("--alt-1--\r\n--mixed-1\r\nContent-Type: application/pdf; name=\"receipt.pdf\"\r\n" +
		"Content-Disposition: attachment; filename=\"receipt.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("%PDF-1.7 receipt data \x00\x01\x02\xff"), 2200))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--mixed-1--\r\n")
	return b.Bytes()
}

func BenchmarkInspect(b *testing.B) {
	raw := inspectBenchMessage()
	r := bytes.NewReader(raw)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		r.Reset(raw)
		if _, err := inspect("m.eml", r); err != nil {
			b.Fatal(err)
		}
	}
}
