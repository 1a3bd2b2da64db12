// Package sesrules is the rulebook: the Amazon SES rules that every layer of sesraw checks, each
// written down once. The builder, the SES adapters, the DKIM signer, preflight and the CLI all ask
// this package rather than keeping their own copy of a limit or a table. It imports the standard
// library only.
//
// The rules, and where AWS states them:
//
//   - Message size per target (Target, Target.MaxBytes): "Using the SES v1 API - Maximum message
//     size (including attachments): 10 MB per message (after base64 encoding)" and "Using the SES v2
//     API or SMTP - ... 40 MB per message" (https://docs.aws.amazon.com/ses/latest/dg/quotas.html).
//     The v1 service enforces binary megabytes: it rejects a larger message with "Message length is
//     more than 10485760 bytes long" (quoted in https://github.com/aws/aws-sdk-go-v2/issues/1774).
//     No such message has been seen for the 40 MB limit; 40 MiB (41,943,040 bytes) is read by
//     analogy and is UNCONFIRMED.
//   - Recipients per message (MaxRecipients): "50 recipients per message. A recipient is any "To",
//     "CC", or "BCC" address." (same quotas page).
//   - Line length (MaxLineOctets): "the maximum length of each line of text, including the <CRLF>,
//     must not exceed 1,000 characters" (https://docs.aws.amazon.com/ses/latest/APIReference/API_RawMessage.html).
//   - Refused attachment extensions (RefusedExtension, RefusedExtensions): the 90 extensions of
//     https://docs.aws.amazon.com/ses/latest/dg/mime-types.html, with one trimming rule for file names.
//   - Singleton header fields (IsSingleton, Singletons): the fields SES rejects when repeated
//     ("Duplicate header 'X'"), https://docs.aws.amazon.com/ses/latest/dg/header-fields.html.
//   - Fields a DKIM signature must never name (NeverSign): X-SES-* (removed by SES), Message-ID and
//     Date (replaced by SES), Return-Path and Bounces-To (https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-manual.html),
//     and DKIM-Signature itself.
//   - The X-SES control header names (the Header* constants, IsSESName, KnownSESNames):
//     https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-delegate-sender-tasks-email.html
//     and https://docs.aws.amazon.com/ses/latest/dg/event-publishing-send-email.html.
//
// Name look-ups are ASCII case-insensitive, take a string or a []byte, and do not allocate.
package sesrules
