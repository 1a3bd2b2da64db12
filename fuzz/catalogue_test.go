package fuzz_test

import (
	"bytes"
	"errors"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sesraw/sesraw/builder"
	sesmultipart "github.com/sesraw/sesraw/multipart"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/xheaders"
)

// identity is the delegation ARN of the catalogue's base message.
var identity = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com")

// baseMessage is a valid message that uses every field a catalogue row may break: addresses of
// every kind, subject, text, HTML, an attachment with content type and Content-ID, a custom header,
// every X-SES value and an explicit Message-ID.
func baseMessage() *builder.Message {
	m := &builder.Message{
		From:       mail.Address{Name: "Shop", Address: "shop@example.com"},
		To:         []mail.Address{{Name: "Customer", Address: "customer@example.org"}},
		Cc:         []mail.Address{{Name: "Accounts", Address: "accounts@example.org"}},
		Bcc:        []mail.Address{{Name: "Archive", Address: "archive@example.net"}},
		ReplyTo:    []mail.Address{{Name: "Support", Address: "support@example.com"}},
		ReturnPath: "bounces@example.com",
		Subject:    "Your invoice",
		Text:       "Hello,\r\nyour invoice is attached.\r\n",
		HTML:       "<p>Hello,</p><p>your invoice is attached.</p>",
		Attachments: []builder.Attachment{{
			Filename:    "invoice.pdf",
			ContentType: "application/pdf",
			ContentID:   "invoice@example.com",
			Data:        []byte("%PDF-1.4 invoice"),
		}},
		Headers:   []builder.Header{{Name: "X-Campaign", Value: "spring"}},
		MessageID: "base.1@example.com",
	}
	m.Delegate(identity)
	m.SES.ConfigurationSet = "transactional"
	m.SES.Tags = []xheaders.Tag{{Name: "campaign", Value: "spring"}}
	m.SES.ListManagement = &xheaders.ListOptions{ContactList: "customers", Topic: "invoices"}
	m.SES.Tenant = "tenant-1"
	return m
}

// catRow is one catalogue entry: a change to the base message (and builder), and either the exact
// error (every entry of is must match with errors.Is; field, when set, is the *FieldError's Field;
// header, when set, the *xheaders.HeaderError's Header) with nothing written, or, for inputs whose
// documented behaviour is success, a check of the output.
type catRow struct {
	name   string
	m      func(*builder.Message)
	b      func(*builder.Builder)
	mb     func(*builder.Message, *builder.Builder)
	is     []error
	field  string
	header string
	ok     func(t *testing.T, raw []byte)
}

// stringField is a string field of the message model (or the builder) that reaches the header block.
type stringField struct {
	name string // FieldError.Field
	set  func(m *builder.Message, b *builder.Builder, v string)
	is   []error // what a CR, LF or NUL in it is
}

// stringFields lists every string field of builder.Message, Attachment, Header and xheaders.Headers
// (and Builder.Hostname) that ends up in the header block.
func stringFields() []stringField {
	inj := []error{builder.ErrHeaderInjection}
	addr := []error{builder.ErrInvalidAddress, builder.ErrHeaderInjection}
	ses := func(e error) []error { return []error{e} }
	return []stringField{
		{"From.Name", func(m *builder.Message, _ *builder.Builder, v string) { m.From.Name = "Shop" + v + "Evil" }, inj},
		{"From", func(m *builder.Message, _ *builder.Builder, v string) {
			m.From.Address = "shop@example.com" + v + "Bcc: x@evil.example"
		}, addr},
		{"To[0].Name", func(m *builder.Message, _ *builder.Builder, v string) { m.To[0].Name = "C" + v + "X" }, inj},
		{"To[0]", func(m *builder.Message, _ *builder.Builder, v string) {
			m.To[0].Address = "customer" + v + "@example.org"
		}, addr},
		{"Cc[0].Name", func(m *builder.Message, _ *builder.Builder, v string) { m.Cc[0].Name = v }, inj},
		{"Cc[0]", func(m *builder.Message, _ *builder.Builder, v string) { m.Cc[0].Address = "accounts@example.org" + v }, addr},
		{"Bcc[0].Name", func(m *builder.Message, _ *builder.Builder, v string) { m.Bcc[0].Name = "A" + v }, inj},
		{"Bcc[0]", func(m *builder.Message, _ *builder.Builder, v string) { m.Bcc[0].Address = v + "archive@example.net" }, addr},
		{"ReplyTo[0].Name", func(m *builder.Message, _ *builder.Builder, v string) { m.ReplyTo[0].Name = "S" + v + "S" }, inj},
		{"ReplyTo[0]", func(m *builder.Message, _ *builder.Builder, v string) {
			m.ReplyTo[0].Address = "support@exa" + v + "mple.com"
		}, addr},
		{"ReturnPath", func(m *builder.Message, _ *builder.Builder, v string) { m.ReturnPath = "bounces@example.com" + v }, addr},
		{"Subject", func(m *builder.Message, _ *builder.Builder, v string) {
			m.Subject = "Invoice" + v + "X-SES-FROM-ARN: x"
		}, inj},
		{"Attachments[0].Filename", func(m *builder.Message, _ *builder.Builder, v string) { m.Attachments[0].Filename = "a" + v + ".pdf" }, inj},
		{"Attachments[0].ContentType", func(m *builder.Message, _ *builder.Builder, v string) {
			m.Attachments[0].ContentType = "application/pdf" + v
		}, inj},
		{"Attachments[0].ContentID", func(m *builder.Message, _ *builder.Builder, v string) {
			m.Attachments[0].ContentID = "inv" + v + "@example.com"
		}, inj},
		{"Headers[0].Name", func(m *builder.Message, _ *builder.Builder, v string) { m.Headers[0].Name = "X-Camp" + v + "aign" }, []error{builder.ErrInvalidHeaderName}},
		{"Headers[0].Value", func(m *builder.Message, _ *builder.Builder, v string) {
			m.Headers[0].Value = "spring" + v + "Bcc: x@evil.example"
		}, inj},
		{"MessageID", func(m *builder.Message, _ *builder.Builder, v string) { m.MessageID = "base.1" + v + "@example.com" }, inj},
		{"Builder.Hostname", func(m *builder.Message, b *builder.Builder, v string) {
			m.MessageID, b.Hostname = "", "mail"+v+".example.com"
		}, []error{builder.ErrInvalidMessageID}},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) { m.SES.ConfigurationSet = "cfg" + v }, ses(xheaders.ErrInvalidConfigSet)},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) { m.SES.Tags[0].Name = "campaign" + v }, ses(xheaders.ErrInvalidTag)},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) { m.SES.Tags[0].Value = v + "spring" }, ses(xheaders.ErrInvalidTag)},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) {
			m.SES.ListManagement.ContactList = "customers" + v
		}, ses(xheaders.ErrInvalidListManagement)},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) { m.SES.ListManagement.Topic = "invoices" + v }, ses(xheaders.ErrInvalidListManagement)},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) { m.SES.Tenant = "tenant" + v }, ses(xheaders.ErrInvalidTenant)},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) { m.SES.SourceARN.Identity = "example.com" + v }, ses(xheaders.ErrInvalidARN)},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) {
			m.SES.FromARN.Account = "1234" + v + "56789012"
		}, ses(xheaders.ErrInvalidARN)},
		{"SES", func(m *builder.Message, _ *builder.Builder, v string) { m.SES.ReturnPathARN.Region = "us-east-1" + v }, ses(xheaders.ErrInvalidARN)},
	}
}

