package sesapi

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// SendError is the error of a request to SES: what SES answered (or that no answer came), sorted
// into one of the outcome categories of outcome.go.
//
// errors.Is(err, sesapi.ErrThrottled) and the like test the category; errors.As still finds the
// SDK's own error types (*types.MessageRejected, smithy.APIError, *smithy.OperationError, ...)
// in Err.
type SendError struct {
	Op         string // the operation, e.g. "SendRawEmail", "sesv2.SendEmail"
	Category   error  // one of the outcome sentinels (ErrThrottled, ..., ErrUnknownOutcome, ErrNotSent)
	Code       string // the SES error code ("Throttling", "MessageRejected", ...), "" without an answer
	Message    string // SES's error text, "" without an answer
	StatusCode int    // the HTTP status of the answer, 0 without one
	RequestID  string // the AWS request id of the answer, "" without one
	Err        error  // the error the SDK returned
}

func (e *SendError) Error() string {
	var b strings.Builder
	b.WriteString("sesapi: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Category.Error(), "sesapi: "))
	if e.Code != "" || e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
		if e.Message != "" {
			if e.Code != "" {
				b.WriteString(": ")
			}
			b.WriteString(e.Message)
		}
	} else if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the category and the SDK's error, so errors.Is and errors.As see both.
func (e *SendError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Category}
	}
	return []error{e.Category, e.Err}
}

// Classify returns the outcome category of an error of an SES request made with aws-sdk-go-v2 (or
// of a send of this package): one of the sentinels of outcome.go, or nil when err is nil.
//
//   - An answer of SES is sorted by its error code and text ([ClassifyAnswer]).
//   - No answer, when the request may have been written to the connection (a connection reset or
//     closed after the request, a response timeout, a context canceled while the request was in
//     flight, a 2xx answer that could not be read): ErrUnknownOutcome. SES may have accepted the
//     message; SES has no idempotency key, so sending it again may deliver it twice.
//   - No answer, when the connection was never made (dial, DNS or TLS handshake failure):
//     ErrTemporary, safe to retry.
//   - A signing failure (no credentials): ErrBadCredentials. A context that ended before the
//     request was made: ErrNotSent.
//   - Anything else this function cannot place: ErrUnknownOutcome, the safe assumption.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var se *SendError
	if errors.As(err, &se) {
		return se.Category
	}
	var sm *SMTPError
	if errors.As(err, &sm) {
		return sm.Kind
	}
	// Errors of the SMTP sender that are not a server's reply wrap their category directly.
	for _, c := range [...]error{ErrNotSent, ErrUnknownOutcome, ErrTemporary} {
		if errors.Is(err, c) {
			return c
		}
	}
	return newSendError("", err).Category
}

// IsRetryable reports whether err's outcome category says the same request may be sent again
// (after a pause): ErrThrottled or ErrTemporary. Every other category, ErrUnknownOutcome above
// all, is final.
func IsRetryable(err error) bool {
	c := Classify(err)
	return c == ErrThrottled || c == ErrTemporary
}

// classify wraps an SDK error of operation op in a *SendError.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *SendError
	if errors.As(err, &se) {
		return err
	}
	return newSendError(op, err)
}

func newSendError(op string, err error) *SendError {
	e := &SendError{Op: op, Err: err}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.RequestID = re.ServiceRequestID()
		e.StatusCode = re.HTTPStatusCode()
	}
	var api smithy.APIError
	var rse *smithyhttp.RequestSendError
	var rte *awshttp.ResponseTimeoutError
	var ce *smithy.CanceledError
	var sign *v4.SigningError
	switch {
	case errors.As(err, &api):
		e.Code, e.Message = api.ErrorCode(), api.ErrorMessage()
		e.Category = ClassifyAnswer(e.Code, e.Message, e.StatusCode)
	case errors.As(err, &rte):
		e.Category = ErrUnknownOutcome
	case errors.As(err, &rse):
		if notConnected(rse.Err) {
			e.Category = ErrTemporary
		} else {
			e.Category = ErrUnknownOutcome
		}
	case errors.As(err, &ce):
		// The HTTP client's Do failed while the context ended: the request may have been written.
		e.Category = ErrUnknownOutcome
	case e.StatusCode >= 500:
		e.Category = ErrTemporary
	case e.StatusCode >= 200 && e.StatusCode < 300:
		// SES answered 2xx but the answer could not be read: the message was probably accepted.
		e.Category = ErrUnknownOutcome
	case e.StatusCode >= 400:
		e.Category = ErrRejected
	case errors.As(err, &sign):
		e.Category = ErrBadCredentials
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		e.Category = ErrNotSent
	default:
		e.Category = ErrUnknownOutcome
	}
	return e
}

// notConnected reports whether err (from the HTTP client's Do) shows that no request bytes can
// have reached the server: the dial, the DNS lookup or the TLS handshake failed.
func notConnected(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var rh tls.RecordHeaderError
	var cv *tls.CertificateVerificationError
	if errors.As(err, &rh) || errors.As(err, &cv) {
		return true
	}
	return false
}

