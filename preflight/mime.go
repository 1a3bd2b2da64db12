package preflight

import (
	"bytes"
	"github.com/sesraw/sesraw/sesrules"
	"io"
	"mime"
	"slices"
	"strconv"
	"strings"
)

// frame is one open multipart.
type frame struct {
	boundary string
	line     int // line of its Content-Type field
	parts    int
}

// walker follows the MIME structure of the body, one line at a time.
type walker struct {
	active  bool    // a multipart is being walked
	stack   []frame // open multiparts, outermost first
	inHdr   bool    // reading a part header
	hdr     []byte  // the part header read so far (lines end in LF)
	hdrLine int     // line of the part header's first line
	hdrOver bool
	parts   int
	segs    []paramSeg // scratch for RFC 2231 continuations

	stackBuf [4]frame // first backing arrays of stack and hdr
	hdrBuf   [512]byte
}

// entityFields are the first Content-Type, Content-Disposition and Content-Transfer-Encoding
// fields of an entity.
type entityFields struct {
	ct, cd, cte          field
	hasCT, hasCD, hasCTE bool
}

func (e *entityFields) note(f *field) {
	switch {
	case !e.hasCT && equalFold(f.name, "content-type"):
		e.ct, e.hasCT = *f, true
	case !e.hasCD && equalFold(f.name, "content-disposition"):
		e.cd, e.hasCD = *f, true
	case !e.hasCTE && equalFold(f.name, "content-transfer-encoding"):
		e.cte, e.hasCTE = *f, true
	}
}

// entity checks one entity's Content-Type, Content-Disposition and Content-Transfer-Encoding; a
// multipart is pushed on the walker's stack.
func (c *checker) entity(e *entityFields) {
	var ct, cd, cte *field
	if e.hasCT {
		ct = &e.ct
	}
	if e.hasCD {
		cd = &e.cd
	}
	if e.hasCTE {
		cte = &e.cte
	}
	var ctp, cdp params
	if ct != nil {
		ctp = c.parseParams(ct.value)
		if ctp.bad != "" {
			if c.want(rMIMEParams, Warning, ct.line) {
				c.say("Content-Type is malformed: " + ctp.bad)
			}
		} else if slash := bytes.IndexByte(ctp.typ, '/'); slash <= 0 || slash == len(ctp.typ)-1 {
			if c.want(rMIMEParams, Warning, ct.line) {
				c.say("Content-Type " + quote(ctp.typ) + " is not type/subtype")
			}
		}
		if hasPrefixFold(ctp.typ, "multipart/") {
			c.openMultipart(ct, &ctp)
			return
		}
	}
	if cd != nil {
		cdp = c.parseParams(cd.value)
		if cdp.bad != "" {
			if c.want(rMIMEParams, Warning, cd.line) {
				c.say("Content-Disposition is malformed: " + cdp.bad)
			}
		}
	}
	// Which name a receiver (or SES) reads is not documented: every form is checked, and the
	// first bad one is reported.
	reported := false
	for _, n := range cdp.names[0] {
		if !reported && n != "" {
			reported = c.checkFilename(n, cd.line)
		}
	}
	for _, n := range ctp.names[1] {
		if !reported && n != "" {
			reported = c.checkFilename(n, ct.line)
		}
	}
	if cdp.has(0) || ctp.has(1) || equalFold(cdp.typ, "attachment") {
		if cte == nil || !equalFold(trimFWS(cte.value), "base64") {
			line := ct.lineOr(cd)
			enc := "7bit (no Content-Transfer-Encoding)"
			if cte != nil {
				enc = quote(trimFWS(cte.value))
			}
			if c.want(rAttachmentEncoding, Info, line) {
				c.say("attachment is encoded as " + enc + "; the SES guide says " +
					"attachments have to be base64")
			}
		}
	}
}

// lineOr returns the line of f, or of g when f is nil.
func (f *field) lineOr(g *field) int {
	if f == nil {
		return g.line
	}
	return f.line
}

func (c *checker) checkFilename(name string, line int) bool {
	ext := sesrules.RefusedExtension(name)
	if ext == "" {
		return false
	}
	if c.want(rAttachmentExtension, Error, line) {
		c.say("attachment " + quoteString(name) + " has the extension ." + ext +
			", which SES does not accept")
	}
	return true
}

