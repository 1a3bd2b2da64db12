package dkim_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// exampleKey is the Ed25519 key of RFC 8463 Appendix A (public: never sign real mail with it).
func exampleKey() ed25519.PrivateKey {
	seed, _ := base64.StdEncoding.DecodeString("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
	return ed25519.NewKeyFromSeed(seed)
}

// A delegate sender's message carries X-SES-* headers, Message-ID and Date; the signature names
// none of them, lists only headers present, and oversigns From, To and Subject.
func ExampleNewSigner() {
	s, err := dkim.NewSigner(dkim.Options{
		Domain:   "example.com",
		Selector: "ses2025",
		Key:      exampleKey(),
		Headers:  []string{"X-Campaign"},
		Now:      func() time.Time { return time.Unix(1735689600, 0) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	raw := []byte("X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"X-SES-CONFIGURATION-SET: marketing\r\n" +
		"From: Joe <joe@example.com>\r\n" +
		"To: mary@example.net\r\n" +
		"Subject: Spring sale\r\n" +
		"Date: Wed, 01 Jan 2025 00:00:00 +0000\r\n" +
		"Message-ID: <1@example.com>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=us-ascii\r\n" +
		"X-Campaign: spring\r\n" +
		"\r\n" +
		"Hello Mary.\r\n")
	signed, err := s.Sign(nil, raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	field := signed[:len(signed)-len(raw)]
	fmt.Print(strings.ReplaceAll(string(field), "\r\n", "\n"))
	// Output:
	// DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com;
	//  s=ses2025; t=1735689600; h=From:From:To:To:Subject:Subject:MIME-Version:
	//  Content-Type:X-Campaign; bh=IU1ylcVpW1Fodrf8Zv1RGFkOSEmWHOwcW8OI2EqoHVk=;
	//  b=7J26dUYK7f/R57CZZsgeMnmG/dm2vYHqwywkZqIsNgh2GDrNxgdqy5ZUxBagNY4n+cpMA5MHBED
	//  06fcgx9N8BA==
}

// TXTRecord gives the DNS record to publish at selector._domainkey.domain, and lets tests verify
// without DNS.
func ExampleTXTRecord() {
	rec, err := dkim.TXTRecord(exampleKey().Public())
	fmt.Println(rec, err)
	// Output: v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= <nil>
}

// VerifyAfterSESStrip checks a signature the way recipients will see it: after SES removed every
// X-SES-* header.
func ExampleVerifyAfterSESStrip() {
	key := exampleKey()
	s, _ := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "ses2025", Key: key})
	signed, _ := s.Sign(nil, []byte("X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n"+
		"From: joe@example.com\r\nSubject: hi\r\n\r\nHello.\r\n"))
	rec, _ := dkim.TXTRecord(key.Public())
	opts := &dkim.VerifyOptions{LookupTXT: func(name string) ([]string, error) {
		if name == "ses2025._domainkey.example.com" {
			return []string{rec}, nil
		}
		return nil, fmt.Errorf("no record for %s", name)
	}}
	for _, verify := range []func([]byte, *dkim.VerifyOptions) ([]dkim.Result, error){dkim.Verify, dkim.VerifyAfterSESStrip} {
		res, err := verify(signed, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res[0].Domain, res[0].Selector, res[0].Err)
	}
	fmt.Println(bytes.Contains(xheaders.Remove(nil, signed), []byte("X-SES")))
	// Output:
	// example.com ses2025 <nil>
	// example.com ses2025 <nil>
	// false
}

// Streaming: hash the body while it is written, then sign the header block.
func ExampleSigner_AppendSignature() {
	s, _ := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "s", Key: exampleKey(),
		Now: func() time.Time { return time.Unix(1735689600, 0) }})
	header := []byte("From: joe@example.com\r\nSubject: hi\r\n")
	bh := s.NewBodyHasher()
	for _, chunk := range []string{"Hello,\r", "\n\r\nbye.  \r\n", "\r\n"} {
		bh.Write([]byte(chunk)) // canonicalization state carries across writes
	}
	sig, err := s.AppendSignature(nil, header, bh.Sum())
	fmt.Println(err, bytes.HasPrefix(sig, []byte("DKIM-Signature: v=1; a=ed25519-sha256;")), bytes.HasSuffix(sig, []byte("\r\n")))
	// Output: <nil> true true
}

// A writer that puts the signature at the top of a message it writes in one pass reserves the
// field's place first: Prepare reads the header block once and knows the field's length, and
// AppendSignature fills the place once the body hash is known.
func ExamplePrepared() {
	s, _ := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "s", Key: exampleKey(),
		Now: func() time.Time { return time.Unix(1735689600, 0) }})
	header := []byte("From: joe@example.com\r\nSubject: hi\r\n")
	var p dkim.Prepared // reusable for the next message
	if err := s.Prepare(&p, header); err != nil {
		fmt.Println(err)
		return
	}
	msg := make([]byte, p.Len(), 1024) // the field's place
	msg = append(append(msg, header...), "\r\n"...)
	bh := s.NewBodyHasher()
	for _, line := range []string{"Hello,\r\n", "bye.\r\n"} {
		msg = append(msg, line...)
		bh.Write([]byte(line))
	}
	field, err := p.AppendSignature(msg[:0:0], bh.Sum())
	copy(msg, field)
	fmt.Println(err, len(field) == p.Len())
	fmt.Print(strings.ReplaceAll(string(msg[:bytes.Index(msg, []byte(" b="))]), "\r\n", "\n"))
	// Output:
	// <nil> true
	// DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=s;
	//  t=1735689600; h=From:From:Subject:Subject;
	//  bh=gTP6jCiZpoQCdwR7SiLdgsbsRg1zQAAzdK1djW6R8Cg=;
}

func ExampleParseSignature() {
	sig, err := dkim.ParseSignature([]byte(" v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel;\r\n" +
		" h=From:To:Subject; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=AuUo\r\n FEfD"))
	fmt.Println(sig.Domain, sig.Selector, sig.Headers, sig.Signature, err)

	_, err = dkim.ParseSignature([]byte("v=1; a=rsa-sha256; d=example.com; s=sel; h=To; b=AA"))
	fmt.Println(err)
	// Output:
	// example.com sel [From To Subject] AuUoFEfD <nil>
	// dkim: malformed DKIM-Signature: missing tag bh=; h= does not include From
}
