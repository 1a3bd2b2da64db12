package sesrules

import "strconv"

// Target names the SES API (or transport) a message is sent through; it selects the size limit.
type Target int

// Targets. The zero Target is TargetNone: no SES size limit applies.
const (
	TargetNone Target = iota // no SES size limit (another transport)
	TargetV1                 // SES v1 API SendRawEmail: 10 MiB after encoding
	TargetV2                 // SES v2 API SendEmail with raw content: 40 MiB (UNCONFIRMED: MiB by analogy)
	TargetSMTP               // SES SMTP interface: 40 MiB (UNCONFIRMED: MiB by analogy)
)

// Size limits in bytes of the encoded message (see the package doc for the sources).
const (
	MaxBytesV1   = 10 << 20 // 10,485,760: the number the v1 API reports when it refuses a message
	MaxBytesV2   = 40 << 20 // 41,943,040: "40 MB" read as MiB like v1 (UNCONFIRMED)
	MaxBytesSMTP = 40 << 20 // 41,943,040: "40 MB" read as MiB like v1 (UNCONFIRMED)
)

// MaxRecipients is SES's limit of recipients per message: To, Cc and Bcc together.
const MaxRecipients = 50

// MaxLineOctets is the longest line SES accepts, in octets before the CRLF (1,000 with the CRLF;
// the same as RFC 5322 section 2.1.1).
const MaxLineOctets = 998

// MaxBytes returns the size limit of t in bytes, or 0 for TargetNone and unknown targets (no limit).
func (t Target) MaxBytes() int64 {
	switch t {
	case TargetV1:
		return MaxBytesV1
	case TargetV2:
		return MaxBytesV2
	case TargetSMTP:
		return MaxBytesSMTP
	}
	return 0
}

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
