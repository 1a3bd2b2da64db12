package sesapi

import (
	"errors"
	"strconv"
	"strings"

	"github.com/emersion/go-smtp"
)

// SMTPError is an SMTP server's refusal of one command, classified into one of the outcome
// categories (ErrThrottled, ErrDailyQuota, ErrNotAuthorized, ErrBadCredentials, ErrTemporary,
// ErrRejected, ...). errors.Is(err, sesapi.ErrThrottled) and the like work on it, and errors.As
// finds the *smtp.SMTPError of github.com/emersion/go-smtp underneath when there is one.
//
// SES's replies and what they mean are listed at
// https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html: retry 4xx replies after a
// pause, never 5xx ones unchanged.
type SMTPError struct {
	Command string // the command refused: "greeting", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "end of DATA", "RSET"
	Code    int    // the reply code, e.g. 454
	Message string // the reply text, lines joined with "\n", without the code
	Kind    error  // the outcome category: one of the sentinels of this package
	reply   *smtp.SMTPError
}

func (e *SMTPError) Error() string {
	return "sesapi: SMTP " + e.Command + ": " + strconv.Itoa(e.Code) + " " + e.Message
}

// Unwrap returns the outcome category and, when there is one, the go-smtp error.
func (e *SMTPError) Unwrap() []error {
	if e.reply == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.reply}
}

// Temporary reports whether the reply is a transient one (4xx) that may succeed later.
func (e *SMTPError) Temporary() bool { return e.Code >= 400 && e.Code < 500 }

// ClassifySMTPReply returns the outcome category of an SMTP reply (code and text) from SES:
//
//   - "Daily message quota exceeded" (454): ErrDailyQuota, do not retry until the 24-hour window
//     moves;
//   - "Maximum sending rate exceeded" (454): ErrThrottled, retry after a pause;
//   - 535 ("Authentication Credentials Invalid", "Account not subscribed to SES") and 530
//     ("Authentication required"): ErrBadCredentials;
//   - "Access denied ... is not authorized to perform ses:SendRawEmail" (554): ErrNotAuthorized;
//   - "Email address is not verified ..." (554): ErrIdentityNotVerified;
//   - "... does not align with ..." : ErrAddressNotAligned;
//   - "Duplicate header 'DKIM-Signature'" (554): ErrDuplicateDKIM;
//   - 552 or "Message is too long": ErrMessageTooLong;
//   - "Configuration set ... does not exist": ErrConfigurationSetMissing;
//   - "sending paused": ErrSendingPaused;
//   - address refusals ("Missing final '@domain'", "Local address contains control or
//     whitespace", "Illegal address", "Invalid ... address"): ErrInvalidAddress;
//   - any other 4xx (421 "Too many concurrent SMTP connections", 451 "Temporary service failure",
//     454 "Temporary authentication failure"): ErrTemporary;
//   - anything else: ErrRejected.
//
// The texts are matched case-insensitively, anywhere in the reply, so a reply with an enhanced
// status code or a request id around the text is classified the same. The replies are listed at
// https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html and
// https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html.
func ClassifySMTPReply(code int, text string) error {
	if kind := outcomeFromText(text); kind != nil {
		return kind
	}
	switch {
	case code == 535 || code == 530:
		return ErrBadCredentials
	case code == 552:
		return ErrMessageTooLong
	case code >= 400 && code < 500:
		return ErrTemporary
	}
	return ErrRejected
}

// outcomeTexts maps SES's answer texts, lower-cased, to outcome categories. The same texts come
// back from the v1 and v2 APIs and from SMTP (quota and throttling, authorization, verification).
// Order matters: the first match wins.
var outcomeTexts = [...]struct {
	text []string // all must occur
	kind error
}{
	{[]string{"daily message quota exceeded"}, ErrDailyQuota},
	{[]string{"maximum sending rate exceeded"}, ErrThrottled},
	{[]string{"authentication credentials invalid"}, ErrBadCredentials},
	{[]string{"not authorized to perform"}, ErrNotAuthorized},
	{[]string{"access denied"}, ErrNotAuthorized},
	{[]string{"email address is not verified"}, ErrIdentityNotVerified},
	{[]string{"failed the check in region"}, ErrIdentityNotVerified},
	{[]string{"does not align with"}, ErrAddressNotAligned},
	{[]string{"duplicate header 'dkim-signature'"}, ErrDuplicateDKIM},
	{[]string{"message is too long"}, ErrMessageTooLong},
	{[]string{"message length is more than"}, ErrMessageTooLong},
	{[]string{"configuration set", "does not exist"}, ErrConfigurationSetMissing},
	{[]string{"sending paused"}, ErrSendingPaused},
	{[]string{"missing final '@domain'"}, ErrInvalidAddress},
	{[]string{"local address contains control or whitespace"}, ErrInvalidAddress},
	{[]string{"illegal address"}, ErrInvalidAddress},
	{[]string{"invalid", "address"}, ErrInvalidAddress},
}

// outcomeFromText returns the outcome category a known SES answer text names, or nil.
func outcomeFromText(s string) error {
	if s == "" {
		return nil
	}
	s = strings.ToLower(s)
	for _, t := range outcomeTexts {
		ok := true
		for _, part := range t.text {
			if !strings.Contains(s, part) {
				ok = false
				break
			}
		}
		if ok {
			return t.kind
		}
	}
	return nil
}

// smtpReplyError converts a go-smtp error into an *SMTPError for command, or returns nil when err
// is not an SMTP reply (a network or TLS failure).
func smtpReplyError(command string, err error) *SMTPError {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return nil
	}
	return &SMTPError{Command: command, Code: se.Code, Message: se.Message, Kind: ClassifySMTPReply(se.Code, se.Message), reply: se}
}
