package multipart

import (
	"encoding/base64"
	"io"
)

const (
	b64LineIn   = 57 // input octets per 76-column base64 line
	b64LineOut  = 78 // 76 columns + CRLF
	b64Lines    = 64 // lines per chunk
	b64ChunkIn  = b64LineIn * b64Lines
	b64ChunkOut = b64LineOut * b64Lines
	outBufSize  = 8 << 10 // larger buffers measured slower: output and input chunks stay in L1
	minBufSize  = 4 << 10
	qpLineMax   = 76
)

func (e Encoding) string() string {
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

// b64Size is the encoded size of n octets: 76-column lines, each ending in CRLF.
func b64Size(n int64) int64 {
	return (n+2)/3*4 + (n+b64LineIn-1)/b64LineIn*2
}

// dataScan summarises an in-memory body for the choice of encoding.
type dataScan struct {
	outLen   int64 // octets after bare LF -> CRLF (text only)
	nonASCII bool
	nul      bool
	bare     bool // a CR or LF not part of CRLF (with crlf, only a bare CR)
	maxLine  int  // longest line, octets without the line break
	eqUnder  bool // contains "=_", which could start a boundary
	qpExtra  int64
}

func scan(data []byte, crlf bool) dataScan {
	var s dataScan
	s.outLen = int64(len(data))
	line := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c >= 0x20 && c < 0x7f {
			line++
			if c == '=' {
				s.qpExtra += 2
				if i+1 < len(data) && data[i+1] == '_' {
					s.eqUnder = true
				}
			}
			continue
		}
		switch {
		case c == '\r' && i+1 < len(data) && data[i+1] == '\n':
			s.maxLine = max(s.maxLine, line)
			line = 0
			i++
			continue
		case c == '\n' && crlf:
			s.outLen++
			s.maxLine = max(s.maxLine, line)
			line = 0
			continue
		case c == '\r' || c == '\n':
			s.bare = true
		case c == 0:
			s.nul = true
		case c >= 0x80:
			s.nonASCII = true
		}
		if c != '\t' {
			s.qpExtra += 2
		}
		line++
	}
	s.maxLine = max(s.maxLine, line)
	return s
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
		// Sized by Tree.sizeQP once the whole tree is known, so that the encodings it keeps
		// share one allocation.
		n.size = -1
		n.qpSized = true
		e := s.outLen + s.qpExtra // exact but for soft breaks and escaped whitespace at line ends
		n.qpEst = int(e + e/(qpLineMax-3)*3 + 16)
	case Base64:
		n.size = b64Size(s.outLen)
	}
	n.enc = enc
	return nil
}

const (
	qpHoldMax   = 64 << 10  // in-memory quoted-printable bodies up to this size keep their encoding
	qpHoldTotal = 256 << 10 // input octets a Tree keeps encodings for, in all
)

