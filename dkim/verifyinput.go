package dkim

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sesraw/sesraw/rawheader"
)

// Limits of verification. The verifier underneath (go-msgauth) grows a folded header field by
// string concatenation and looks each h= entry up by rescanning the whole header, so on hostile
// input its work grows with the square of the header's size. Verify therefore never hands it the
// message as it came: it first reads the header block itself, in one linear pass and within these
// limits, and passes on only what verification reads (see verifyInput). A message over a limit is
// refused with a *LimitError before go-msgauth sees a byte of it. Verify also keeps the header
// grammar's limits on fields and on lines per field (rawheader.DefaultMaxFields and
// DefaultMaxFieldLines), so it refuses what inspect, strip and Sign refuse.
const (
	// MaxVerifyHeaderBytes bounds the header block Verify reads, line ends included. Real header
	// blocks are a few KiB; the largest in the 591-message test corpus is 213 KB.
	MaxVerifyHeaderBytes = rawheader.DefaultMaxBytes
	// MaxHeaderKeys bounds the h= entries of one DKIM-Signature. Real signatures name a dozen or
	// two fields (at most 16 in the test corpus); Sign never writes more.
	MaxHeaderKeys = 64
	// MaxSimpleFoldLines bounds the continuation lines of one field that a signature with simple
	// header canonicalization covers. Under relaxed canonicalization (sesraw's default) a signed
	// field's folding does not matter to the hash, so Verify unfolds it and no such bound applies.
	MaxSimpleFoldLines = 128
)

// ErrLimit: a message is over one of the documented limits of Verify or Sign. A *LimitError
// gives the numbers.
var ErrLimit = errors.New("dkim: message over a limit")

// LimitError reports a message over a documented limit of this package. It wraps ErrLimit.
type LimitError struct {
	What  string // what was counted, e.g. "header bytes", "h= entries of signature 1"
	Limit int    // the limit
	Got   int    // what the message has (for byte counts: at least this much)
}

func (e *LimitError) Error() string {
	return "dkim: " + e.What + ": " + strconv.Itoa(e.Got) + ", over the limit of " + strconv.Itoa(e.Limit)
}

// Unwrap returns ErrLimit.
func (e *LimitError) Unwrap() error { return ErrLimit }

// vField is one header field as go-msgauth reads it: raw[start:end] holds its lines, line ends
// between them included, the last line's end excluded.
type vField struct {
	start, end int
	folds      int    // continuation lines
	key        string // fold key of the name (see foldKey), as go-msgauth compares names
	colonAt1   bool   // the colon is on the first line (so unfolding cannot touch the name)
	keep       bool
	simple     bool // covered by a signature with simple header canonicalization
}

// appendLines appends the field's lines to dst, joined with CRLF as go-msgauth joins them, or
// with nothing between them when unfold is set.
func (f *vField) appendLines(dst, raw []byte, unfold bool) []byte {
	b := raw[f.start:f.end]
	for {
		k := bytes.IndexByte(b, '\n')
		if k < 0 {
			return append(dst, b...)
		}
		line := b[:k]
		if k > 0 && line[k-1] == '\r' {
			line = line[:k-1]
		}
		dst = append(dst, line...)
		if !unfold {
			dst = append(dst, '\r', '\n')
		}
		b = b[k+1:]
	}
}

// text returns the field as go-msgauth holds it: lines joined with CRLF.
func (f *vField) text(raw []byte) string {
	return string(f.appendLines(nil, raw, false))
}

// vSig is what Verify needs of one DKIM-Signature field.
type vSig struct {
	field                       int // index in the fields
	domain, selector, algorithm string
	relaxed                     bool           // header canonicalization is relaxed
	counts                      map[string]int // h= entries per fold key
}

