package preflight

import (
	"bytes"
	"io"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/mimewalk"
	"github.com/sesraw/sesraw/sesrules"
)

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
			// The walker follows it (and reports its boundary's problems); keep the type for them.
			c.lastType = append(c.lastType[:0], ctp.typ...)
			c.multipart = true
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

// mimeOptions are the walker's limits in preflight: MaxMIMEDepth, MaxMIMEParts,
// MaxPartHeaderBytes, and boundaries up to the longest that fits a line preflight follows (998
// bytes; RFC 2046's 70 is checked as rule mime-params).
var mimeOptions = &mimewalk.Options{MaxDepth: MaxMIMEDepth, MaxParts: MaxMIMEParts,
	MaxHeaderBytes: MaxPartHeaderBytes, MaxBoundary: mimewalk.MaxLineBytes - 2}

// walkMIME walks the MIME tree of the body with the one MIME walker (package mimewalk), checking
// each part's header (entity) and reporting the walker's problems as findings. src is
// CheckReader's source (nil for Check) and base the walker's offset of its first byte: a
// multipart left open where CheckReader stopped at MaxBytes is not reported.
func (c *checker) walkMIME(src *bodySource, base int64) {
	w := &c.mw
	var held mimewalk.Problem // an unterminated multipart, reported at its End unless the input was cut there
	for {
		ev, err := w.Next()
		if err != nil {
			if le, ok := err.(*mimewalk.LimitError); ok {
				c.mimeLimit(le)
			}
			return
		}
		switch ev {
		case mimewalk.StartEvent:
			p := w.Part()
			if p.Index == 0 {
				continue // the message's own header was checked with the header block
			}
			if src != nil && src.truncated && p.BodyAt >= base+src.given {
				continue // a part header cut where CheckReader stopped reading is not checked
			}
			var ent entityFields
			it := c.fields(p.Header, p.Line, rMIMEStructure)
			for {
				f, ok := c.next(&it)
				if !ok {
					break
				}
				ent.note(&f)
			}
			c.entity(&ent)
		case mimewalk.EndEvent:
			if held.Err != nil {
				if src == nil || !src.truncated || w.Part().EndOffset < base+src.given {
					c.mimeProblem(&held)
				}
				held.Err = nil
			}
		case mimewalk.ProblemEvent:
			pr := w.Problem()
			if pr.Err == mimewalk.ErrUnterminated || pr.Err == mimewalk.ErrNoDelimiter {
				held = *pr
				continue
			}
			c.mimeProblem(pr)
		}
	}
}

func (c *checker) mimeProblem(pr *mimewalk.Problem) {
	switch pr.Err {
	case mimewalk.ErrNoBoundary:
		if c.want(rMIMEStructure, Error, pr.Line) {
			c.say(quote(c.lastType) + " has no boundary parameter")
		}
	case mimewalk.ErrInvalidBoundary:
		if c.want(rMIMEParams, Warning, pr.Line) {
			c.say("boundary " + quoteString(pr.Boundary) + " is not 1 to 70 " +
				"characters of the RFC 2046 set")
		}
	case mimewalk.ErrBoundaryReused:
		if c.want(rMIMEStructure, Error, pr.Line) {
			c.say("nested multipart reuses the boundary of the multipart " +
				"at line " + strconv.Itoa(pr.Ref))
		}
	case mimewalk.ErrNoParts:
		if c.want(rMIMEStructure, Error, pr.Line) {
			c.say("multipart has no parts")
		}
	case mimewalk.ErrNoDelimiter:
		if c.want(rMIMEStructure, Error, pr.Line) {
			c.say("boundary " + quoteString(pr.Boundary) + " never occurs")
		}
	case mimewalk.ErrUnterminated:
		if c.want(rMIMEUnterminated, Warning, pr.Line) {
			c.say("multipart with boundary " + quoteString(pr.Boundary) +
				" has no closing delimiter")
		}
	default: // a part header over MaxPartHeaderBytes (a *rawheader.LimitError)
		if c.want(rMIMELimit, Warning, pr.Line) {
			c.say("part header is larger than " + strconv.Itoa(MaxPartHeaderBytes) +
				" bytes; the rest of it was not checked")
		}
	}
}

// mimeLimit reports the limit that ended the walk.
func (c *checker) mimeLimit(le *mimewalk.LimitError) {
	if !c.want(rMIMELimit, Warning, le.Line) {
		return
	}
	switch le.Err {
	case mimewalk.ErrBoundaryTooLong:
		c.say("boundary is too long to follow; the MIME tree was not walked further")
	case mimewalk.ErrTooDeep:
		c.say("multiparts are nested more than " + strconv.Itoa(MaxMIMEDepth) +
			" deep; the MIME tree was not walked further")
	default:
		c.say("message has more than " + strconv.Itoa(MaxMIMEParts) +
			" MIME parts; the rest was not walked")
	}
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

// parseParams reads a Content-Type or Content-Disposition value leniently: the leading type, and
// the boundary, filename and name parameters (RFC 2045, RFC 2231 extended values and continuations
// in any charset, RFC 2047 encoded-words in quoted names).
func (c *checker) parseParams(v []byte) params {
	var p params
	var plain [2]string
	var havePlain [2]bool
	segs := c.segs[:0]
	var ps mimewalk.ParamScanner
	ps.Reset(v)
	p.typ = ps.Type()
	for ps.Next() {
		attr := ps.Attr()
		want := equalFold(attr, "boundary") || equalFold(attr, "filename") || equalFold(attr, "name") ||
			hasPrefixFold(attr, "filename*") || hasPrefixFold(attr, "name*")
		if !want {
			continue
		}
		var val string
		if raw := ps.Value(); ps.Quoted() && bytes.ContainsAny(raw, "\\\r\n") {
			val = string(mimewalk.AppendUnquoted(make([]byte, 0, len(raw)), raw))
		} else {
			val = string(raw)
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
	switch bad := ps.Bad(); bad.Kind {
	case mimewalk.BadSeparator:
		p.bad = "unexpected " + quote(bad.Text) + " where ';' was expected"
	case mimewalk.BadNoValue:
		p.bad = "parameter " + quote(bad.Text) + " has no value"
	case mimewalk.BadUnterminated:
		p.bad = "unterminated quoted string"
	}
	c.segs = segs
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
