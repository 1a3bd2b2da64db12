package preflight

import (
	"bytes"
	"github.com/sesraw/sesraw/sesrules"
)

// DKIM tags whose presence is required (RFC 6376 section 3.5).
const (
	tagV = 1 << iota
	tagA
	tagB
	tagBH
	tagD
	tagH
	tagS
	tagsRequired = tagV | tagA | tagB | tagBH | tagD | tagH | tagS
)

var requiredTagNames = [...]string{"v", "a", "b", "bh", "d", "h", "s"}

func dkimTagBit(name []byte) int {
	for i, n := range requiredTagNames {
		if string(name) == n {
			return 1 << i
		}
	}
	return 0
}

// validTagName reports whether b is a DKIM tag-name: ALPHA *ALNUMPUNC.
func validTagName(b []byte) bool {
	if len(b) == 0 || !isAlpha(b[0]) {
		return false
	}
	for _, x := range b[1:] {
		if !isAlpha(x) && !('0' <= x && x <= '9') && x != '_' {
			return false
		}
	}
	return true
}

func isAlpha(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

// nameList collects distinct header names (ASCII case-insensitive) for a finding message.
type nameList struct {
	names [8][]byte
	n     int // distinct names seen, up to len(names)
	more  bool
}

func (l *nameList) add(name []byte) {
	for _, x := range l.names[:l.n] {
		if bytes.EqualFold(x, name) {
			return
		}
	}
	if l.n == len(l.names) {
		l.more = true
		return
	}
	l.names[l.n] = name
	l.n++
}

func (l *nameList) String() string {
	s := ""
	for i, x := range l.names[:l.n] {
		if i > 0 {
			s += ", "
		}
		s += fieldName(x)
	}
	if l.more {
		s += ", ..."
	}
	return s
}

// checkDKIM checks one DKIM-Signature field: its tag list, and the headers its h= names.
func (c *checker) checkDKIM(f *field) {
	var (
		seen     int
		problems string
		nprob    int
		hval     []byte
	)
	problem := func(p string) {
		if nprob < 3 {
			if nprob > 0 {
				problems += "; "
			}
			problems += p
		}
		nprob++
	}
	for v := f.value; len(v) > 0; {
		var tag []byte
		if i := bytes.IndexByte(v, ';'); i >= 0 {
			tag, v = v[:i], v[i+1:]
		} else {
			tag, v = v, nil
		}
		tag = trimFWS(tag)
		if len(tag) == 0 {
			continue
		}
		eq := bytes.IndexByte(tag, '=')
		if eq < 0 {
			problem("tag " + quote(tag) + " has no '='")
			continue
		}
		name, val := trimFWS(tag[:eq]), trimFWS(tag[eq+1:])
		if !validTagName(name) {
			problem("invalid tag name " + quote(name))
			continue
		}
		if bit := dkimTagBit(name); bit != 0 {
			if seen&bit != 0 {
				problem("tag " + string(name) + "= appears twice")
			}
			seen |= bit
		}
		switch string(name) {
		case "v":
			if string(val) != "1" {
				problem("v= is " + quote(val) + ", not 1")
			}
		case "h":
			if hval == nil {
				hval = val
			}
		}
	}
	if missing := tagsRequired &^ seen; missing != 0 {
		s := "missing tag"
		first := true
		for i, n := range requiredTagNames {
			if missing&(1<<i) != 0 {
				if !first {
					s += ","
				}
				s += " " + n + "="
				first = false
			}
		}
		problem(s)
	}

	var stripped, rewritten nameList
	signsFrom := false
	for h := hval; len(h) > 0; {
		var name []byte
		if i := bytes.IndexByte(h, ':'); i >= 0 {
			name, h = h[:i], h[i+1:]
		} else {
			name, h = h, nil
		}
		name = trimFWS(name)
		switch {
		case sesrules.IsSESName(name):
			stripped.add(name)
		case sesrules.NeverSign(name) != "" && !equalFold(name, "dkim-signature"):
			rewritten.add(name)
		case equalFold(name, "from"):
			signsFrom = true
		}
	}
	if seen&tagH != 0 && !signsFrom {
		problem("h= does not include From")
	}
	if nprob > 0 {
		if nprob > 3 {
			problems += "; ..."
		}
		if c.want(rDKIMSyntax, Warning, f.line) {
			c.say("DKIM-Signature is malformed: " + problems)
		}
	}
	if stripped.n > 0 {
		if c.want(rDKIMSignsStripped, Error, f.line) {
			c.say("DKIM-Signature signs " + stripped.String() +
				" (h=); SES removes X-SES-* headers before delivery, so the signature cannot verify")
		}
	}
	if rewritten.n > 0 {
		if c.want(rDKIMSignsRewritten, Error, f.line) {
			c.say("DKIM-Signature signs " + rewritten.String() +
				" (h=); SES overrides these headers, so the signature breaks (AWS: don't sign Message-ID, " +
				"Date, Return-Path, Bounces-To)")
		}
	}
}
