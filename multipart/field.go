package multipart

import "unicode/utf8"

const (
	softLimit  = 78  // RFC 5322 §2.1.1 SHOULD
	ewLimit    = 76  // RFC 2047 §2: a line holding an encoded word
	hardLimit  = 998 // RFC 5322 §2.1.1 MUST
	maxEWLen   = 75  // RFC 2047 §2: one encoded word
	ewOverhead = len("=?utf-8?q?") + len("?=")
	maxNameLen = 76 // longest accepted header field name; keeps "Name: " plus a word within limits
)

// ValidFieldName reports whether name is a valid header field name (printable ASCII except ':').
func ValidFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if class[name[i]]&cVchar == 0 || name[i] == ':' {
			return false
		}
	}
	return true
}

func checkFieldName(name string) error {
	if !ValidFieldName(name) {
		return newErr(ErrInvalidHeaderName, quote(name))
	}
	if len(name) > maxNameLen {
		return newErr(ErrInvalidHeaderName, "longer than 76 octets: "+quote(name))
	}
	return nil
}

// checkText rejects what no header value may carry, encoded or not: CR, LF, NUL, invalid UTF-8.
func checkText(v string, sentinel error) error {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			if c == '\r' || c == '\n' || c == 0 {
				return newErr(sentinel, "CR, LF or NUL in "+quote(v))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && size == 1 {
			return newErr(sentinel, "invalid UTF-8 in "+quote(v))
		}
		i += size
	}
	return nil
}

// emitter appends a folded header field. Content is emitted as a sequence of segments separated
// by one space each; a fold ("\r\n ") may replace that space. The first separator is the space
// after "Name:".
type emitter struct {
	dst     []byte
	col     int  // octets on the current line
	ew      bool // the current line holds an encoded word (RFC 2047 76-octet limit applies)
	atColon bool // the next separator is the one after "Name:"
}

func (e *emitter) start(dst []byte, name string) {
	e.dst = append(append(dst, name...), ':')
	e.col = len(name) + 1
	e.ew = false
	e.atColon = true
}

func (e *emitter) limit() int {
	if e.ew {
		return ewLimit
	}
	return softLimit
}

// sep writes the separator before a segment of width w (or, for encoded words, the width of the
// smallest encoded word that can start it), folding when the segment does not fit on this line.
func (e *emitter) sep(w int) { e.sepLimit(w, e.limit()) }

// sepLimit is sep for a segment whose line must stay within limit.
func (e *emitter) sepLimit(w, limit int) {
	fold := false
	if e.col+1+w > limit {
		// After "Name:" a fold is only worth it when it makes the segment fit.
		fold = !e.atColon || 1+w <= softLimit || e.col+1+w > hardLimit
	}
	e.atColon = false
	if fold {
		e.dst = append(e.dst, '\r', '\n', ' ')
		e.col = 1
		e.ew = false
		return
	}
	e.dst = append(e.dst, ' ')
	e.col++
}

// raw emits open+s+close as one unbreakable segment (open is 0 for none).
func (e *emitter) raw(open byte, s, close string) {
	w := len(s) + len(close)
	if open != 0 {
		w++
	}
	e.sep(w)
	if open != 0 {
		e.dst = append(e.dst, open)
	}
	e.dst = append(e.dst, s...)
	e.dst = append(e.dst, close...)
	e.col += w
}

// quoted emits s as an RFC 5322 quoted-string followed by close, unbreakable.
func (e *emitter) quoted(s, close string) {
	w := quotedLen(s) + len(close)
	e.sep(w)
	e.dst = appendQuoted(e.dst, s)
	e.dst = append(e.dst, close...)
	e.col += w
}

func quotedLen(s string) int {
	n := 2 + len(s)
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			n++
		}
	}
	return n
}

func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// encoded emits run (valid UTF-8) as encoded words, filled to the line, folded between words.
// A decoder joins adjacent encoded words without the whitespace between them, so run is encoded
// whole, whitespace included.
func (e *emitter) encoded(run string) {
	useB := preferB(run)
	e.sepLimit(ewOverhead+firstCharWidth(run, useB), ewLimit)
	for {
		room := ewLimit - e.col
		if room > maxEWLen {
			room = maxEWLen
		}
		var n int
		l := len(e.dst)
		e.dst, n = appendEncodedWord(e.dst, run, useB, room)
		e.col += len(e.dst) - l
		run = run[n:]
		e.ew = true
		if run == "" {
			return
		}
		e.dst = append(e.dst, '\r', '\n', ' ')
		e.col = 1
	}
}

func (e *emitter) end() []byte {
	return append(e.dst, '\r', '\n')
}

// qWidth is the Q-encoded width of byte c in a phrase-safe encoded word.
func qWidth(c byte) int {
	if class[c]&cQSafe != 0 || c == ' ' {
		return 1
	}
	return 3
}

// preferB reports whether B encoding is shorter than Q for s.
func preferB(s string) bool {
	q := 0
	for i := 0; i < len(s); i++ {
		q += qWidth(s[i])
	}
	return (len(s)+2)/3*4 < q
}

func firstCharWidth(s string, useB bool) int {
	size := 1
	if s[0] >= utf8.RuneSelf {
		_, size = utf8.DecodeRuneInString(s)
	}
	if useB {
		return (size + 2) / 3 * 4
	}
	w := 0
	for i := 0; i < size; i++ {
		w += qWidth(s[i])
	}
	return w
}

