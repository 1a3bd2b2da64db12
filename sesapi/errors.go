package sesapi

import (
	"errors"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// Sentinel errors of the pre-send checks. Every error a method of this package returns before a
// request is made (a check failed, or the message is invalid) is a *CheckError, and matches one
// of these sentinels or an error of the builder or xheaders package (errors.Is).
var (
	// ErrNoRegion: a Send method was given a client whose effective region is empty.
	ErrNoRegion = errors.New("sesapi: the client has no region")
	// ErrRegionMismatch: an identity ARN names another region than the client's endpoint.
	// SES only accepts delegated mail at the endpoint of the region the identity is verified in
	// (an ARN region of "*" passes).
	ErrRegionMismatch = errors.New("sesapi: identity ARN region differs from the SES endpoint region")
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

	// The builder finds these while it builds the message; they are the builder's sentinels,
	// named here so that a caller of this package can match them without importing builder.

	// ErrNotCovered is builder.ErrNotCovered: the identity named by an ARN does not authorize the
	// address it is used for (From by FromArn or SourceArn, Return-Path by ReturnPathArn or
	// SourceArn). This package checks the parameters, the builder the X-SES headers.
	ErrNotCovered = builder.ErrNotCovered
	// ErrNonASCIIAddress is builder.ErrNonASCIIAddress: an address is not 7-bit ASCII (SES does
	// not support SMTPUTF8).
	ErrNonASCIIAddress = builder.ErrNonASCIIAddress
	// ErrTooManyRecipients is builder.ErrTooManyRecipients: more than 50 envelope recipients.
	ErrTooManyRecipients = builder.ErrTooManyRecipients
	// ErrTooLarge is builder.ErrTooLarge: the encoded message exceeds the API's limit. The
	// *CheckError wraps a *builder.SizeError, which gives the numbers.
	ErrTooLarge = builder.ErrTooLarge
)

// CheckError reports a failed pre-send check, an input the operation cannot carry, or an invalid
// message: every error returned before a request is made. Nothing was sent.
//
// Err is one of this package's sentinels, or the error of the package that found the problem: a
// *builder.FieldError (an invalid message; errors.As finds it, errors.Is its builder sentinel), a
// *builder.SizeError (the message is over the API's limit; errors.Is(err, ErrTooLarge)), or an
// xheaders error (an invalid Message.SES value). A raw message whose header block the header
// grammar (package rawheader) calls malformed or too large is refused, whichever check finds it
// first, with a *CheckError on which errors.Is rawheader.ErrMalformed or rawheader.ErrTooLarge
// holds (errors.As finds the *rawheader.SyntaxError or *rawheader.LimitError); ErrPreflight holds
// too when preflight reported it or the envelope could not be read. An address field of a raw
// message that cannot be parsed matches ErrPreflight, and, with IgnorePreflight,
// rawenvelope.ErrBadAddress (errors.As finds the *rawenvelope.AddressError).
type CheckError struct {
	Op     string // the SES operation, e.g. "SendRawEmail", "sesv2.SendEmail", "SMTP"
	Field  string // the parameter or message field concerned, e.g. "FromArn", "Source", "To[2]"
	Reason string // what is wrong, for people
	Err    error  // a sentinel above, or the builder's or xheaders' error
}

func (e *CheckError) Error() string {
	return "sesapi: " + e.Op + ": " + e.Field + ": " + e.Reason
}

// Unwrap returns Err.
func (e *CheckError) Unwrap() error { return e.Err }

// messageErr reports an error of the builder or xheaders about m as a *CheckError wrapping it,
// naming the field the builder names.
func messageErr(op string, err error) error {
	ce := &CheckError{Op: op, Field: "Message", Reason: err.Error(), Err: err}
	var fe *builder.FieldError
	var se *builder.SizeError
	var he *xheaders.HeaderError
	switch {
	case errors.As(err, &fe):
		ce.Field, ce.Reason = fe.Field, fe.Reason
	case errors.As(err, &se):
		ce.Field = "RawMessage"
	case errors.As(err, &he):
		ce.Field = "SES"
	}
	return ce
}
