package multipart

import (
	"encoding/binary"
	"math/bits"
)

// Encoding is a Content-Transfer-Encoding.
type Encoding uint8

const (
	// Auto picks by content: 7bit for short-lined ASCII text, quoted-printable for mostly-ASCII text,
	// base64 otherwise. A leaf whose body is a Reader (not in memory) gets base64 under Auto, so its
	// encoded size is known from its size and it is never read twice. 8bit/binary are never chosen.
	Auto Encoding = iota
	SevenBit
	QuotedPrintable
	Base64
	EightBit // only when asked for; SES advises 7-bit content
)

// String returns the Content-Transfer-Encoding token ("7bit", "quoted-printable", ...); Auto is "auto".
func (e Encoding) String() string {
	switch e {
	case Auto:
		return "auto"
	case SevenBit:
		return "7bit"
	case QuotedPrintable:
		return "quoted-printable"
	case Base64:
		return "base64"
	case EightBit:
		return "8bit"
	}
	return "invalid"
}

// dataScan summarises an in-memory body for the choice of encoding and its size.
type dataScan struct {
	outLen   int64 // octets after bare LF -> CRLF (text only)
	nonASCII bool
	nul      bool
	bare     bool // a CR or LF not part of CRLF (with crlf, only a bare CR)
	maxLine  int  // longest line, octets without the line break
	eqUnder  bool // contains "=_", which could start a boundary
	qpExtra  int64
	qpLen    int64 // exact length of the quoted-printable encoding (qpEncoder), terminator excluded
}

// scan reads data once and returns what the choice of encoding needs together with the exact
// size of its quoted-printable encoding, so a quoted-printable leaf is sized in the same pass that
// chooses its encoding and encoded once, when written. The column arithmetic is qpEncoder.encode's
// (TestQPScanSize and FuzzQPEncode hold them equal).
func scan(data []byte, crlf bool) dataScan {
	var s dataScan
	s.outLen = int64(len(data))
	line := 0        // input octets on the current line
	col := 0         // output column of the quoted-printable encoding
	var out int64    // quoted-printable octets so far
	var high uint8   // OR of the octets seen one at a time (non-ASCII when its top bit is set)
	var highw uint64 // OR of the words seen eight octets at a time
	var esc int64    // octets written as escapes
	for i := 0; i < len(data); {
		if i+8 <= len(data) {
			// A word at a time, as qpEncoder.encode takes it; '=' (for "=_") and the controls
			// (line breaks, NUL, bare CR or LF) are left to the octet-wise path below.
			v := binary.LittleEndian.Uint64(data[i:])
			em, spec := qpClassify(v, true)
			highw |= v
			m := em >> 7
			k := bits.OnesCount64(m)
			if w := 8 + 2*k; spec == 0 && col+w <= qpLineMax-1 {
				col += w
				out += int64(w)
				esc += int64(k)
				line += 8
				i += 8
				continue
			}
			n := 8
			if spec != 0 {
				n = bits.TrailingZeros64(spec) >> 3
			}
			if n > 0 {
				if n < 8 {
					m &= 1<<(8*n) - 1
				}
				ends, w, take := qpLanes(m, n, col)
				if take < n && !(take == n-1 && col+w <= qpLineMax && qpLineEnd(data, i+n, crlf)) {
					w = qpLaneEnd(ends, take)
				} else {
					take = n
				}
				esc += int64(bits.OnesCount64(m & (1<<(8*take) - 1)))
				col += w
				out += int64(w)
				line += take
				i += take
				if take < n {
					out += 3 // a soft break
					col = 0
					continue
				}
				if n == 8 {
					continue
				}
			}
		}
		c := data[i]
		if c == '\r' && i+1 < len(data) && data[i+1] == '\n' || c == '\n' && crlf {
			if i > 0 && (data[i-1] == ' ' || data[i-1] == '\t') {
				out, _ = qpFixWSSize(out, col)
			}
			s.maxLine = max(s.maxLine, line)
			line, col = 0, 0
			out += 2
			if c == '\r' {
				i += 2
				continue
			}
			s.outLen++ // a bare LF in text is written CRLF
			i++
			continue
		}
		switch {
		case c == '\r' || c == '\n':
			s.bare = true
		case c == 0:
			s.nul = true
		case c == '=' && i+1 < len(data) && data[i+1] == '_':
			s.eqUnder = true
		}
		high |= c
		w := int(qpTab[c] >> 24)
		if w != 1 {
			w = 3
			esc++
		}
		if col+w > qpLineMax-1 && (col+w > qpLineMax || !qpLineEnd(data, i+1, crlf)) {
			out += 3
			col = 0
		}
		out += int64(w)
		col += w
		line++
		i++
	}
	if n := len(data); n > 0 && (data[n-1] == ' ' || data[n-1] == '\t') {
		out, _ = qpFixWSSize(out, col)
	}
	s.maxLine = max(s.maxLine, line)
	s.nonASCII = high >= 0x80 || highw&msb8 != 0
	s.qpExtra = 2 * esc
	s.qpLen = out
	return s
}