// answerTexts are SES's error texts, matched case-insensitively as substrings, in order; the first
// match decides. SES uses the same texts in v1 (Query/XML) error messages, v2 (JSON) messages and
// SMTP replies. Sources: https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html,
// https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html,
// https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html,
// https://docs.aws.amazon.com/ses/latest/dg/header-fields.html.
var answerTexts = [...]struct {
	text     string
	category error
}{
	{"daily message quota exceeded", ErrDailyQuota},
	{"maximum sending rate exceeded", ErrThrottled},
	{"too many concurrent smtp connections", ErrThrottled},
	{"is not authorized to perform", ErrNotAuthorized},
	{"access denied", ErrNotAuthorized},
	{"does not align with the given arn", ErrAddressNotAligned},
	{"email address is not verified", ErrIdentityNotVerified},
	{"identities failed the check", ErrIdentityNotVerified},
	{"duplicate header 'dkim-signature'", ErrDuplicateDKIM},
	{"message length is more than", ErrMessageTooLong},
	{"message is too long", ErrMessageTooLong},
	{"missing final '@domain'", ErrInvalidAddress},
	{"local address contains control or whitespace", ErrInvalidAddress},
	{"domain contains control or whitespace", ErrInvalidAddress},
	{"domain contains illegal character", ErrInvalidAddress},
	{"domain ends with dot", ErrInvalidAddress},
	{"domain starts with dot", ErrInvalidAddress},
	{"illegal address", ErrInvalidAddress},
	{"invalid address", ErrInvalidAddress},
	{"non-ascii characters in the email address", ErrInvalidAddress},
	{"sending paused", ErrSendingPaused},
	{"sending is paused", ErrSendingPaused},
	{"sending is disabled", ErrSendingPaused},
}

// answerCodes are SES's error codes (v1 Query error codes and v2 exception names) for answers
// whose text matched nothing in answerTexts.
var answerCodes = map[string]error{
	"Throttling":                             ErrThrottled,
	"ThrottlingException":                    ErrThrottled,
	"TooManyRequestsException":               ErrThrottled,
	"LimitExceededException":                 ErrDailyQuota, // v2; see ClassifyAnswer
	"AccessDenied":                           ErrNotAuthorized,
	"AccessDeniedException":                  ErrNotAuthorized,
	"AccountSendingPausedException":          ErrSendingPaused,
	"ConfigurationSetSendingPausedException": ErrSendingPaused,
	"SendingPausedException":                 ErrSendingPaused,
	"AccountSuspendedException":              ErrSendingPaused,
	"ConfigurationSetDoesNotExist":           ErrConfigurationSetMissing,
	"ConfigurationSetDoesNotExistException":  ErrConfigurationSetMissing,
	"InvalidClientTokenId":                   ErrBadCredentials,
	"SignatureDoesNotMatch":                  ErrBadCredentials,
	"UnrecognizedClientException":            ErrBadCredentials,
	"IncompleteSignature":                    ErrBadCredentials,
	"InvalidSignatureException":              ErrBadCredentials,
	"MissingAuthenticationToken":             ErrBadCredentials,
	"ExpiredToken":                           ErrBadCredentials,
	"ExpiredTokenException":                  ErrBadCredentials,
	"InternalFailure":                        ErrTemporary,
	"InternalError":                          ErrTemporary,
	"ServiceUnavailable":                     ErrTemporary,
	"ServiceUnavailableException":            ErrTemporary,
	"RequestTimeout":                         ErrTemporary,
	"RequestTimeoutException":                ErrTemporary,
}

// ClassifyAnswer returns the outcome category of an answer of SES: its error code (a v1 Query
// error code such as "Throttling" or "MessageRejected", a v2 exception name such as
// "TooManyRequestsException", or "" for an SMTP reply), its text and its HTTP status (0 when
// unknown). The text decides first, because SES uses one code for several outcomes: v1 answers
// both "Maximum sending rate exceeded." and "Daily message quota exceeded." with code Throttling,
// and MessageRejected or InvalidParameterValue carry most rejections. A "configuration set ...
// does not exist" text is ErrConfigurationSetMissing. Then the code decides; then the status (5xx:
// ErrTemporary, 429: ErrThrottled); anything else is ErrRejected.
//
// SESv2's answer to an exhausted daily quota is not documented: it may be HTTP 429
// TooManyRequestsException with the quota text (classified by the text) or LimitExceededException
// (classified as ErrDailyQuota whatever its text says, unless the text names the sending rate).
//
// The SMTP sender uses the texts for SMTP replies too, so the categories agree across APIs.
func ClassifyAnswer(code, message string, status int) error {
	if c := ClassifyText(message); c != nil {
		return c
	}
	if c, ok := answerCodes[code]; ok {
		return c
	}
	switch {
	case status >= 500:
		return ErrTemporary
	case status == 429:
		return ErrThrottled
	}
	return ErrRejected
}

// ClassifyText returns the outcome category SES's error text names (see ClassifyAnswer), or nil
// when the text is not one this package knows. Matching is case-insensitive, on substrings.
func ClassifyText(message string) error {
	if message == "" {
		return nil
	}
	lower := strings.ToLower(message)
	for _, r := range &answerTexts {
		if strings.Contains(lower, r.text) {
			return r.category
		}
	}
	if strings.Contains(lower, "configuration set") && strings.Contains(lower, "does not exist") {
		return ErrConfigurationSetMissing
	}
	return nil
}
