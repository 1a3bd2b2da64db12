// Package builder assembles raw MIME messages for Amazon SES: the message model a caller fills in,
// validation against SES's rules, and output as bytes or a stream, optionally DKIM-signed with the
// SES-safe profile, together with the SMTP envelope.
//
// # Validation
//
// Every output method validates the whole Message before it writes the first byte; a message that
// fails validation produces no output. Each failure is a *FieldError naming the field (errors.As)
// and wrapping one of the sentinel errors (errors.Is); an invalid X-SES value also wraps the
// xheaders error. An encoded size over the Builder.Target's limit is a *SizeError, which matches
// ErrTooLarge. The rules:
//
//   - From and at least one of To, Cc, Bcc are required; at most 50 distinct recipients.
//   - Addresses are bare addr-specs (local@domain, no angle brackets, nothing trimmed). The local
//     part must be ASCII (SES does not support SMTPUTF8); an internationalized domain is converted to
//     punycode, with the limits documented in internal/punycode (no NFC or IDNA2008 mapping: a
//     character that would need one is rejected). Display names may be any Unicode; they are written
//     as RFC 2047 encoded words where needed.
//   - CR, LF and NUL in any value that reaches the header block (display names, subject, file
//     names, Content-IDs, custom headers; X-SES values via the xheaders package) are
//     ErrHeaderInjection; invalid UTF-8 is ErrInvalidUTF8.
//   - Custom headers: valid names; a name the builder writes itself (From, To, Cc, Bcc, Subject,
//     Date, Message-ID, MIME-Version, Content-*, Return-Path, Reply-To, DKIM-Signature) or any
//     X-SES-* name is ErrReservedHeader (SES control headers go through Message.SES only); a second
//     instance of a field SES accepts only once is ErrDuplicateHeader.
//   - Attachments: the 90 extensions SES refuses are ErrUnsupportedExtension (case-insensitive,
//     after trailing dots and spaces are stripped, and also for the part of a name before a colon,
//     which Windows saves as the file: "evil.exe::$DATA") unless Builder.AllowUnsupportedAttachments is set;
//     inline parts need a unique ContentID and an HTML body.
//
// # Message shape
//
// Text only gives a text/plain message; Text and HTML a multipart/alternative; HTML only a text/html
// message. Inline attachments wrap the body in multipart/related (with the inline parts after it);
// other attachments put everything in multipart/mixed, outermost. A message with neither Text nor
// HTML gets an empty text/plain part, so every message has a body part a client can show.
//
// The header block is, in order: the X-SES-* fields (xheaders.Headers.Append: each at most once,
// canonical spelling, at the very top), the DKIM-Signature when signing (so that once SES strips
// the X-SES block the signature is the first field, as RFC 6376 §5.6 prefers), Return-Path, From,
// Reply-To, To, Cc, Subject, Date, Message-ID, MIME-Version, the custom headers, and the root part's
// Content-* fields. Bcc is never written; it is only part of the Envelope.
//
// Return-Path is written because SES sends bounce and complaint notifications to it; SES replaces
// it in the delivered message, so the DKIM profile never signs it (nor Date, Message-ID or any
// X-SES-* field, which SES rewrites or removes).
//
// # Size
//
// TargetV1 allows 10 MiB (10,485,760 bytes, the number the v1 API itself reports when it rejects a
// message); TargetV2 and TargetSMTP allow 40 MiB, assumed by analogy (AWS writes "40 MB"). Size is
// exact when every attachment's size is known (Data, a file, or a Reader with Size); otherwise the
// writers count and stop with a *SizeError before the byte that would pass the limit.
//
// # Determinism and concurrency
//
// With Builder.Now and Builder.Rand fixed (or Message.Date and Message.MessageID set, and Rand fixed
// for the boundaries) the output is byte-identical from run to run. Validate, Size and Envelope
// never read Rand. A Builder may be shared by goroutines once configured, provided its Rand and
// Signer are safe for concurrent use (crypto/rand and dkim.Signer are).
//
// CONTRACT FILE: the exported API below is the agreed interface other packages code against.
// Implementations may move to other files; signatures change only by agreement.
package builder