// recipients returns n distinct addresses.
func recipients(n int, prefix string) []mail.Address {
	l := make([]mail.Address, n)
	for i := range l {
		l[i] = mail.Address{Address: prefix + strconv.Itoa(i) + "@example.org"}
	}
	return l
}

// fileNameOf returns the file name of the first attachment as mimewalk (with mime.ParseMediaType) and go-message
// read it back.
func fileNameOf(t *testing.T, raw []byte) (std, gm string) {
	t.Helper()
	for _, l := range walkMIME(t, raw) {
		if d := l.header.Get("Content-Disposition"); d != "" {
			_, p, err := mime.ParseMediaType(d)
			if err != nil {
				t.Fatalf("Content-Disposition %q: %v", d, err)
			}
			std = p["filename"]
			break
		}
	}
	_, parts := readGoMessage(t, raw)
	for _, p := range parts {
		if p.filename != "" || p.attachment {
			gm = p.filename
			break
		}
	}
	return std, gm
}

// fieldCount counts the header fields named name (case-insensitive).
func fieldCount(t *testing.T, raw []byte, name string) int {
	t.Helper()
	fields, _ := headerBlock(t, raw)
	n := 0
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			n++
		}
	}
	return n
}

// catalogue returns the table.
func catalogue(t *testing.T) []catRow {
	var rows []catRow
	for _, sf := range stringFields() {
		for _, v := range []struct{ what, s string }{{"CR", "\r"}, {"LF", "\n"}, {"NUL", "\x00"}, {"CRLF", "\r\n"}} {
			rows = append(rows, catRow{
				name:  sf.name + " with " + v.what,
				mb:    func(m *builder.Message, b *builder.Builder) { sf.set(m, b, v.s) },
				is:    sf.is,
				field: sf.name,
			})
		}
	}

	badUTF8 := "\xff\xfe invalid"
	for _, r := range []struct {
		field string
		set   func(*builder.Message)
	}{
		{"Subject", func(m *builder.Message) { m.Subject = badUTF8 }},
		{"From.Name", func(m *builder.Message) { m.From.Name = badUTF8 }},
		{"To[0].Name", func(m *builder.Message) { m.To[0].Name = "Kunde \xc3" }},
		{"ReplyTo[0].Name", func(m *builder.Message) { m.ReplyTo[0].Name = "\xed\xa0\x80" }}, // a UTF-16 surrogate
		{"Attachments[0].Filename", func(m *builder.Message) { m.Attachments[0].Filename = "Rechnung\xe4.pdf" }},
		{"Headers[0].Value", func(m *builder.Message) { m.Headers[0].Value = "\xc0\xaf" }}, // overlong '/'
		{"Text", func(m *builder.Message) { m.Text = "caf\xe9\r\n" }},
		{"HTML", func(m *builder.Message) { m.HTML = "<p>\x80</p>" }},
	} {
		rows = append(rows, catRow{name: r.field + " invalid UTF-8", m: r.set, is: []error{builder.ErrInvalidUTF8}, field: r.field})
	}
	rows = append(rows,
		catRow{name: "address with non-ASCII local part", m: func(m *builder.Message) { m.To[0].Address = "jürgen@example.org" }, is: []error{builder.ErrInvalidAddress}, field: "To[0]"},
		catRow{name: "address with invalid UTF-8 domain", m: func(m *builder.Message) { m.Cc[0].Address = "a@\xff.example" }, is: []error{builder.ErrInvalidAddress}, field: "Cc[0]"},
		catRow{name: "address in angle brackets", m: func(m *builder.Message) { m.To[0].Address = "<customer@example.org>" }, is: []error{builder.ErrInvalidAddress}, field: "To[0]"},
		catRow{name: "address with display name inside", m: func(m *builder.Message) { m.To[0].Address = "Customer <customer@example.org>" }, is: []error{builder.ErrInvalidAddress}, field: "To[0]"},
		catRow{name: "two addresses in one", m: func(m *builder.Message) { m.To[0].Address = "a@example.org, b@example.org" }, is: []error{builder.ErrInvalidAddress}, field: "To[0]"},
		catRow{name: "IDN domain becomes punycode", m: func(m *builder.Message) { m.To[0].Address = "kunde@bücher.example" }, ok: func(t *testing.T, raw []byte) {
			if !bytes.Contains(raw, []byte("<kunde@xn--bcher-kva.example>")) {
				t.Fatalf("To is not in punycode:\n%s", clip(raw, 800))
			}
		}},

		// Recipients.
		catRow{name: "51 recipients in To", m: func(m *builder.Message) { m.To, m.Cc, m.Bcc = recipients(51, "r"), nil, nil }, is: []error{builder.ErrTooManyRecipients, sesapi.ErrTooManyRecipients}},
		catRow{name: "51 recipients across To, Cc and Bcc", m: func(m *builder.Message) {
			m.To, m.Cc, m.Bcc = recipients(20, "t"), recipients(20, "c"), recipients(11, "b")
		}, is: []error{builder.ErrTooManyRecipients}},
		catRow{name: "50 recipients", m: func(m *builder.Message) {
			m.To, m.Cc, m.Bcc = recipients(25, "t"), recipients(24, "c"), recipients(1, "b")
		}, ok: func(t *testing.T, raw []byte) {
			if bytes.Contains(raw, []byte("b0@example.org")) {
				t.Fatalf("the Bcc address is in the message")
			}
		}},
		catRow{name: "51 addresses, one a case-variant duplicate", m: func(m *builder.Message) {
			m.To, m.Cc, m.Bcc = recipients(50, "r"), []mail.Address{{Address: "R7@EXAMPLE.ORG"}}, nil
		}, ok: func(t *testing.T, raw []byte) {}},
		catRow{name: "no From", m: func(m *builder.Message) { m.From = mail.Address{Name: "Shop"} }, is: []error{builder.ErrNoFrom}, field: "From"},
		catRow{name: "no recipients", m: func(m *builder.Message) { m.To, m.Cc, m.Bcc = nil, nil, nil }, is: []error{builder.ErrNoRecipients}},
		catRow{name: "only Bcc", m: func(m *builder.Message) { m.To, m.Cc = nil, nil }, ok: func(t *testing.T, raw []byte) {
			if n := fieldCount(t, raw, "To") + fieldCount(t, raw, "Cc") + fieldCount(t, raw, "Bcc"); n != 0 {
				t.Fatalf("%d To/Cc/Bcc fields", n)
			}
		}},

		// Custom headers.
		catRow{name: "duplicate singleton List-Id", m: func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "List-Id", Value: "<a.example.com>"}, {Name: "List-Id", Value: "<b.example.com>"}}
		}, is: []error{builder.ErrDuplicateHeader}, field: "Headers[1].Name"},
		catRow{name: "duplicate singleton in another case", m: func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "X-A", Value: "1"}, {Name: "in-reply-to", Value: "<a@b>"}, {Name: "IN-REPLY-TO", Value: "<c@d>"}}
		}, is: []error{builder.ErrDuplicateHeader}, field: "Headers[2].Name"},
		catRow{name: "duplicate References", m: func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "References", Value: "<a@b>"}, {Name: "References", Value: "<c@d>"}}
		}, is: []error{builder.ErrDuplicateHeader}, field: "Headers[1].Name"},
		catRow{name: "repeated non-singleton header", m: func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "X-Tag", Value: "a"}, {Name: "X-Tag", Value: "b"}}
		}, ok: func(t *testing.T, raw []byte) {
			if n := fieldCount(t, raw, "X-Tag"); n != 2 {
				t.Fatalf("%d X-Tag fields, want 2", n)
			}
		}},
		catRow{name: "empty header name", m: func(m *builder.Message) { m.Headers[0].Name = "" }, is: []error{builder.ErrInvalidHeaderName}, field: "Headers[0].Name"},
		catRow{name: "header name with colon", m: func(m *builder.Message) { m.Headers[0].Name = "Bcc:x" }, is: []error{builder.ErrInvalidHeaderName}, field: "Headers[0].Name"},
		catRow{name: "header name with space", m: func(m *builder.Message) { m.Headers[0].Name = "X Campaign" }, is: []error{builder.ErrInvalidHeaderName}, field: "Headers[0].Name"},
		catRow{name: "header name non-ASCII", m: func(m *builder.Message) { m.Headers[0].Name = "X-Kampagne-ä" }, is: []error{builder.ErrInvalidHeaderName}, field: "Headers[0].Name"},
	)
	for _, n := range []string{"From", "bcc", "Content-Type", "content-transfer-encoding", "MIME-Version", "DKIM-Signature", "Return-Path", "Message-ID", "Date", "Subject"} {
		rows = append(rows, catRow{name: "reserved header " + n, m: func(m *builder.Message) { m.Headers[0].Name = n }, is: []error{builder.ErrReservedHeader}, field: "Headers[0].Name"})
	}
	// X-SES headers smuggled through custom headers or other values.
	for _, n := range []string{"X-SES-FROM-ARN", "x-ses-source-arn", "X-Ses-Configuration-Set", "X-SES-RETURN-PATH-ARN", "X-SES-UNKNOWN"} {
		rows = append(rows, catRow{name: "X-SES header smuggled as custom header " + n, m: func(m *builder.Message) {
			m.Headers[0] = builder.Header{Name: n, Value: "arn:aws:ses:us-east-1:999999999999:identity/evil.example"}
		}, is: []error{builder.ErrReservedHeader}, field: "Headers[0].Name"})
	}
	rows = append(rows,
		catRow{name: "X-SES text inside a custom header value (no line break)", m: func(m *builder.Message) {
			m.Headers[0].Value = "X-SES-FROM-ARN: arn:aws:ses:us-east-1:999999999999:identity/evil.example"
		}, ok: func(t *testing.T, raw []byte) {
			eff, err := xheaders.Read(raw)
			if err != nil || eff.Total() != 4+1+1+1 || eff.Count(xheaders.FromARN) != 1 {
				t.Fatalf("X-SES fields: total %d, From ARN %d, %v", eff.Total(), eff.Count(xheaders.FromARN), err)
			}
			if v, _ := eff.Get(xheaders.FromARN); v != identity.String() {
				t.Fatalf("SES would read X-SES-FROM-ARN %q", v)
			}
		}},
		catRow{name: "X-SES text as a display name", m: func(m *builder.Message) { m.From.Name = "X-SES-SOURCE-ARN: evil" }, ok: func(t *testing.T, raw []byte) {
			if eff, _ := xheaders.Read(raw); eff.Count(xheaders.SourceARN) != 1 {
				t.Fatalf("X-SES-SOURCE-ARN %d times", eff.Count(xheaders.SourceARN))
			}
		}},
		catRow{name: "text body with header-like lines and boundaries", m: func(m *builder.Message) {
			m.Text = "a\r\n\r\nFrom: evil@example.org\r\n--=_0_\r\n--=_1_AAAA--\r\nBcc: x@y.z\n"
		}, ok: func(t *testing.T, raw []byte) {
			if n := fieldCount(t, raw, "From"); n != 1 {
				t.Fatalf("%d From fields", n)
			}
			if leaves := walkMIME(t, raw); len(leaves) != 3 || string(leaves[0].body) != "a\r\n\r\nFrom: evil@example.org\r\n--=_0_\r\n--=_1_AAAA--\r\nBcc: x@y.z\r\n" {
				t.Fatalf("leaves: %d, text %q", len(leaves), leaves[0].body)
			}
		}},
		catRow{name: "NUL and bare CR in the text body", m: func(m *builder.Message) { m.Text = "a\x00b\rc\r\n" }, ok: func(t *testing.T, raw []byte) {
			if leaves := walkMIME(t, raw); string(leaves[0].body) != "a\x00b\rc\r\n" {
				t.Fatalf("text reads back as %q", leaves[0].body)
			}
		}},
	)

	// Identity ARNs: every ARN field, every way to be wrong.
	for _, f := range []struct {
		header string
		set    func(*builder.Message, xheaders.ARN)
	}{
		{xheaders.SourceARN, func(m *builder.Message, a xheaders.ARN) { m.SES.SourceARN = a }},
		{xheaders.FromARN, func(m *builder.Message, a xheaders.ARN) { m.SES.FromARN = a }},
		{xheaders.ReturnPathARN, func(m *builder.Message, a xheaders.ARN) { m.SES.ReturnPathARN = a }},
	} {
		for _, bad := range []struct {
			what string
			arn  xheaders.ARN
		}{
			{"unknown partition", xheaders.ARN{Partition: "aws-moon", Region: "us-east-1", Account: "123456789012", Identity: "example.com"}},
			{"malformed region", xheaders.ARN{Partition: "aws", Region: "us-east", Account: "123456789012", Identity: "example.com"}},
			{"region of another partition", xheaders.ARN{Partition: "aws", Region: "cn-north-1", Account: "123456789012", Identity: "example.com"}},
			{"short account", xheaders.ARN{Partition: "aws", Region: "us-east-1", Account: "12345", Identity: "example.com"}},
			{"bad identity", xheaders.ARN{Partition: "aws", Region: "us-east-1", Account: "123456789012", Identity: "user@@example.com"}},
			{"single-label identity", xheaders.ARN{Partition: "aws", Region: "us-east-1", Account: "123456789012", Identity: "localhost"}},
			{"partition only", xheaders.ARN{Partition: "aws"}},
		} {
			rows = append(rows, catRow{name: f.header + " " + bad.what, m: func(m *builder.Message) { f.set(m, bad.arn) },
				is: []error{xheaders.ErrInvalidARN}, field: "SES", header: f.header})
		}
	}

	// Attachments: refused extensions, with case and trailing dot/space tricks.
	for _, name := range []string{"virus.exe", "VIRUS.EXE", "virus.Exe.", "virus.exe ", "virus.exe. . .", "invoice.pdf.exe", "script.PS1", "macro.vsmacros", "x.msh2xml", "tool.bat..."} {
		rows = append(rows, catRow{name: "refused extension " + strconv.Quote(name), m: func(m *builder.Message) { m.Attachments[0].Filename = name },
			is: []error{builder.ErrUnsupportedExtension}, field: "Attachments[0].Filename"})
	}
	rows = append(rows,
		catRow{name: "refused extension from Path", m: func(m *builder.Message) {
			dir := t.TempDir()
			p := filepath.Join(dir, "run.BAT")
			if err := os.WriteFile(p, []byte("@echo off\r\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			m.Attachments[0] = builder.Attachment{Path: p}
		}, is: []error{builder.ErrUnsupportedExtension}, field: "Attachments[0].Filename"},
		catRow{name: "refused extension allowed for other transports", m: func(m *builder.Message) { m.Attachments[0].Filename = "tool.exe" },
			b: func(b *builder.Builder) { b.AllowUnsupportedAttachments = true }, ok: func(t *testing.T, raw []byte) {
				if std, _ := fileNameOf(t, raw); std != "tool.exe" {
					t.Fatalf("file name %q", std)
				}
			}},
		catRow{name: "refused extension inside the name is fine", m: func(m *builder.Message) { m.Attachments[0].Filename = "virus.exe.pdf" }, ok: func(t *testing.T, raw []byte) {
			if std, _ := fileNameOf(t, raw); std != "virus.exe.pdf" {
				t.Fatalf("file name %q", std)
			}
		}},
		catRow{name: "file name with quotes and path separators is kept as given", m: func(m *builder.Message) {
			m.Attachments[0].Filename = `../..\"evil" name/passwd.txt`
		}, ok: func(t *testing.T, raw []byte) {
			// multipart docs: "Filenames are never rewritten: path separators are kept (receiving
			// clients must sanitise them)"; values holding '"' or '\' use RFC 2231, not escapes.
			want := `../..\"evil" name/passwd.txt`
			std, gm := fileNameOf(t, raw)
			if std != want || gm != want {
				t.Fatalf("file name reads back as %q (std) and %q (go-message), want %q", std, gm, want)
			}
			if !bytes.Contains(raw, []byte("filename*=utf-8''")) {
				t.Fatalf("the file name is not in RFC 2231 form:\n%s", clip(raw, 3000))
			}
		}},
		catRow{name: "file name that is only a path", m: func(m *builder.Message) { m.Attachments[0].Filename = "/etc/passwd" }, ok: func(t *testing.T, raw []byte) {
			if std, gm := fileNameOf(t, raw); std != "/etc/passwd" || gm != "/etc/passwd" {
				t.Fatalf("file name %q / %q", std, gm)
			}
		}},
		catRow{name: "negative attachment size", m: func(m *builder.Message) {
			m.Attachments[0].Data, m.Attachments[0].Reader, m.Attachments[0].Size = nil, strings.NewReader("x"), -1
		}, is: []error{builder.ErrInvalidAttachment}, field: "Attachments[0].Size"},
		catRow{name: "inline attachment without Content-ID", m: func(m *builder.Message) { m.Attachments[0].Inline, m.Attachments[0].ContentID = true, "" },
			is: []error{builder.ErrInvalidAttachment}, field: "Attachments[0].ContentID"},
		catRow{name: "inline attachment without HTML", m: func(m *builder.Message) { m.Attachments[0].Inline, m.HTML = true, "" },
			is: []error{builder.ErrInvalidAttachment}, field: "Attachments"},
		catRow{name: "duplicate Content-ID", m: func(m *builder.Message) {
			m.Attachments = append(m.Attachments, builder.Attachment{Filename: "b.png", ContentID: "INVOICE@example.com", Data: []byte{1}})
		}, is: []error{builder.ErrInvalidAttachment}, field: "Attachments[1].ContentID"},
		catRow{name: "Content-ID in angle brackets", m: func(m *builder.Message) { m.Attachments[0].ContentID = "<invoice@example.com>" },
			is: []error{builder.ErrInvalidAttachment}, field: "Attachments[0].ContentID"},
		catRow{name: "attachment claiming to be multipart", m: func(m *builder.Message) { m.Attachments[0].ContentType = "multipart/mixed" },
			is: []error{builder.ErrInvalidAttachment}, field: "Attachments[0].ContentType"},
		catRow{name: "attachment content type setting the boundary", m: func(m *builder.Message) { m.Attachments[0].ContentType = "text/plain; boundary=x" },
			is: []error{builder.ErrInvalidAttachment}, field: "Attachments[0].ContentType"},
		catRow{name: "attachment content type smuggling a file name", m: func(m *builder.Message) { m.Attachments[0].ContentType = `application/pdf; name="evil.exe"` },
			is: []error{builder.ErrInvalidAttachment}, field: "Attachments[0].ContentType"},
		catRow{name: "attachment content type not type/subtype", m: func(m *builder.Message) { m.Attachments[0].ContentType = "pdf" },
			is: []error{builder.ErrInvalidAttachment}, field: "Attachments[0].ContentType"},
		catRow{name: "attachment path missing", m: func(m *builder.Message) {
			m.Attachments[0] = builder.Attachment{Path: filepath.Join(t.TempDir(), "missing.pdf")}
		},
			is: []error{builder.ErrInvalidAttachment, os.ErrNotExist}, field: "Attachments[0].Path"},
		catRow{name: "attachment path with NUL (file name taken from it)", m: func(m *builder.Message) { m.Attachments[0] = builder.Attachment{Path: "/tmp/a\x00b.pdf"} },
			is: []error{builder.ErrHeaderInjection}, field: "Attachments[0].Filename"},
		catRow{name: "attachment path with CRLF in its base name", m: func(m *builder.Message) {
			m.Attachments[0] = builder.Attachment{Path: "/tmp/a\r\nContent-Type: text/html\r\n.pdf"}
		}, is: []error{builder.ErrHeaderInjection}, field: "Attachments[0].Filename"},
		catRow{name: "attachment path is a directory", m: func(m *builder.Message) { m.Attachments[0] = builder.Attachment{Filename: "d.pdf", Path: t.TempDir()} },
			is: []error{builder.ErrInvalidAttachment}, field: "Attachments[0].Path"},

		// Other fields.
		catRow{name: "Message-ID in angle brackets", m: func(m *builder.Message) { m.MessageID = "<a@example.com>" }, is: []error{builder.ErrInvalidMessageID}, field: "MessageID"},
		catRow{name: "Message-ID without @", m: func(m *builder.Message) { m.MessageID = "no-at-sign" }, is: []error{builder.ErrInvalidMessageID}, field: "MessageID"},
		catRow{name: "Date after 9999", m: func(m *builder.Message) { m.Date = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, is: []error{builder.ErrInvalidDate}, field: "Date"},
		catRow{name: "unknown target", b: func(b *builder.Builder) { b.Target = builder.Target(9) }, is: []error{builder.ErrInvalidTarget}, field: "Builder.Target"},
		catRow{name: "configuration set of 65 characters", m: func(m *builder.Message) { m.SES.ConfigurationSet = strings.Repeat("c", 65) },
			is: []error{xheaders.ErrInvalidConfigSet}, field: "SES", header: xheaders.ConfigurationSet},
		catRow{name: "duplicate tag names", m: func(m *builder.Message) {
			m.SES.Tags = append(m.SES.Tags, xheaders.Tag{Name: "campaign", Value: "autumn"})
		},
			is: []error{xheaders.ErrInvalidTag}, field: "SES", header: xheaders.MessageTags},
		catRow{name: "tag value with comma and equals", m: func(m *builder.Message) { m.SES.Tags[0].Value = "a=b, evil=1" },
			is: []error{xheaders.ErrInvalidTag}, field: "SES", header: xheaders.MessageTags},

		// Bodies.
		catRow{name: "empty message body", m: func(m *builder.Message) { m.Text, m.HTML, m.Attachments = "", "", nil }, ok: func(t *testing.T, raw []byte) {
			leaves := walkMIME(t, raw)
			if len(leaves) != 1 || len(leaves[0].body) != 0 || !strings.HasPrefix(leaves[0].header.Get("Content-Type"), "text/plain") {
				t.Fatalf("leaves %+v", leaves)
			}
		}},
		catRow{name: "lone text part without a final line break", m: func(m *builder.Message) { m.Text, m.HTML, m.Attachments = "no newline", "", nil },
			ok: func(t *testing.T, raw []byte) {
				// multipart docs: a root leaf always ends in CRLF; the client reads a final line break.
				if leaves := walkMIME(t, raw); !bytes.HasSuffix(raw, []byte("\r\nno newline\r\n")) || string(leaves[0].body) != "no newline\r\n" {
					t.Fatalf("ends in %q", raw[len(raw)-20:])
				}
			}},
		catRow{name: "lone HTML part without a final line break", m: func(m *builder.Message) { m.Text, m.HTML, m.Attachments = "", "<p>x</p>", nil },
			ok: func(t *testing.T, raw []byte) {
				if !bytes.HasSuffix(raw, []byte("\r\n<p>x</p>\r\n")) {
					t.Fatalf("ends in %q", raw[len(raw)-20:])
				}
			}},
		catRow{name: "one 100 KB line of text", m: func(m *builder.Message) { m.Text = strings.Repeat("abcdefghij", 10_000) }, ok: func(t *testing.T, raw []byte) {
			if leaves := walkMIME(t, raw); string(leaves[0].body) != strings.Repeat("abcdefghij", 10_000) {
				t.Fatalf("the long line does not read back")
			}
		}},
		catRow{name: "text over the v1 limit", m: func(m *builder.Message) {
			m.Text = strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n", 11<<20/66)
		},
			is: []error{builder.ErrTooLarge}},
	)
	return rows
}

// TestCatalogue runs hostile and malformed inputs through Validate, Bytes and WriteTo: each fails
// with its exact typed error and writes nothing, or, where the documented behaviour is success,
// builds a message with the stated property (and CRLF lines within 998 octets).
func TestCatalogue(t *testing.T) {
	rows := catalogue(t)
	if len(rows) < 50 {
		t.Fatalf("only %d rows", len(rows))
	}
	t.Logf("%d rows", len(rows))
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			build := func() (*builder.Builder, *builder.Message) {
				b, m := newBuilder(builder.TargetV1, 3), baseMessage()
				if r.b != nil {
					r.b(b)
				}
				if r.m != nil {
					r.m(m)
				}
				if r.mb != nil {
					r.mb(m, b)
				}
				return b, m
			}
			b, m := build()
			verr := b.Validate(m)
			b, m = build()
			raw, berr := b.Bytes(m)
			b, m = build()
			var cw countWriter
			n, werr := b.WriteTo(&cw, m)
			if r.ok != nil {
				if verr != nil || berr != nil || werr != nil {
					t.Fatalf("want success; Validate: %v; Bytes: %v; WriteTo: %v", verr, berr, werr)
				}
				if n != int64(len(raw)) || cw.n != n {
					t.Fatalf("WriteTo wrote %d (reported %d), Bytes %d", cw.n, n, len(raw))
				}
				checkLines(t, raw)
				r.ok(t, raw)
				return
			}
			for what, err := range map[string]error{"Validate": verr, "Bytes": berr, "WriteTo": werr} {
				if err == nil {
					t.Fatalf("%s: no error, want %v", what, r.is)
				}
				for _, want := range r.is {
					if !errors.Is(err, want) {
						t.Errorf("%s: %v does not match %v", what, err, want)
					}
				}
				if !isTypedBuildError(err) {
					t.Errorf("%s: %v (%T) is not a typed builder error", what, err, err)
				}
				if r.field != "" {
					var fe *builder.FieldError
					if !errors.As(err, &fe) || fe.Field != r.field {
						t.Errorf("%s: %v: field %q, want %q", what, err, fieldOf(err), r.field)
					}
				}
				if r.header != "" {
					var he *xheaders.HeaderError
					if !errors.As(err, &he) || he.Header != r.header {
						t.Errorf("%s: %v: header %q, want %q", what, err, he, r.header)
					}
				}
			}
			if raw != nil || n != 0 || cw.n != 0 {
				t.Errorf("output despite the error: Bytes %d bytes, WriteTo %d (counted %d)", len(raw), n, cw.n)
			}
		})
	}
}