// sizeQP sets the size of every in-memory quoted-printable leaf. Its exact size needs the
// encoder run over the body, so for small bodies (up to a total per Tree) the encoding is kept in
// t.qp and written from there instead of being encoded a second time; larger ones are encoded
// only to be counted (qpSize) and encoded again when written. The root terminator (rootTerminator,
// which ran before) is added to the size. It also allocates t.hdr with capacity hdrSize, in the
// same allocation as t.qp (each capped, so outgrowing one reallocates it without touching the other).
func (t *Tree) sizeQP(hdrSize int) {
	est, in := 0, 0
	for i := range t.nodes {
		n := &t.nodes[i]
		if n.qpSized && len(n.p.Data) <= qpHoldMax && in+len(n.p.Data) <= qpHoldTotal {
			in += len(n.p.Data)
			est += n.qpEst
		}
	}
	buf := make([]byte, 0, est+hdrSize)
	t.qp = buf[0:0:est]
	t.hdr = buf[est:est]
	in = 0
	for i := range t.nodes {
		n := &t.nodes[i]
		if !n.qpSized {
			continue
		}
		data := n.p.Data
		if len(data) <= qpHoldMax && in+len(data) <= qpHoldTotal {
			in += len(data)
			q := qpEncoder{crlf: n.crlf}
			n.qpStart = len(t.qp)
			t.qp, _ = q.encode(t.qp, data, true)
			n.qpEnd = len(t.qp)
			n.qpHeld = true
			n.size = int64(n.qpEnd - n.qpStart)
		} else {
			n.size = qpSize(data, n.crlf)
		}
		n.size += int64(len(n.term))
	}
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

// qpEncoder is a streaming quoted-printable encoder (RFC 2045 §6.7): encoded lines are at most 76
// octets including a soft line break's '='; CRLF in the input is a hard line break (with crlf set,
// so is a bare LF); a bare CR or LF is encoded; whitespace before a line break or at the end is
// encoded.
type qpEncoder struct {
	col  int
	crlf bool
}

func (q *qpEncoder) breakAt(p []byte, j int) bool {
	return p[j] == '\r' && j+1 < len(p) && p[j+1] == '\n' || p[j] == '\n' && q.crlf
}

// encode appends the encoding of a prefix of p to dst and returns how much of p it consumed. Unless
// atEOF, it stops short of the last two octets, which it needs as lookahead.
func (q *qpEncoder) encode(dst, p []byte, atEOF bool) ([]byte, int) {
	end := len(p)
	if !atEOF {
		end -= 2
	}
	i := 0
	for i < end {
		c := p[i]
		// Fast run of literal octets that cannot end a line here: none reaches column 74, and
		// whitespace is taken only when the next octet is not CR or LF.
		if q.col < qpLineMax-2 && i+1 < end && class[c]&cQPLit != 0 {
			j := i
			lim := i + (qpLineMax - 2 - q.col)
			if lim > end-1 {
				lim = end - 1
			}
			for j < lim {
				b := p[j]
				if class[b]&cQPLit == 0 || (b <= ' ' && (p[j+1] == '\r' || p[j+1] == '\n')) {
					break
				}
				j++
			}
			if j > i {
				dst = append(dst, p[i:j]...)
				q.col += j - i
				i = j
				continue
			}
		}
		if c == '\r' && i+1 < len(p) && p[i+1] == '\n' {
			dst = append(dst, '\r', '\n')
			q.col = 0
			i += 2
			continue
		}
		if c == '\n' && q.crlf {
			dst = append(dst, '\r', '\n')
			q.col = 0
			i++
			continue
		}
		lineEnd := i+1 == len(p) || q.breakAt(p, i+1)
		lit := false
		switch {
		case c == ' ' || c == '\t':
			lit = !lineEnd
		case c > ' ' && c <= '~' && c != '=':
			lit = true
		}
		w := 3
		if lit {
			w = 1
		}
		limit := qpLineMax - 1
		if lineEnd {
			limit = qpLineMax
		}
		if q.col+w > limit {
			dst = append(dst, '=', '\r', '\n')
			q.col = 0
		}
		if lit {
			dst = append(dst, c)
		} else {
			dst = append(dst, '=', upperHex[c>>4], upperHex[c&15])
		}
		q.col += w
		i++
	}
	return dst, i
}

// qpSize returns the exact size of the quoted-printable encoding of data.
func qpSize(data []byte, crlf bool) int64 {
	var scratch [4096]byte
	q := qpEncoder{crlf: crlf}
	var n int64
	for len(data) > 0 {
		chunk := data
		atEOF := true
		if len(chunk) > 1024 {
			chunk, atEOF = chunk[:1024], false
		}
		out, used := q.encode(scratch[:0], chunk, atEOF)
		n += int64(len(out))
		data = data[used:]
	}
	return n
}

// bodyWriter buffers output to w, counts what w accepted, and keeps the first error.
type bodyWriter struct {
	w   io.Writer
	buf []byte
	n   int64
	err error
	in  []byte // input buffer for Readers
	// bounds holds the boundaries of the containers enclosing the leaf being written.
	bounds  []string
	boundsA [maxDepth + 2]string
}

func (b *bodyWriter) flush() {
	if len(b.buf) == 0 || b.err != nil {
		b.buf = b.buf[:0]
		return
	}
	m, err := b.w.Write(b.buf)
	b.n += int64(m)
	if err == nil && m < len(b.buf) {
		err = io.ErrShortWrite
	}
	b.err = err
	b.buf = b.buf[:0]
}

func (b *bodyWriter) ensure(k int) {
	if cap(b.buf)-len(b.buf) < k {
		b.flush()
	}
}

func (b *bodyWriter) str(s string) {
	if cap(b.buf)-len(b.buf) < len(s) {
		b.flush()
		if len(s) > cap(b.buf) {
			if b.err == nil {
				m, err := io.WriteString(b.w, s)
				b.n += int64(m)
				b.err = err
			}
			return
		}
	}
	b.buf = append(b.buf, s...)
}

func (b *bodyWriter) bytes(p []byte) {
	if cap(b.buf)-len(b.buf) < len(p) {
		b.flush()
		if len(p) > cap(b.buf) {
			if b.err == nil {
				m, err := b.w.Write(p)
				b.n += int64(m)
				if err == nil && m < len(p) {
					err = io.ErrShortWrite
				}
				b.err = err
			}
			return
		}
	}
	b.buf = append(b.buf, p...)
}

// base64 appends the base64 encoding of src as 76-column lines, each ending in CRLF.
func (b *bodyWriter) base64(src []byte) {
	k := b.base64Lines(src)
	if k < len(src) {
		b.base64Tail(src[k:])
	}
}

// base64Lines appends the encoding of the complete 57-octet lines of src and returns how many
// octets it consumed (a multiple of 57).
func (b *bodyWriter) base64Lines(src []byte) int {
	done := 0
	for len(src) >= b64LineIn && b.err == nil {
		lines := min(len(src)/b64LineIn, b64Lines, cap(b.buf)/b64LineOut)
		b.ensure(lines * b64LineOut)
		o := len(b.buf)
		out := b.buf[o : o+lines*b64LineOut]
		encodeB64Lines(out, src[:lines*b64LineIn])
		b.buf = b.buf[:o+len(out)]
		src = src[lines*b64LineIn:]
		done += lines * b64LineIn
	}
	return done
}

// base64Tail appends the last, short line (fewer than 57 octets, padded).
func (b *bodyWriter) base64Tail(src []byte) {
	b.ensure(b64LineOut)
	o := len(b.buf)
	m := base64.StdEncoding.EncodedLen(len(src))
	b.buf = b.buf[:o+m+2]
	base64.StdEncoding.Encode(b.buf[o:], src)
	b.buf[o+m] = '\r'
	b.buf[o+m+1] = '\n'
}

// encodeB64Lines writes, for each 57 octets of src (a multiple of 57), one 76-column base64 line
// and CRLF (78 octets) into dst. It is a plain three-octet loop shaped so the compiler checks
// bounds once per group; it runs as fast as encoding/base64's Encode without the per-line call.
func encodeB64Lines(dst, src []byte) {
	for len(src) >= b64LineIn && len(dst) >= b64LineOut {
		d := dst[:b64LineOut:b64LineOut]
		s := src[:b64LineIn:b64LineIn]
		for i := 0; i < b64LineIn/3; i++ {
			s3 := s[i*3 : i*3+3 : i*3+3]
			d4 := d[i*4 : i*4+4 : i*4+4]
			v := uint(s3[0])<<16 | uint(s3[1])<<8 | uint(s3[2])
			d4[0] = b64Alphabet[v>>18&63]
			d4[1] = b64Alphabet[v>>12&63]
			d4[2] = b64Alphabet[v>>6&63]
			d4[3] = b64Alphabet[v&63]
		}
		d[76] = '\r'
		d[77] = '\n'
		src = src[b64LineIn:]
		dst = dst[b64LineOut:]
	}
}

// b64Writer is the io.Writer a Reader body is copied into (io.CopyBuffer, so readers with a
// WriteTo method hand over their bytes without a copy). It keeps a partial line between writes
// and checks the declared size.
type b64Writer struct {
	b     *bodyWriter
	carry [b64LineIn]byte
	n     int
	total int64
	size  int64
}

func (w *b64Writer) Write(p []byte) (int, error) {
	if w.b.err != nil {
		return 0, w.b.err
	}
	w.total += int64(len(p))
	if w.size > 0 && w.total > w.size {
		return 0, sizeErr(w.size, w.total)
	}
	m := len(p)
	if w.n > 0 {
		k := copy(w.carry[w.n:], p)
		w.n += k
		p = p[k:]
		if w.n < b64LineIn {
			return m, nil
		}
		w.b.base64Lines(w.carry[:])
		w.n = 0
	}
	k := w.b.base64Lines(p)
	w.n = copy(w.carry[:], p[k:])
	if w.b.err != nil {
		return m, w.b.err
	}
	return m, nil
}

// crlfSource reads an in-memory text body with bare LF turned into CRLF.
type crlfSource struct {
	data []byte
	cr   bool // the last octet produced was CR
}

func (s *crlfSource) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && len(s.data) > 0 {
		c := s.data[0]
		if c == '\n' && !s.cr {
			// Bare LF (the previous octet written was not CR): write CR first.
			p[n] = '\r'
			n++
			s.cr = true
			continue
		}
		p[n] = c
		n++
		s.cr = c == '\r'
		s.data = s.data[1:]
	}
	return n, nil
}