// verifyInput reads raw's header block the way go-msgauth reads it (lines split at LF, a CR
// before the LF dropped, a line beginning with SP or HTAB continuing the field above, the first
// empty line ending the block) and returns a message that verifies exactly as raw does but
// costs go-msgauth linear work:
//   - only the first limit DKIM-Signature fields (limit <= 0: all) are kept, and of every other
//     name only as many instances, bottom-up, as the signatures' h= lists name it (go-msgauth
//     picks instances bottom-up, so the others can never reach a hash);
//   - a kept field that only relaxed-canonicalization signatures read is unfolded (its line ends
//     removed, the leading white space of each continuation line kept): relaxed canonicalization
//     treats CR and LF as white space and compresses runs of it, so the hash is the same;
//   - the body is passed on untouched.
//
// It returns the signatures it kept, in order, and whether there were more than limit. A message
// without the empty line that ends a header block gets no signatures (go-msgauth refuses it).
func verifyInput(raw []byte, limit int) (out []byte, sigs []vSig, tooMany, ended bool, err error) {
	var fields []vField
	pos := 0
	for pos < len(raw) {
		end, next := len(raw), len(raw)
		if k := bytes.IndexByte(raw[pos:], '\n'); k >= 0 {
			end, next = pos+k, pos+k+1
			if end > pos && raw[end-1] == '\r' { // bufio.Reader.ReadLine drops "\n" or "\r\n", not a lone final "\r"
				end--
			}
		}
		if next > MaxVerifyHeaderBytes {
			return nil, nil, false, false, &LimitError{What: "header bytes", Limit: MaxVerifyHeaderBytes, Got: next}
		}
		if end == pos {
			pos = next
			ended = true
			break
		}
		if len(fields) > 0 && (raw[pos] == ' ' || raw[pos] == '\t') {
			f := &fields[len(fields)-1]
			f.end = end
			if f.folds++; f.folds >= rawheader.DefaultMaxFieldLines {
				return nil, nil, false, false, &LimitError{What: "lines of one header field", Limit: rawheader.DefaultMaxFieldLines, Got: f.folds + 1}
			}
		} else {
			if len(fields) == rawheader.DefaultMaxFields {
				return nil, nil, false, false, &LimitError{What: "header fields", Limit: rawheader.DefaultMaxFields, Got: len(fields) + 1}
			}
			fields = append(fields, vField{start: pos, end: end})
		}
		pos = next
	}
	body := raw[pos:]
	if !ended {
		return raw, nil, false, false, nil
	}

	// Names and signatures.
	var sigIdx []int
	for i := range fields {
		f := &fields[i]
		var name string
		first := raw[f.start:f.end]
		if k := bytes.IndexByte(first, '\n'); k >= 0 {
			first = first[:k]
		}
		if c := bytes.IndexByte(first, ':'); c >= 0 {
			f.colonAt1 = true
			name = string(first[:c])
		} else {
			name, _, _ = strings.Cut(f.text(raw), ":")
		}
		f.key = foldKey(strings.TrimSpace(name))
		if f.key == "DKIM-SIGNATURE" {
			sigIdx = append(sigIdx, i)
		}
	}
	if limit > 0 && len(sigIdx) > limit {
		tooMany = true
		sigIdx = sigIdx[:limit]
	}
	need := map[string]int{}
	needSimple := map[string]int{}
	for n, i := range sigIdx {
		f := &fields[i]
		f.keep = true
		s := parseVerifySig(f.text(raw))
		s.field = i
		if len(s.counts) > 0 {
			total := 0
			for _, c := range s.counts {
				total += c
			}
			if total > MaxHeaderKeys {
				return nil, nil, false, false, &LimitError{What: "h= entries of signature " + strconv.Itoa(n+1), Limit: MaxHeaderKeys, Got: total}
			}
		}
		if !s.relaxed {
			f.simple = true
		}
		for k, c := range s.counts {
			if c > need[k] {
				need[k] = c
			}
			if !s.relaxed && c > needSimple[k] {
				needSimple[k] = c
			}
		}
		sigs = append(sigs, s)
	}
	// Bottom-up: the last need[k] instances of each name are the only ones a signature can pick.
	seen := map[string]int{}
	for i := len(fields) - 1; i >= 0; i-- {
		f := &fields[i]
		c, ok := need[f.key]
		if !ok {
			continue
		}
		seen[f.key]++
		if seen[f.key] <= c {
			f.keep = true
			if seen[f.key] <= needSimple[f.key] {
				f.simple = true
			}
		}
	}

	out = make([]byte, 0, len(raw)+2) // a kept field only ever shrinks
	for i := range fields {
		f := &fields[i]
		if !f.keep {
			continue
		}
		unfold := !f.simple && f.colonAt1
		if !unfold && f.folds > MaxSimpleFoldLines {
			return nil, nil, false, false, &LimitError{What: "continuation lines of a field read with simple canonicalization", Limit: MaxSimpleFoldLines, Got: f.folds}
		}
		out = f.appendLines(out, raw, unfold)
		out = append(out, '\r', '\n')
	}
	out = append(out, '\r', '\n')
	out = append(out, body...)
	return out, sigs, tooMany, true, nil
}

// parseVerifySig reads the tags of a DKIM-Signature field as go-msgauth does (tags split at ";",
// names and values trimmed; h= split at ":" with all white space removed; c= header part before
// "/", simple when absent). A malformed tag list yields no h= counts: go-msgauth then fails the
// signature without reading any other field.
func parseVerifySig(field string) vSig {
	_, v, _ := strings.Cut(field, ":")
	v = strings.TrimSpace(v)
	var sig vSig
	params := map[string]string{}
	for _, p := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			if strings.TrimSpace(p) == "" {
				continue
			}
			return sig
		}
		k = strings.TrimSpace(k)
		if _, dup := params[k]; dup {
			return sig
		}
		params[k] = strings.TrimSpace(val)
	}
	sig.domain = stripSpace(params["d"])
	sig.selector = stripSpace(params["s"])
	sig.algorithm = stripSpace(params["a"])
	hc, _, _ := strings.Cut(stripSpace(params["c"]), "/")
	sig.relaxed = hc == "relaxed"
	if h, ok := params["h"]; ok {
		sig.counts = map[string]int{}
		for _, name := range strings.Split(h, ":") {
			sig.counts[foldKey(stripSpace(name))]++
		}
	}
	return sig
}

// stripSpace removes every Unicode white space character, as go-msgauth's stripWhitespace does.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// foldKey returns a key equal for two strings exactly when strings.EqualFold says they are equal
// (go-msgauth compares field names with it): each rune replaced by the smallest rune of its
// simple case-folding orbit, invalid UTF-8 by U+FFFD as EqualFold decodes it. ASCII names, the
// common case, are upper-cased (the smallest rune of {K, k, U+212A KELVIN SIGN} is K).
func foldKey(s string) string {
	ascii, upper := true, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'a' <= c && c <= 'z' {
			upper = false
		}
	}
	if ascii { // the smallest rune of an ASCII letter's orbit is its upper case
		if upper {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			if 'a' <= c && c <= 'z' {
				b[i] = c - ('a' - 'A')
			}
		}
		return string(b)
	}
	var b strings.Builder
	for _, r := range s { // invalid bytes range as utf8.RuneError, as in EqualFold
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b.WriteRune(min)
	}
	return b.String()
}
