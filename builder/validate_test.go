package builder_test

import (
	"bytes"
	"errors"
	"io/fs"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/xheaders"
)

// validMessage is a message that passes validation; each table row breaks one thing.
func validMessage() *builder.Message {
	return &builder.Message{
		From:    mail.Address{Name: "Sender", Address: "sender@example.com"},
		To:      []mail.Address{{Name: "Recipient", Address: "recipient@example.org"}},
		Subject: "Hello",
		Text:    "Hello.\n",
		HTML:    "<p>Hello.</p>",
	}
}

func many(n int, domain string) []mail.Address {
	out := make([]mail.Address, n)
	for i := range out {
		out[i] = mail.Address{Address: "r" + strconv.Itoa(i) + "@" + domain}
	}
	return out
}

// recorder records whether anything was written.
type recorder struct{ bytes.Buffer }

func TestValidationErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*builder.Message)
		b      func(*builder.Builder)
		err    error  // sentinel the error must match
		field  string // FieldError.Field; "" means the error is not a *FieldError
	}{
		{"no From", func(m *builder.Message) { m.From = mail.Address{Name: "Only a name"} }, nil, builder.ErrNoFrom, "From"},
		{"no recipient", func(m *builder.Message) { m.To = nil }, nil, builder.ErrNoRecipients, "To"},
		{"51 recipients", func(m *builder.Message) {
			m.To = many(30, "a.example")
			m.Cc = many(11, "b.example")
			m.Bcc = many(10, "c.example")
		}, nil, builder.ErrTooManyRecipients, "To"},
		{"From without @", func(m *builder.Message) { m.From.Address = "sender" }, nil, builder.ErrInvalidAddress, "From"},
		{"From with angle brackets", func(m *builder.Message) { m.From.Address = "<sender@example.com>" }, nil, builder.ErrInvalidAddress, "From"},
		{"To with space", func(m *builder.Message) { m.To[0].Address = "re cipient@example.org" }, nil, builder.ErrInvalidAddress, "To[0]"},
		{"non-ASCII local part", func(m *builder.Message) { m.To[0].Address = "jürgen@example.org" }, nil, builder.ErrInvalidAddress, "To[0]"},
		{"non-ASCII local part (SMTPUTF8)", func(m *builder.Message) { m.From.Address = "jürgen@example.org" }, nil, builder.ErrNonASCIIAddress, "From"},
		{"upper-case IDN needs mapping", func(m *builder.Message) { m.Cc = []mail.Address{{Address: "a@BÜCHER.example"}} }, nil, builder.ErrInvalidAddress, "Cc[0]"},
		{"bad domain", func(m *builder.Message) { m.Bcc = []mail.Address{{Address: "a@exa_mple.com"}} }, nil, builder.ErrInvalidAddress, "Bcc[0]"},
		{"quoted local part", func(m *builder.Message) { m.To[0].Address = "\"a b\"@example.org" }, nil, builder.ErrInvalidAddress, "To[0]"},
		{"quoted local part in From", func(m *builder.Message) { m.From.Address = "\"\"@example.org" }, nil, builder.ErrInvalidAddress, "From"},
		{"local part too long", func(m *builder.Message) { m.To[0].Address = strings.Repeat("a", 65) + "@example.org" }, nil, builder.ErrInvalidAddress, "To[0]"},
		{"CR in address", func(m *builder.Message) { m.To[0].Address = "a@example.org\r\nBcc: x@evil.example" }, nil, builder.ErrHeaderInjection, "To[0]"},
		{"bad Return-Path", func(m *builder.Message) { m.ReturnPath = "bounces" }, nil, builder.ErrInvalidAddress, "ReturnPath"},
		{"bad Reply-To", func(m *builder.Message) { m.ReplyTo = []mail.Address{{Address: "@example.org"}} }, nil, builder.ErrInvalidAddress, "ReplyTo[0]"},
		{"LF in display name", func(m *builder.Message) { m.From.Name = "Evil\nBcc: victim@example.org" }, nil, builder.ErrHeaderInjection, "From.Name"},
		{"CR in To name", func(m *builder.Message) { m.To[0].Name = "x\ry" }, nil, builder.ErrHeaderInjection, "To[0].Name"},
		{"NUL in subject", func(m *builder.Message) { m.Subject = "a\x00b" }, nil, builder.ErrHeaderInjection, "Subject"},
		{"CRLF in subject", func(m *builder.Message) {
			m.Subject = "Hi\r\nX-SES-FROM-ARN: arn:aws:ses:us-east-1:999999999999:identity/evil.example"
		}, nil, builder.ErrHeaderInjection, "Subject"},
		{"invalid UTF-8 subject", func(m *builder.Message) { m.Subject = "caf\xe9" }, nil, builder.ErrInvalidUTF8, "Subject"},
		{"invalid UTF-8 text", func(m *builder.Message) { m.Text = "caf\xe9" }, nil, builder.ErrInvalidUTF8, "Text"},
		{"invalid UTF-8 HTML", func(m *builder.Message) { m.HTML = "caf\xe9" }, nil, builder.ErrInvalidUTF8, "HTML"},
		{"invalid UTF-8 name", func(m *builder.Message) { m.From.Name = "\xff" }, nil, builder.ErrInvalidUTF8, "From.Name"},
		{"bad header name", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "X Bad", Value: "v"}} }, nil, builder.ErrInvalidHeaderName, "Headers[0].Name"},
		{"header name with colon", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "X-A:", Value: "v"}} }, nil, builder.ErrInvalidHeaderName, "Headers[0].Name"},
		{"empty header name", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "", Value: "v"}} }, nil, builder.ErrInvalidHeaderName, "Headers[0].Name"},
		{"CRLF in header value", func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "X-Campaign", Value: "a\r\nBcc: x@example.org"}}
		}, nil, builder.ErrHeaderInjection, "Headers[0].Value"},
		{"custom From", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "from", Value: "x@example.org"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"custom Bcc", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "Bcc", Value: "x@example.org"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"custom Resent-Bcc", func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "X-A", Value: "1"}, {Name: "resent-BCC", Value: "x@example.org"}}
		}, nil, builder.ErrReservedHeader, "Headers[1].Name"},
		{"custom Content-Type", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "Content-Type", Value: "text/plain"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"custom Content-Foo", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "content-foo", Value: "x"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"custom MIME-Version", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "MIME-Version", Value: "1.0"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"custom Message-ID", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "Message-Id", Value: "<a@b>"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"custom DKIM-Signature", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "DKIM-Signature", Value: "v=1"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"custom Return-Path", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "Return-Path", Value: "<a@b.c>"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"custom Reply-To", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "Reply-To", Value: "a@b.c"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"X-SES via custom header", func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "X-SES-SOURCE-ARN", Value: "arn:aws:ses:us-east-1:123456789012:identity/example.com"}}
		}, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"X-SES lower case via custom header", func(m *builder.Message) { m.Headers = []builder.Header{{Name: "x-ses-configuration-set", Value: "a"}} }, nil, builder.ErrReservedHeader, "Headers[0].Name"},
		{"duplicate singleton", func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "List-Unsubscribe", Value: "<mailto:u@example.com>"}, {Name: "X-A", Value: "1"}, {Name: "list-unsubscribe", Value: "<mailto:v@example.com>"}}
		}, nil, builder.ErrDuplicateHeader, "Headers[2].Name"},
		{"duplicate In-Reply-To", func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "In-Reply-To", Value: "<a@b>"}, {Name: "In-Reply-To", Value: "<c@d>"}}
		}, nil, builder.ErrDuplicateHeader, "Headers[1].Name"},
		{"invalid SES ARN", func(m *builder.Message) { m.SES.ConfigurationSet = "bad name" }, nil, xheaders.ErrInvalidConfigSet, "SES"},
		{"300 tags of 100 characters (X-SES-MESSAGE-TAGS over 16 KiB)", func(m *builder.Message) { m.SES.Tags = manyTags(300, 100) }, nil, builder.ErrSESValueTooLong, "SES"},
		{"Delegate for other.com, From at example.com", func(m *builder.Message) {
			m.From.Address = "sender@example.com"
			m.Delegate(xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/other.com"))
		}, nil, builder.ErrNotCovered, "SES.FromARN"},
		{"SourceARN alone for other.com", func(m *builder.Message) {
			m.SES.SourceARN = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/other.com")
		}, nil, builder.ErrNotCovered, "SES.SourceARN"},
		{"Return-Path not covered", func(m *builder.Message) {
			m.ReturnPath = "bounces@other.com"
			m.Delegate(xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com"))
		}, nil, builder.ErrNotCovered, "SES.ReturnPathARN"},
		{"invalid SES tag", func(m *builder.Message) { m.SES.Tags = []xheaders.Tag{{Name: "a", Value: "b\r\nBcc: x"}} }, nil, xheaders.ErrInvalidTag, "SES"},
		{"exe attachment", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "setup.exe", Data: []byte("MZ")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"EXE upper case", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "SETUP.EXE", Data: []byte("MZ")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"exe trailing dot", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "evil.exe.", Data: []byte("MZ")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"exe trailing space", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "EVIL.EXE ", Data: []byte("MZ")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"exe trailing dots and spaces", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a.pdf.vbs . .", Data: []byte("x")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"exe with a trailing TAB (lint: refused extension)", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "evil.exe\t", Data: []byte("MZ")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"exe as NTFS data stream", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "evil.exe::$DATA", Data: []byte("MZ")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"exe before a stream name", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "report.EXE:pdf", Data: []byte("MZ")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"msh2xml", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "x.MSH2XML", Data: []byte("x")}}
		}, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"exe from path", func(m *builder.Message) { m.Attachments = []builder.Attachment{{Path: "testdata/setup.exe"}} }, nil, builder.ErrUnsupportedExtension, "Attachments[0].Filename"},
		{"CRLF in filename", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a\r\n.pdf", Data: []byte("x")}}
		}, nil, builder.ErrHeaderInjection, "Attachments[0].Filename"},
		{"invalid UTF-8 filename", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "\xff.pdf", Data: []byte("x")}}
		}, nil, builder.ErrInvalidUTF8, "Attachments[0].Filename"},
		{"inline without ContentID", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "logo.png", Inline: true, Data: []byte("x")}}
		}, nil, builder.ErrInvalidAttachment, "Attachments[0].ContentID"},
		{"duplicate ContentID", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{
				{Filename: "a.png", Inline: true, ContentID: "img@x", Data: []byte("x")},
				{Filename: "b.png", Inline: true, ContentID: "IMG@x", Data: []byte("y")},
			}
		}, nil, builder.ErrInvalidAttachment, "Attachments[1].ContentID"},
		{"CRLF in ContentID", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a.png", Inline: true, ContentID: "a\r\nX: y", Data: []byte("x")}}
		}, nil, builder.ErrHeaderInjection, "Attachments[0].ContentID"},
		{"ContentID with brackets", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a.png", Inline: true, ContentID: "<a@b>", Data: []byte("x")}}
		}, nil, builder.ErrInvalidAttachment, "Attachments[0].ContentID"},
		{"inline without HTML", func(m *builder.Message) {
			m.HTML = ""
			m.Attachments = []builder.Attachment{{Filename: "a.png", Inline: true, ContentID: "a@b", Data: []byte("x")}}
		}, nil, builder.ErrInvalidAttachment, "Attachments"},
		{"bad content type", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a.pdf", ContentType: "pdf", Data: []byte("x")}}
		}, nil, builder.ErrInvalidAttachment, "Attachments[0].ContentType"},
		{"multipart content type", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a.bin", ContentType: "multipart/mixed", Data: []byte("x")}}
		}, nil, builder.ErrInvalidAttachment, "Attachments[0].ContentType"},
		{"CRLF in content type", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a.bin", ContentType: "text/plain\r\nX: y", Data: []byte("x")}}
		}, nil, builder.ErrHeaderInjection, "Attachments[0].ContentType"},
		{"boundary param", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a.txt", ContentType: "text/plain; boundary=x", Data: []byte("x")}}
		}, nil, builder.ErrInvalidAttachment, "Attachments[0].ContentType"},
		{"negative size", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "a.pdf", Reader: strings.NewReader("x"), Size: -1}}
		}, nil, builder.ErrInvalidAttachment, "Attachments[0].Size"},
		{"missing file", func(m *builder.Message) { m.Attachments = []builder.Attachment{{Path: "testdata/does-not-exist.pdf"}} }, nil, builder.ErrInvalidAttachment, "Attachments[0].Path"},
		{"directory", func(m *builder.Message) { m.Attachments = []builder.Attachment{{Path: "testdata"}} }, nil, builder.ErrInvalidAttachment, "Attachments[0].Path"},
		{"Message-ID with brackets", func(m *builder.Message) { m.MessageID = "<a@example.com>" }, nil, builder.ErrInvalidMessageID, "MessageID"},
		{"Message-ID without @", func(m *builder.Message) { m.MessageID = "abc" }, nil, builder.ErrInvalidMessageID, "MessageID"},
		{"Message-ID with LF", func(m *builder.Message) { m.MessageID = "a@b\nX: y" }, nil, builder.ErrHeaderInjection, "MessageID"},
		{"bad hostname", nil, func(b *builder.Builder) { b.Hostname = "bad host" }, builder.ErrInvalidMessageID, "Builder.Hostname"},
		{"year 1800", func(m *builder.Message) { m.Date = time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC) }, nil, builder.ErrInvalidDate, "Date"},
		{"unknown target", nil, func(b *builder.Builder) { b.Target = 9 }, builder.ErrInvalidTarget, "Builder.Target"},
		{"over the v1 limit", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "big.bin", Data: make([]byte, 8<<20)}}
		}, nil, builder.ErrTooLarge, ""},
	}
	// The package documentation promises that every sentinel is reachable: each appears here.
	covered := map[error]bool{}
	for _, tt := range tests {
		covered[tt.err] = true
	}
	for _, s := range []error{builder.ErrNoFrom, builder.ErrNoRecipients, builder.ErrTooManyRecipients,
		builder.ErrInvalidAddress, builder.ErrNonASCIIAddress, builder.ErrHeaderInjection, builder.ErrInvalidHeaderName,
		builder.ErrDuplicateHeader, builder.ErrReservedHeader, builder.ErrUnsupportedExtension, builder.ErrTooLarge,
		builder.ErrInvalidAttachment, builder.ErrInvalidUTF8, builder.ErrInvalidMessageID, builder.ErrInvalidDate,
		builder.ErrInvalidTarget, builder.ErrNotCovered, builder.ErrSESValueTooLong} {
		if !covered[s] {
			t.Errorf("no case produces %v", s)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validMessage()
			if tt.mutate != nil {
				tt.mutate(m)
			}
			b := testBuilder(1)
			if tt.b != nil {
				tt.b(b)
			}
			check := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, tt.err) {
					t.Fatalf("%s: error %v, want one matching %v", what, err, tt.err)
				}
				if !strings.HasPrefix(err.Error(), "builder: ") {
					t.Errorf("%s: error %q lacks the package prefix", what, err)
				}
				var fe *builder.FieldError
				if tt.field == "" {
					var se *builder.SizeError
					if !errors.As(err, &se) {
						t.Errorf("%s: %v is not a *SizeError", what, err)
					}
					return
				}
				if !errors.As(err, &fe) {
					t.Fatalf("%s: %v is not a *FieldError", what, err)
				}
				if fe.Field != tt.field {
					t.Errorf("%s: Field = %q, want %q", what, fe.Field, tt.field)
				}
			}
			check("Validate", b.Validate(m))

			var w recorder
			n, err := b.WriteTo(&w, m)
			check("WriteTo", err)
			if n != 0 || w.Len() != 0 {
				t.Errorf("WriteTo wrote %d bytes (returned %d) for an invalid message", w.Len(), n)
			}
			out, err := b.Bytes(m)
			check("Bytes", err)
			if out != nil {
				t.Errorf("Bytes returned %d bytes with an error", len(out))
			}
			dst := []byte("keep")
			out, err = b.AppendTo(dst, m)
			check("AppendTo", err)
			if string(out) != "keep" {
				t.Errorf("AppendTo changed dst to %q", clip(out))
			}
			if tt.field != "" || !errors.Is(tt.err, builder.ErrTooLarge) {
				_, err = b.Envelope(m)
				check("Envelope", err)
				_, _, err = b.Size(m)
				check("Size", err)
			}
		})
	}
}

