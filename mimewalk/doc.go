// Package mimewalk is the one MIME walker of sesraw: preflight, `sesraw inspect`, the cid:
// reference check and the fuzz tests' oracle read a message's MIME tree with it, so no two of them
// disagree about where a part starts, what its header is or where its body ends. It imports the
// standard library and the header grammar (package rawheader) only.
//
// A Reader walks a message once, from an io.Reader or from bytes in memory, and reports its
// entities in document order: a Start event when an entity's header block has been read (the
// message itself first, then each part), an End event when its body has ended, and a Problem event
// for each structural defect found on the way. A leaf part's body can be read while it is the
// current part (raw, or decoded from base64 or quoted-printable); it is never held in memory.
// Part headers are read with rawheader's grammar and its verdicts (a bare CR, a line that is not
// a field, its limits) are the part's HeaderErr.
//
// # How sesraw walks a MIME tree
//
// The grammar is RFC 2046 section 5.1 (multipart) and RFC 2045 (Content-Type,
// Content-Transfer-Encoding). Each case outside it is decided once, here:
//
//   - Lines: a line ends at LF, with or without a CR before it (as in rawheader: files on disk use
//     bare LF, and every reader we compare with accepts it). A bare CR does not end a line.
//   - A delimiter line: "--" and the boundary of an open multipart at the start of a line, then
//     only SP and HTAB (transport padding, RFC 2046) up to the line break or the end of the input;
//     "--" right after the boundary makes it the close delimiter. The line break before it belongs
//     to the delimiter, not to the part before (RFC 2046). The first line of any content (right
//     after a header block or a delimiter line) counts as the start of a line, as in Go's
//     mime/multipart. A line of more than MaxLineBytes bytes is never a delimiter (RFC 5322 allows
//     998), which keeps each check bounded: every line that starts with "--" is compared once with
//     the boundaries of the open multiparts, innermost first.
//   - A delimiter of an outer multipart inside an inner one ends the inner one (and its open part)
//     there: the inner one is reported as unterminated (ErrUnterminated) or, when none of its
//     delimiters occurred, ErrNoDelimiter. Readers that nest one multipart reader per level (Go's
//     mime/multipart, go-message) fail on such input instead; reading on keeps the rest of the
//     message visible.
//   - A nested multipart that reuses an ancestor's boundary: ErrBoundaryReused; delimiter lines are
//     the innermost one's (RFC 2046 forbids the reuse; there is no right reading).
//   - A missing close delimiter: the multipart ends at the end of the input (or of its parent
//     part), its last part runs to there, and ErrUnterminated reports it. A multipart whose
//     boundary never occurs is ErrNoDelimiter; one closed without parts is ErrNoParts.
//   - Preamble and epilogue (text before the first delimiter and after the close delimiter) are
//     part of the multipart's body, but of none of its parts: they are skipped, and not reported
//     (RFC 2046 says to ignore them). Text after the close delimiter of a nested multipart, up to
//     the parent's next delimiter, is that nested multipart's epilogue. A delimiter line of a
//     multipart that is already closed is epilogue text.
//   - A multipart/* Content-Type without a boundary parameter: ErrNoBoundary, and the entity is
//     read as a leaf. A boundary that is not 1 to 70 characters of RFC 2046's set (or ends in a
//     space) is ErrInvalidBoundary and is walked all the same, up to MaxBoundary.
//   - A part header block ends at its empty line; a delimiter line before that ends it too (the
//     part then has no body), and so does the end of the input. Its fields are read with rawheader
//     (Part.HeaderErr); Content-Type and Content-Transfer-Encoding are the first instance of
//     each in the strict reading. No Content-Type is text/plain, or message/rfc822 inside
//     multipart/digest (RFC 2046 section 5.1.5). Encapsulated messages (message/rfc822) are
//     leaves: their content is not walked.
//   - Content-Type parameters are read leniently (ParamScanner): the media type before the first
//     ';', then attribute=value pairs, values as tokens or quoted strings, comments skipped. Only
//     the plain boundary parameter names the boundary.
//
// # Limits
//
// A Reader holds a fixed window (Options.ReadBuffer bytes, none for input in memory) and one header
// block (at most MaxHeaderBytes for a part, rawheader.DefaultMaxBytes for the message), whatever
// the size of the message. Work is linear in the input: the search for "\n--" looks at each byte
// once, and each candidate line is compared with at most MaxDepth open boundaries. Limits are Options: nesting depth
// (MaxDepth), number of parts (MaxParts) and boundary length (MaxBoundary) end the walk with a
// *LimitError; a part header over MaxHeaderBytes is a Problem (a *rawheader.LimitError) and the
// walk goes on with its first complete lines. A Reader that returns no bytes and no error 100
// times in a row ends the walk with io.ErrNoProgress; a done Options.Context ends it with the
// context's error.
package mimewalk
