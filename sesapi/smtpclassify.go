package sesapi

import (
	"errors"
	"strconv"

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
//   - 421 (SES: "Too many concurrent SMTP connections"; any server: "service not available,
//     closing transmission channel"): ErrTemporary; the connection is closed, reconnect later;
//   - a text SES uses in its API answers and SMTP replies alike decides next ([ClassifyText]):
//     "Maximum sending rate exceeded" (454) is ErrThrottled, retry after a pause; "Daily message
//     quota exceeded" (454) is ErrDailyQuota, do not retry until the 24-hour window moves;
//     "Access denied: User ... is not authorized to perform ses:SendRawEmail" (554) is
//     ErrNotAuthorized; "Email address is not verified" (554) is ErrIdentityNotVerified; and so
//     on;
//   - 535 ("Authentication Credentials Invalid", "Account not subscribed to SES") and 530
//     ("Authentication required"): ErrBadCredentials;
//   - 552 ("Message is too long."): ErrMessageTooLong;
//   - any other 4xx (451 "Temporary service failure", 454 "Temporary authentication failure"):
//     ErrTemporary;
//   - anything else: ErrRejected.
//
// SES's replies are listed at https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html
// and https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html.
func ClassifySMTPReply(code int, text string) error {
	if code == 421 {
		return ErrTemporary
	}
	if kind := ClassifyText(text); kind != nil {
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

// smtpReplyError converts a go-smtp error into an *SMTPError for command, or returns nil when err
// is not an SMTP reply (a network or TLS failure).
func smtpReplyError(command string, err error) *SMTPError {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return nil
	}
	return &SMTPError{Command: command, Code: se.Code, Message: se.Message, Kind: ClassifySMTPReply(se.Code, se.Message), reply: se}
}