func fieldOf(err error) string {
	var fe *builder.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return "(no *FieldError)"
}

// apiRow is a catalogue entry for the sesapi pre-send checks: the call must fail with every error in
// is (errors.Is), field (when set) as the *sesapi.CheckError's Field, and return no input.
type apiRow struct {
	name  string
	call  func() (any, error)
	is    []error
	field string
}

// TestCatalogueSESAPI runs region mismatches, uncovered addresses, recipient and size limits and
// unsupported combinations through every sesapi operation.
func TestCatalogueSESAPI(t *testing.T) {
	otherRegion := xheaders.MustParseARN("arn:aws:ses:eu-west-1:123456789012:identity/example.com")
	global := xheaders.MustParseARN("arn:aws:ses:*:123456789012:identity/example.com")
	params := &sesapi.Sender{Builder: newBuilder(builder.TargetNone, 5), Method: sesapi.ByParameters}
	headers := &sesapi.Sender{Builder: newBuilder(builder.TargetNone, 5), Method: sesapi.ByHeaders}
	msg := func(f func(*builder.Message)) *builder.Message {
		m := baseMessage()
		m.SES.ListManagement, m.SES.Tenant = nil, "" // v1 SendEmail cannot carry them
		if f != nil {
			f(m)
		}
		return m
	}
	plain := func(f func(*builder.Message)) *builder.Message {
		return msg(func(m *builder.Message) {
			m.Attachments, m.Headers = nil, nil
			if f != nil {
				f(m)
			}
		})
	}
	wrap := func(v any, err error) (any, error) { return v, err }
	rows := []apiRow{
		{"v1 raw, parameters: source ARN in another region", func() (any, error) { return wrap(params.RawEmailInput("eu-west-1", msg(nil))) }, []error{sesapi.ErrRegionMismatch}, "SourceArn"},
		{"v1 raw, headers: source ARN in another region", func() (any, error) { return wrap(headers.RawEmailInput("eu-west-1", msg(nil))) }, []error{sesapi.ErrRegionMismatch}, xheaders.SourceARN},
		{"v1 raw: only the From ARN in another region", func() (any, error) {
			return wrap(params.RawEmailInput("us-east-1", msg(func(m *builder.Message) { m.SES.FromARN = otherRegion })))
		}, []error{sesapi.ErrRegionMismatch}, "FromArn"},
		{"v1 raw: only the Return-Path ARN in another region", func() (any, error) {
			return wrap(params.RawEmailInput("us-east-1", msg(func(m *builder.Message) { m.SES.ReturnPathARN = otherRegion })))
		}, []error{sesapi.ErrRegionMismatch}, "ReturnPathArn"},
		{"v2: ARN in another region", func() (any, error) { return wrap(params.EmailV2Input("ap-south-1", msg(nil))) }, []error{sesapi.ErrRegionMismatch}, "FromEmailAddressIdentityArn"},
		{"SMTP: ARN in another region", func() (any, error) { return wrap(params.SMTPMail("eu-central-1", msg(nil))) }, []error{sesapi.ErrRegionMismatch}, xheaders.SourceARN},
		{"v1 SendEmail: ARN in another region", func() (any, error) { return wrap(params.EmailInput("eu-west-1", plain(nil))) }, []error{sesapi.ErrRegionMismatch}, "SourceArn"},
		{"v1 raw: From not covered by the identity", func() (any, error) {
			return wrap(params.RawEmailInput("us-east-1", msg(func(m *builder.Message) { m.From.Address = "shop@example.net" })))
		}, []error{sesapi.ErrNotCovered}, "FromArn"},
		{"v1 raw: Return-Path not covered", func() (any, error) {
			return wrap(params.RawEmailInput("us-east-1", msg(func(m *builder.Message) { m.ReturnPath = "bounces@evil.example" })))
		}, []error{sesapi.ErrNotCovered}, "ReturnPathArn"},
		{"v1 raw: look-alike parent domain not covered", func() (any, error) {
			return wrap(params.RawEmailInput("us-east-1", msg(func(m *builder.Message) { m.From.Address = "shop@notexample.com" })))
		}, []error{sesapi.ErrNotCovered}, "FromArn"},
		{"SMTP: 51 recipients", func() (any, error) {
			return wrap(params.SMTPMail("us-east-1", msg(func(m *builder.Message) { m.Bcc = recipients(49, "b") })))
		}, []error{sesapi.ErrTooManyRecipients, builder.ErrTooManyRecipients}, ""},
		{"v1 SendEmail with the header method", func() (any, error) { return wrap(headers.EmailInput("us-east-1", plain(nil))) }, []error{sesapi.ErrUnsupported}, ""},
		{"v1 SendEmail with attachments", func() (any, error) { return wrap(params.EmailInput("us-east-1", msg(nil))) }, []error{sesapi.ErrUnsupported}, ""},
		{"v1 SendEmail with a From ARN other than the source ARN", func() (any, error) {
			return wrap(params.EmailInput("us-east-1", plain(func(m *builder.Message) { m.SES.FromARN = global })))
		}, []error{sesapi.ErrUnsupported}, ""},
		{"v2 with two different identity ARNs", func() (any, error) {
			return wrap(params.EmailV2Input("us-east-1", msg(func(m *builder.Message) { m.SES.FromARN = global })))
		}, []error{sesapi.ErrConflict}, ""},
		{"templated email without a template name", func() (any, error) {
			return wrap(params.TemplatedEmailInput("us-east-1", plain(func(m *builder.Message) { m.Subject, m.Text, m.HTML = "", "", "" }), sesapi.Template{}))
		}, []error{sesapi.ErrInvalidTemplate}, ""},
		{"bad input reaches the builder through sesapi", func() (any, error) {
			return wrap(params.SMTPMail("us-east-1", msg(func(m *builder.Message) { m.Subject = "a\r\nBcc: x@evil.example" })))
		}, []error{builder.ErrHeaderInjection}, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			v, err := r.call()
			if err == nil {
				t.Fatalf("no error, want %v", r.is)
			}
			for _, want := range r.is {
				if !errors.Is(err, want) {
					t.Errorf("%v does not match %v", err, want)
				}
			}
			if r.field != "" {
				var ce *sesapi.CheckError
				if !errors.As(err, &ce) || ce.Field != r.field {
					t.Errorf("%v: want a *sesapi.CheckError for field %q", err, r.field)
				}
			}
			if !isNil(v) {
				t.Errorf("returned %T despite the error", v)
			}
		})
	}

	// The "*" region of an identity replicated for global endpoints passes everywhere.
	for _, region := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
		m := msg(func(m *builder.Message) { m.Delegate(global) })
		in, err := params.RawEmailInput(region, m)
		if err != nil || in == nil || *in.SourceArn != global.String() {
			t.Errorf("global ARN in %s: %v", region, err)
		}
	}
}

