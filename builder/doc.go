// Package builder assembles raw MIME messages for Amazon SES: the message model a caller fills in,
// validation against SES's rules, and output as bytes or a stream, optionally DKIM-signed with the
// SES-safe profile, together with the SMTP envelope.
//
// # Validation
//
// Every output method validates the whole Message before it writes the first byte; a message that
// fails validation produces no output. Every validation failure is a *FieldError naming the field
// (errors.As) and matches one of this package's sentinel errors (errors.Is), except an invalid
// Message.SES value (Field "SES"), which wraps the xheaders error (a *xheaders.HeaderError and its
// sentinel). An encoded size over the Builder.Target's limit is a *SizeError, which matches
// ErrTooLarge. Errors of the io.Writer and of an attachment's file or Reader keep their cause
// (errors.Is finds it). The rules:
//
//   - From and at least one of To, Cc, Bcc are required; at most 50 distinct recipients.
//   - Addresses are bare addr-specs (local@domain, no angle brackets, nothing trimmed). The local
//     part must be ASCII (SES does not support SMTPUTF8: ErrNonASCIIAddress, which also matches
//     ErrInvalidAddress); an internationalized domain is converted to
//     punycode, with the limits documented in internal/punycode (no NFC or IDNA2008 mapping: a
//     character that would need one is rejected). Display names may be any Unicode; they are written
//     as RFC 2047 encoded words where needed.
//   - CR, LF and NUL in any value that reaches the header block (display names, subject, file
//     names, Content-IDs, custom headers; X-SES values via the xheaders package) are
//     ErrHeaderInjection; invalid UTF-8 is ErrInvalidUTF8.
//   - Custom headers: valid names; a name the builder writes itself (From, To, Cc, Bcc, Subject,
//     Date, Message-ID, MIME-Version, Content-*, Return-Path, Reply-To, DKIM-Signature), Resent-Bcc
//     (a blind copy written into the header block would disclose its addresses) or any
//     X-SES-* name is ErrReservedHeader (SES control headers go through Message.SES only); a second
//     instance of a field SES accepts only once is ErrDuplicateHeader.
//   - Message.SES: values as xheaders validates them; each X-SES value as written at most
//     sesrules.MaxXSESValueBytes (ErrSESValueTooLong); an identity ARN must cover the address SES
//     checks it against, From for FromARN (else SourceARN), the Return-Path (else From) for
//     ReturnPathARN (else SourceARN): ErrNotCovered.
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
// Text and HTML, and an attachment of a text/* type (given, or guessed from its extension) whose
// content is in Data, are put in canonical form as multipart writes every in-memory text/* body: a
// bare LF becomes CRLF (RFC 2046 §4.1.1); a bare CR is kept. Content from a Path or a Reader is
// written byte for byte (base64), so a ".txt" file with LF line ends comes back as it was.
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
package builder
