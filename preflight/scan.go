package preflight

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/mimewalk"
	"github.com/sesraw/sesraw/sesrules"
)

// checker holds the state of one check. Lines are scanned once, in order; the header block is
// buffered (or aliased, when it arrives in one piece), the body is not.
type checker struct {
	opts Options

	out      []Finding
	n        [numRules]int      // findings reported per rule, emitted or not
	moreLine [numRules]int      // line of the first finding not emitted
	moreSev  [numRules]Severity // highest severity among findings not emitted
	pending  Finding            // the finding want accepted last

	// line scanner
	line    int   // number of the current line, 1-based
	lineLen int64 // bytes of the current line seen so far, terminator excluded
	prevCR  bool  // the last byte seen of the current line is CR
	crs     int64 // CR bytes in the current line
	hi      bool  // the current line has a byte >= 0x80

	inHeader bool
	hdr      []byte // header block bytes, when it arrives in pieces
	hdrOver  bool

	top topState

	// MIME: the walker, and what entity tells it
	mw        mimewalk.Reader
	multipart bool   // the message's Content-Type is multipart/*: walk its body
	lastType  []byte // media type of the last multipart entity checked
	segs      []paramSeg
	typeBuf   [64]byte
	src       bodySource // CheckReader's
}

func newChecker(opts *Options) *checker {
	c := &checker{line: 1, inHeader: true}
	c.lastType = c.typeBuf[:0]
	if opts != nil {
		c.opts = *opts
	}
	return c
}

// want records one finding of rule r and reports whether it is to be emitted (the rule's cap is
// not reached); only then does the caller build the message and pass it to say.
func (c *checker) want(r int, sev Severity, line int) bool {
	c.n[r]++
	if c.n[r] <= perRuleCap(r) {
		c.pending = Finding{Rule: catalogue[r].ID, Severity: sev, Line: line}
		return true
	}
	if c.n[r] == perRuleCap(r)+1 {
		c.moreLine[r] = line
	}
	if sev > c.moreSev[r] {
		c.moreSev[r] = sev
	}
	return false
}

// say emits the finding want accepted last, with message msg.
func (c *checker) say(msg string) {
	f := c.pending
	f.Message = msg
	c.out = append(c.out, f)
}

// writeHeader feeds the next bytes of the header block; once its empty line is among them, it
// checks the header block and returns how many bytes of p were the header's. hb is then the
// header block as kept (aliasing p when it arrived in one piece).
func (c *checker) writeHeader(p []byte) (n int, hb []byte) {
	n, done := c.scanLines(p, true)
	if !done {
		c.bufferHeader(p)
		return n, nil
	}
	if len(c.hdr) == 0 && !c.hdrOver && n <= MaxHeaderBytes {
		hb = p[:n] // the whole header block is in p: use it in place
	} else {
		c.bufferHeader(p[:n])
		hb = c.headerKept()
	}
	c.endHeader(hb)
	return n, hb
}

// headerKept returns the buffered header block; when it was cut at MaxHeaderBytes, without the
// partial line at the cut, so that a cut value (a boundary, an ARN) is not checked as if whole.
func (c *checker) headerKept() []byte {
	if c.hdrOver {
		if i := bytes.LastIndexByte(c.hdr, '\n'); i >= 0 {
			return c.hdr[:i+1]
		}
	}
	return c.hdr
}

func (c *checker) bufferHeader(p []byte) {
	if c.hdrOver {
		return
	}
	if room := MaxHeaderBytes - len(c.hdr); len(p) > room {
		c.hdr = append(c.hdr, p[:room]...)
		c.hdrOver = true
		if c.want(rHeaderTooLarge, Error, 0) {
			c.say("header block is larger than " + strconv.Itoa(MaxHeaderBytes) + " bytes; only its first " +
				strconv.Itoa(MaxHeaderBytes) + " bytes were checked, and sesraw's readers refuse the message")
		}
		return
	}
	c.hdr = append(c.hdr, p...)
}

// scanLines scans p line by line. In header mode it stops after the empty line that ends the header
// block and returns how many bytes it consumed and true; otherwise it consumes all of p.
func (c *checker) scanLines(p []byte, header bool) (int, bool) {
	off := 0
	for off < len(p) {
		rest := p[off:]
		i := bytes.IndexByte(rest, '\n')
		seg := rest
		if i >= 0 {
			seg = rest[:i]
		}
		if len(seg) > 0 {
			crs, hi := scanSeg(seg)
			c.crs += int64(crs)
			c.hi = c.hi || hi && !header
		}
		if i < 0 {
			// The line continues in the next write.
			c.lineLen += int64(len(seg))
			c.prevCR = seg[len(seg)-1] == '\r'
			return len(p), false
		}
		crlf := (len(seg) > 0 && seg[len(seg)-1] == '\r') || (len(seg) == 0 && c.prevCR)
		full := c.lineLen + int64(len(seg))
		if crlf {
			full--
		}
		off += i + 1
		blank := full == 0
		c.endLine(full, true, crlf, header)
		if header && blank {
			c.inHeader = false
			return off, true
		}
	}
	return off, false
}