// isNil reports whether v is nil or a nil pointer.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// sizedMessage returns a maker of messages whose exact encoded size (unsigned, as b builds them)
// is total: an attachment streamed from a zero Reader of known Size, and an X-Pad header whose
// length trims the size to the byte. The attachment's bytes are never held in memory.
func sizedMessage(t *testing.T, b *builder.Builder, total int64) func(knownSize bool) (*builder.Message, *zeroReader) {
	t.Helper()
	mk := func(att int64, pad int, known bool) (*builder.Message, *zeroReader) {
		z := &zeroReader{n: att}
		a := builder.Attachment{Filename: "big.bin", Reader: z}
		if known {
			a.Size = att
		}
		return &builder.Message{
			From:        mail.Address{Name: "Shop", Address: "shop@example.com"},
			To:          []mail.Address{{Address: "customer@example.org"}},
			Subject:     "large",
			Text:        "see the attachment\r\n",
			Headers:     []builder.Header{{Name: "X-Pad", Value: strings.Repeat("p", pad)}},
			Attachments: []builder.Attachment{a},
		}, z
	}
	size := func(att int64, pad int) int64 {
		m, z := mk(att, pad, true)
		n, known, err := b.Size(m)
		if err != nil || !known || z.read != 0 {
			t.Fatalf("Size: %d, %v, %v (read %d)", n, known, err, z.read)
		}
		return n
	}
	lo, hi := int64(1), total
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if size(mid, 1) <= total {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	pad := 1 + int(total-size(lo, 1))
	if pad > 900 || size(lo, pad) != total {
		t.Fatalf("cannot make a message of %d bytes (attachment %d, pad %d)", total, lo, pad)
	}
	return func(known bool) (*builder.Message, *zeroReader) { return mk(lo, pad, known) }
}

// TestCatalogueSizeMismatch: an attachment Reader that yields more or fewer bytes than its Size.
// Validation cannot know; the write fails with a *builder.FieldError on Attachments wrapping
// builder.ErrInvalidAttachment and multipart.ErrSizeMismatch, Bytes returns nothing and WriteTo
// reports exactly what it wrote (a truncated message to discard).
func TestCatalogueSizeMismatch(t *testing.T) {
	for _, size := range []int64{3, 10} {
		m := baseMessage()
		m.Attachments[0] = builder.Attachment{Filename: "a.bin", Reader: strings.NewReader("12345"), Size: size}
		if err := newBuilder(builder.TargetV1, 1).Validate(m); err != nil {
			t.Fatalf("Validate: %v", err)
		}
		m.Attachments[0].Reader = strings.NewReader("12345")
		raw, err := newBuilder(builder.TargetV1, 1).Bytes(m)
		var fe *builder.FieldError
		if !errors.Is(err, sesmultipart.ErrSizeMismatch) || !errors.Is(err, builder.ErrInvalidAttachment) || !errors.As(err, &fe) || raw != nil {
			t.Fatalf("Size %d: Bytes %d bytes, %v", size, len(raw), err)
		}
		m.Attachments[0].Reader = strings.NewReader("12345")
		var cw countWriter
		n, err := newBuilder(builder.TargetV1, 1).WriteTo(&cw, m)
		if !errors.Is(err, sesmultipart.ErrSizeMismatch) || !errors.Is(err, builder.ErrInvalidAttachment) || n != cw.n {
			t.Fatalf("Size %d: WriteTo %d (counted %d), %v", size, n, cw.n, err)
		}
	}
}

// TestCatalogueSizes checks the size limits to the byte: a message of exactly the limit passes, one
// byte more fails with a *builder.SizeError (errors.Is ErrTooLarge) before anything is written or
// read when the size is known (attachment Reader with Size), and, when it is not, WriteTo stops
// before the byte that would pass the limit.
func TestCatalogueSizes(t *testing.T) {
	for _, target := range []builder.Target{builder.TargetV1, builder.TargetV2, builder.TargetSMTP} {
		limit := target.Limit()
		b := newBuilder(target, 9)
		make := sizedMessage(t, b, limit+1)
		t.Run(target.String()+" limit+1 known size", func(t *testing.T) {
			m, z := make(true)
			checkSizeErr := func(what string, err error, want int64) {
				t.Helper()
				var se *builder.SizeError
				if !errors.Is(err, builder.ErrTooLarge) || !errors.As(err, &se) || se.Size != want || se.Limit != limit || se.Target != target {
					t.Fatalf("%s: %v (%+v), want a SizeError of %d over %d", what, err, se, want, limit)
				}
			}
			checkSizeErr("Validate", b.Validate(m), limit+1)
			raw, err := b.Bytes(m)
			checkSizeErr("Bytes", err, limit+1)
			var cw countWriter
			n, err := b.WriteTo(&cw, m)
			checkSizeErr("WriteTo", err, limit+1)
			if raw != nil || n != 0 || cw.n != 0 || z.read != 0 {
				t.Fatalf("output: Bytes %d, WriteTo %d (counted %d), attachment read %d", len(raw), n, cw.n, z.read)
			}
		})
		t.Run(target.String()+" limit+1 unknown size", func(t *testing.T) {
			m, z := make(false)
			if err := b.Validate(m); err != nil {
				t.Fatalf("Validate with unknown size: %v", err)
			}
			var cw countWriter
			n, err := b.WriteTo(&cw, m)
			var se *builder.SizeError
			if !errors.As(err, &se) || !errors.Is(err, builder.ErrTooLarge) || se.Size <= limit || se.Limit != limit {
				t.Fatalf("WriteTo: %v, want a SizeError over %d", err, limit)
			}
			if n != cw.n || cw.n > limit {
				t.Fatalf("WriteTo wrote %d (reported %d), limit %d", cw.n, n, limit)
			}
			t.Logf("stopped after %d of %d bytes (%d short of the limit), attachment read %d of %d", cw.n, limit+1, limit-cw.n, z.read, z.n)
		})
	}

	// Exactly at the limit passes, streamed with known and with unknown size (v1, 10 MiB).
	b := newBuilder(builder.TargetV1, 9)
	make := sizedMessage(t, b, builder.TargetV1.Limit())
	for _, known := range []bool{true, false} {
		m, z := make(known)
		if err := b.Validate(m); err != nil {
			t.Fatalf("Validate at the limit: %v", err)
		}
		var cw countWriter
		n, err := b.WriteTo(&cw, m)
		if err != nil || n != builder.TargetV1.Limit() || cw.n != n || z.read != z.n {
			t.Fatalf("WriteTo at the limit (known size %v): %d, %v (read %d of %d)", known, n, err, z.read, z.n)
		}
	}
	for _, target := range []builder.Target{builder.TargetV2, builder.TargetSMTP} {
		b := newBuilder(target, 9)
		m, _ := sizedMessage(t, b, target.Limit())(true)
		if n, known, err := b.Size(m); err != nil || !known || n != target.Limit() || b.Validate(m) != nil {
			t.Fatalf("%v at the limit: Size %d, %v, %v; Validate %v", target, n, known, err, b.Validate(m))
		}
	}

	// The same through sesapi: the operation's own limit, nothing built or read.
	s := &sesapi.Sender{Builder: newBuilder(builder.TargetNone, 9)}
	for _, c := range []struct {
		op    string
		limit int64
		call  func(*builder.Message) (any, error)
	}{
		{"SendRawEmail", builder.TargetV1.Limit(), func(m *builder.Message) (any, error) { return s.RawEmailInput("us-east-1", m) }},
		{"sesv2.SendEmail", builder.TargetV2.Limit(), func(m *builder.Message) (any, error) { return s.EmailV2Input("us-east-1", m) }},
		{"SMTP", builder.TargetSMTP.Limit(), func(m *builder.Message) (any, error) { return s.SMTPMail("us-east-1", m) }},
	} {
		m, z := sizedMessage(t, newBuilder(builder.TargetNone, 9), c.limit+1)(true)
		v, err := c.call(m)
		if !errors.Is(err, sesapi.ErrTooLarge) || !isNil(v) || z.read != 0 {
			t.Errorf("%s at limit+1: %v (returned %T, attachment read %d)", c.op, err, v, z.read)
		}
	}
}
