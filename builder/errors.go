package builder

import (
	"errors"
	"strconv"
)

// Sentinel errors added to the contract's list.
var (
	// ErrInvalidMessageID reports a Message.MessageID that is not "id-left@id-right" in printable
	// ASCII, or a Builder.Hostname that is not an ASCII domain name.
	ErrInvalidMessageID = errors.New("builder: invalid Message-ID")
	// ErrInvalidDate reports a Message.Date whose year RFC 5322 cannot express (before 1900 or after 9999).
	ErrInvalidDate = errors.New("builder: invalid Date")
	// ErrInvalidTarget reports a Builder.Target outside the defined constants.
	ErrInvalidTarget = errors.New("builder: unknown target")
)

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

// String names the target.
func (t Target) String() string {
	switch t {
	case TargetNone:
		return "no target (unlimited)"
	case TargetV1:
		return "the SES v1 API (SendRawEmail)"
	case TargetV2:
		return "the SES v2 API (SendEmail, raw content)"
	case TargetSMTP:
		return "the SES SMTP interface"
	}
	return "Target(" + strconv.Itoa(int(t)) + ")"
}

// Size limits. AWS states both as "MB ... after base64 encoding" (SES quotas page). The v1 service
// enforces binary megabytes: SendRawEmail rejects a 12,078,147-byte message with "Message length is
// more than 10485760 bytes long" (aws/aws-sdk-go-v2#1774), so TargetV1 is 10 MiB. No such message has
// been seen for the 40 MB limit of the v2 API and SMTP; 40 MiB is assumed by analogy (UNCONFIRMED).
const (
	limitV1 = 10 << 20 // 10,485,760
	limitV2 = 40 << 20 // 41,943,040 (by analogy with v1; unconfirmed)
)

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