// endLine finishes the current line: full is its length before the terminator.
func (c *checker) endLine(full int64, terminated, crlf, header bool) {
	line := c.line
	if full > 998 && c.want(rLineLength, Error, line) {
		c.say("line is " + strconv.FormatInt(full, 10) +
			" octets long; SES allows at most 998 before CRLF")
	}
	if terminated && !crlf && c.want(rBareLF, Warning, line) {
		c.say("line ends in a bare LF; mail lines end in CRLF")
	}
	bare := c.crs
	if crlf {
		bare--
	}
	if bare > 0 && c.want(rBareCR, Warning, line) {
		c.say("line has a CR not followed by LF")
	}
	if c.hi && c.want(rBody8bit, Warning, line) {
		c.say("body has non-ASCII bytes; SES does not preserve 8-bit " +
			"content when it modifies a message: use quoted-printable or base64")
	}
	c.line++
	c.lineLen, c.crs, c.prevCR, c.hi = 0, 0, false, false
}

// finish completes the check: size is the message size (a lower bound when truncated).
func (c *checker) finish(size int64, truncated bool) []Finding {
	if truncated && c.prevCR {
		c.crs-- // the cut may have fallen between CR and LF
	}
	if c.lineLen > 0 {
		c.endLine(c.lineLen, false, false, c.inHeader)
	}
	if c.inHeader {
		if !truncated {
			if c.want(rNoSeparator, Error, 0) {
				c.say("message has no empty line separating the header from the body")
			}
		}
		c.inHeader = false
		hb := c.headerKept()
		c.endHeader(hb)
		if c.multipart && !truncated {
			c.mw.ResetBodyBytes(hb, nil, mimeOptions) // no body: its boundary never occurs
			c.walkMIME(nil, 0)
		}
	}
	c.checkSize(size, truncated)
	if truncated {
		if c.want(rInputTruncated, Warning, 0) {
			c.say("input is larger than MaxBytes (" + strconv.FormatInt(size, 10) +
				" bytes); the rest was not checked")
		}
	}
	for r := range numRules {
		if more := c.n[r] - perRuleCap(r); more > 0 {
			c.out = append(c.out, Finding{Rule: catalogue[r].ID, Severity: c.moreSev[r], Line: c.moreLine[r],
				Message: strconv.Itoa(more) + " more " + catalogue[r].ID + " findings, the first at line " +
					strconv.Itoa(c.moreLine[r])})
		}
	}
	slices.SortFunc(c.out, compareFindings)
	return c.out
}

func compareFindings(a, b Finding) int {
	if a.Line != b.Line {
		if a.Line < b.Line {
			return -1
		}
		return 1
	}
	if d := strings.Compare(a.Rule, b.Rule); d != 0 {
		return d
	}
	if d := strings.Compare(a.Message, b.Message); d != 0 {
		return d
	}
	return int(a.Severity) - int(b.Severity)
}

func (c *checker) checkSize(size int64, truncated bool) {
	v1 := sesrules.TargetV1.MaxBytes()
	if size <= v1 {
		return
	}
	more := "is " + strconv.FormatInt(size, 10) + " bytes"
	if truncated {
		more = "is larger than " + strconv.FormatInt(size, 10) + " bytes"
	}
	switch t := c.opts.Target; t {
	case TargetV1:
		if c.want(rSize, Error, 0) {
			c.say("message " + more + "; the SES v1 API accepts at most " + strconv.FormatInt(v1, 10) + " (10 MiB)")
		}
	case TargetV2, TargetSMTP, TargetAny:
		limit := "the SES v2 API accepts at most"
		if t == TargetSMTP {
			limit = "the SES SMTP interface accepts at most"
		} else if t == TargetAny {
			limit = "no SES API accepts more than"
		}
		max := t.Limit()
		switch {
		case size > max:
			if c.want(rSize, Error, 0) {
				c.say("message " + more + "; " + limit + " " + strconv.FormatInt(max, 10) + " bytes (40 MiB)")
			}
		case size > 40_000_000:
			if c.want(rSize, Warning, 0) {
				c.say("message " + more + "; SES documents 40 MB, read here as 40 MiB " +
					"(unconfirmed): stay under 40000000 to be safe")
			}
		case t == TargetAny && size > v1:
			if c.want(rSize, Warning, 0) {
				c.say("message " + more + "; too large for the SES v1 API (10 MiB), " +
					"fine for v2 and SMTP")
			}
		}
	}
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	crs8  = ones * '\r'
)

// scanSeg counts the CR bytes of seg and reports whether it has a byte >= 0x80, eight bytes at a
// time: a word without CR and high bytes is skipped with a few operations.
func scanSeg(seg []byte) (crs int, hi bool) {
	for len(seg) >= 8 {
		w := binary.LittleEndian.Uint64(seg)
		x := w ^ crs8 // a zero byte where w has CR
		if (w|(x-ones)&^x)&highs != 0 {
			for _, b := range seg[:8] {
				if b == '\r' {
					crs++
				} else if b >= 0x80 {
					hi = true
				}
			}
		}
		seg = seg[8:]
	}
	for _, b := range seg {
		if b == '\r' {
			crs++
		} else if b >= 0x80 {
			hi = true
		}
	}
	return crs, hi
}

// hasHigh reports whether b has a byte >= 0x80.
func hasHigh(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&highs != 0 {
			return true
		}
		b = b[8:]
	}
	for _, x := range b {
		if x >= 0x80 {
			return true
		}
	}
	return false
}

// quote formats input for a finding message: Go-quoted (printable ASCII only) and at most 80
// bytes of it.
func quote(b []byte) string {
	if len(b) > 80 {
		return strconv.QuoteToASCII(string(b[:80])) + "..."
	}
	return strconv.QuoteToASCII(string(b))
}

func quoteString(s string) string {
	if len(s) > 80 {
		return strconv.QuoteToASCII(s[:80]) + "..."
	}
	return strconv.QuoteToASCII(s)
}
