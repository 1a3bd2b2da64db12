package rawenvelope_test

import (
	"errors"
	"net/mail"
	"slices"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/rawenvelope"
	"github.com/sesraw/sesraw/rawheader"
)

func addrs(env []string) string { return strings.Join(env, ",") }

func TestReadWellFormed(t *testing.T) {
	msg := "Return-Path: <bounce@example.org>\r\n" +
		"From: =?UTF-8?Q?J=C3=BCrgen?= <jm@example.org>\r\n" +
		"To: a@example.com,\r\n B <b@example.com>\r\n" +
		"CC: A@Example.com, c@example.com\r\n" +
		"bcc: d@example.com\r\n" +
		"Reply-To: r@example.org\r\n" +
		"To:  \r\n" + // blank: skipped
		"Return-Path: <other@example.org>\r\n" + // the first one counts
		"\r\nbody\r\n"
	env, err := rawenvelope.Read([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if got := env.FirstFrom(); got == nil || got.Name != "Jürgen" || got.Address != "jm@example.org" {
		t.Errorf("FirstFrom = %v, want Jürgen <jm@example.org> (RFC 2047 decoded)", got)
	}
	if env.ReturnPath != "bounce@example.org" || env.Source() != "bounce@example.org" {
		t.Errorf("ReturnPath %q, Source %q, want bounce@example.org", env.ReturnPath, env.Source())
	}
	if got, want := addrs(env.Recipients), "a@example.com,b@example.com,c@example.com,d@example.com"; got != want {
		t.Errorf("Recipients = %s, want %s", got, want)
	}
	to, cc, bcc := env.Destinations()
	if addrs(to) != "a@example.com,b@example.com" || addrs(cc) != "c@example.com" || addrs(bcc) != "d@example.com" {
		t.Errorf("Destinations = %v %v %v", to, cc, bcc)
	}
	if len(env.ReplyTo) != 1 || len(env.Problems) != 0 {
		t.Errorf("ReplyTo %v, Problems %v", env.ReplyTo, env.Problems)
	}
	env.AddBcc(&mail.Address{Address: "D@example.com"}, &mail.Address{Address: "e@example.com"})
	if got, want := addrs(env.Recipients), "a@example.com,b@example.com,c@example.com,d@example.com,e@example.com"; got != want {
		t.Errorf("after AddBcc: Recipients = %s, want %s", got, want)
	}
}

func TestReadNullReturnPathAndProblems(t *testing.T) {
	msg := "Return-Path: <>\r\nFrom: a@example.org\r\nTo: not an address\r\nCc: c@example.com\r\n\r\n"
	env, err := rawenvelope.Read([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if env.ReturnPath != "" || env.Source() != "a@example.org" {
		t.Errorf("ReturnPath %q, Source %q: want the null path read as none, Source From", env.ReturnPath, env.Source())
	}
	if len(env.Problems) != 1 || env.Problems[0].Field != "To" || env.Problems[0].Line != 3 || !errors.Is(env.Problems[0], rawenvelope.ErrBadAddress) {
		t.Fatalf("Problems = %v, want one for To at line 3", env.Problems)
	}
	if !slices.Equal(env.Recipients, []string{"c@example.com"}) {
		t.Errorf("Recipients = %v", env.Recipients)
	}
}

// The malformed cases of issue 10: the grammar's verdict, with the fields before the bad line.
func TestReadMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		kind      error
		line      int
		before    []string // Recipients read before the bad line
	}{
		{"bare CR hiding a To field", "From: a@example.org\r\nTo: b@example.com\r\nSubject: x\rTo: hidden@example.com\r\n\r\n", rawheader.ErrBareCR, 3, []string{"b@example.com"}},
		{"non-field line before Bcc", "From: a@example.org\r\nTo: b@example.com\r\ngarbage line\r\nBcc: hidden@example.com\r\n\r\n", rawheader.ErrNotAField, 3, []string{"b@example.com"}},
		{"mbox From line", "From jm@example.org  Wed May 16 00:40:34 2001\r\nFrom: a@example.org\r\nTo: b@example.com\r\n\r\n", rawheader.ErrNotAField, 1, []string{"b@example.com"}},
		{"BOM", "\xef\xbb\xbfFrom: a@example.org\r\nTo: b@example.com\r\n\r\n", rawheader.ErrNotAField, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, err := rawenvelope.Read([]byte(tc.msg))
			var se *rawheader.SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, rawheader.ErrMalformed) || !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want a *rawheader.SyntaxError matching ErrMalformed and %v", err, tc.kind)
			}
			if se.Line != tc.line {
				t.Errorf("line %d, want %d", se.Line, tc.line)
			}
			if env == nil || !slices.Equal(env.Recipients, tc.before) {
				t.Errorf("envelope before the bad line: %v, want %v", env, tc.before)
			}
		})
	}
}

func TestReadLimit(t *testing.T) {
	msg := "From: a@example.org\r\n" + strings.Repeat("X-A: b\r\n", rawheader.DefaultMaxFields) + "\r\n"
	_, err := rawenvelope.Read([]byte(msg))
	var le *rawheader.LimitError
	if !errors.As(err, &le) || !errors.Is(err, rawheader.ErrTooManyFields) {
		t.Fatalf("err = %v, want a *rawheader.LimitError (ErrTooManyFields)", err)
	}
}
