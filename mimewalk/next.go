package mimewalk

import (
	"bytes"
	"io"

	"github.com/sesraw/sesraw/rawheader"
)

var (
	nl      = []byte{'\n'}
	nlDash2 = []byte("\n--")
)

// Part returns the current entity (after a StartEvent or an EndEvent).
func (w *Reader) Part() *Part { return &w.part }

// Problem returns the current problem (after a ProblemEvent).
func (w *Reader) Problem() *Problem { return &w.prob }

// Next advances to the next event. It returns io.EOF after the message's EndEvent; a read error,
// a *LimitError, io.ErrNoProgress or the Context's error end the walk, and Next then keeps
// returning that error.
func (w *Reader) Next() (Event, error) {
	for {
		if w.qi < w.qn {
			q := &w.q[w.qi]
			w.qi++
			if q.ev == ProblemEvent {
				w.prob = q.prob
			}
			return q.ev, nil
		}
		w.qi, w.qn = 0, 0
		if w.err != nil {
			return 0, w.err
		}
		switch w.state {
		case stHeader:
			w.readHeader()
		case stContent:
			w.skipContent()
		case stUnwind:
			w.unwind()
		default:
			w.err = io.EOF
		}
	}
}

func (w *Reader) push(ev Event) *queued {
	q := &w.q[w.qn]
	w.qn++
	q.ev = ev
	return q
}

func (w *Reader) problem(err error, f *frame, off int64, line int, boundary []byte) *Problem {
	q := w.push(ProblemEvent)
	q.prob = Problem{Err: err, Part: f.index, Offset: off, Line: line}
	if boundary != nil {
		q.prob.Boundary = string(boundary)
	}
	return &q.prob
}

// fill reads more input into the window. It returns false when the walk must end (w.err set).
func (w *Reader) fill() bool {
	if !w.own || w.eof {
		w.eof = true
		return true
	}
	if w.ctx != nil {
		if err := w.ctx.Err(); err != nil {
			w.err = err
			return false
		}
	}
	if w.r > 0 {
		n := copy(w.buf, w.buf[w.r:w.w])
		w.base += int64(w.r)
		w.w, w.r = n, 0
	}
	n, err := w.src.Read(w.buf[w.w:])
	w.w += n
	switch {
	case err == io.EOF:
		w.eof = true
	case err != nil:
		w.err = err
		return false
	case n == 0:
		if w.idle++; w.idle >= 100 {
			w.err = io.ErrNoProgress
			return false
		}
	default:
		w.idle = 0
	}
	return true
}

// consume moves past n bytes of the window, counting lines.
func (w *Reader) consume(n int) {
	w.line += bytes.Count(w.buf[w.r:w.r+n], nl)
	w.r += n
}

func (w *Reader) abs(i int) int64 { return w.base + int64(i) }

// need fills the window until it holds a line break within its first k bytes, k bytes, or the
// rest of the input. It returns false when the walk must end.
func (w *Reader) need(k int) bool {
	for !w.eof && w.w-w.r < k && bytes.IndexByte(w.buf[w.r:w.w], '\n') < 0 {
		if !w.fill() {
			return false
		}
	}
	return true
}