// appendEncodedWord appends one encoded word of at most maxLen octets holding a prefix of s that
// ends on a character boundary, and returns how many bytes of s it holds (at least one character;
// the caller guarantees maxLen leaves room for it).
func appendEncodedWord(dst []byte, s string, useB bool, maxLen int) ([]byte, int) {
	budget := maxLen - ewOverhead
	if useB {
		n := budget / 4 * 3
		if n >= len(s) {
			n = len(s)
		} else {
			for n > 0 && !utf8.RuneStart(s[n]) {
				n--
			}
			if n == 0 { // cannot happen with budget >= 8; never split a character
				_, n = utf8.DecodeRuneInString(s)
			}
		}
		dst = append(dst, "=?utf-8?b?"...)
		dst = appendBase64String(dst, s[:n])
		return append(dst, '?', '='), n
	}
	dst = append(dst, "=?utf-8?q?"...)
	i := 0
	for i < len(s) {
		size := 1
		if s[i] >= utf8.RuneSelf {
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		w := 0
		for j := i; j < i+size; j++ {
			w += qWidth(s[j])
		}
		if w > budget && i > 0 {
			break
		}
		budget -= w
		for j := i; j < i+size; j++ {
			c := s[j]
			switch {
			case c == ' ':
				dst = append(dst, '_')
			case class[c]&cQSafe != 0:
				dst = append(dst, c)
			default:
				dst = append(dst, '=', upperHex[c>>4], upperHex[c&15])
			}
		}
		i += size
	}
	return append(dst, '?', '='), i
}

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func appendBase64String(dst []byte, s string) []byte {
	i := 0
	for ; i+3 <= len(s); i += 3 {
		v := uint(s[i])<<16 | uint(s[i+1])<<8 | uint(s[i+2])
		dst = append(dst, b64Alphabet[v>>18&63], b64Alphabet[v>>12&63], b64Alphabet[v>>6&63], b64Alphabet[v&63])
	}
	switch len(s) - i {
	case 1:
		v := uint(s[i]) << 16
		dst = append(dst, b64Alphabet[v>>18&63], b64Alphabet[v>>12&63], '=', '=')
	case 2:
		v := uint(s[i])<<16 | uint(s[i+1])<<8
		dst = append(dst, b64Alphabet[v>>18&63], b64Alphabet[v>>12&63], b64Alphabet[v>>6&63], '=')
	}
	return dst
}

// AppendTextField appends "Name: value\r\n" for unstructured text (Subject, custom headers): ASCII
// text as is, anything else as RFC 2047 UTF-8 encoded words (never split inside a character), folded
// at whitespace to at most 78 octets per line where possible and never more than 998.
func AppendTextField(dst []byte, name, value string) ([]byte, error) {
	if err := checkFieldName(name); err != nil {
		return dst, err
	}
	// Fast path: short printable ASCII that no decoder could misread.
	if len(name)+2+len(value) <= softLimit && plainShort(value) {
		dst = append(dst, name...)
		if value == "" {
			return append(dst, ':', '\r', '\n'), nil
		}
		dst = append(dst, ':', ' ')
		dst = append(dst, value...)
		return append(dst, '\r', '\n'), nil
	}
	if err := checkText(value, ErrInvalidHeaderValue); err != nil {
		return dst, err
	}
	var e emitter
	e.start(dst, name)
	runStart, runEnd := -1, -1
	for s := 0; s < len(value); {
		end, enc := nextChunk(value, s)
		if enc {
			if runStart < 0 {
				runStart = s
			}
			runEnd = end
		} else {
			if runStart >= 0 {
				e.encoded(value[runStart:runEnd])
				runStart = -1
			}
			e.raw(0, value[s:end], "")
		}
		s = end + 1 // skip the lone space that ended the chunk
	}
	if runStart >= 0 {
		e.encoded(value[runStart:runEnd])
	}
	return e.end(), nil
}

// plainShort reports whether v is printable ASCII (spaces allowed inside), contains no "=?" and
// neither starts nor ends with a space.
func plainShort(v string) bool {
	if v == "" {
		return true
	}
	if v[0] == ' ' || v[len(v)-1] == ' ' {
		return false
	}
	prev := byte(0)
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c > 0x7e || (c == '?' && prev == '=') {
			return false
		}
		prev = c
	}
	return true
}

// nextChunk returns the end of the chunk of v starting at start, and whether that chunk must be
// carried in encoded words. A chunk ends at the next lone space (a space with a non-whitespace
// character on both sides) or at the end of v. Folding happens only at lone spaces: parsers such as
// net/textproto and go-message collapse the whitespace around a fold to one space, which is lossless
// only there.
//
// A chunk is encoded when it holds non-ASCII or control characters or "=?" (a decoder could take it
// for an encoded word), when it starts or ends the value with whitespace (parsers trim it), when it
// holds whitespace and is too long for one line (encoded words can fold there losslessly), or when
// it cannot fit in 998 octets.
func nextChunk(v string, start int) (end int, enc bool) {
	ws := false
	prev := byte(0)
	end = len(v)
	for p := start; p < len(v); p++ {
		b := v[p]
		switch {
		case b == ' ':
			if p > start && p+1 < len(v) && !isWSP(prev) && !isWSP(v[p+1]) {
				end = p
				goto done
			}
			ws = true
		case b == '\t':
			ws = true
		case class[b]&cVchar == 0:
			enc = true
		case b == '?' && prev == '=':
			enc = true
		}
		prev = b
	}
done:
	n := end - start
	if isWSP(v[start]) && start == 0 || isWSP(v[end-1]) && end == len(v) || n > hardLimit-1 || ws && n > softLimit-1 {
		enc = true
	}
	return end, enc
}