// qpFixWSSize is qpFixWS for sizes: the SP or TAB last counted becomes an escape.
func qpFixWSSize(out int64, col int) (int64, int) {
	col--
	if col+3 > qpLineMax {
		out += 3
		col = 0
	}
	return out + 2, col + 3
}

func chooseEncoding(n *node, ct string) error {
	p := n.p
	enc := p.Encoding
	if enc > EightBit {
		return newErr(ErrInvalidPart, "unknown encoding "+quote(enc.String()))
	}
	message := hasPrefixFold(ct, "message/")
	if message && (enc == QuotedPrintable || enc == Base64) {
		return newErr(ErrInvalidPart, quote(ct)+" must be 7bit or 8bit (RFC 2046 §5.2.1)")
	}
	if p.Reader != nil {
		if enc == Auto {
			enc = Base64
			if message {
				enc = SevenBit
			}
		}
		n.enc = enc
		n.size = -1
		if p.Size > 0 {
			switch enc {
			case Base64:
				n.size = b64Size(p.Size)
			case SevenBit, EightBit:
				n.size = p.Size
			}
		}
		return nil
	}
	n.crlf = hasPrefixFold(ct, "text/")
	text := n.crlf
	if enc == Auto && !text && !message {
		// Only 7bit or base64 are candidates: a quick scan that stops at the first byte ruling 7bit out.
		enc = SevenBit
		if !plain7bit(p.Data) {
			enc = Base64
		}
	}
	var s dataScan
	switch {
	case enc == SevenBit && !text && !message && p.Encoding == Auto:
		// plain7bit accepted Data: printable ASCII, TAB and CRLF only, lines <= 76 octets, so
		// scan would find nothing and outLen is len(Data) (no LF is added outside text).
		s.outLen = int64(len(p.Data))
	case enc != Base64 || text:
		s = scan(p.Data, n.crlf)
	default:
		s.outLen = int64(len(p.Data))
	}
	if enc == Auto {
		switch {
		case !s.nonASCII && !s.nul && !s.bare && !s.eqUnder && s.maxLine <= qpLineMax:
			enc = SevenBit
		case message:
			enc = SevenBit // and checked below
		default:
			qp := s.outLen + s.qpExtra + (s.outLen+s.qpExtra)/(qpLineMax-1)*3
			enc = Base64
			if qp <= b64Size(s.outLen) {
				enc = QuotedPrintable
			}
		}
	}
	n.addCR = n.crlf && s.outLen != int64(len(p.Data))
	switch enc {
	case SevenBit, EightBit:
		if enc == SevenBit && s.nonASCII {
			return newErr(ErrInvalidPart, "7bit content holds non-ASCII octets")
		}
		if s.nul || s.bare {
			return newErr(ErrInvalidPart, enc.String()+" content holds NUL or a CR or LF outside CRLF")
		}
		if s.maxLine > hardLimit {
			return newErr(ErrLineTooLong, enc.String()+" content has a line longer than 998 octets")
		}
		n.size = s.outLen
	case QuotedPrintable:
		n.size = s.qpLen
	case Base64:
		n.size = b64Size(s.outLen)
	}
	n.enc = enc
	return nil
}

// plain7bit reports whether data is ASCII without NUL, bare CR or LF, "=_", lines over 76 octets.
func plain7bit(data []byte) bool {
	line := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			if c == '=' && i+1 < len(data) && data[i+1] == '_' {
				return false
			}
			line++
			if line > qpLineMax {
				return false
			}
		case c == '\r' && i+1 < len(data) && data[i+1] == '\n':
			line = 0
			i++
		case c == '\t':
			line++
			if line > qpLineMax {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// rootTerminator sets n.term for a leaf that is the whole body of a message. Inside a multipart
// the CRLF before the next delimiter belongs to the delimiter, so a part may end mid-line; a
// message body may not: every line ends in CRLF (RFC 5322 §2.3), and SMTP DATA must end with CRLF
// before its final dot. A root body whose encoded form would end mid-line therefore gets a final
// CRLF, which adds a final line break to the decoded content: the one case where it differs from
// what went in, and only by that line break (a quoted-printable soft break could avoid it, but not
// within 76 columns when the last line is full). Base64 lines always end in CRLF. A root Reader
// in 7bit or 8bit is not read ahead, so its size is reported unknown; the writer adds the CRLF
// when the content ends mid-line.
func rootTerminator(n *node) {
	p := n.p
	if p.Reader != nil {
		if n.enc == SevenBit || n.enc == EightBit {
			n.size = -1
		}
		return
	}
	data := p.Data
	if len(data) == 0 {
		return
	}
	// A final CRLF is a hard line break in every encoding but base64, and so is a final bare LF in
	// a text body (written as CRLF); anything else leaves the last line open.
	last := data[len(data)-1]
	if last == '\n' && (n.crlf || len(data) >= 2 && data[len(data)-2] == '\r') {
		return
	}
	if n.enc != Base64 {
		n.term = "\r\n"
	}
	if n.size >= 0 {
		n.size += int64(len(n.term))
	}
}
