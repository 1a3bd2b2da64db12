package rawheader_test

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sesraw/sesraw/rawheader"
)

// scanAll returns "name=unfolded value" per field, End, BodyOffset, Flags and Err.
func scanAll(src string, lim rawheader.Limits) (fields []string, end, body int, fl rawheader.Flags, err error) {
	var s rawheader.Scanner
	s.ResetLimits([]byte(src), lim)
	for s.Next() {
		f := s.Field()
		fields = append(fields, string(f.Name)+"="+f.Unfolded())
	}
	return fields, s.End(), s.BodyOffset(), s.Flags(), s.Err()
}

func TestScanner(t *testing.T) {
	for _, c := range []struct {
		name, src string
		fields    string // joined with "|"
		end, body int
		flags     rawheader.Flags
		err       error
	}{
		{"crlf", "A: 1\r\nB:2\r\n\r\nbody", "A=1|B=2", 11, 13, 0, nil},
		{"bare LF", "A: 1\nB: 2\n\nbody", "A=1|B=2", 10, 11, rawheader.FlagBareLF, nil},
		{"folded", "Subject: a\r\n\tb\r\n  c\r\n\r\n", "Subject=a\tb  c", 21, 23, 0, nil},
		{"blank continuation", "A: x\r\n \r\nB: y\r\n\r\n", "A=x|B=y", 15, 17, 0, nil},
		{"obs colon", "Subject \t: hi\r\n\r\n", "Subject=hi", 15, 17, rawheader.FlagObsColon, nil},
		{"no separator", "A: 1\r\nB: 2", "A=1|B=2", 10, 10, rawheader.FlagNoSeparator, nil},
		{"empty", "", "", 0, 0, rawheader.FlagNoSeparator, nil},
		{"body only", "\r\nbody", "", 0, 2, 0, nil},
		{"mbox From line", "From jm@example.org  Wed May 16 00:40:34 2001\nFrom: a@b\n\n", "From=a@b", 56, 57,
			rawheader.FlagMboxFrom | rawheader.FlagBareLF, nil},
		{"From obs field is not mbox", "From : a@b\r\n\r\n", "From=a@b", 12, 14, rawheader.FlagObsColon, nil},
		{"garbage line", "From: a\r\ngarbage line\r\nX-SES-CONFIGURATION-SET: bad name!\r\n\r\n", "From=a", 9, 9, 0, rawheader.ErrNotAField},
		{"no colon", "Good Day,\r\n\r\n", "", 0, 0, 0, rawheader.ErrNotAField},
		{"leading continuation", " A: 1\r\n\r\n", "", 0, 0, 0, rawheader.ErrNotAField},
		{"empty name", ": x\r\n\r\n", "", 0, 0, 0, rawheader.ErrNotAField},
		{"NUL in name", "X-SES-SOURCE-ARN\x00: a\r\n\r\n", "", 0, 0, 0, rawheader.ErrNotAField},
		{"VT before colon", "A\v: a\r\n\r\n", "", 0, 0, 0, rawheader.ErrNotAField},
		{"non-ASCII name", "Sübject: a\r\n\r\n", "", 0, 0, 0, rawheader.ErrNotAField},
		{"BOM", "\xEF\xBB\xBFFrom: a\r\n\r\n", "", 0, 0, 0, rawheader.ErrNotAField},
		{"bare CR in value", "From: a\r\nX-Foo: a\rX-SES-SOURCE-ARN: x\r\n\r\n", "From=a", 9, 9, 0, rawheader.ErrBareCR},
		{"bare CR value ab<CR>cd", "Subject: ab\rcd\r\n\r\n", "", 0, 0, 0, rawheader.ErrBareCR},
		{"bare CR in continuation", "A: 1\r\nB: 2\r\n x\ry\r\n\r\n", "A=1", 6, 6, 0, rawheader.ErrBareCR},
		{"bare CR line", "A: 1\r\n\r\r\n", "A=1", 6, 6, 0, rawheader.ErrBareCR},
		{"bare CR at end", "A: 1\r", "", 0, 0, 0, rawheader.ErrBareCR},
		{"CR in body is fine", "A: 1\r\n\r\nx\ry", "A=1", 6, 8, 0, nil},
		{"fields limit", "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", "A=1|B=2", 12, 12, 0, rawheader.ErrTooManyFields},
		{"lines limit", "A: 1\r\n 2\r\n 3\r\n 4\r\n\r\n", "", 0, 0, 0, rawheader.ErrTooManyLines},
	} {
		t.Run(c.name, func(t *testing.T) {
			lim := rawheader.Limits{MaxFields: 2, MaxFieldLines: 3}
			fields, end, body, fl, err := scanAll(c.src, lim)
			if got := strings.Join(fields, "|"); got != c.fields {
				t.Errorf("fields %q, want %q", got, c.fields)
			}
			if end != c.end || body != c.body || fl != c.flags {
				t.Errorf("End %d BodyOffset %d Flags %b, want %d %d %b", end, body, fl, c.end, c.body, c.flags)
			}
			if !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
				t.Errorf("err %v, want %v", err, c.err)
			}
			if c.err != nil {
				var se *rawheader.SyntaxError
				var le *rawheader.LimitError
				switch {
				case errors.As(err, &se):
					if !errors.Is(err, rawheader.ErrMalformed) || se.Offset != c.end {
						t.Errorf("SyntaxError %+v: not ErrMalformed or Offset != End", se)
					}
				case errors.As(err, &le):
					if !errors.Is(err, rawheader.ErrTooLarge) {
						t.Errorf("LimitError %+v not ErrTooLarge", le)
					}
				default:
					t.Errorf("err %T", err)
				}
				if !strings.HasPrefix(err.Error(), "rawheader: ") {
					t.Errorf("error text %q", err)
				}
			}
		})
	}
}