import (
	"errors"
	"io"
	"net/mail"
	"time"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// Sentinel errors; every validation error wraps one of them (errors.Is) and most are a *FieldError
// (errors.As) naming the field.
var (
	ErrNoFrom               = errors.New("builder: message has no From address")
	ErrNoRecipients         = errors.New("builder: message has no recipients")
	ErrTooManyRecipients    = errors.New("builder: more than 50 recipients")
	ErrInvalidAddress       = errors.New("builder: invalid address")          // unparsable, non-ASCII local part, CR/LF
	ErrHeaderInjection      = errors.New("builder: header injection attempt") // CR, LF or NUL in a value
	ErrInvalidHeaderName    = errors.New("builder: invalid header field name")
	ErrDuplicateHeader      = errors.New("builder: duplicate singleton header")   // ses-facts §3.3 list
	ErrReservedHeader       = errors.New("builder: header is set by the builder") // From, To, MIME-Version, Content-*, X-SES-* via custom headers...
	ErrUnsupportedExtension = errors.New("builder: attachment extension refused by SES")
	ErrTooLarge             = errors.New("builder: message exceeds the size limit of the target")
	ErrInvalidAttachment    = errors.New("builder: invalid attachment")
	ErrInvalidUTF8          = errors.New("builder: invalid UTF-8")
)

// FieldError reports which part of a Message is invalid.
type FieldError struct {
	Field  string // e.g. "To[3]", "Subject", "Headers[0].Name", "Attachments[1].Filename"
	Reason string
	Err    error // a sentinel above, or an error from xheaders / multipart / dkim
}

func (e *FieldError) Error() string { return "builder: " + e.Field + ": " + e.Reason }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// SizeError reports an encoded size over the target's limit.
type SizeError struct {
	Target Target
	Size   int64 // encoded size (or bytes written when the limit was hit while streaming)
	Limit  int64
}

// Target names the SES API (or transport) a message is built for; it selects the size limit.
type Target int

const (
	TargetNone Target = iota // no SES size limit
	TargetV1                 // SES v1 API (SendRawEmail): 10 MB after encoding
	TargetV2                 // SES v2 API SendEmail raw: 40 MB
	TargetSMTP               // SES SMTP interface: 40 MB
)

// Limit returns the target's maximum encoded message size in bytes (0 = none).
func (t Target) Limit() int64 {
	switch t {
	case TargetV1:
		return limitV1
	case TargetV2, TargetSMTP:
		return limitV2
	}
	return 0
}

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
}

// Delegate sets the common sending-authorization headers for one identity: X-SES-SOURCE-ARN and
// X-SES-FROM-ARN, and X-SES-RETURN-PATH-ARN when ReturnPath is set. Both source and From ARN are set
// because SES users report that with a From header in the raw message only FromArn is honoured
// (ses-facts §6), although AWS documents SourceArn alone as sufficient.
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

// Builder holds options shared by many messages. The zero value is ready to use; a Builder is safe
// for concurrent use once configured (provided Rand and the Signer are).
type Builder struct {
	Target Target
	// Signer, when set, DKIM-signs every message with the SES-safe profile.
	Signer *dkim.Signer
	// Now supplies Date when a Message has none; nil means time.Now.
	Now func() time.Time
	// Rand supplies boundaries and Message-IDs; nil means crypto/rand.
	Rand io.Reader
	// Hostname is the right-hand side of generated Message-IDs; empty means "sesraw.invalid".
	Hostname string
	// AllowUnsupportedAttachments permits the extensions SES refuses (for other transports).
	AllowUnsupportedAttachments bool
}

// Validate checks m against every rule without writing anything.
func (b *Builder) Validate(m *Message) error { return b.validate(m) }

// Envelope validates m and returns its envelope.
func (b *Builder) Envelope(m *Message) (Envelope, error) { return b.envelope(m) }

// Size returns the exact encoded size of m, and false if an attachment's size is unknown.
func (b *Builder) Size(m *Message) (int64, bool, error) { return b.size(m) }

// Bytes validates and builds m (signing it when b.Signer is set).
func (b *Builder) Bytes(m *Message) ([]byte, error) {
	out, err := b.appendTo(nil, m)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AppendTo is Bytes appending to dst.
func (b *Builder) AppendTo(dst []byte, m *Message) ([]byte, error) { return b.appendTo(dst, m) }

// WriteTo validates m before writing anything, then streams it to w. Attachments stream from their
// readers with fixed buffers. With a Signer, the body hash is computed in the same pass (the encoded
// body is buffered so the signature can precede it).
//
// In detail: a validation error, or a size known to exceed the limit, writes nothing. Without a
// Signer the message streams; when a Reader's size is unknown the writer stops with a *SizeError
// before the byte that would pass the limit (the output is then truncated and must be discarded).
// With a Signer and every body in memory (Text, HTML, Data), the body is encoded twice, once into
// the body hash and once into w, and nothing is buffered; when some attachment comes from a Reader
// or a file, which is read once, the encoded body is buffered in memory and written after the
// header. The DKIM t= tag comes from the Signer's clock (dkim.Options.Now), not Builder.Now.
func (b *Builder) WriteTo(w io.Writer, m *Message) (int64, error) { return b.writeTo(w, m) }

// MessageWriterTo binds a message to a Builder as an io.WriterTo.
func (b *Builder) MessageWriterTo(m *Message) io.WriterTo { return &messageWriterTo{b: b, m: m} }

type messageWriterTo struct {
	b *Builder
	m *Message
}

func (mw *messageWriterTo) WriteTo(w io.Writer) (int64, error) { return mw.b.writeTo(w, mw.m) }
