package multipart

import (
	"bytes"
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
// (TestQPMatchesReference and FuzzQPEncode hold them equal). eqUnder is looked for (one fast
// search) only when the rest allows 7bit, the one choice it decides.
func scan(data []byte, crlf bool) dataScan {
	var s dataScan
	n := len(data)
	z := qpSizer{crlf: crlf}
	col := 0 // output column of the quoted-printable encoding
	for i := 0; i < n; {
		i, col = z.words(data, i, col)
		if i == n {
			break
		}
		// Octet by octet: the last octets, controls other than a line break, whitespace before
		// a line break.
		c := data[i]
		if c == '\r' && i+1 < n && data[i+1] == '\n' || c == '\n' && crlf {
			if i > 0 && (data[i-1] == ' ' || data[i-1] == '\t') {
				z.extra += qpFixWSExtra(col)
			}
			z.lineEnd(i, c, col)
			i = z.line0
			col = 0
			continue
		}
		switch {
		case c == '\r' || c == '\n':
			s.bare = true
		case c == 0:
			s.nul = true
		}
		w := int(qpTab[c] >> 24)
		if w != 1 {
			w = 3
		}
		if qpOverflows(col+w, data, i+1, crlf) {
			z.width += int64(col)
			z.extra += 3
			col = 0
		}
		col += w
		i++
	}
	if n > 0 && (data[n-1] == ' ' || data[n-1] == '\t') {
		z.extra += qpFixWSExtra(col)
	}
	z.width += int64(col)
	s.outLen = int64(n + z.lfs)
	s.maxLine = max(z.maxLine, n-z.line0)
	s.nonASCII = hasNonASCII(data)
	s.qpExtra = z.width - int64(n-z.brkIn) // two octets per escape
	s.qpLen = s.outLen + s.qpExtra + z.extra
	if !s.nonASCII && !s.nul && !s.bare && s.maxLine <= qpLineMax {
		s.eqUnder = bytes.Contains(data, []byte("=_"))
	}
	return s
}

// hasNonASCII reports whether p holds an octet above 0x7F; the bodies it is asked about usually
// have one near their start.
func hasNonASCII(p []byte) bool {
	i := 0
	for ; i+8 <= len(p); i += 8 {
		if binary.LittleEndian.Uint64(p[i:i+8])&msb8 != 0 {
			return true
		}
	}
	for ; i < len(p); i++ {
		if p[i] >= 0x80 {
			return true
		}
	}
	return false
}

// qpSizer holds what scan counts at line breaks and soft breaks, out of the registers of the
// word loop, which keeps only the position and the column.
type qpSizer struct {
	crlf    bool
	width   int64 // output columns of the lines and segments ended so far (1 or 3 per octet)
	extra   int64 // soft breaks and whitespace made escapes: octets beyond each octet's encoding
	brkIn   int   // input octets of the line breaks (CRLF, or a text LF)
	lfs     int   // bare LFs of text, written CRLF
	maxLine int   // longest line so far, octets without the line break
	line0   int   // where the current line starts
}

// lineEnd records the line break at p[i] (c: CR of a CRLF, or a bare LF of text) ending a line
// whose last segment is col columns wide.
func (z *qpSizer) lineEnd(i int, c byte, col int) {
	z.width += int64(col)
	z.maxLine = max(z.maxLine, i-z.line0)
	if c == '\r' {
		z.brkIn += 2
		z.line0 = i + 2
	} else {
		z.brkIn++
		z.lfs++
		z.line0 = i + 1
	}
}

// words sizes p from i a word of eight octets at a time, the column being col, exactly as
// qpEncoder.encode takes them: a whole word when it holds no control and ends by column 75;
// otherwise the lanes before its first control, as many as fit, and a soft break if not all did
// (the last octet of a line may take column 76). A line break right after the lanes taken is
// taken too, unless whitespace precedes it. It returns the new i and column, and stops at any
// other control or when fewer than eight octets are left.
func (z *qpSizer) words(p []byte, i, col int) (int, int) {
	for i+8 <= len(p) {
		v := binary.LittleEndian.Uint64(p[i : i+8])
		e, spec := qpClassify(v)
		m := e >> 7
		if w := 8 + 2*laneCount(m); spec == 0 && col+w <= qpLineMax-1 {
			col += w
			i += 8
			continue
		}
		n := 8
		if spec != 0 {
			n = bits.TrailingZeros64(spec) >> 3 // the lanes before the first control
			m &= 1<<(8*n) - 1
		}
		if n > 0 {
			ends, w, take := qpLanes(m, n, col)
			if qpLanesOverflow(take, n, col+w, p, i+n, z.crlf) {
				z.width += int64(col + qpLaneEnd(ends, take))
				z.extra += 3 // a soft break
				i += take
				col = 0
				continue
			}
			col += w
			i += n
			if n == 8 {
				continue
			}
		}
		c := p[i]
		if !(c == '\n' && z.crlf || c == '\r' && i+1 < len(p) && p[i+1] == '\n') || i > 0 && (p[i-1] == ' ' || p[i-1] == '\t') {
			break
		}
		z.lineEnd(i, c, col)
		i = z.line0
		col = 0
	}
	return i, col
}

// qpFixWSExtra is qpFixWS for sizes: the octets it adds when the SP or TAB last written (ending at
// column col) becomes an escape, a soft break before it included when "=20" would pass column 76.
func qpFixWSExtra(col int) int64 {
	if col-1+3 > qpLineMax {
		return 5
	}
	return 2
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
