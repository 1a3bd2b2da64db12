package preflight

import (
	"bytes"
	"strings"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/sesrules"
)

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

// checkDKIM checks one DKIM-Signature field: its tag list (read by dkim.ParseSignature), and the
// headers its h= names.
func (c *checker) checkDKIM(f *field) {
	var sig dkim.SignatureView
	err := dkim.ParseSignatureView(f.value, &sig)
	if se, ok := err.(*dkim.SignatureError); ok && c.want(rDKIMSyntax, Warning, f.line) { // errors.As would allocate
		// At most three problems in the finding, as before the parser moved to dkim.
		n := min(len(se.Problems), 3)
		problems := strings.Join(se.Problems[:n], "; ")
		if len(se.Problems) > n || se.Truncated {
			problems += "; ..."
		}
		c.say("DKIM-Signature is malformed: " + problems)
	}

	var stripped, rewritten nameList
	for name := range sig.Headers {
		switch {
		case sesrules.IsSESName(name):
			stripped.add(name)
		case sesrules.NeverSign(name) != "" && !equalFold(name, "dkim-signature"):
			rewritten.add(name)
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

// dkimSingleton is the index of DKIM-Signature among the singletons; rule dkim-multiple reports it.
var dkimSingleton = sesrules.SingletonIndex("dkim-signature")