// rawChecker validates streamed 7bit/8bit content: lines of at most 998 octets ending in CRLF, no
// NUL, no bare CR or LF, ASCII only for 7bit, and no line starting with an enclosing boundary.
type rawChecker struct {
	seven  bool
	line   int
	cr     bool
	head   [48]byte
	headN  int
	bounds []string
}

func (c *rawChecker) checkHead() error {
	h := c.head[:c.headN]
	for _, b := range c.bounds {
		if len(h) >= 2+len(b) && h[0] == '-' && h[1] == '-' && string(h[2:2+len(b)]) == b {
			return newErr(ErrInvalidPart, "content holds the boundary of an enclosing multipart")
		}
	}
	return nil
}

func (c *rawChecker) check(p []byte) error {
	for _, b := range p {
		if c.cr {
			if b != '\n' {
				return newErr(ErrInvalidPart, "bare CR in 7bit/8bit content")
			}
			c.cr = false
			if err := c.checkHead(); err != nil {
				return err
			}
			c.line, c.headN = 0, 0
			continue
		}
		switch {
		case b == '\r':
			c.cr = true
			continue
		case b == '\n':
			return newErr(ErrInvalidPart, "bare LF in 7bit/8bit content")
		case b == 0:
			return newErr(ErrInvalidPart, "NUL in 7bit/8bit content")
		case b >= 0x80 && c.seven:
			return newErr(ErrInvalidPart, "non-ASCII octet in 7bit content")
		}
		c.line++
		if c.line > hardLimit {
			return newErr(ErrLineTooLong, "line longer than 998 octets in 7bit/8bit content")
		}
		if c.headN < len(c.head) {
			c.head[c.headN] = b
			c.headN++
		}
	}
	return nil
}