// Errors from the xheaders package stay reachable through the FieldError.
func TestSESErrorAs(t *testing.T) {
	m := validMessage()
	m.SES.Tags = []xheaders.Tag{{Name: "bad tag", Value: "v"}}
	err := testBuilder(1).Validate(m)
	var he *xheaders.HeaderError
	if !errors.As(err, &he) || he.Header != xheaders.MessageTags {
		t.Fatalf("error %v: want a *xheaders.HeaderError for %s", err, xheaders.MessageTags)
	}
}

func TestMissingFileErrorIs(t *testing.T) {
	m := validMessage()
	m.Attachments = []builder.Attachment{{Path: "testdata/does-not-exist.pdf"}}
	if err := testBuilder(1).Validate(m); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not match fs.ErrNotExist", err)
	}
}

func TestAllowUnsupportedAttachments(t *testing.T) {
	m := validMessage()
	m.Attachments = []builder.Attachment{{Filename: "tool.exe", Data: []byte("MZ")}}
	b := testBuilder(1)
	b.AllowUnsupportedAttachments = true
	if _, err := b.Bytes(m); err != nil {
		t.Fatalf("with AllowUnsupportedAttachments: %v", err)
	}
}

// Every one of the 90 extensions is refused, in any case.
func TestUnsupportedExtensions(t *testing.T) {
	exts := strings.Fields(`ade adp app asp bas bat cer chm cmd com cpl crt csh der exe fxp gadget hlp
hta inf ins isp its js jse ksh lib lnk mad maf mag mam maq mar mas mat
mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 msh2 mshxml msh1xml msh2xml msi msp
mst ops pcd pif plg prf prg reg scf scr sct shb shs sys ps1 ps1xml ps2 ps2xml
psc1 psc2 tmp url vb vbe vbs vps vsmacros vss vst vsw vxd ws wsc wsf wsh xnk`)
	if len(exts) != 90 {
		t.Fatalf("list has %d extensions, want 90", len(exts))
	}
	b := testBuilder(1)
	for _, e := range exts {
		for _, name := range []string{"file." + e, "FILE." + strings.ToUpper(e), "x.pdf." + e + ". "} {
			m := validMessage()
			m.Attachments = []builder.Attachment{{Filename: name, Data: []byte("x")}}
			if err := b.Validate(m); !errors.Is(err, builder.ErrUnsupportedExtension) {
				t.Errorf("%q: %v, want ErrUnsupportedExtension", name, err)
			}
		}
	}
	for _, ok := range []string{"report.pdf", "exe", "notes.exe.txt", "archive.zip", "a.jsx", "x.msh3"} {
		m := validMessage()
		m.Attachments = []builder.Attachment{{Filename: ok, Data: []byte("x")}}
		if err := b.Validate(m); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// manyTags returns n message tags whose names and values together are about size characters each.
func manyTags(n, size int) []xheaders.Tag {
	tags := make([]xheaders.Tag, n)
	for i := range tags {
		name := "t" + strconv.Itoa(i)
		tags[i] = xheaders.Tag{Name: name, Value: strings.Repeat("v", size-len(name))}
	}
	return tags
}

// What the builder refuses, lint calls an error, and what it builds lint finds clean: the cases of
// the hostile-input issue, refused above, have built neighbours at the limit that lint accepts.
func TestBuiltNeighboursLintClean(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*builder.Message)
	}{
		{"tags just under 16 KiB", func(m *builder.Message) { m.SES.Tags = manyTags(150, 100) }},
		{"exe inside the name, pdf at the end", func(m *builder.Message) {
			m.Attachments = []builder.Attachment{{Filename: "evil.exe\t.pdf", Data: []byte("%PDF")}}
		}},
		{"Delegate for example.com, From at example.com", func(m *builder.Message) {
			m.From.Address = "sender@example.com"
			m.ReturnPath = "bounces@example.com"
			m.Delegate(xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com"))
		}},
	} {
		m := validMessage()
		c.edit(m)
		b := testBuilder(1)
		b.Signer = testSigner(t)
		raw, err := b.Bytes(m)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, f := range preflight.Check(raw, &preflight.Options{Target: preflight.TargetV1}) {
			if f.Severity >= preflight.Error {
				t.Errorf("%s: lint finds an error in the built message: %v", c.name, f)
			}
		}
	}
}
