package preflight_test

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/sesraw/sesraw/preflight"
)

// benchMessage is a ~120 KB delegated, signed message: text and HTML alternatives and a base64 PDF
// attachment, with X-SES headers and a DKIM-Signature.
func benchMessage() []byte {
	var b bytes.Buffer
	b.WriteString("X-SES-SOURCE-ARN: " + arnExample + "\r\n")
	b.WriteString("X-SES-FROM-ARN: " + arnExample + "\r\n")
	b.WriteString("X-SES-CONFIGURATION-SET: transactional\r\n")
	b.WriteString("X-SES-MESSAGE-TAGS: campaign=spring, kind=receipt\r\n")
	b.WriteString(hDKIM + "\r\n")
	b.WriteString("From: Ann Example <ann@example.com>\r\n")
	b.WriteString("To: Bob <bob@example.org>, carol@example.org\r\n")
	b.WriteString("Cc: =?UTF-8?Q?J=C3=BCrgen?= <juergen@example.net>\r\n")
	b.WriteString("Subject: =?UTF-8?Q?Your_receipt_=E2=80=93_April?=\r\n")
	b.WriteString("Date: Mon, 01 Apr 2024 10:00:00 +0000\r\n")
	b.WriteString("Message-ID: <1234@example.com>\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=\"mixed-1\"\r\n\r\n")
	b.WriteString("--mixed-1\r\nContent-Type: multipart/alternative; boundary=\"alt-1\"\r\n\r\n")
	b.WriteString("--alt-1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	for range 250 {
		b.WriteString("Thank you for your order. Your receipt is attached; reply to this message =\r\nwith any question.\r\n")
	}
	b.WriteString("--alt-1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	for range 250 {
		b.WriteString("<p style=3D\"margin:0\">Thank you for your order. Your receipt is attached.</p>\r\n")
	}
	b.WriteString("--alt-1--\r\n")
	b.WriteString("--mixed-1\r\nContent-Type: application/pdf; name=\"receipt.pdf\"\r\n" +
		"Content-Disposition: attachment; filename=\"receipt.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	data := bytes.Repeat([]byte("%PDF-1.7 receipt data \x00\x01\x02\xff"), 2200)
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--mixed-1--\r\n")
	return b.Bytes()
}

func TestBenchMessageIsClean(t *testing.T) {
	raw := benchMessage()
	if len(raw) < 110_000 || len(raw) > 130_000 {
		t.Errorf("bench message is %d bytes, want about 120 KB", len(raw))
	}
	if fs := preflight.Check(raw, nil); len(fs) != 0 {
		t.Errorf("bench message has findings: %v", fs)
	}
}

func BenchmarkCheck(b *testing.B) {
	raw := benchMessage()
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		preflight.Check(raw, nil)
	}
}

func BenchmarkCheckReader(b *testing.B) {
	raw := benchMessage()
	r := bytes.NewReader(raw)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		r.Reset(raw)
		if _, err := preflight.CheckReader(r, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckBadMessages measures the messages of the rule tests that trip a rule (those under
// 64 KiB), one Check each per iteration: the cost of building findings.
func BenchmarkCheckBadMessages(b *testing.B) {
	var raws [][]byte
	var total int64
	for _, tt := range ruleTests {
		if len(tt.bad) < 64<<10 && (tt.opts == nil || tt.opts.MaxBytes == 0) {
			raws = append(raws, []byte(tt.bad))
			total += int64(len(tt.bad))
		}
	}
	b.ReportAllocs()
	b.SetBytes(total)
	for b.Loop() {
		for _, raw := range raws {
			preflight.Check(raw, nil)
		}
	}
}