func (c *rawChecker) finish() error {
	if c.cr {
		return newErr(ErrInvalidPart, "bare CR in 7bit/8bit content")
	}
	return c.checkHead()
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

// writeLeaf writes the encoded body of leaf n.
func (t *Tree) writeLeaf(b *bodyWriter, n *node) {
	t.writeLeafContent(b, n)
	if n.term != "" {
		b.str(n.term)
	}
}

// writeLeafContent writes the encoded content of leaf n.
func (t *Tree) writeLeafContent(b *bodyWriter, n *node) {
	p := n.p
	if p.Reader == nil {
		switch n.enc {
		case Base64:
			if n.addCR {
				b.readBase64(&crlfSource{data: p.Data}, -1)
				return
			}
			b.base64(p.Data)
		case QuotedPrintable:
			if n.qpHeld {
				b.bytes(t.qp[n.qpStart:n.qpEnd])
				return
			}
			q := qpEncoder{crlf: n.crlf}
			data := p.Data
			step := cap(b.buf) / 4 // encoded output is at most 3.2 times the input
			for len(data) > 0 && b.err == nil {
				chunk := data
				atEOF := true
				if len(chunk) > step {
					chunk, atEOF = chunk[:step], false
				}
				b.ensure(len(chunk)*3 + len(chunk)/25*3 + 3)
				var used int
				b.buf, used = q.encode(b.buf, chunk, atEOF)
				data = data[used:]
			}
		default:
			if !n.addCR {
				b.bytes(p.Data)
				return
			}
			data := p.Data
			for len(data) > 0 {
				i := 0
				for i < len(data) && (data[i] != '\n' || i > 0 && data[i-1] == '\r') {
					i++
				}
				b.bytes(data[:i])
				if i == len(data) {
					break
				}
				b.str("\r\n")
				data = data[i+1:]
			}
		}
		return
	}
	switch n.enc {
	case Base64:
		b.readBase64(p.Reader, p.Size)
	case QuotedPrintable:
		if b.readQP(p.Reader, p.Size) && n.depth == 0 {
			b.str("\r\n") // see rootTerminator
		}
	default:
		if b.readRaw(p.Reader, p.Size, n.enc == SevenBit) && n.depth == 0 {
			b.str("\r\n") // see rootTerminator
		}
	}
}

func (b *bodyWriter) inBuf() []byte {
	if b.in == nil {
		b.in = make([]byte, b64ChunkIn)
	}
	return b.in
}

func sizeErr(size, got int64) error {
	return newErr(ErrSizeMismatch, "declared "+string(appendDec(nil, int(size)))+", read "+string(appendDec(nil, int(got))))
}

func (b *bodyWriter) readBase64(r io.Reader, size int64) {
	w := b64Writer{b: b, size: size}
	var err error
	if wt, ok := r.(io.WriterTo); ok {
		_, err = wt.WriteTo(&w) // no read buffer needed
	} else {
		_, err = io.CopyBuffer(&w, r, b.inBuf())
	}
	if err != nil {
		if b.err == nil {
			b.err = err
		}
		return
	}
	if w.n > 0 {
		b.base64Tail(w.carry[:w.n])
	}
	if b.err == nil && size > 0 && w.total != size {
		b.err = sizeErr(size, w.total)
	}
}

// readQP encodes a body from r as quoted-printable and reports whether its last line is open
// (the content did not end in a line break).
func (b *bodyWriter) readQP(r io.Reader, size int64) (open bool) {
	in := b.inBuf()
	in = in[:min(len(in), cap(b.buf)/4)] // encoded output is at most 3.2 times the input
	q := qpEncoder{}
	var total int64
	keep := 0
	for b.err == nil {
		m, err := r.Read(in[keep:])
		total += int64(m)
		if size > 0 && total > size {
			b.err = sizeErr(size, total)
			return false
		}
		atEOF := err == io.EOF
		if err != nil && !atEOF {
			b.err = err
			return false
		}
		avail := keep + m
		b.ensure(avail*3 + avail/25*3 + 3)
		var used int
		b.buf, used = q.encode(b.buf, in[:avail], atEOF)
		keep = copy(in, in[used:avail])
		if atEOF {
			break
		}
	}
	if b.err == nil && size > 0 && total != size {
		b.err = sizeErr(size, total)
	}
	return b.err == nil && q.col > 0
}

// readRaw copies a 7bit or 8bit body from r, checking it, and reports whether it ended mid-line
// (non-empty and not ending in CRLF).
func (b *bodyWriter) readRaw(r io.Reader, size int64, seven bool) (open bool) {
	in := b.inBuf()
	c := rawChecker{seven: seven, bounds: b.bounds}
	var total int64
	var prev, last byte // the last two octets read
	for b.err == nil {
		m, err := r.Read(in)
		total += int64(m)
		if size > 0 && total > size {
			b.err = sizeErr(size, total)
			return false
		}
		if cerr := c.check(in[:m]); cerr != nil {
			b.err = cerr
			return false
		}
		b.bytes(in[:m])
		switch {
		case m >= 2:
			prev, last = in[m-2], in[m-1]
		case m == 1:
			prev, last = last, in[0]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			b.err = err
			return false
		}
	}
	if b.err != nil {
		return false
	}
	if err := c.finish(); err != nil {
		b.err = err
		return false
	}
	if size > 0 && total != size {
		b.err = sizeErr(size, total)
		return false
	}
	return total > 0 && !(prev == '\r' && last == '\n')
}

func (t *Tree) writeBody(w io.Writer) (int64, error) {
	size := outBufSize
	if n, ok := t.bodySize(); ok && n < outBufSize {
		size = max(int(n), minBufSize)
	}
	b := bodyWriter{w: w, buf: make([]byte, 0, size)}
	b.bounds = b.boundsA[:0]
	t.writeNode(&b, 0, true)
	b.flush()
	return b.n, b.err
}

func (t *Tree) writeNode(b *bodyWriter, i int, top bool) {
	n := &t.nodes[i]
	if n.leaf {
		t.writeLeaf(b, n)
		return
	}
	b.bounds = append(b.bounds, n.boundary)
	for c := n.first; c >= 0 && b.err == nil; c = t.nodes[c].next {
		cn := &t.nodes[c]
		b.str("--")
		b.str(n.boundary)
		b.str("\r\n")
		b.bytes(t.hdr[cn.hdrStart:cn.hdrEnd])
		b.str("\r\n")
		t.writeNode(b, c, false)
		b.str("\r\n")
	}
	b.bounds = b.bounds[:len(b.bounds)-1]
	b.str("--")
	b.str(n.boundary)
	b.str("--")
	if top {
		b.str("\r\n")
	}
}
