// Package xheaders models the Amazon SES control headers: the X-SES-* header fields a sender puts in a
// raw message (SendRawEmail, SESv2 SendEmail with raw content, SMTP DATA) to tell SES how to handle
// it. It emits them, reads them from a raw message the way SES does, and removes them the way SES
// does. It imports the standard library only.
//
// # The headers
//
//   - X-SES-SOURCE-ARN, X-SES-FROM-ARN, X-SES-RETURN-PATH-ARN: identity ARNs for sending
//     authorization (a delegate sender sends as an identity another account owns). An API
//     parameter (SourceArn, FromArn, ReturnPathArn; v2 FromEmailAddressIdentityArn) beats the header.
//   - X-SES-CONFIGURATION-SET: the configuration set name.
//   - X-SES-MESSAGE-TAGS: "name1=value1, name2=value2".
//   - X-SES-LIST-MANAGEMENT-OPTIONS: "ContactList; topic=Topic".
//   - X-SES-TENANT: the tenant name (UNCONFIRMED: no primary AWS text names the header or its syntax).
//
// # DKIM
//
// SES removes these headers before delivery ("Amazon SES removes all X-headers from the email before
// sending it"), so a DKIM signature whose h= names one of them can never verify at the recipient.
// They must stay out of the signed header set; IsSESName is the test the signer uses.
//
// # Reading: first instance wins
//
// "If you include multiple instances of an X-header, Amazon SES uses only the first instance."
// Read returns, for each header, the first instance (names compared ASCII-case-insensitively, folded
// values unfolded) and the number of instances; Scanner yields every instance with its offsets, so
// a caller can report which instance SES uses and which later duplicates it ignores.
//
// # Removal: what counts as an X-SES header
//
// SES's text says it removes "all X-headers" without listing them. This package removes every
// header field whose name starts with "X-SES-" (ASCII case-insensitive): the conservative superset
// of the seven known names. Ordinary X-* headers are kept. Which fields SES removes exactly is
// UNCONFIRMED.
//
// # Syntax: the one header grammar
//
// Every reader here reads the header block with package rawheader, the grammar every sesraw
// package and command shares; its documentation ("How sesraw reads a header block") decides each
// hard case once, with its reason. In short: the header block ends at the first empty line (CRLF or
// bare LF); a line that is not a field and a bare CR are a *SyntaxError wrapping ErrMalformedHeader
// (and the grammar's rawheader.ErrNotAField or rawheader.ErrBareCR), and the header block ends at
// that line for every reader (Read, Scanner, Remove and the streaming functions never touch a
// byte from there on); a leading mbox From line is skipped; blanks before the colon ("X-SES-FROM-ARN
// : value", RFC 5322 section 4.5) are read as the field; folded values are unfolded. Apply and
// ApplyTo refuse a malformed header block and a leading mbox From line, with or without Replace:
// an X-SES field after the bad line would stay in the message for a reader that skips that line.
// The header block is bounded by rawheader's limits (MaxHeaderBytes bytes); a block over one is an
// error wrapping ErrHeaderTooLarge.
//
// # Other decisions
//
//   - The message-tag count has no documented maximum; Append folds long tag lists after a comma to
//     keep lines within 998 octets. Whether SES unfolds folded X-SES values is UNCONFIRMED, so
//     Append folds only when a line would otherwise be too long.
//   - An empty tag value, and a list-management value without "; topic=", are accepted.
package xheaders