// readHeader reads the header block of a new entity (the message, or a part after its open
// delimiter), queues its StartEvent and problems, and opens it.
func (w *Reader) readHeader() {
	f := frame{index: w.entries, offset: w.abs(w.r), line: w.line}
	w.entries++
	var hdr []byte
	if w.entries == 1 && w.haveRoot {
		hdr = w.rootHdr
		f.offset, f.line = 0, 1
	} else {
		hdr = w.readHeaderBlock(&f)
		if w.err != nil {
			return
		}
	}
	f.bodyAt, f.bodyLine = w.abs(w.r), w.line

	p := &w.part
	*p = Part{Index: f.index, Depth: len(w.stack), Header: hdr, Offset: f.offset,
		Line: f.line, BodyAt: f.bodyAt, BodyLine: f.bodyLine, w: w}
	var sc rawheader.Scanner
	sc.ResetLimits(hdr, w.lim.hdr)
	haveCT, haveCTE := false, false
	for sc.Next() {
		name := sc.Name()
		switch {
		case !haveCT && equalFold(name, "content-type"):
			fl := sc.Field()
			p.ContentType, haveCT = fl.Value, true
			f.ctOffset, f.ctLine = f.offset+int64(fl.Start), f.line-1+fl.Line
		case !haveCTE && equalFold(name, "content-transfer-encoding"):
			p.Encoding, haveCTE = rawheader.TrimBlanks(sc.Value()), true
		}
	}
	p.HeaderErr = sc.Err()
	w.push(StartEvent)
	if f.hdrOver {
		max := w.lim.header
		if f.index == 0 {
			max = rawheader.DefaultMaxBytes
		}
		w.problem(&rawheader.LimitError{Limit: "header bytes", Max: max, Offset: int(f.hdrOverOff - f.offset),
			Line: f.hdrOverLine - f.line + 1, Err: rawheader.ErrTooManyBytes}, &f, f.hdrOverOff, f.hdrOverLine, nil)
	}

	parentDigest := len(w.stack) > 0 && w.stack[len(w.stack)-1].digest
	if !haveCT {
		p.MediaType = textPlain
		if parentDigest {
			p.MediaType = messageRFC822
		}
	} else {
		var ps ParamScanner
		ps.Reset(p.ContentType)
		p.MediaType = ps.Type()
		if hasPrefixFold(p.MediaType, "multipart/") {
			var b []byte
			for ps.Next() {
				if equalFold(ps.Attr(), "boundary") {
					b = ps.Value()
					if ps.Quoted() && bytes.ContainsAny(b, "\\\r\n") {
						b = AppendUnquoted(nil, b) // rare: allocate
					}
				}
			}
			w.openMultipart(&f, b)
			if w.err != nil {
				return
			}
		}
	}
	w.stack = append(w.stack, f)
	if len(w.stack) > 1 {
		// this entity is child number parts-1 of its parent
		w.path = append(w.path[:len(w.stack)-2], w.stack[len(w.stack)-2].parts-1)
	}
	p.Path = w.path[:len(w.stack)-1]
	p.Multipart = f.multipart
	if f.multipart {
		p.Boundary = w.bnd[f.bstart:f.bend]
	}
	w.state, w.atStart, w.found, w.startBrk = stContent, true, false, 0
}

// openMultipart decides whether the entity f with boundary b is walked as a multipart, queuing
// its problems; a limit ends the walk.
func (w *Reader) openMultipart(f *frame, b []byte) {
	if len(b) == 0 {
		w.problem(ErrNoBoundary, f, f.ctOffset, f.ctLine, nil)
		return
	}
	f.multipart = true
	if !ValidBoundary(b) {
		w.problem(ErrInvalidBoundary, f, f.ctOffset, f.ctLine, b)
	}
	if len(b) > w.lim.boundary {
		w.err = &LimitError{Limit: "boundary bytes", Max: w.lim.boundary, Offset: f.ctOffset, Line: f.ctLine, Err: ErrBoundaryTooLong}
		return
	}
	for i := range w.stack {
		a := &w.stack[i]
		if a.multipart && !a.closed && string(w.bnd[a.bstart:a.bend]) == string(b) {
			w.problem(ErrBoundaryReused, f, f.ctOffset, f.ctLine, b).Ref = a.ctLine
			break
		}
	}
	if len(w.stack) >= w.lim.depth {
		w.err = &LimitError{Limit: "depth", Max: w.lim.depth, Offset: f.ctOffset, Line: f.ctLine, Err: ErrTooDeep}
		return
	}
	f.bstart = len(w.bnd)
	w.bnd = append(w.bnd, b...)
	f.bend = len(w.bnd)
	f.digest = equalFold(w.part.MediaType, "multipart/digest")
}

// readHeaderBlock reads a header block up to and including its empty line, or up to a delimiter
// line or the end of the input, and returns it (its first complete lines within the limit).
func (w *Reader) readHeaderBlock(f *frame) []byte {
	max := w.lim.header
	if f.index == 0 {
		max = rawheader.DefaultMaxBytes
	}
	start := w.r // bytes mode: the header is buf[start : start+kept]
	kept := 0    // bytes of complete lines kept
	total := 0
	over := false
	w.hdr = w.hdr[:0]
	for {
		if !w.need(MaxLineBytes + 2) {
			return nil
		}
		data := w.buf[w.r:w.w]
		if len(data) == 0 {
			break // end of input: no empty line
		}
		if data[0] == '\n' || len(data) >= 2 && data[0] == '\r' && data[1] == '\n' {
			n := 1
			if data[0] == '\r' {
				n = 2
			}
			if !over {
				w.keep(data[:n])
				kept += n
			}
			w.consume(n)
			break
		}
		if len(w.stack) > 0 && len(data) >= 2 && data[0] == '-' && data[1] == '-' {
			if k, _, _ := w.delimiterAt(data, 0); k >= 0 {
				break // a delimiter ends the header block; the part has no body
			}
		}
		// A header line, taken in pieces if it is longer than the window.
		lineOff, lineNo := w.abs(w.r), w.line
		for {
			data = w.buf[w.r:w.w]
			i := bytes.IndexByte(data, '\n')
			piece := data
			if i >= 0 {
				piece = data[:i+1]
			}
			total += len(piece)
			if !over && total > max {
				over = true
				f.hdrOver, f.hdrOverOff, f.hdrOverLine = true, lineOff, lineNo
				if w.own {
					w.hdr = w.hdr[:kept]
				}
			}
			if !over {
				w.keep(piece)
			}
			w.consume(len(piece))
			if i >= 0 || w.eof && w.r == w.w {
				break
			}
			if !w.fill() {
				return nil
			}
		}
		if !over {
			kept = total
		}
	}
	if w.own {
		return w.hdr[:kept]
	}
	return w.buf[start : start+kept]
}

