// Package sesapi turns a sesraw message (builder.Message) into aws-sdk-go-v2 inputs for Amazon
// SES and sends it through the caller's client, after the checks that can be done before any
// network call: the endpoint's region against the identity ARNs, the addresses each identity must
// cover, the size limit of the chosen API after encoding, at most 50 recipients, ASCII addresses.
//
// # Operations
//
//   - SES v1 SendRawEmail ([Sender.RawEmailInput], [Sender.SendRawEmail]): raw MIME; sending
//     authorization as API parameters or as X-SES-* headers ([Method]).
//   - SES v1 SendEmail and SendTemplatedEmail ([Sender.EmailInput], [Sender.TemplatedEmailInput]):
//     SES composes the MIME; only the SourceArn and ReturnPathArn parameters exist.
//   - SES v2 SendEmail with raw content ([Sender.EmailV2Input], [Sender.SendEmailV2]).
//   - SMTP ([Sender.SMTPMail]): the envelope and DATA; only the header method exists. An
//     [SMTPSender] sends them over TLS with SES SMTP credentials ([SMTPPassword]), reusing
//     connections, and classifies every reply ([ClassifySMTPReply]).
//
// # Precedence rules of SES, and what this package does about them
//
//   - v1 SendRawEmail: a parameter beats its header: SourceArn beats X-SES-SOURCE-ARN, FromArn
//     beats X-SES-FROM-ARN, ReturnPathArn beats X-SES-RETURN-PATH-ARN.
//   - Message tags: when both the Tags parameter and X-SES-MESSAGE-TAGS are given, SES uses only
//     the parameter; it does not merge them.
//   - v2 SendEmail raw: FromEmailAddressIdentityArn overrides both X-SES-SOURCE-ARN and
//     X-SES-FROM-ARN in the raw content; FeedbackForwardingEmailAddressIdentityArn is the
//     return-path analogue.
//   - Which of ConfigurationSetName and X-SES-CONFIGURATION-SET wins is not documented.
//
// Because of these rules a value sent both ways would be silently overridden when the two differ,
// so this package never sends a value both ways: with [ByParameters] the X-SES header of every
// value that becomes a parameter is left out of the raw message, with [ByHeaders] no such
// parameter is set, and a raw message that still carries a header for a value sent as a parameter
// is an ErrConflict.
//
// # Errors
//
// Nothing is sent when a check fails or the message is invalid; the error is then a *CheckError
// (errors.As) wrapping one of this package's sentinels, or the builder's or xheaders' error that
// found the problem (errors.Is matches both; see CheckError). Errors of the SES API are returned
// as a *SendError, which errors.Is matches against the outcome categories of outcome.go
// (ErrThrottled, ErrDailyQuota, ..., ErrUnknownOutcome) and through which errors.As still finds the
// SDK's types (*types.MessageRejected, smithy.APIError).
package sesapi
