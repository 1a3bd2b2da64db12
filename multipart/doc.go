// Package multipart writes MIME bodies: part trees (multipart/mixed, alternative, related, any
// nesting), transfer encodings, boundaries, and RFC 2047 / RFC 2231 header and parameter encoding,
// always within the 998-octet line limit and with CRLF line endings. It imports the standard
// library only.
//
// Standards: RFC 2045 (Content-Type, Content-Transfer-Encoding, quoted-printable, base64, tokens),
// RFC 2046 (multipart and message media types, boundaries), RFC 2047 (encoded words), RFC 2231
// (parameter value character sets and continuations), RFC 5322 (field syntax, folding, line
// limits, addr-spec) and RFC 6838 (media type name lengths).
//
// # Header fields
//
// [AppendTextField] and [AppendAddressField] append into a caller-owned slice; short printable
// ASCII values take a fast path, and no path allocates beyond growing dst. On error dst is
// returned unchanged. Choices made where the RFCs leave room, or where real parsers diverge:
//
//   - CR, LF, NUL and invalid UTF-8 are rejected (ErrInvalidHeaderValue); nothing is altered
//     silently. Other control characters (and DEL) are carried in encoded words, not rejected.
//     Field names longer than 76 octets are rejected (ErrInvalidHeaderName) so "Name: " and a
//     word always fit.
//   - Folds are placed only at a lone space (one space between two non-whitespace characters):
//     net/textproto and go-message collapse the whitespace around a fold to one space, so a fold
//     anywhere else would change the value for them. Tabs and runs of spaces stay as they are on
//     a line; a stretch holding them that is too long for one line is encoded instead, since
//     encoded words fold losslessly.
//   - Leading and trailing whitespace of a value, which parsers trim, is carried in encoded words.
//     Text containing "=?" is encoded too, as a decoder could take it for an encoded word.
//   - Encoded words use UTF-8, B or Q (phrase-safe alphabet) whichever is shorter, Q on a tie;
//     each is at most 75 octets, never splits a character, and a line holding one is at most 76
//     octets (RFC 2047 §2). Other lines are at most 78 octets, except one holding a single word
//     of printable ASCII that cannot be broken; a word too long for 998 octets is encoded.
//   - After "Name:" a fold is used only when it makes the first word fit. An empty value is
//     written "Name:" with nothing after the colon.
//   - Addresses must be ASCII dot-atom "@" dot-atom (no quoted local parts, domain literals or
//     comments; IDNs as punycode), local part at most 64 octets, whole address at most 254
//     (RFC 5321); anything else is ErrInvalidAddress. An empty display name gives a bare
//     addr-spec; an empty list is an error. Display names are atoms when they are atext words
//     separated by single spaces, a quoted-string when other printable ASCII that fits a line,
//     and encoded words otherwise (and whenever they contain "=?").
//
// # Parameters and filenames
//
// A parameter value is written as a token, else a quoted-string, else in RFC 2231 form
// (utf-8 and percent-encoded octets, split into name*0*=, name*1*=, ... continuations so no line
// exceeds 78 octets, never inside a character). Values holding '"' or '\' use RFC 2231 rather
// than backslash escapes, which some clients mishandle; values holding "=?" too, as clients decode
// encoded words inside quoted parameters. A Filename goes in Content-Disposition filename= by
// these rules and, for clients that read only that, in Content-Type name= — as encoded words
// inside a quoted-string when it is not plain ASCII (not standard, but what nodemailer and MimeKit
// write and what such clients understand). Filenames are never rewritten: path separators are kept
// (receiving clients must sanitise them); CR, LF, NUL and invalid UTF-8 are rejected.
//
// # Bodies
//
//   - Auto picks 7bit for ASCII content with CRLF line breaks only, lines of at most 76 octets,
//     no NUL and no "=_" (the boundary prefix); otherwise quoted-printable or base64, whichever is
//     smaller, for text/*, and base64 for everything else. A Reader body gets base64 (message/*:
//     7bit). 8bit is used only when asked for. message/* parts may only be 7bit or 8bit
//     (RFC 2046 §5.2.1).
//   - In-memory text/* bodies are put in canonical form: a bare LF is written as CRLF (RFC 2045
//     §6.8, RFC 2046 §4.1.1). A bare CR is kept (quoted-printable encodes it). Nothing else is
//     converted: non-text bodies and Reader bodies are written byte for byte, with one exception:
//   - A leaf that is the whole body of a message (the root) always ends in CRLF (RFC 5322 §2.3;
//     SMTP DATA must end in CRLF): when its 7bit, 8bit or quoted-printable content ends mid-line,
//     a final CRLF is added, so a client reads the content plus a final line break. Inside a
//     multipart the CRLF before a delimiter belongs to the delimiter, so parts are never changed.
//   - Explicit 7bit/8bit content must have CRLF line breaks only, no NUL, lines of at most 998
//     octets (ErrLineTooLong; never wrapped), and ASCII only for 7bit. In-memory content is checked
//     by NewTree, Reader content while it is written.
//   - Quoted-printable lines are at most 76 octets including a soft break's '='; CRLF is a hard
//     line break, a bare CR or LF is encoded (=0D, =0A), whitespace before a line break or at the
//     end is encoded, and an escape is never split. Base64 is written in 76-column lines, each
//     ending in CRLF.
//   - Boundaries are "=_" + a sequence number + "_" + 24 base32 characters from the random source.
//     "=_" cannot occur in quoted-printable or base64 output; the sequence number keeps every
//     boundary of a tree distinct (and none a prefix of another) whatever the random source
//     returns; a boundary found in 7bit/8bit in-memory content is drawn again, and a Reader's
//     7bit/8bit content holding an enclosing boundary fails the write.
//   - A Part's Reader is read with fixed buffers, once. One that returns (0, nil) 100 times in a
//     row fails the write with an error wrapping io.ErrNoProgress and ErrInvalidPart (as bufio
//     does), and so does a random source that stalls. [Tree.WriteBodyContext] stops at the next
//     Read or Write once its context is done (ErrCanceled, wrapping context.Cause); a Read or Write
//     that blocks forever can only be unblocked by its owner (closing it, or a deadline on it).
//   - Part header fields are written in the order Content-Type (text/* leaves get charset=utf-8
//     unless a charset is given), Content-Transfer-Encoding (omitted for 7bit containers),
//     Content-Disposition, Content-ID, then Part.Header.
//
// # Files
//
// encoding.go chooses a leaf's Content-Transfer-Encoding and sizes it (one scan of the body);
// qp.go and base64.go are the two encoders; bodywriter.go buffers output; write.go writes a Tree
// (streaming Reader bodies); tree.go validates a Part tree and assigns boundaries; field.go,
// address.go and param.go write header fields.
//
// Errors are *Error values wrapping one of the sentinel errors, prefixed "multipart: ".
package multipart