// keep appends a piece of a header block (streaming mode).
func (w *Reader) keep(b []byte) {
	if w.own {
		w.hdr = append(w.hdr, b...)
	}
}

// delimiterAt reports whether the line at data[s:] is a delimiter of an open multipart: its
// stack index, whether it closes it, and ok when the line could be decided (complete, or longer
// than MaxLineBytes, or the input ended). dlen is the line's length with its terminator.
func (w *Reader) delimiterAt(data []byte, s int) (k int, dlen int, ok bool) {
	end := min(len(data), s+MaxLineBytes+2)
	e := bytes.IndexByte(data[s:end], '\n')
	w.work += int64(end - s)
	var line []byte
	switch {
	case e >= 0:
		line, dlen = data[s:s+e], e+1
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	case w.eof:
		line, dlen = data[s:], len(data)-s
	case end-s >= MaxLineBytes+2:
		return -1, 0, true // too long to be a delimiter
	default:
		return -1, 0, false
	}
	if len(line) > MaxLineBytes || len(line) < 2 || line[0] != '-' || line[1] != '-' {
		return -1, dlen, true
	}
	rest := line[2:]
	for i := len(w.stack) - 1; i >= 0; i-- {
		fr := &w.stack[i]
		if !fr.multipart || fr.closed {
			continue
		}
		if m := matchDelim(rest, w.bnd[fr.bstart:fr.bend]); m != 0 {
			w.fclose = m == 2
			return i, dlen, true
		}
	}
	return -1, dlen, true
}

// matchDelim reports whether rest (a line after its leading "--") is a delimiter of boundary b:
// 0 no, 1 an open delimiter, 2 the close delimiter. Transport padding (SP, HTAB) may follow.
func matchDelim(rest, b []byte) int {
	if len(rest) < len(b) || string(rest[:len(b)]) != string(b) {
		return 0
	}
	r, m := rest[len(b):], 1
	if len(r) >= 2 && r[0] == '-' && r[1] == '-' {
		r, m = r[2:], 2
	}
	for _, x := range r {
		if x != ' ' && x != '\t' {
			return 0
		}
	}
	return m
}

// scan looks for the next delimiter line in the window. It returns n, the number of bytes from
// w.r that are body for certain, and found when a delimiter follows them (w.brk, w.dlen, w.fk,
// w.fclose describe it). Neither: more input is needed, or the input ended (w.eof).
func (w *Reader) scan() (n int, found bool) {
	if w.found {
		return int(w.foundAt - w.abs(w.r)), true
	}
	data := w.buf[w.r:w.w]
	if w.atStart {
		if len(data) == 0 && !w.eof || len(data) == 1 && data[0] == '-' && !w.eof {
			return 0, false
		}
		if len(data) >= 2 && data[0] == '-' && data[1] == '-' {
			k, dlen, ok := w.delimiterAt(data, 0)
			if !ok {
				return 0, false
			}
			if k >= 0 {
				w.setFound(0, 0, dlen, k)
				w.back = w.startBrk // the line break before is the previous delimiter line's
				return 0, true
			}
		}
		w.atStart = false
		w.from = w.abs(w.r)
	}
	from := max(int(w.from-w.abs(w.r)), 0)
	for {
		i := bytes.Index(data[from:], nlDash2)
		if i < 0 {
			w.work += int64(len(data) - from)
			end := len(data)
			if !w.eof {
				// Hold back what may begin a delimiter's line break: a final CR, LF, CRLF, LF "-".
				switch {
				case end >= 1 && data[end-1] == '\r':
					end--
				case end >= 1 && data[end-1] == '\n':
					end--
				case end >= 2 && data[end-2] == '\n' && data[end-1] == '-':
					end -= 2
				}
				if end < len(data) && end > 0 && data[end] == '\n' && data[end-1] == '\r' {
					end--
				}
				end = max(end, min(from, len(data)))
			}
			w.from = w.abs(w.r + end)
			return end, false
		}
		w.work += int64(i + 1)
		lf := from + i
		s := lf + 1
		brk := 1
		if lf > 0 && data[lf-1] == '\r' {
			brk = 2
		}
		k, dlen, ok := w.delimiterAt(data, s)
		if !ok {
			w.from = w.abs(w.r + lf + 1 - brk)
			return lf + 1 - brk, false
		}
		if k >= 0 {
			w.setFound(lf+1-brk, brk, dlen, k)
			return lf + 1 - brk, true
		}
		from = s
	}
}

