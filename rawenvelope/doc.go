// Package rawenvelope reads the envelope of a raw message from its header block: the From
// addresses, the Return-Path, and the recipients (To + Cc + Bcc, deduplicated), the way SES takes
// them when a raw message is sent without an explicit envelope ("If you don't specify the
// Destinations parameter, Amazon SES sends the message to all the recipients in the To, CC and BCC
// fields": https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html).
//
// It is the one place in sesraw where a raw message's envelope is read: sesapi (the envelope of a
// RawMessage send and the From of the policy pre-send check), preflight's policy check and the CLI
// (inspect, policy, lint) use it. It imports the standard library only.
//
// # Two grammars, each used once
//
// The header block is read with the one header-block grammar of sesraw (package rawheader): where
// the header block ends, what a field is, unfolding (only the line breaks before continuation
// lines are deleted, RFC 5322 section 2.2.3), bare CR, lines that are not fields, a leading mbox
// From line, and the limits. A header block the grammar calls malformed is an error here too, of the
// grammar's type: a *rawheader.SyntaxError (errors.Is rawheader.ErrMalformed and ErrNotAField or
// ErrBareCR) or a *rawheader.LimitError (errors.Is rawheader.ErrTooLarge). A leading mbox "From "
// line is a *rawheader.SyntaxError too (ErrNotAField): sent as it is, SES would receive it as the
// first header line, which is not a field. Read still returns the envelope of the fields before the
// offending line, for tools that show what they can (inspect) and say what they did.
//
// An address field's value (From, Reply-To, To, Cc, Bcc, Return-Path) is read with the address
// grammar of RFC 5322 section 3.4 as net/mail implements it, including RFC 2047 encoded words in
// display names (charsets UTF-8, US-ASCII and ISO-8859-1): ParseAddress and ParseList are the only
// address parsers of sesraw's raw-message readers. A field whose value cannot be parsed is not an
// error of Read: it is listed in Envelope.Problems (an *AddressError each, errors.Is
// ErrBadAddress), and its addresses are missing from the envelope. A field whose value is empty or
// blank is skipped.
//
// # Limits
//
// Read reads the header block with rawheader's default limits (rawheader.DefaultMaxBytes header
// bytes, rawheader.DefaultMaxFields fields, rawheader.DefaultMaxFieldLines lines per field); its
// work and memory are linear in the header block. The body is not read.
package rawenvelope
