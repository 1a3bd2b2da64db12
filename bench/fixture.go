// Package bench compares sesraw with peer Go mail libraries on one fixed fixture (issue 7).
// It lives in its own module so the peers never enter the library's module graph.
//
// Every library builds the same message: the same addresses, subject, SES control headers, text,
// HTML and attachment bytes, the same Date and Message-ID. Each library's output is checked once
// (CheckMessage) before it is timed, so no library wins by writing less.
package bench

import (
	"math/rand/v2"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// Attachment sizes of the two fixture variants.
const (
	SmallAttachment = 100 << 10 // 100 KiB
	LargeAttachment = 10 << 20  // 10 MiB
)

// Fixed values shared by every library.
const (
	ARN            = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
	ConfigSet      = "transactional"
	TagsValue      = "campaign=q3, tenant=acme"
	Subject        = "Quarterly report — Q3 résumé and next steps for the team"
	MessageID      = "q3-report-2025-0001@example.com" // without angle brackets
	AttachmentName = "report.pdf"
	AttachmentType = "application/pdf"
)

// Date is the fixed Date of every message.
var Date = time.Date(2025, time.October, 1, 9, 30, 0, 0, time.UTC)

// SESHeader is one X-SES-* header of the fixture, in the canonical spelling.
type SESHeader struct{ Name, Value string }

// SESHeaders are the fixture's SES control headers, in the order sesraw writes them.
var SESHeaders = []SESHeader{
	{"X-SES-SOURCE-ARN", ARN},
	{"X-SES-FROM-ARN", ARN},
	{"X-SES-RETURN-PATH-ARN", ARN},
	{"X-SES-CONFIGURATION-SET", ConfigSet},
	{"X-SES-MESSAGE-TAGS", TagsValue},
}

// Fixture is the message every library builds.
type Fixture struct {
	From       mail.Address
	To         []mail.Address
	Cc         []mail.Address
	ReplyTo    mail.Address
	Subject    string
	Text       string // about 2 KB, non-ASCII, LF line ends (quoted-printable on the wire)
	HTML       string // about 8 KB
	Attachment []byte // seeded pseudo-random bytes (base64 on the wire)
	Date       time.Time
	MessageID  string // without angle brackets
}

// NewFixture returns the fixture with an attachment of attachmentSize seeded pseudo-random bytes.
func NewFixture(attachmentSize int) *Fixture {
	return &Fixture{
		From: mail.Address{Name: "Büro Example", Address: "sender@example.com"},
		To: []mail.Address{
			{Address: "recipient@example.com"},
			{Name: "Ärger Müller", Address: "r2@example.org"},
		},
		Cc:         []mail.Address{{Address: "cc@example.net"}},
		ReplyTo:    mail.Address{Address: "support@example.com"},
		Subject:    Subject,
		Text:       fixtureText(),
		HTML:       fixtureHTML(),
		Attachment: attachmentBytes(attachmentSize),
		Date:       Date,
		MessageID:  MessageID,
	}
}

var textLines = []string{
	"Grüße aus dem Büro — here is the Q3 résumé you asked for.",
	"Umsatz und Marge stiegen im dritten Quartal; the naïve forecast was beaten.",
	"Prochaines étapes : réviser le budget, préparer la réunion de décembre.",
	"Zusammenfassung: Kosten −4 %, Kundenzufriedenheit 92 %, Lieferzeit 2,1 Tage.",
	"Please reply before Friday if the numbers in the attached report look wrong.",
}

// fixtureText returns about 2 KB of plain text with non-ASCII characters, lines under 80 octets.
func fixtureText() string {
	var sb strings.Builder
	sb.WriteString("Hallo Team,\n\n")
	for i := 0; sb.Len() < 2048; i++ {
		sb.WriteString(strconv.Itoa(i + 1))
		sb.WriteString(". ")
		sb.WriteString(textLines[i%len(textLines)])
		sb.WriteString("\n")
	}
	sb.WriteString("\nViele Grüße,\nBüro Example\n")
	return sb.String()
}

// fixtureHTML returns about 8 KB of HTML: the text as paragraphs plus a table of figures.
func fixtureHTML() string {
	var sb strings.Builder
	sb.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Q3 résumé</title></head>\n<body>\n")
	sb.WriteString("<h1>Quarterly report — Q3 résumé</h1>\n")
	for _, l := range textLines {
		sb.WriteString("<p>")
		sb.WriteString(l)
		sb.WriteString("</p>\n")
	}
	sb.WriteString("<table border=\"1\" cellpadding=\"4\">\n<tr><th>Region</th><th>Umsatz</th><th>Marge</th><th>Notiz</th></tr>\n")
	regions := []string{"Nord", "Süd", "Île-de-France", "Zürich", "Øresund"}
	for i := 0; sb.Len() < 8000; i++ {
		sb.WriteString("<tr><td>")
		sb.WriteString(regions[i%len(regions)])
		sb.WriteString("</td><td>")
		sb.WriteString(strconv.Itoa(1000 + 37*i))
		sb.WriteString(" €</td><td>")
		sb.WriteString(strconv.Itoa(10 + i%17))
		sb.WriteString(" %</td><td>geprüft</td></tr>\n")
	}
	sb.WriteString("</table>\n<p>Viele Grüße,<br>Büro Example</p>\n</body></html>\n")
	return sb.String()
}

// attachmentBytes returns n pseudo-random bytes from a fixed seed.
func attachmentBytes(n int) []byte {
	var seed [32]byte
	copy(seed[:], "sesraw bench fixture report.pdf")
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(seed).Read(b) // never fails
	return b
}