func (w *Reader) setFound(at, brk, dlen, k int) {
	w.found, w.foundAt, w.brk, w.dlen, w.fk, w.back = true, w.abs(w.r+at), brk, dlen, k, 0
}

// skipContent moves past the rest of the current body, up to a delimiter or the end of input.
func (w *Reader) skipContent() {
	for {
		n, found := w.scan()
		w.consume(n)
		if found {
			w.delimiter()
			return
		}
		if w.eof && w.r == w.w {
			w.endOfInput()
			return
		}
		if n == 0 && !w.fill() {
			return
		}
	}
}

// delimiter handles the delimiter found at w.r: it consumes it and starts the unwind.
func (w *Reader) delimiter() {
	w.endOff = w.abs(w.r) - int64(w.back)
	w.consume(w.brk)
	w.doff, w.dline = w.abs(w.r), w.line
	w.startBrk = 0
	if d := w.buf[w.r : w.r+w.dlen]; len(d) > 0 && d[len(d)-1] == '\n' {
		w.startBrk = 1
		if len(d) > 1 && d[len(d)-2] == '\r' {
			w.startBrk = 2
		}
	}
	w.consume(w.dlen)
	w.found = false
	w.target = w.fk
	w.act = actOpen
	if w.fclose {
		w.act = actClose
	}
	w.state = stUnwind
}

func (w *Reader) endOfInput() {
	w.endOff = w.abs(w.r)
	w.target, w.act, w.state = -1, actEOF, stUnwind
}

// unwind ends one entity above the target, or acts on the target.
func (w *Reader) unwind() {
	if top := len(w.stack) - 1; top > w.target {
		f := &w.stack[top]
		if f.multipart && !f.closed {
			b := w.bnd[f.bstart:f.bend]
			if f.parts == 0 {
				w.problem(ErrNoDelimiter, f, f.ctOffset, f.ctLine, b)
			} else {
				w.problem(ErrUnterminated, f, f.ctOffset, f.ctLine, b)
			}
		}
		w.push(EndEvent)
		w.part = Part{Index: f.index, Depth: top, Path: w.path[:top], Offset: f.offset, Line: f.line,
			BodyAt: f.bodyAt, BodyLine: f.bodyLine, EndOffset: w.endOff, Multipart: f.multipart,
			Closed: f.closed, Parts: f.parts, w: w}
		if f.multipart {
			w.bnd = w.bnd[:f.bstart]
		}
		w.stack = w.stack[:top]
		return
	}
	switch w.act {
	case actEOF:
		w.state = stDone
	case actClose:
		f := &w.stack[w.target]
		f.closed = true
		if f.parts == 0 {
			w.problem(ErrNoParts, f, f.ctOffset, f.ctLine, w.bnd[f.bstart:f.bend])
		}
		w.state, w.atStart = stContent, true
	case actOpen:
		if w.parts++; w.parts > w.lim.parts {
			w.err = &LimitError{Limit: "parts", Max: w.lim.parts, Offset: w.doff, Line: w.dline, Err: ErrTooManyParts}
			return
		}
		w.stack[w.target].parts++
		w.state = stHeader
	}
}

// bodyReader reads the current leaf's body.
type bodyReader struct {
	w   *Reader
	idx int
}

func (b *bodyReader) Read(p []byte) (int, error) {
	w := b.w
	if w.state != stContent || w.err != nil || len(w.stack) == 0 || w.stack[len(w.stack)-1].index != b.idx ||
		w.stack[len(w.stack)-1].multipart {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, found := w.scan()
		if n > 0 {
			m := copy(p, w.buf[w.r:w.r+n])
			w.consume(m)
			return m, nil
		}
		if found || w.eof && w.r == w.w {
			return 0, io.EOF
		}
		if !w.fill() {
			return 0, w.err
		}
	}
}
