package builder

import (
	"io"
	"net/mail"
	"time"

	"github.com/sesraw/sesraw/xheaders"
)

// Attachment is a file attached to, or embedded inline in, a message. The body is taken from Reader,
// else Data, else the file at Path (opened when the message is written and streamed).
type Attachment struct {
	Filename    string // Unicode allowed
	ContentType string // empty: guessed from the extension, else application/octet-stream
	Inline      bool   // inline part of multipart/related, referenced by cid:ContentID
	ContentID   string // without angle brackets; required when Inline
	Data        []byte
	Reader      io.Reader
	Size        int64 // bytes Reader yields, if known (0 = unknown)
	Path        string
}

// Header is a custom header field.
type Header struct{ Name, Value string }

// Message is a message to build. Its zero value is empty; fill in at least From and one recipient.
type Message struct {
	From       mail.Address
	To, Cc     []mail.Address
	Bcc        []mail.Address // envelope only; never written to the header block
	ReplyTo    []mail.Address
	ReturnPath string // bare address; bounces go here (SES replaces the delivered Return-Path)
	Subject    string
	Text       string
	HTML       string

	Attachments []Attachment
	Headers     []Header

	// SES holds the X-SES-* control headers written at the top of the header block.
	SES xheaders.Headers

	// Date and MessageID are generated when zero/empty (SES replaces both anyway).
	Date      time.Time
	MessageID string // without angle brackets

	// InReplyTo and References thread a reply (RFC 5322 section 3.6.4): msg-ids without angle
	// brackets, validated like MessageID. See thread.go.
	InReplyTo  []string
	References []string

	// Unsubscribe, when set, writes a one-click unsubscribe (RFC 8058); see Unsubscribe.
	Unsubscribe *Unsubscribe

	// AMP is an AMP for Email document, written as a text/x-amp-html part before the text/html
	// part of multipart/alternative; it needs HTML (clients without AMP show that). Whether SES
	// delivers AMP parts unchanged is UNCONFIRMED.
	AMP string
	// Calendar is an iCalendar invitation, reply or cancellation; see Calendar.
	Calendar *Calendar
}

// Delegate sets the common sending-authorization headers for one identity: X-SES-SOURCE-ARN and
// X-SES-FROM-ARN, and X-SES-RETURN-PATH-ARN when ReturnPath is set. Both source and From ARN are set
// because SES users report that with a From header in the raw message only FromArn is honoured,
// although AWS documents SourceArn alone as sufficient
// (https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-delegate-sender-tasks-email.html).
//
// Set ReturnPath before calling Delegate; the identity must cover the From and Return-Path
// addresses (a domain identity covers every address at the domain), which SES checks when it
// accepts the message. The API parameters SourceArn, FromArn and ReturnPathArn, when a transport
// sends them too, take precedence over these headers.
func (m *Message) Delegate(identity xheaders.ARN) {
	m.SES.SourceARN = identity
	m.SES.FromARN = identity
	if m.ReturnPath != "" {
		m.SES.ReturnPathARN = identity
	}
}

// Envelope is the SMTP envelope / SendRawEmail Source and Destinations.
type Envelope struct {
	From string   // the ReturnPath if set, else the From address
	To   []string // To + Cc + Bcc, ASCII, deduplicated case-insensitively, in order of first appearance
}

// Addresses are a message's addresses as the builder writes them: each address in its ASCII form
// (an internationalized domain in punycode), display names as given, lists in the Message's order
// (not deduplicated; Envelope.To is). Builder.Build and Builder.Addresses return them, for
// transports that need them apart from the bytes (the SES APIs' Destination and Source).
type Addresses struct {
	Envelope   Envelope
	From       mail.Address
	ReturnPath string // "" when the Message has none
	ReplyTo    []mail.Address
	To, Cc     []mail.Address
	Bcc        []mail.Address
}
