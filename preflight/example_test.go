package preflight_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/sesraw/sesraw/preflight"
)

func ExampleCheck() {
	raw := "X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel;\r\n" +
		"\th=From:Subject:Date:X-SES-FROM-ARN; bh=AAAA; b=BBBB\r\n" +
		"From: Ann <ann@example.net>\r\n" +
		"To: bob@example.org\r\n" +
		"Subject: Invoice\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n" +
		"\r\n" +
		"--b\r\n" +
		"Content-Type: application/octet-stream; name=\"invoice.pdf.exe\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		"AAAA\r\n" +
		"--b--\r\n"
	fs := preflight.Check([]byte(raw), &preflight.Options{Target: preflight.TargetV1})
	for _, f := range fs {
		fmt.Println(f)
	}
	fmt.Println("errors:", preflight.HasErrors(fs))
	// Output:
	// 1: error [arn-not-covering-from] X-SES-FROM-ARN identity "example.com" does not cover the From address "ann@example.net"
	// 2: error [dkim-signs-rewritten] DKIM-Signature signs Date (h=); SES overrides these headers, so the signature breaks (AWS: don't sign Message-ID, Date, Return-Path, Bounces-To)
	// 2: error [dkim-signs-stripped] DKIM-Signature signs X-SES-FROM-ARN (h=); SES removes X-SES-* headers before delivery, so the signature cannot verify
	// 10: error [attachment-extension] attachment "invoice.pdf.exe" has the extension .exe, which SES does not accept
	// errors: true
}

func ExampleCheckReader() {
	raw := "To: bob@example.org\r\nSubject: Hi\r\n\r\nHello\n"
	fs, err := preflight.CheckReader(strings.NewReader(raw), &preflight.Options{Target: preflight.TargetSMTP})
	if err != nil {
		fmt.Println(err)
		return
	}
	enc := json.NewEncoder(os.Stdout)
	for _, f := range fs {
		enc.Encode(f)
	}
	// Output:
	// {"rule":"missing-from","severity":"error","line":0,"message":"message has no From header field"}
	// {"rule":"bare-lf","severity":"warning","line":4,"message":"line ends in a bare LF; mail lines end in CRLF"}
}
