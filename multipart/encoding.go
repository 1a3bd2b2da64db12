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
	// noEq and noDEL: data holds no '=' (false also when not looked for: with a DEL, scan does
	// not search for '=') and no DEL, for qpEncoder's fields of the same names.
	noEq, noDEL bool
}

// scan reads data once and returns what the choice of encoding needs together with the exact
// size of its quoted-printable encoding, so a quoted-printable leaf is sized in the same pass that
// chooses its encoding and encoded once, when written. eqUnder is looked for (one fast search)
// only when the rest allows 7bit, the one choice it decides.
//
// The size comes a line at a time, from its width w (one column per octet, three per escape):
// every segment that a soft break ends takes 73 to 75 columns (it ends when the next octet, at
// most three columns wide, does not fit by column 75) and the last one at most 76, so w alone
// gives the number of soft breaks when only one number fits it (qpSoftBreaks): for every line up
// to 149 columns, and most wider ones. Only the others, and lines with soft breaks that end in
// whitespace (whose escape depends on the last column), are laid out octet by octet as
// qpEncoder.encode does (qpLayout, at most once per line). TestQPSoftBreaksByWidth,
// TestQPMatchesReference and FuzzQPEncode hold the result to the encoding and to the previous
// scan (refScan). So the pass that finds a line's end and counts its escapes keeps no column.
func scan(data []byte, crlf bool) dataScan {
	var s dataScan
	n := len(data)
	z := qpSizer{crlf: crlf}
	// Without DEL, the stretches of data before each '=' (found with bytes.IndexByte) go
	// through plainLines, whose words need fewer operations; lines takes the lines around it.
	plain := bytes.IndexByte(data, 0x7f) < 0
	eq := n // where the next '=' is, once i <= eq
	if plain {
		eq = qpIndex(data, 0, n, '=')
		s.noDEL, s.noEq = true, eq == n
	}
	dense := 0 // searches in a row that found a '=' within 128 octets
	for i := 0; ; {
		if plain && eq < i {
			eq = qpIndex(data, i, n, '=')
			// Where '=' come every few lines (attributes in HTML), lines takes all
			// the rest: the stretches between them are too short to gain from.
			dense++
			if eq-i >= 128 {
				dense = 0
			}
			plain = dense < 4
		}
		if plain {
			// plainLines stops where fewer than sixteen octets are left before the '='
			// (or the end); lines takes them, the line that holds the '=', and the lines
			// that end within 1024 octets after it: where '=' are near one another,
			// plainLines would take little between them.
			i = z.plainLines(data[:eq], i)
			i = z.lines(data, i, eq+1024)
		} else {
			i = z.lines(data, i, n)
		}
		if i == n {
			break
		}
		// A control lines does not take (TAB, NUL, a bare CR or LF, a line break among the
		// last seven octets), or where lines stopped after 255 words of one line (then, rarely,
		// one of the last seven octets).
		switch c := data[i]; {
		case c == '\n' && crlf:
			z.lineEnd(data, i, 1)
			i++
			continue
		case c == '\r' && i+1 < n && data[i+1] == '\n':
			z.lineEnd(data, i, 2)
			i += 2
			continue
		case c >= 0x20:
			if i+8 <= n {
				continue
			}
			if qpTab[c]>>24 != 1 {
				z.lineEsc++
			}
		case c == '\t':
		case c == '\r' || c == '\n':
			s.bare = true
			z.lineEsc++
		case c == 0:
			s.nul = true
			z.lineEsc++
		default:
			z.lineEsc++
		}
		i++
	}
	z.lineEnd(data, n, 0)
	s.bare = s.bare || z.bare
	s.nul = s.nul || z.nul
	s.outLen = int64(n + z.lfs)
	s.maxLine = z.maxLine
	s.nonASCII = hasNonASCII(data)
	s.qpExtra = 2 * z.esc
	s.qpLen = s.outLen + s.qpExtra + z.extra
	if !s.nonASCII && !s.nul && !s.bare && s.maxLine <= qpLineMax {
		s.eqUnder = bytes.Contains(data, []byte("=_"))
	}
	return s
}

// qpSizer holds what scan counts, a line at a time.
type qpSizer struct {
	crlf    bool
	start   int   // where the current line starts
	lineEsc int   // octets of the current line written as escapes, so far
	esc     int64 // octets written as escapes, in the lines ended so far
	extra   int64 // soft breaks, and whitespace before a line break or the end made an escape
	lfs     int   // bare LFs of text, written CRLF
	maxLine int   // longest line, octets without the line break
	bare    bool  // plainLines met a CR or LF outside a line break
	nul     bool  // plainLines met a NUL
}

