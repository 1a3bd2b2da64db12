package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/mail"
	"strings"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// demoJSON is the message `sesraw demo` builds.
//
//go:embed demo.json
var demoJSON []byte

// demoKey is a published, demo-only Ed25519 key (see the text in the file).
//
//go:embed demo_key.pem
var demoKey []byte

type demoAddr struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

type demoInput struct {
	IdentityARN      string         `json:"identity_arn"`
	From             demoAddr       `json:"from"`
	ReplyTo          []demoAddr     `json:"reply_to"`
	To               []demoAddr     `json:"to"`
	Cc               []demoAddr     `json:"cc"`
	Bcc              []demoAddr     `json:"bcc"`
	ReturnPath       string         `json:"return_path"`
	Subject          string         `json:"subject"`
	Text             string         `json:"text"`
	HTML             string         `json:"html"`
	ConfigurationSet string         `json:"configuration_set"`
	Tags             []xheaders.Tag `json:"tags"`
	Attachment       struct {
		Filename string `json:"filename"`
		Content  string `json:"content"`
	} `json:"attachment"`
	Date time.Time `json:"date"`
	DKIM struct {
		Domain   string `json:"domain"`
		Selector string `json:"selector"`
	} `json:"dkim"`
}

func addrs(in []demoAddr) []mail.Address {
	out := make([]mail.Address, len(in))
	for i, a := range in {
		out[i] = mail.Address{Name: a.Name, Address: a.Address}
	}
	return out
}

// demo writes the demo message (CRLF line endings, ready for SendRawEmail or SMTP DATA) to stdout
// and an explanation to stderr. The output is the same on every run: fixed date, fixed random seed,
// and an Ed25519 signature (deterministic) made with the published demo key.
func demo(stdout, stderr io.Writer) error {
	var in demoInput
	if err := json.Unmarshal(demoJSON, &in); err != nil {
		return fmt.Errorf("demo.json: %w", err)
	}
	arn, err := xheaders.ParseARN(in.IdentityARN)
	if err != nil {
		return err
	}
	m := &builder.Message{
		From:       mail.Address{Name: in.From.Name, Address: in.From.Address},
		ReplyTo:    addrs(in.ReplyTo),
		To:         addrs(in.To),
		Cc:         addrs(in.Cc),
		Bcc:        addrs(in.Bcc),
		ReturnPath: in.ReturnPath,
		Subject:    in.Subject,
		Text:       in.Text,
		HTML:       in.HTML,
		Date:       in.Date,
		Attachments: []builder.Attachment{{
			Filename: in.Attachment.Filename,
			Data:     []byte(in.Attachment.Content),
		}},
	}
	m.Delegate(arn)
	m.SES.ConfigurationSet = in.ConfigurationSet
	m.SES.Tags = in.Tags

	key, err := dkim.ParsePrivateKey(demoKey)
	if err != nil {
		return fmt.Errorf("demo_key.pem: %w", err)
	}
	signer, err := dkim.NewSigner(dkim.Options{
		Domain:   in.DKIM.Domain,
		Selector: in.DKIM.Selector,
		Key:      key,
		Now:      func() time.Time { return in.Date },
	})
	if err != nil {
		return err
	}
	txt, err := dkim.TXTRecord(key.Public())
	if err != nil {
		return err
	}
	b := &builder.Builder{
		Target:   builder.TargetV1,
		Signer:   signer,
		Rand:     rand.NewChaCha8([32]byte([]byte("sesraw demo: fixed random seed!!"))),
		Hostname: "platform.example",
	}
	env, err := b.Envelope(m)
	if err != nil {
		return err
	}
	raw, err := b.Bytes(m)
	if err != nil {
		return err
	}
	if _, err := stdout.Write(raw); err != nil {
		return err
	}

	var e strings.Builder
	e.WriteString("sesraw demo: a delegated-sending message, built from cmd/sesraw/demo.json (stdout, CRLF lines).\n\n")
	e.WriteString("  - X-SES-SOURCE-ARN and X-SES-FROM-ARN name the identity " + arn.String() + "\n")
	e.WriteString("    whose owner authorized this sender. Both are set: AWS documents SourceArn alone as enough,\n")
	e.WriteString("    but users report that with a From header in the raw message only FromArn is honoured.\n")
	e.WriteString("    X-SES-RETURN-PATH-ARN authorizes the Return-Path (bounces and complaints go there).\n")
	e.WriteString("  - SES reads the first instance of each X-SES header and removes them all before delivery, so\n")
	e.WriteString("    they sit at the top and the DKIM-Signature (h=) does not cover them, nor Date, Message-ID\n")
	e.WriteString("    and Return-Path, which SES rewrites.\n")
	e.WriteString("  - Bcc is not in the header block; it is only in the envelope:\n")
	e.WriteString("      MAIL FROM: " + env.From + "\n")
	for _, r := range env.To {
		e.WriteString("      RCPT TO:   " + r + "\n")
	}
	fmt.Fprintf(&e, "  - Size: %d bytes (the SES v1 API limit is %d).\n\n", len(raw), builder.TargetV1.Limit())
	e.WriteString("The signature uses the published DEMO key cmd/sesraw/demo_key.pem (not secret: never use it for\n")
	e.WriteString("real mail). To verify, publish or feed your verifier this TXT record:\n")
	e.WriteString("  " + in.DKIM.Selector + "._domainkey." + in.DKIM.Domain + ". IN TXT \"" + txt + "\"\n")
	e.WriteString("e.g. save stdout to demo.eml and check it with dkimverify (python3-dkim) using that record.\n")
	_, err = io.Copy(stderr, bytes.NewBufferString(e.String()))
	return err
}
