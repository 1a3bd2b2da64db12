package sesapi

import "errors"

// Outcome categories: what an answer of SES (v1 Query/XML, v2 JSON or an SMTP reply) means for
// the sender. Every error a send returns after a request was made wraps exactly one of them, so
// a program can act on errors.Is(err, sesapi.ErrThrottled) and the like without reading texts.
// See https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html and
// https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html.
var (
	// ErrThrottled: SES refused the request because the maximum sending rate was exceeded
	// (v1 "Throttling" / "Maximum sending rate exceeded.", v2 HTTP 429 TooManyRequestsException,
	// SMTP 454 "Throttling failure: Maximum sending rate exceeded"). Retry after a pause.
	ErrThrottled = errors.New("sesapi: sending rate exceeded (retry after a pause)")
	// ErrDailyQuota: the 24-hour sending quota is used up ("Daily message quota exceeded.").
	// Do not retry until the 24-hour window moves.
	ErrDailyQuota = errors.New("sesapi: daily sending quota exceeded (do not retry)")
	// ErrNotAuthorized: the identity owner's sending authorization policy (or the caller's IAM
	// policy) does not allow the send ("... is not authorized to perform 'ses:SendRawEmail' ...",
	// SMTP 554 Access denied).
	ErrNotAuthorized = errors.New("sesapi: not authorized to send as this identity")
	// ErrIdentityNotVerified: SES says an identity failed its check ("Email address is not
	// verified. The following identities failed the check in region R: ..."): the identity is not
	// verified, the Region is wrong, or a FromArn is missing.
	ErrIdentityNotVerified = errors.New("sesapi: identity not verified in this Region")
	// ErrAddressNotAligned: the address does not align with the given ARN.
	ErrAddressNotAligned = errors.New("sesapi: address does not align with the identity ARN")
	// ErrDuplicateDKIM: SES refused a message with more than one DKIM-Signature.
	ErrDuplicateDKIM = errors.New("sesapi: duplicate DKIM-Signature header")
	// ErrMessageTooLong: SES refused the message as too long.
	ErrMessageTooLong = errors.New("sesapi: message too long for SES")
	// ErrInvalidAddress: SES refused an address (missing domain, control characters, illegal).
	ErrInvalidAddress = errors.New("sesapi: invalid address")
	// ErrSendingPaused: sending is paused for the account (AccountSendingPausedException).
	ErrSendingPaused = errors.New("sesapi: account sending paused")
	// ErrConfigurationSetMissing: the configuration set does not exist.
	ErrConfigurationSetMissing = errors.New("sesapi: configuration set does not exist")
	// ErrBadCredentials: SMTP authentication failed (535).
	ErrBadCredentials = errors.New("sesapi: authentication failed")
	// ErrTemporary: a transient failure that is safe to retry (SMTP 421, 451, 4xx; HTTP 5xx
	// answered before the message was accepted).
	ErrTemporary = errors.New("sesapi: temporary failure (retry later)")
	// ErrRejected: SES refused the message for a reason none of the other categories names.
	// Do not retry.
	ErrRejected = errors.New("sesapi: rejected by SES")
	// ErrUnknownOutcome: the request may have reached SES but no answer came back (a connection
	// lost after the request, or after the final dot of SMTP DATA, was written). SES has no
	// idempotency key, so a retry may deliver the message twice: it is never retried
	// automatically.
	ErrUnknownOutcome = errors.New("sesapi: outcome unknown (the request may have reached SES)")
	// ErrNotSent: no request was made (the context ended before it, or a batch stopped after SES
	// reported the daily quota exhausted); the message may be sent later.
	ErrNotSent = errors.New("sesapi: not sent")
)
