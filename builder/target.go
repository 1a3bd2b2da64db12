package builder

import "strconv"

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

// Size limits. AWS states both as "MB ... after base64 encoding"
// (https://docs.aws.amazon.com/ses/latest/dg/quotas.html). The v1 service
// enforces binary megabytes: SendRawEmail rejects a 12,078,147-byte message with "Message length is
// more than 10485760 bytes long" (aws/aws-sdk-go-v2#1774), so TargetV1 is 10 MiB. No such message has
// been seen for the 40 MB limit of the v2 API and SMTP; 40 MiB is assumed by analogy (UNCONFIRMED).
const (
	limitV1 = 10 << 20 // 10,485,760
	limitV2 = 40 << 20 // 41,943,040 (by analogy with v1; unconfirmed)
)