func TestFieldOffsets(t *testing.T) {
	src := []byte("From x\nA : 1\r\n 2\r\nB:\r\n\r\n")
	var s rawheader.Scanner
	s.Reset(src)
	if s.Start() != 7 {
		t.Fatalf("Start %d", s.Start())
	}
	if !s.Next() {
		t.Fatal(s.Err())
	}
	f := s.Field()
	if string(f.Raw(src)) != "A : 1\r\n 2\r\n" || string(f.Value) != " 1\r\n 2" || f.Line != 2 || f.Lines != 2 || !f.ObsColon() {
		t.Errorf("field %+v", f)
	}
	if !s.Next() {
		t.Fatal(s.Err())
	}
	f = s.Field()
	if string(f.Name) != "B" || len(f.Value) != 0 || f.Line != 4 || f.ObsColon() {
		t.Errorf("field %+v", f)
	}
}

func TestLenientFields(t *testing.T) {
	src := []byte("From: a\r\ngarbage line\r\nX-SES-CONFIGURATION-SET: bad\r\n cont\r\nX-Foo: a\rX-SES-SOURCE-ARN: x\r\n\r\nX-SES-TENANT: body\r\n")
	var s rawheader.Scanner
	s.Reset(src)
	for s.Next() {
	}
	var se *rawheader.SyntaxError
	if !errors.As(s.Err(), &se) {
		t.Fatal(s.Err())
	}
	var got []string
	for f := range rawheader.LenientFields(src, s.End(), se.Line) {
		got = append(got, string(f.Name)+"@"+strconv.Itoa(f.Line)+"="+f.Unfolded())
	}
	want := "X-SES-CONFIGURATION-SET@3=bad cont|X-Foo@5=a|X-SES-SOURCE-ARN@5=x"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q\nwant %q", strings.Join(got, "|"), want)
	}
}

func TestReadBlock(t *testing.T) {
	msg := "A: 1\r\nB: 2\r\n\r\n" + strings.Repeat("body line\r\n", 1000)
	for _, r := range []io.Reader{strings.NewReader(msg), iotest.OneByteReader(strings.NewReader(msg)), iotest.HalfReader(strings.NewReader(msg))} {
		buf, err := rawheader.ReadBlock(r, rawheader.Limits{})
		if err != nil || !bytes.HasPrefix([]byte(msg), buf) || len(buf) < 14 || len(buf) > 4096 {
			t.Errorf("ReadBlock: %d bytes, %v", len(buf), err)
		}
	}
	// A malformed line ends the header block even when no empty line follows within the limit.
	long := "A: 1\r\ngarbage\r\n" + strings.Repeat("x", 5000)
	if buf, err := rawheader.ReadBlock(strings.NewReader(long), rawheader.Limits{MaxBytes: 1000}); err != nil || len(buf) > 2*4096 {
		t.Errorf("malformed: %d bytes, %v", len(buf), err)
	}
	big := "A: " + strings.Repeat("x", 5000) + "\r\n\r\n"
	if _, err := rawheader.ReadBlock(strings.NewReader(big), rawheader.Limits{MaxBytes: 1000}); !errors.Is(err, rawheader.ErrTooManyBytes) {
		t.Errorf("big: %v", err)
	}
	if _, err := rawheader.ReadBlock(zeroReader{}, rawheader.Limits{}); err != io.ErrNoProgress {
		t.Errorf("no progress: %v", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestScannerNoAllocs(t *testing.T) {
	src := []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: hello\r\n world\r\nX-SES-FROM-ARN: arn\r\n\r\nbody")
	var s rawheader.Scanner
	if n := testing.AllocsPerRun(100, func() {
		s.Reset(src)
		for s.Next() {
		}
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
