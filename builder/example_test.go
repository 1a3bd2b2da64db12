package builder_test

import (
	"fmt"
	"math/rand/v2"
	"net/mail"
	"strings"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// A delegate sender sends as an identity another AWS account owns: the identity's ARN goes into
// the X-SES headers at the top of the message (SES reads and removes them before delivery).
func ExampleBuilder_Bytes() {
	b := &builder.Builder{
		Target:   builder.TargetV1,
		Now:      func() time.Time { return time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC) },
		Rand:     rand.NewChaCha8([32]byte{}), // fixed for the example; nil means crypto/rand
		Hostname: "mail.example.com",
	}
	m := &builder.Message{
		From:       mail.Address{Name: "Büro Example", Address: "sender@example.com"},
		To:         []mail.Address{{Name: "Recipient", Address: "recipient@example.org"}},
		Bcc:        []mail.Address{{Address: "archive@example.net"}}, // envelope only
		ReturnPath: "bounces@example.com",
		Subject:    "Your invoice",
		Text:       "Hello,\nyour invoice is attached.\n",
	}
	m.Delegate(xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com"))
	m.SES.ConfigurationSet = "transactional"

	raw, err := b.Bytes(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(string(raw), "\r\n", "\n"))
	// Output:
	// X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-RETURN-PATH-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-CONFIGURATION-SET: transactional
	// Return-Path: <bounces@example.com>
	// From: =?utf-8?q?B=C3=BCro_Example?= <sender@example.com>
	// To: Recipient <recipient@example.org>
	// Subject: Your invoice
	// Date: Fri, 14 Mar 2025 15:09:26 +0000
	// Message-ID: <d9877ece6d368aac1a6f419ec627c76b@mail.example.com>
	// MIME-Version: 1.0
	// Content-Type: text/plain; charset=utf-8
	// Content-Transfer-Encoding: 7bit
	//
	// Hello,
	// your invoice is attached.
}

// The envelope is what SendRawEmail (Source, Destinations) or SMTP (MAIL FROM, RCPT TO) needs:
// every To, Cc and Bcc address once, domains in punycode.
func ExampleBuilder_Envelope() {
	var b builder.Builder
	m := &builder.Message{
		From:       mail.Address{Address: "sender@example.com"},
		ReturnPath: "bounces@example.com",
		To:         []mail.Address{{Address: "a@example.org"}, {Address: "zoë@example.org"}},
		Cc:         []mail.Address{{Address: "A@EXAMPLE.ORG"}, {Address: "b@bücher.example"}},
		Bcc:        []mail.Address{{Address: "audit@example.net"}},
		Text:       "Hi",
	}
	if _, err := b.Envelope(m); err != nil {
		fmt.Println(err)
	}
	m.To[1].Address = "zoe@example.org"
	env, err := b.Envelope(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("MAIL FROM:", env.From)
	for _, rcpt := range env.To {
		fmt.Println("RCPT TO:", rcpt)
	}
	// Output:
	// builder: To[1]: address "zoë@example.org" has a non-ASCII local part; SES does not support SMTPUTF8
	// MAIL FROM: bounces@example.com
	// RCPT TO: a@example.org
	// RCPT TO: zoe@example.org
	// RCPT TO: b@xn--bcher-kva.example
	// RCPT TO: audit@example.net
}