func (c *checker) openMultipart(ct *field, p *params) {
	w := &c.mime
	if p.boundary == "" {
		if c.want(rMIMEStructure, Error, ct.line) {
			c.say(quote(p.typ) + " has no boundary parameter")
		}
		return
	}
	if !validBoundary(p.boundary) {
		if c.want(rMIMEParams, Warning, ct.line) {
			c.say("boundary " + quoteString(p.boundary) + " is not 1 to 70 " +
				"characters of the RFC 2046 set")
		}
	}
	if len(p.boundary)+2 > lineKeep {
		if c.want(rMIMELimit, Warning, ct.line) {
			c.say("boundary is too long to follow; the MIME tree was not walked further")
		}
		w.active = false
		return
	}
	for _, fr := range w.stack {
		if fr.boundary == p.boundary {
			if c.want(rMIMEStructure, Error, ct.line) {
				c.say("nested multipart reuses the boundary of the multipart " +
					"at line " + strconv.Itoa(fr.line))
			}
			break
		}
	}
	if len(w.stack) >= MaxMIMEDepth {
		if c.want(rMIMELimit, Warning, ct.line) {
			c.say("multiparts are nested more than " + strconv.Itoa(MaxMIMEDepth) +
				" deep; the MIME tree was not walked further")
		}
		w.active = false
		return
	}
	if w.stack == nil {
		w.stack = w.stackBuf[:0]
	}
	w.stack = append(w.stack, frame{boundary: p.boundary, line: ct.line})
	w.active = true
}

// mimeLine handles one body line while a multipart is walked. content is the line without its
// terminator, cut to lineKeep bytes; truncated says it was cut.
func (c *checker) mimeLine(content []byte, truncated bool, line int) {
	w := &c.mime
	if !truncated && len(content) >= 2 && content[0] == '-' && content[1] == '-' {
		rest := content[2:]
		for k := len(w.stack) - 1; k >= 0; k-- {
			if m := matchDelim(rest, w.stack[k].boundary); m != 0 {
				c.delimiter(k, m == 2, line)
				return
			}
		}
	}
	if !w.inHdr {
		return
	}
	if len(content) == 0 {
		c.endPartHeader()
		return
	}
	if w.hdrOver {
		return
	}
	if len(w.hdr)+len(content)+1 > MaxPartHeaderBytes {
		w.hdrOver = true
		if c.want(rMIMELimit, Warning, line) {
			c.say("part header is larger than " + strconv.Itoa(MaxPartHeaderBytes) +
				" bytes; the rest of it was not checked")
		}
		return
	}
	w.hdr = append(w.hdr, content...)
	w.hdr = append(w.hdr, '\n')
}

