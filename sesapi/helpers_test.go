package sesapi_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/mail"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// Identities used throughout the tests.
var (
	arnExample = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com")
	arnOther   = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/other.example")
	arnGlobal  = xheaders.MustParseARN("arn:aws:ses:*:123456789012:identity/example.com")
	arnEU      = xheaders.MustParseARN("arn:aws:ses:eu-west-1:123456789012:identity/example.com")
	arnAlice   = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/alice@example.com")
)

// pdf stands in for an attachment's bytes (binary, so it is base64-encoded).
var pdf = []byte("%PDF-1.4\n\x00\x01\x02\xff binary invoice body\n%%EOF\n")

// newBuilder returns a Builder with a fixed clock and a seeded random source, so that two builders
// made by it build byte-identical messages.
func newBuilder() *builder.Builder {
	return &builder.Builder{
		Now:      func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) },
		Rand:     rand.NewChaCha8([32]byte{'s', 'e', 's', 'r', 'a', 'w'}),
		Hostname: "test.example.com",
	}
}

// newMessage returns a delegated message with every kind of recipient, an attachment and every
// SES control value.
func newMessage() *builder.Message {
	m := &builder.Message{
		From:       mail.Address{Name: "Alice Example", Address: "alice@example.com"},
		To:         []mail.Address{{Name: "Bob", Address: "bob@example.net"}, {Address: "erin@example.net"}},
		Cc:         []mail.Address{{Name: "Carol", Address: "carol@example.org"}},
		Bcc:        []mail.Address{{Address: "dave@example.com"}},
		ReplyTo:    []mail.Address{{Name: "Help desk", Address: "help@example.com"}},
		ReturnPath: "bounces@example.com",
		Subject:    "Invoice 42",
		Text:       "Please find the invoice attached.",
		HTML:       "<p>Please find the invoice attached.</p>",
		Attachments: []builder.Attachment{
			{Filename: "invoice-42.pdf", ContentType: "application/pdf", Data: pdf},
		},
	}
	m.Delegate(arnExample)
	m.SES.ConfigurationSet = "transactional"
	m.SES.Tags = []xheaders.Tag{{Name: "campaign", Value: "invoices"}, {Name: "tenant", Value: "acme"}}
	return m
}

// simpleMessage is newMessage without attachment, HTML and the SES values v1 SendEmail refuses.
func simpleMessage() *builder.Message {
	m := newMessage()
	m.Attachments = nil
	m.HTML = ""
	return m
}

// sesHeaders reads the X-SES headers of raw the way SES does.
func sesHeaders(t testing.TB, raw []byte) xheaders.Headers {
	t.Helper()
	eff, err := xheaders.Read(raw)
	if err != nil {
		t.Fatalf("xheaders.Read: %v", err)
	}
	h, err := eff.Headers()
	if err != nil {
		t.Fatalf("Effective.Headers: %v", err)
	}
	return h
}

// parsed is what a mail client reads from a raw message.
type parsed struct {
	From, To, Cc, Bcc []*mail.Address
	Subject           string
	Text, HTML        string
	Attachments       map[string][]byte // filename -> content
}

// parse reads raw with go-message, as a mail client would.
func parse(t testing.TB, raw []byte) parsed {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message: %v", err)
	}
	var p parsed
	p.Attachments = map[string][]byte{}
	for _, f := range []struct {
		name string
		dst  *[]*mail.Address
	}{{"From", &p.From}, {"To", &p.To}, {"Cc", &p.Cc}, {"Bcc", &p.Bcc}} {
		list, err := r.Header.AddressList(f.name)
		if err != nil {
			t.Fatalf("go-message: %s: %v", f.name, err)
		}
		*f.dst = list
	}
	if p.Subject, err = r.Header.Subject(); err != nil {
		t.Fatalf("go-message: Subject: %v", err)
	}
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("go-message: NextPart: %v", err)
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			t.Fatalf("go-message: part body: %v", err)
		}
		switch h := part.Header.(type) {
		case *gomail.InlineHeader:
			ct, _, _ := h.ContentType()
			switch ct {
			case "text/plain":
				p.Text = string(body)
			case "text/html":
				p.HTML = string(body)
			}
		case *gomail.AttachmentHeader:
			name, err := h.Filename()
			if err != nil {
				t.Fatalf("go-message: filename: %v", err)
			}
			p.Attachments[name] = body
		}
	}
	return p
}
