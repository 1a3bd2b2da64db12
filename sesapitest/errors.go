package sesapitest

import (
	"errors"
	"fmt"
	"strings"
)

// Error is an answer of SES refusing a request: an error code and text as SES sends them, and how
// each protocol carries it. Tests compare a client's error with these codes and texts; an
// Authorize function may return an *Error to answer with a code of its choosing.
type Error struct {
	// Code and Message are the v1 Query protocol's error code and text, e.g. "Throttling" and
	// "Maximum sending rate exceeded.".
	Code    string
	Message string
	// Status is the v1 HTTP status (400 when 0).
	Status int
	// V2Code and V2Status are the v2 error type and HTTP status; "" means the v1 code with
	// status 400.
	V2Code   string
	V2Status int
	// SMTP is the SMTP reply code and text ("" text means "Transaction failed: " + Message with 554).
	SMTPCode int
	SMTPText string
}

// Error returns "sesapitest: Code: Message".
func (e *Error) Error() string { return "sesapitest: " + e.Code + ": " + e.Message }

// The error codes and texts of SES, from its documentation and from answers users quote
// (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html,
// https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html,
// https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html).
const (
	// MsgMaxSendRate is SES's text when the maximum sending rate is exceeded.
	MsgMaxSendRate = "Maximum sending rate exceeded."
	// MsgDailyQuota is SES's text when the 24-hour sending quota is used up.
	MsgDailyQuota = "Daily message quota exceeded."
)

// Throttled is the answer to a send over the maximum sending rate: v1 Throttling, v2 HTTP 429
// TooManyRequestsException, SMTP 454.
func Throttled() *Error {
	return &Error{Code: "Throttling", Message: MsgMaxSendRate, V2Code: "TooManyRequestsException", V2Status: 429,
		SMTPCode: 454, SMTPText: "Throttling failure: Maximum sending rate exceeded"}
}

// DailyQuotaExceeded is the answer to a send over the daily quota: v1 Throttling "Daily message quota
// exceeded.", SMTP 454. What SES v2 answers is not documented; this package answers HTTP 429
// TooManyRequestsException with the same text, so a client must tell the two apart by text.
func DailyQuotaExceeded() *Error {
	return &Error{Code: "Throttling", Message: MsgDailyQuota, V2Code: "TooManyRequestsException", V2Status: 429,
		SMTPCode: 454, SMTPText: "Throttling failure: Daily message quota exceeded"}
}

// NotVerified is SES's answer when identities failed the verification check in region:
// MessageRejected "Email address is not verified. The following identities failed the check in
// region REGION: a, b" (SES writes the region in capitals).
func NotVerified(region string, identities []string) *Error {
	msg := "Email address is not verified. The following identities failed the check in region " +
		strings.ToUpper(region) + ": " + strings.Join(identities, ", ")
	return &Error{Code: "MessageRejected", Message: msg, SMTPCode: 554, SMTPText: "Message rejected: " + msg}
}

// AccessDenied is SES's answer when a sending authorization policy does not allow the caller
// to use an identity: AccessDenied "User `caller' is not authorized to perform `action' on
// resource `arn'" (v2 AccessDeniedException, HTTP 403; SMTP 554 Access denied).
func AccessDenied(caller, action, resource string) *Error {
	msg := "User `" + caller + "' is not authorized to perform `" + action + "' on resource `" + resource + "'"
	return &Error{Code: "AccessDenied", Message: msg, Status: 403, V2Code: "AccessDeniedException", V2Status: 403,
		SMTPCode: 554, SMTPText: "Access denied: User " + caller + " is not authorized to perform " + action + " on resource " + resource}
}

func errInvalid(msg string) *Error {
	return &Error{Code: "InvalidParameterValue", Message: msg, V2Code: "BadRequestException"}
}

func errTooLong(size, limit int) *Error {
	e := errInvalid(fmt.Sprintf("Message length is more than %d bytes long: '%d'.", limit, size))
	e.SMTPCode, e.SMTPText = 552, "Message is too long."
	return e
}

func errRecipients() *Error { return errInvalid("Recipient count exceeds 50.") }

func errDuplicate(name string) *Error { return errInvalid("Duplicate header '" + name + "'.") }

func errTemplateMissing(name string) *Error {
	return &Error{Code: "TemplateDoesNotExist", Message: "Template " + name + " does not exist.", V2Code: "NotFoundException", V2Status: 404}
}

func errMissing(param string) *Error {
	return &Error{Code: "ValidationError", Message: "1 validation error detected: Value null at '" + param + "' failed to satisfy constraint: Member must not be null",
		V2Code: "BadRequestException"}
}

func errBadToken() *Error {
	return &Error{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid.", Status: 403,
		V2Code: "UnrecognizedClientException", V2Status: 403, SMTPCode: 535, SMTPText: "Authentication Credentials Invalid"}
}

func errNoAuth() *Error {
	return &Error{Code: "MissingAuthenticationToken", Message: "Request is missing Authentication Token", Status: 403,
		V2Code: "MissingAuthenticationTokenException", V2Status: 403}
}

func errInternal(status int) *Error {
	if status == 503 {
		return &Error{Code: "ServiceUnavailable", Message: "Service is unable to handle request.", Status: 503, V2Code: "ServiceUnavailable", V2Status: 503,
			SMTPCode: 451, SMTPText: "Temporary service failure"}
	}
	return &Error{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure.", Status: status,
		V2Code: "InternalFailure", V2Status: status, SMTPCode: 451, SMTPText: "Temporary service failure"}
}

func (e *Error) v1Status() int {
	if e.Status == 0 {
		return 400
	}
	return e.Status
}

func (e *Error) v2() (code string, status int) {
	code, status = e.V2Code, e.V2Status
	if code == "" {
		code = e.Code
	}
	if status == 0 {
		status = 400
	}
	return code, status
}

// asError turns an Authorize error into an answer: an *Error as it is, anything else AccessDenied.
func asError(err error, caller, action, resource string) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return AccessDenied(caller, action, resource)
}