// matchDelim reports whether rest (a line after its leading "--") is a delimiter of boundary b:
// 0 no, 1 an open delimiter, 2 the close delimiter. Transport padding (white space) is allowed.
func matchDelim(rest []byte, b string) int {
	if len(rest) < len(b) || string(rest[:len(b)]) != b {
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

// delimiter handles a delimiter line of the multipart at stack index k.
func (c *checker) delimiter(k int, close bool, line int) {
	w := &c.mime
	if w.inHdr {
		c.endPartHeader() // a part with a header and no body
		if !w.active {
			return
		}
	}
	for len(w.stack)-1 > k {
		fr := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		c.unclosed(fr)
	}
	if close {
		if w.stack[k].parts == 0 {
			if c.want(rMIMEStructure, Error, w.stack[k].line) {
				c.say("multipart has no parts")
			}
		}
		w.stack = w.stack[:k]
		if k == 0 {
			w.active = false // the epilogue of the top multipart follows
		}
		return
	}
	w.stack[k].parts++
	w.parts++
	if w.parts > MaxMIMEParts {
		if c.want(rMIMELimit, Warning, line) {
			c.say("message has more than " + strconv.Itoa(MaxMIMEParts) +
				" MIME parts; the rest was not walked")
		}
		w.active = false
		return
	}
	if w.hdr == nil {
		w.hdr = w.hdrBuf[:0]
	}
	w.inHdr, w.hdr, w.hdrOver, w.hdrLine = true, w.hdr[:0], false, line+1
}

func (c *checker) unclosed(fr frame) {
	if fr.parts == 0 {
		if c.want(rMIMEStructure, Error, fr.line) {
			c.say("boundary " + quoteString(fr.boundary) + " never occurs")
		}
		return
	}
	if c.want(rMIMEUnterminated, Warning, fr.line) {
		c.say("multipart with boundary " + quoteString(fr.boundary) +
			" has no closing delimiter")
	}
}

func (c *checker) endPartHeader() {
	w := &c.mime
	w.inHdr = false
	var ent entityFields
	it := c.fields(w.hdr, w.hdrLine, rMIMEStructure)
	for {
		f, ok := c.next(&it)
		if !ok {
			break
		}
		ent.note(&f)
	}
	c.entity(&ent)
}

// mimeEOF reports multiparts left open at the end of the message.
func (c *checker) mimeEOF() {
	w := &c.mime
	if !w.active {
		return
	}
	if w.inHdr {
		c.endPartHeader()
		if !w.active {
			return
		}
	}
	for k := len(w.stack) - 1; k >= 0; k-- {
		c.unclosed(w.stack[k])
	}
	w.stack = w.stack[:0]
}

// validBoundary checks RFC 2046's boundary syntax: 1 to 70 bchars, not ending in a space.
func validBoundary(b string) bool {
	if len(b) == 0 || len(b) > 70 || b[len(b)-1] == ' ' {
		return false
	}
	for i := 0; i < len(b); i++ {
		x := b[i]
		if isAlpha(x) || '0' <= x && x <= '9' || strings.IndexByte("'()+_,-./:=? ", x) >= 0 {
			continue
		}
		return false
	}
	return true
}

// params is what the walker needs from a Content-Type or Content-Disposition value.
type params struct {
	typ      []byte // media type or disposition type as written (aliases the value)
	boundary string
	// names holds the filename (index 0) and name (index 1) parameters, each in its RFC 2231
	// form (filename*=, filename*0*=, ...) and its plain form; "" when absent.
	names [2][2]string
	bad   string // first syntax problem, if any
}

// has reports whether parameter which (0 filename, 1 name) is present in any form.
func (p *params) has(which int) bool { return p.names[which][0] != "" || p.names[which][1] != "" }

// paramSeg is one piece of an RFC 2231 parameter: name*0=..., name*1*=..., or name*=...
type paramSeg struct {
	which int // 0 filename, 1 name
	idx   int // continuation index; -1 for the unnumbered extended form name*=
	ext   bool
	val   string
}

// skipCFWS skips white space, line breaks and comments from v[i:].
func skipCFWS(v []byte, i int) int {
	for i < len(v) {
		switch v[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '(':
			depth := 0
			for ; i < len(v); i++ {
				if v[i] == '\\' {
					i++
					continue
				}
				if v[i] == '(' {
					depth++
				} else if v[i] == ')' {
					depth--
					if depth == 0 {
						i++
						break
					}
				}
			}
		default:
			return i
		}
	}
	return i
}

func isTokenEnd(b byte) bool {
	return b == ';' || b == '=' || b == '(' || b == '"' || isFWS(b)
}

// parseParams reads a Content-Type or Content-Disposition value leniently: the leading type, and
// the boundary, filename and name parameters (RFC 2045, RFC 2231 extended values and continuations
// in any charset, RFC 2047 encoded-words in quoted names).
func (c *checker) parseParams(v []byte) params {
	var p params
	var plain [2]string
	var havePlain [2]bool
	segs := c.mime.segs[:0]
	i := skipCFWS(v, 0)
	s := i
	for i < len(v) && v[i] != ';' && !isFWS(v[i]) && v[i] != '(' {
		i++
	}
	p.typ = v[s:i]
	for {
		i = skipCFWS(v, i)
		if i >= len(v) {
			break
		}
		if v[i] != ';' {
			if p.bad == "" {
				p.bad = "unexpected " + quote(v[i:i+1]) + " where ';' was expected"
			}
			for i < len(v) && v[i] != ';' {
				i++
			}
			continue
		}
		i = skipCFWS(v, i+1)
		if i >= len(v) {
			break // a trailing ';' is common and harmless
		}
		s = i
		for i < len(v) && !isTokenEnd(v[i]) {
			i++
		}
		attr := v[s:i]
		i = skipCFWS(v, i)
		if i >= len(v) || v[i] != '=' || len(attr) == 0 {
			if p.bad == "" {
				p.bad = "parameter " + quote(attr) + " has no value"
			}
			continue
		}
		i = skipCFWS(v, i+1)
		want := equalFold(attr, "boundary") || equalFold(attr, "filename") || equalFold(attr, "name") ||
			hasPrefixFold(attr, "filename*") || hasPrefixFold(attr, "name*")
		var val string
		if i < len(v) && v[i] == '"' {
			var ok bool
			val, i, ok = quotedString(v, i, want)
			if !ok && p.bad == "" {
				p.bad = "unterminated quoted string"
			}
		} else {
			s = i
			for i < len(v) && v[i] != ';' && !isFWS(v[i]) {
				i++
			}
			if want {
				val = string(v[s:i])
			}
		}
		if !want {
			continue
		}
		switch {
		case equalFold(attr, "boundary"):
			p.boundary = val
		case equalFold(attr, "filename"):
			plain[0], havePlain[0] = val, true
		case equalFold(attr, "name"):
			plain[1], havePlain[1] = val, true
		case hasPrefixFold(attr, "filename*"):
			segs = addSeg(segs, 0, attr[len("filename*"):], val)
		case hasPrefixFold(attr, "name*"):
			segs = addSeg(segs, 1, attr[len("name*"):], val)
		}
	}
	c.mime.segs = segs
	for which := range 2 {
		if ext, ok := joinSegs(segs, which); ok {
			p.names[which][0] = ext
		}
		if havePlain[which] {
			p.names[which][1] = decodeWords(plain[which])
		}
	}
	return p
}

const maxSegs = 64

// addSeg records an RFC 2231 piece; rest is what follows "name*" in the attribute: "" (extended,
// unnumbered), "N" or "N*".
func addSeg(segs []paramSeg, which int, rest []byte, val string) []paramSeg {
	if len(segs) >= maxSegs {
		return segs
	}
	sg := paramSeg{which: which, idx: -1, ext: true, val: val}
	if len(rest) > 0 {
		ext := rest[len(rest)-1] == '*'
		if ext {
			rest = rest[:len(rest)-1]
		}
		if len(rest) == 0 || len(rest) > 3 {
			return segs
		}
		n := 0
		for _, d := range rest {
			if d < '0' || d > '9' {
				return segs
			}
			n = n*10 + int(d-'0')
		}
		sg.idx, sg.ext = n, ext
	}
	return append(segs, sg)
}

// joinSegs assembles parameter which from its RFC 2231 pieces.
func joinSegs(segs []paramSeg, which int) (string, bool) {
	var parts []paramSeg
	for _, sg := range segs {
		if sg.which != which {
			continue
		}
		if sg.idx < 0 {
			return decode2231(sg.val, true), true
		}
		parts = append(parts, sg)
	}
	if len(parts) == 0 {
		return "", false
	}
	slices.SortStableFunc(parts, func(a, b paramSeg) int { return a.idx - b.idx })
	var sb strings.Builder
	for j, sg := range parts {
		if sg.idx != j {
			break // a gap or a repeat ends the value
		}
		if sg.ext {
			sb.WriteString(decode2231(sg.val, j == 0))
		} else {
			sb.WriteString(sg.val)
		}
	}
	return sb.String(), true
}

// decode2231 percent-decodes an extended value; the first piece starts with charset'language'.
// Bytes are kept as they are whatever the charset: extensions are ASCII in every charset SES meets.
func decode2231(s string, first bool) string {
	if first {
		if a := strings.IndexByte(s, '\''); a >= 0 {
			if b := strings.IndexByte(s[a+1:], '\''); b >= 0 {
				s = s[a+1+b+1:]
			}
		}
	}
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(b byte) bool { return '0' <= b && b <= '9' || 'a' <= b|0x20 && b|0x20 <= 'f' }

func unhex(b byte) byte {
	if b <= '9' {
		return b - '0'
	}
	return (b | 0x20) - 'a' + 10
}

// quotedString reads the quoted-string at v[i] (which is '"'), returning its unescaped content (if
// conv), the index after it and whether it was terminated.
func quotedString(v []byte, i int, conv bool) (string, int, bool) {
	j := i + 1
	simple := true
	for j < len(v) && v[j] != '"' {
		if v[j] == '\\' || v[j] == '\r' || v[j] == '\n' {
			simple = false
			if v[j] == '\\' {
				j++
			}
		}
		j++
	}
	end := min(j, len(v))
	ok := j < len(v)
	if !conv {
		return "", min(j+1, len(v)), ok
	}
	if simple {
		return string(v[i+1 : end]), min(j+1, len(v)), ok
	}
	b := make([]byte, 0, end-i)
	for k := i + 1; k < end; k++ {
		switch v[k] {
		case '\\':
			if k+1 < end {
				k++
				b = append(b, v[k])
			}
		case '\r', '\n':
		default:
			b = append(b, v[k])
		}
	}
	return string(b), min(j+1, len(v)), ok
}

// decodeWords decodes RFC 2047 encoded-words (common, though not standard, in file names). Unknown
// charsets pass their bytes through; undecodable text is returned as it is.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	d := mime.WordDecoder{CharsetReader: passCharset}
	if out, err := d.DecodeHeader(s); err == nil {
		return out
	}
	return s
}

func passCharset(_ string, r io.Reader) (io.Reader, error) { return r, nil }

func isAlpha(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }
