package multipart

// refQPEncoder is the quoted-printable encoder as it was before the table-driven rewrite, kept as
// the reference the new one must match byte for byte (TestQPMatchesReference, FuzzQPEncode).

// refQPEncoder is a streaming quoted-printable encoder (RFC 2045 §6.7): encoded lines are at most 76
// octets including a soft line break's '='; CRLF in the input is a hard line break (with crlf set,
// so is a bare LF); a bare CR or LF is encoded; whitespace before a line break or at the end is
// encoded.
type refQPEncoder struct {
	col  int
	crlf bool
}

func (q *refQPEncoder) breakAt(p []byte, j int) bool {
	return p[j] == '\r' && j+1 < len(p) && p[j+1] == '\n' || p[j] == '\n' && q.crlf
}

// encode appends the encoding of a prefix of p to dst and returns how much of p it consumed. Unless
// atEOF, it stops short of the last two octets, which it needs as lookahead.
func (q *refQPEncoder) encode(dst, p []byte, atEOF bool) ([]byte, int) {
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