// lineEnd ends the current line at p[i], where a line break of brk octets starts (CRLF 2, a
// bare LF of text 1; 0 at the end of p), and sizes its soft breaks and whitespace escape.
func (z *qpSizer) lineEnd(p []byte, i, brk int) {
	octets := i - z.start
	z.maxLine = max(z.maxLine, octets)
	col := octets + 2*z.lineEsc // the line's width, and its last column when it needs no soft break
	ws := false
	if octets > 0 {
		c := p[i-1]
		ws = c == ' ' || c == '\t'
	}
	breaks, ok := qpSoftBreaks(col)
	if !ok || ws && breaks > 0 {
		breaks, col = qpLayout(p[z.start:i], z.crlf)
	}
	z.extra += 3 * int64(breaks)
	if ws {
		z.extra += qpFixWSExtra(col)
	}
	z.esc += int64(z.lineEsc)
	z.lineEsc = 0
	if brk == 1 {
		z.lfs++
	}
	z.start = i + brk
}

// sizeLine ends the line p[z.start:pos], esc of whose octets are escapes, at a line break of brk
// octets (CRLF 2, a bare LF of text 1). When the line is at most 149 columns wide and does not end
// in whitespace its soft breaks are certain (see scan) and it is sized here; otherwise lineEnd lays
// it out. lines and plainLines end their lines through it.
func (z *qpSizer) sizeLine(p []byte, pos, brk, esc int) {
	octets := pos - z.start
	if w := octets + 2*esc; w <= qpLineMax-3+qpLineMax && (octets == 0 || p[pos-1] != ' ' && p[pos-1] != '\t') {
		if w > qpLineMax {
			z.extra += 3
		}
		z.maxLine = max(z.maxLine, octets)
		z.esc += int64(esc)
		z.lineEsc = 0
		z.lfs += 2 - brk
		z.start = pos + brk
		return
	}
	z.lineEsc = esc
	z.lineEnd(p, pos, brk)
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

// lines reads p from i two words of eight octets a round, adding the escape flags of each line's
// octets to per-lane counts (summed at the line's end), and ends the lines it meets (CRLF, or with
// crlf a bare LF): those of at most 149 columns that do not end in whitespace itself, the others
// through lineEnd. The last octets (fewer than eight) it reads one at a time. It returns where it
// stopped: at another control, at the end of p, where a line has taken 255 words (a lane's
// count holds 255; scan calls it again), or after the first line break that ends past stop. It is a function of its own, not inlined, so that its
// loop has the registers to itself.
//
//go:noinline
func (z *qpSizer) lines(p []byte, i, stop int) int {
	var acc uint64 // escapes per byte lane: at most one per word
	lim := min(len(p), i+8*255)
	for {
		var e, spec uint64
		for ; i+16 <= lim; i += 16 {
			w := (*[16]byte)(p[i : i+16])
			e, spec = qpClassifyLoads(binary.LittleEndian.Uint64(w[:8]))
			if spec != 0 {
				goto control
			}
			acc += e >> 7
			e, spec = qpClassifyLoads(binary.LittleEndian.Uint64(w[8:]))
			if spec != 0 {
				i += 8
				goto control
			}
			acc += e >> 7
		}
		if i+8 > lim {
			z.lineEsc += laneSum(acc)
			if lim == len(p) {
				// The last octets, fewer than eight, up to a control.
				for ; i < len(p) && p[i] >= 0x20; i++ {
					z.lineEsc += int(qpTab[p[i]]>>24) >> 1 // 1 for an escape (3), 0 for 1
				}
			}
			return i
		}
		e, spec = qpClassifyLoads(binary.LittleEndian.Uint64(p[i : i+8]))
		if spec == 0 {
			acc += e >> 7
			i += 8
			continue
		}
	control:
		k := bits.TrailingZeros64(spec) >> 3 // the lanes before the control
		acc += e >> 7 & (1<<(8*k) - 1)
		i += k
		brk := 1
		if c := p[i]; !(c == '\n' && z.crlf) {
			if !(c == '\r' && i+1 < len(p) && p[i+1] == '\n') {
				z.lineEsc += laneSum(acc)
				return i
			}
			brk = 2
		}
		z.sizeLine(p, i, brk, z.lineEsc+laneSum(acc))
		i += brk
		if i > stop {
			return i
		}
		acc = 0
		lim = min(len(p), i+8*255)
	}
}

// plainLines is lines for a stretch p[i:] that holds no '=' and no DEL, so that a word's escapes
// are its octets above 0x7F and only its controls need a test. It reads sixteen octets a round
// and ends the lines it meets without leaving the rounds: the octets after a line break are the
// next line's, so where the next round starts never waits on where a line ended. The other
// controls it takes in place too (TAB one column, the rest escapes). It returns where fewer than
// sixteen octets are left (lines takes them, with the line that holds the '=' after them).
//
//go:noinline
func (z *qpSizer) plainLines(p []byte, i int) int {
	p = p[:len(p):len(p)]
	var acc uint64 // escapes per byte lane: at most two a round, 127 rounds between sums
	lim := min(len(p), i+16*127)
	for {
		var a, b uint64
		for ; i+16 <= lim; i += 16 {
			w := (*[16]byte)(p[i : i+16])
			a = binary.LittleEndian.Uint64(w[:8])
			b = binary.LittleEndian.Uint64(w[8:])
			// qpClassifyPlain's test and escapes, written out with the constants as
			// immediates: through qpClassifyPlain (qpSpaces read from memory) this function
			// took 19 % more instructions (counted, Latin-1).
			if ((a-0x20*lsb8)&^a|(b-0x20*lsb8)&^b)&msb8 != 0 {
				goto control
			}
			acc += a>>7&lsb8 + b>>7&lsb8
		}
		z.lineEsc += laneSum(acc)
		if lim == len(p) {
			return i
		}
		acc = 0
		lim = min(len(p), i+16*127)
		continue
	control:
		{
			// The same flags as the test above, per word (qpClassifyPlain's ctl): every
			// control's lane, and the lane after a control when it holds SP (borrowed
			// from); so when there is one flag in the round, it is the round's one control.
			fa, fb := (a-0x20*lsb8)&^a&msb8, (b-0x20*lsb8)&^b&msb8
			if x := fa>>7 | fb>>6; x&(x-1) == 0 && z.crlf {
				// One control, the common line end when it is an LF of text that needs at
				// most one soft break and no whitespace escape. Without a branch on which
				// word holds it: the lanes before it are those of the 128-bit fb:fa minus 1.
				ma, borrow := bits.Sub64(fa>>7, 1, 0)
				mb, _ := bits.Sub64(fb>>7, 0, borrow)
				ea, eb := a>>7&lsb8, b>>7&lsb8
				before := ea&ma + eb&mb
				pos := i + (bits.TrailingZeros64(fa)+bits.TrailingZeros64(fb)&int(-borrow))>>3
				esc := z.lineEsc + laneSum(acc+before)
				octets := pos - z.start
				if w := octets + 2*esc; p[pos] == '\n' && w <= qpLineMax-3+qpLineMax && (octets == 0 || p[pos-1] != ' ' && p[pos-1] != '\t') {
					z.extra += int64(3 & ((qpLineMax - w) >> 63)) // a soft break past 76 columns
					z.maxLine = max(z.maxLine, octets)
					z.esc += int64(esc)
					z.lineEsc = 0
					z.lfs++
					z.start = pos + 1
					acc = ea + eb - before // the next line's, after the LF
					i += 16
					continue
				}
			}
			// The controls of the round in order, word by word: line breaks end their
			// lines, TAB is one column, the others are escapes.
			base := i
			i += 16
			c, e := qpControls(a), a>>7&lsb8
			skip := uint64(0)
			for half := 0; ; half++ {
				for c != 0 {
					low := c & -c // the control's top bit
					pos := base + bits.TrailingZeros64(c)>>3
					before := low>>7 - 1 // the word's lanes before it
					after := -(low << 1) // and after it
					brk := 1
					if ch := p[pos]; ch != '\n' || !z.crlf {
						if ch != '\r' || pos+1 >= len(p) || p[pos+1] != '\n' {
							// TAB is one column, as any octet written as it is;
							// the other controls are escapes (a bare CR or LF, NUL).
							if ch != '\t' {
								e |= low >> 7
								z.bare = z.bare || ch == '\r' || ch == '\n'
								z.nul = z.nul || ch == 0
							}
							c &= after
							continue
						}
						brk = 2
						after = -(low << 9) // after the LF: none when it is the next word's
						if low == 1<<63 {
							if half == 0 {
								skip = 0x80 // the LF is b's first octet
							} else {
								i = pos + 2 // the LF starts the next round: skip it
							}
						}
					}
					z.sizeLine(p, pos, brk, z.lineEsc+laneSum(acc+e&before))
					acc = 0
					c &= after
					e &= after
				}
				acc += e
				if half == 1 {
					break
				}
				base += 8
				c, e = qpControls(b)&^skip, b>>7&lsb8
			}
		}
	}
}

// qpControls flags the ASCII controls (below 0x20) among the eight octets of v: the top bit of
// each such byte lane. Exact per lane: adding 0x60 to a lane's low seven bits carries into its
// top bit from 0x20 up, and never into the next lane.
func qpControls(v uint64) uint64 { return ^((v&^msb8 + 0x60*lsb8) | v) & msb8 }

// qpClassifyConsts are qpClassify's constants, for qpClassifyLoads; never written.
var qpClassifyConsts = [...]uint64{0x7f * lsb8, 0x60 * lsb8, '=' * lsb8, lsb8, msb8}

// qpClassifyLoads is qpClassify with its constants read from memory. The compiler writes a
// 64-bit constant into the instruction stream at each use (six per word in qpClassify), which in
// the word loop of qpSizer.lines take ALU slots from the arithmetic; loads use the load ports.
// That loop alone ran 1.35 times as fast with them, the whole scan 1.06 times. TestQPClassifyLoads
// holds it to qpClassify.
func qpClassifyLoads(v uint64) (esc, spec uint64) {
	k := &qpClassifyConsts
	lo := v & k[0]
	spec = ^((lo + k[1]) | v) & k[4]
	t := (lo ^ k[2]) + k[0]
	esc = (v | (lo + k[3]) | ^t) & k[4]
	return esc, spec
}

// laneSum returns the sum of the eight byte lanes of v.
func laneSum(v uint64) int {
	const lo16 = 0x00ff00ff00ff00ff
	v = v&lo16 + v>>8&lo16                   // four 16-bit lanes
	return int(v * 0x0001000100010001 >> 48) // summed into the top one
}

// qpSoftBreaks returns the number of soft breaks of a line w columns wide, and whether its width
// alone decides it. A line of at most 76 columns has none. Otherwise every segment before a soft
// break ends by column 75 and at column 73 or after (the octet that did not fit is at most three
// columns wide), and the last one ends by column 76: k soft breaks are certain when
// 75k + 2 <= w (k-1 breaks would leave more than 76 columns) and w <= 73k + 76 (k breaks leave
// at most 76).
func qpSoftBreaks(w int) (int, bool) {
	const seg, minSeg = qpLineMax - 1, qpLineMax - 3
	switch {
	case w <= qpLineMax:
		return 0, true
	case w <= minSeg+qpLineMax:
		return 1, true
	}
	k := uint(w-qpLineMax+minSeg-1) / minSeg // the fewest breaks that can leave at most 76
	return int(k), uint(w) >= seg*k+2
}

// qpLayout lays out one line (without its line break, which it does not hold) exactly as
// qpEncoder.encode does, and returns its soft breaks and the column where it ends: a word of
// eight octets at a time when it holds no control and ends by column 75; otherwise the lanes
// before its first control, as many as fit, and a soft break if not all did (the last octet of a
// line may take column 76); controls (TAB, and escapes) and the last octets one at a time.
func qpLayout(line []byte, crlf bool) (breaks, col int) {
	i := 0
	for i+8 <= len(line) {
		e, spec := qpClassify(binary.LittleEndian.Uint64(line[i : i+8]))
		// spec is 0 or has a lane's top bit set: one comparison tests both.
		if w := col + qpWordWidth(e); spec|uint64(w) <= qpLineMax-1 {
			col = w
			i += 8
			continue
		}
		m := e >> 7
		n := 8
		if spec != 0 {
			n = bits.TrailingZeros64(spec) >> 3
			m &= 1<<(8*n) - 1
		}
		if n > 0 {
			_, w, take := qpLanes(m, n, col)
			if qpLanesOverflow(take, n, col+w, line, i+n, crlf) {
				breaks++
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
		breaks, col = qpLayoutOctet(line, i, breaks, col, crlf)
		i++
	}
	for ; i < len(line); i++ {
		breaks, col = qpLayoutOctet(line, i, breaks, col, crlf)
	}
	return breaks, col
}

// qpLayoutOctet lays out line[i], one octet (TAB is one column, other controls escapes, as CR and
// LF are inside a line), for qpLayout.
func qpLayoutOctet(line []byte, i, breaks, col int, crlf bool) (int, int) {
	w := int(qpTab[line[i]] >> 24)
	if w != 1 {
		w = 3
	}
	if qpOverflows(col+w, line, i+1, crlf) {
		breaks++
		col = 0
	}
	return breaks, col + w
}

// qpWordWidth returns the output width of a word of eight octets without controls whose escapes
// qpClassify flagged in esc: eight columns, and two more per escape.
func qpWordWidth(esc uint64) int { return 8 + 2*laneCount(esc>>7) }

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
		n.noEq, n.noDEL = s.noEq, s.noDEL
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
		n.term = true
		if n.size >= 0 {
			n.size += 2
		}
	}
}
