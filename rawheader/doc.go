// Package rawheader is the one grammar of a raw message's header block in sesraw: xheaders, dkim,
// preflight and every command of the CLI read a header block with it, so no two of them disagree
// about where the header block ends, what a field is, or which fields a message has. It imports the
// standard library only and does not allocate while reading (Scanner); ReadBlock reads a header
// block from a stream with bounded memory.
//
// # How sesraw reads a header block
//
// The grammar is RFC 5322 (section 2.2 header fields, 2.2.3 folding, 3.6.8 field names, 4.5
// obsolete syntax). What SES does with input outside it is not documented; AWS says only that "The
// message has to contain a header and a body, separated by a blank line" and that "Amazon SES can
// accept all email headers that follow the format described in RFC 822"
// (https://docs.aws.amazon.com/ses/latest/APIReference/API_RawMessage.html,
// https://docs.aws.amazon.com/ses/latest/dg/header-fields.html). Each case is decided once, here:
//
//   - End of the header block: the first empty line (CRLF or a bare LF alone); the body starts after
//     it. RFC 5322 section 2.1.
//   - A field: a name of printable US-ASCII other than colon (bytes 33-126 except 58), optional
//     blanks, a colon, the value, and continuation lines (lines starting with SP or HTAB, including
//     lines of blanks only: obs-FWS, RFC 5322 section 4.2). RFC 5322 sections 2.2, 3.6.8.
//   - A line that is not a field (no name, a byte outside the name's set such as NUL, a space
//     inside the name, non-ASCII, no colon), and a header block that starts with a continuation
//     line: an error (*SyntaxError, ErrNotAField). The strict reading ends the header block at that
//     line: it and everything after it are not header fields. Whether SES reads a field after such
//     a line is UNCONFIRMED; lenient readers (Python's email package) skip the line and read on.
//     The reading is therefore ambiguous, and tools say so instead of choosing silently:
//     LenientFields names the fields the lenient reading would add.
//   - A bare CR (a CR not followed by LF) anywhere in the header block: an error (*SyntaxError,
//     ErrBareCR), located at the field that holds it, with the same strict reading (the header
//     block ends at that field). RFC 5322 forbids a CR outside CRLF; Python takes a bare CR for a
//     line break, so "X-Foo: a<CR>X-SES-SOURCE-ARN: ..." hides a field from one reader and shows
//     it to another. SES's reading is UNCONFIRMED.
//   - A bare LF ends a line like CRLF does (FlagBareLF). Files on disk and Unix tools use bare LF, and
//     every reader we compared with (net/textproto, go-message, Python) accepts it. SES wants CRLF
//     (RFC 5322 section 2.1; what SES does with bare LF is UNCONFIRMED), so a message with bare LF
//     is not ready to send: lint warns, sign refuses (a DKIM signature over lines whose endings a
//     transport will change cannot verify), and the CLI's line-ending conversion is the only place
//     that changes them. Nothing in this package converts line endings.
//   - Blanks between the field name and the colon ("Subject : x", obs-optional, RFC 5322 section
//     4.5): the field named Subject (FlagObsColon; Field.Name excludes the blanks). Readers read it;
//     lint warns; sign refuses, because verifiers disagree about it (python3-dkim rejects it).
//   - Unfolding: every line break before a continuation line is deleted; Field.AppendUnfolded then
//     trims leading and trailing blanks (RFC 5322 section 2.2.3).
//   - A leading mbox "From " line ("From sender date", RFC 4155; not "From:" nor "From :"): mbox
//     framing, not part of the message. The Scanner skips it (FlagMboxFrom) and reads the header
//     block after it, so readers (inspect, preflight, xheaders.Read) see the message's fields.
//     Sent as it is, SES would receive that line as the first header line, which is not a field:
//     lint reports an error, inspect warns, strip keeps the line and says so, and Apply and sign
//     refuse (they would put fields above a line that is not a field).
//   - A byte-order mark (EF BB BF) at the start: an error (ErrNotAField): it makes the first field
//     name non-ASCII. Python reads no header at all in such a message.
//   - No empty line: the header block runs to the end of the input (FlagNoSeparator); the message
//     has no body. RFC 5322 allows this; SES asks for a blank line, so lint warns.
//   - Field names compare ASCII case-insensitively; bytes 128-255 in a value are kept as they are
//     (RFC 6532 allows UTF-8 there).
//
// # Limits
//
// Every reader of untrusted bytes here is linear in time and bounded in memory. Limits (header
// bytes, fields, lines per field) stop a reader with a *LimitError before any other code sees the
// input; the defaults are DefaultMaxBytes, DefaultMaxFields and DefaultMaxFieldLines.
package rawheader
