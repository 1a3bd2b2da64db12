package sesapi

import (
	"errors"
	"strconv"

	"github.com/sesraw/sesraw/builder"
)

// Sentinel errors of the pre-send checks. Every check error wraps exactly one of them and is a
// *CheckError (or, for size, a *SizeError), so both errors.Is and errors.As work.
var (
	// ErrNoRegion: a Send method was given a client whose effective region is empty.
	ErrNoRegion = errors.New("sesapi: the client has no region")
	// ErrRegionMismatch: an identity ARN names another region than the client's endpoint.
	// SES only accepts delegated mail at the endpoint of the region the identity is verified in
	// (an ARN region of "*" passes).
	ErrRegionMismatch = errors.New("sesapi: identity ARN region differs from the SES endpoint region")
	// ErrNotCovered: the identity named by an ARN does not authorize the address it is used for
	// (From by FromArn or SourceArn, Return-Path by ReturnPathArn or SourceArn).
	ErrNotCovered = errors.New("sesapi: identity does not cover the address")
	// ErrNonASCIIAddress: an address is not 7-bit ASCII (SES does not support SMTPUTF8).
	ErrNonASCIIAddress = errors.New("sesapi: address is not ASCII")
	// ErrUnsupported: the operation cannot carry something the message or the Sender asks for
	// (the header method or a FromArn with v1 SendEmail, attachments with SendEmail, ...). It is
	// reported instead of dropping it silently.
	ErrUnsupported = errors.New("sesapi: not supported by this operation")
	// ErrConflict: an SES control value would be sent both as an API parameter and as an X-SES
	// header (SES would silently ignore one of them), or the message names two ARNs the operation
	// can only express as one.
	ErrConflict = errors.New("sesapi: conflicting SES control values")
	// ErrInvalidTemplate: a SendTemplatedEmail template has no name.
	ErrInvalidTemplate = errors.New("sesapi: invalid template")

	// ErrTooManyRecipients is builder.ErrTooManyRecipients: more than 50 envelope recipients.
	ErrTooManyRecipients = builder.ErrTooManyRecipients
	// ErrTooLarge is builder.ErrTooLarge: the encoded message exceeds the API's limit. A
	// *SizeError gives the numbers.
	ErrTooLarge = builder.ErrTooLarge
)

// MaxRecipients is SES's limit of recipients (To + Cc + Bcc) per message.
const MaxRecipients = 50

// CheckError reports a failed pre-send check or an input the operation cannot carry.
type CheckError struct {
	Op     string // the SES operation, e.g. "SendRawEmail", "sesv2.SendEmail", "SMTP"
	Field  string // the parameter or message field concerned, e.g. "FromArn", "Source", "Attachments"
	Reason string // what is wrong, for people
	Err    error  // one of the sentinel errors above
}

func (e *CheckError) Error() string {
	return "sesapi: " + e.Op + ": " + e.Field + ": " + e.Reason
}

// Unwrap returns the sentinel error.
func (e *CheckError) Unwrap() error { return e.Err }

// SizeError reports an encoded message over the limit of the API it is built for
// (10 MB for the v1 API, 40 MB for v2 and SMTP, after encoding). It wraps ErrTooLarge.
type SizeError struct {
	Op    string
	Size  int64 // encoded size in bytes
	Limit int64 // the API's limit in bytes
}

func (e *SizeError) Error() string {
	return "sesapi: " + e.Op + ": message is " + strconv.FormatInt(e.Size, 10) +
		" bytes after encoding, over the limit of " + strconv.FormatInt(e.Limit, 10)
}

// Unwrap returns ErrTooLarge.
func (e *SizeError) Unwrap() error { return ErrTooLarge }
