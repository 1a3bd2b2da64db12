package multipart

const qpLineMax = 76 // octets per quoted-printable line, a soft break's '=' included (RFC 2045 §6.7)

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
