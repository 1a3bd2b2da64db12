package rawheader

import "iter"

// LenientFields yields the fields a lenient reader finds in src from offset from (normally the End
// of a Scanner that stopped on a *SyntaxError) up to the first empty line, at most DefaultMaxBytes
// further. A lenient reader, as Python's email package is, skips a line that is not a field (and
// the continuation lines after it) and takes a bare CR for a line break. Where the strict reading
// and this one differ, the reading of the message is ambiguous: tools use LenientFields to name the
// fields a receiver may or may not take for header fields (an X-SES-* field above all) instead of
// choosing silently. Line numbers count the line at from as fromLine and, like every other line
// number in sesraw, count LF-terminated lines (a field after a bare CR is on the CR's line).
// Field.Value may hold bare CRs as line breaks.
func LenientFields(src []byte, from, fromLine int) iter.Seq[Field] {
	return func(yield func(Field) bool) {
		if from < 0 || from >= len(src) {
			return
		}
		limit := min(len(src), from+DefaultMaxBytes)
		line := fromLine - 1
		var cur Field
		have := false
		afterCR := false
		p := from
		for p < limit {
			e, next := lineBounds(src, p, limit)
			if !afterCR {
				line++ // line numbers count LF-terminated lines, as every other reader does
			}
			afterCR = next > e && src[next-1] == '\r'
			if e == p { // empty line: the end of the header block for every reader
				break
			}
			if isWSP(src[p]) {
				if have {
					cur.Lines++
					cur.End = next
					cur.Value = src[cur.Colon+1 : e : e]
				}
				p = next
				continue
			}
			if have && !yield(cur) {
				return
			}
			have = false
			q := p
			for q < e && ftext[src[q]] {
				q++
			}
			nameEnd := q
			for q < e && isWSP(src[q]) {
				q++
			}
			if nameEnd > p && q < e && src[q] == ':' {
				cur = Field{Name: src[p:nameEnd:nameEnd], Value: src[q+1 : e : e], Start: p, Colon: q,
					End: next, Line: line, Lines: 1}
				have = true
			}
			p = next
		}
		if have {
			yield(cur)
		}
	}
}

// lineBounds returns the end of the line starting at p (before its line break) and the start of
// the next line; a line ends at CRLF, LF or a lone CR.
func lineBounds(src []byte, p, limit int) (end, next int) {
	for i := p; i < limit; i++ {
		switch src[i] {
		case '\n':
			return i, i + 1
		case '\r':
			if i+1 < limit && src[i+1] == '\n' {
				return i, i + 2
			}
			return i, i + 1
		}
	}
	return limit, limit
}
