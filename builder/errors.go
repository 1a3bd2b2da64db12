package builder

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every validation error is a *FieldError (errors.As) naming the field, whose Err
// is one of these or another package's error (see the package documentation).
var (
	ErrNoFrom            = errors.New("builder: message has no From address")
	ErrNoRecipients      = errors.New("builder: message has no recipients")
	ErrTooManyRecipients = errors.New("builder: more than 50 recipients")
	ErrInvalidAddress    = errors.New("builder: invalid address") // unparsable, non-ASCII local part, CR/LF
	// ErrNonASCIIAddress: an address whose local part is not ASCII. SES does not support SMTPUTF8
	// (https://docs.aws.amazon.com/ses/latest/dg/send-email-concepts-email-format.html), so such an
	// address cannot be sent. The error also matches ErrInvalidAddress.
	ErrNonASCIIAddress   = errors.New("builder: address is not ASCII (SES does not support SMTPUTF8)")
	ErrHeaderInjection   = errors.New("builder: header injection attempt") // CR, LF or NUL in a value
	ErrInvalidHeaderName = errors.New("builder: invalid header field name")
	// ErrDuplicateHeader: a second custom header field of a name SES accepts only once
	// (https://docs.aws.amazon.com/ses/latest/dg/header-fields.html).
	ErrDuplicateHeader = errors.New("builder: duplicate singleton header")
	// ErrReservedHeader: a custom header the builder writes itself (From, To, MIME-Version,
	// Content-*, ...) or an X-SES-* name (set through Message.SES).
	ErrReservedHeader       = errors.New("builder: header is set by the builder")
	ErrUnsupportedExtension = errors.New("builder: attachment extension refused by SES")
	ErrTooLarge             = errors.New("builder: message exceeds the size limit of the target")
	ErrInvalidAttachment    = errors.New("builder: invalid attachment")
	ErrInvalidUTF8          = errors.New("builder: invalid UTF-8")
	// ErrNotCovered: an identity ARN in Message.SES does not authorize the address it is used
	// for: the From address (FromARN, else SourceARN) or the address bounces go to (ReturnPathARN,
	// else SourceARN; the Return-Path, else From). SES refuses such a message.
	ErrNotCovered = errors.New("builder: identity ARN does not cover the address")
	// ErrSESValueTooLong: an X-SES field's value, as written, is longer than
	// sesrules.MaxXSESValueBytes (for instance hundreds of message tags); lint reads no such value.
	ErrSESValueTooLong = errors.New("builder: X-SES value too long")
	// ErrInvalidMessageID reports a Message.MessageID that is not "id-left@id-right" in printable
	// ASCII, or a Builder.Hostname that is not an ASCII domain name.
	ErrInvalidMessageID = errors.New("builder: invalid Message-ID")
	// ErrInvalidDate reports a Message.Date whose year RFC 5322 cannot express (before 1900 or after 9999).
	ErrInvalidDate = errors.New("builder: invalid Date")
	// ErrInvalidTarget reports a Builder.Target outside the defined constants.
	ErrInvalidTarget = errors.New("builder: unknown target")
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

// Error formats the sizes and the target.
func (e *SizeError) Error() string {
	var b []byte
	b = append(b, "builder: message of "...)
	b = strconv.AppendInt(b, e.Size, 10)
	b = append(b, " bytes exceeds the "...)
	b = strconv.AppendInt(b, e.Limit, 10)
	b = append(b, "-byte limit of "...)
	b = append(b, e.Target.String()...)
	return string(b)
}

// Is reports whether target is ErrTooLarge, so errors.Is(err, ErrTooLarge) matches a *SizeError.
func (e *SizeError) Is(target error) bool { return target == ErrTooLarge }

// fieldName names a Message field; it is formatted only when an error is reported, so that
// validating a valid message does not build strings.
type fieldName struct {
	base string
	i    int // index into base, or -1
	sub  string
}

func fld(base string) fieldName { return fieldName{base: base, i: -1} }

func fldAt(base string, i int, sub string) fieldName { return fieldName{base: base, i: i, sub: sub} }

func (f fieldName) with(sub string) fieldName {
	f.sub = sub
	return f
}

func (f fieldName) String() string {
	if f.i < 0 {
		return f.base + f.sub
	}
	return indexed(f.base, f.i) + f.sub
}

func fieldErr(field fieldName, reason string, err error) error {
	return &FieldError{Field: field.String(), Reason: reason, Err: err}
}

// indexed returns field + "[" + i + "]".
func indexed(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
