package mimewalk_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sesraw/sesraw/mimewalk"
	"github.com/sesraw/sesraw/rawheader"
)

// walkAll returns dump's trace of msg read from memory, and checks that reading it from a stream
// in pieces of one byte, of half a read and with the last bytes together with io.EOF gives the
// same trace.
func walkAll(t *testing.T, msg string, opts *mimewalk.Options) string {
	t.Helper()
	var w mimewalk.Reader
	w.ResetBytes([]byte(msg), opts)
	want := dump(&w)
	for name, r := range map[string]io.Reader{
		"one byte": iotest.OneByteReader(strings.NewReader(msg)),
		"half":     iotest.HalfReader(strings.NewReader(msg)),
		"data+EOF": iotest.DataErrReader(strings.NewReader(msg)),
	} {
		w.Reset(r, opts)
		if got := dump(&w); got != want {
			t.Errorf("%s reader:\n%s\nin memory:\n%s", name, got, want)
		}
	}
	return want
}

const top = "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"

func TestDecidedCases(t *testing.T) {
	for _, tc := range []struct{ name, msg, want string }{
		{"leaf message", "Subject: x\r\n\r\nhello\r\n",
			"start [] text/plain line=1 body=\"hello\\r\\n\"\nend [] size=7 closed=false parts=0\n"},
		{"no blank line", "Subject: x\r\n",
			"start [] text/plain line=1 body=\"\"\nend [] size=0 closed=false parts=0\n"},
		{"preamble and epilogue are skipped", top + "preamble\r\n--b\r\n\r\nx\r\n--b--\r\nepilogue\r\n--b\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/plain line=6 body=\"x\"\nend [0] size=1 closed=false parts=0\nend [] size=42 closed=true parts=1\n"},
		{"missing close delimiter", top + "--b\r\n\r\nx\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/plain line=5 body=\"x\\r\\n\"\nend [0] size=3 closed=false parts=0\nproblem line=2 mimewalk: multipart has no close delimiter\nend [] size=10 closed=false parts=1\n"},
		{"boundary never occurs", top + "x\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nproblem line=2 mimewalk: the boundary of a multipart never occurs\nend [] size=3 closed=false parts=0\n"},
		{"no parts", top + "--b--\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nproblem line=2 mimewalk: multipart closed without parts\nend [] size=7 closed=true parts=0\n"},
		{"boundary parameter missing", "Content-Type: multipart/mixed\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n",
			"start [] multipart/mixed line=1 body=\"--b\\r\\n\\r\\nx\\r\\n--b--\\r\\n\"\nproblem line=1 mimewalk: multipart without a boundary parameter\nend [] size=17 closed=false parts=0\n"},
		{"LF-only lines", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>\n--b--\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/html line=4 body=\"<p>\"\nend [0] size=3 closed=false parts=0\nend [] size=39 closed=true parts=1\n"},
		{"transport padding", top + "--b \t\r\n\r\nx\r\n--b-- \r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/plain line=5 body=\"x\"\nend [0] size=1 closed=false parts=0\nend [] size=20 closed=true parts=1\n"},
		{"not a delimiter: other text after the boundary", top + "--b\r\n\r\n--bx\r\n--b -\r\n--b--\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/plain line=5 body=\"--bx\\r\\n--b -\"\nend [0] size=11 closed=false parts=0\nend [] size=27 closed=true parts=1\n"},
		{"a bare CR is no line break", top + "--b\r\n\r\nx\r--b--\r\n--b--\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/plain line=5 body=\"x\\r--b--\"\nend [0] size=7 closed=false parts=0\nend [] size=23 closed=true parts=1\n"},
		{"outer delimiter ends the inner multipart", top + "--b\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\n\r\ny\r\n--b--\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] multipart/alternative line=5 body=\"\"\nstart [0 0] text/plain line=8 body=\"y\"\nend [0 0] size=1 closed=false parts=0\nproblem line=5 mimewalk: multipart has no close delimiter\nend [0] size=8 closed=false parts=1\nend [] size=73 closed=true parts=1\n"},
		{"nested multipart reuses the boundary", top + "--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\ny\r\n--b--\r\n--b--\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] multipart/mixed line=5 body=\"\"\nproblem line=5 mimewalk: nested multipart reuses an enclosing multipart's boundary\nstart [0 0] text/plain line=8 body=\"y\"\nend [0 0] size=1 closed=false parts=0\nend [0] size=15 closed=true parts=1\nend [] size=74 closed=true parts=1\n"},
		{"a delimiter ends a part header", top + "--b\r\nContent-Type: text/html\r\n--b--\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/html line=5 body=\"\"\nend [0] size=0 closed=false parts=0\nend [] size=37 closed=true parts=1\n"},
		{"empty part", top + "--b\r\n\r\n--b--\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/plain line=5 body=\"\"\nend [0] size=0 closed=false parts=0\nend [] size=14 closed=true parts=1\n"},
		{"digest parts default to message/rfc822", "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: x\r\n--d--\r\n",
			"start [] multipart/digest line=1 body=\"\"\nstart [0] message/rfc822 line=4 body=\"Subject: x\"\nend [0] size=10 closed=false parts=0\nend [] size=26 closed=true parts=1\n"},
		{"invalid boundary is walked", "Content-Type: multipart/mixed; boundary=\"a b \"\r\n\r\n--a b \r\n\r\nx\r\n--a b --\r\n",
			"start [] multipart/mixed line=1 body=\"\"\nproblem line=1 mimewalk: boundary is not 1 to 70 characters of the RFC 2046 set\nstart [0] text/plain line=4 body=\"x\"\nend [0] size=1 closed=false parts=0\nend [] size=23 closed=true parts=1\n"},
		{"delimiter at the end of input without line break", top + "--b\r\n\r\nx\r\n--b--",
			"start [] multipart/mixed line=1 body=\"\"\nstart [0] text/plain line=5 body=\"x\"\nend [0] size=1 closed=false parts=0\nend [] size=15 closed=true parts=1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := walkAll(t, tc.msg, nil); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestPartFields(t *testing.T) {
	msg := top + "--b\r\nContent-Type: text/plain;\r\n charset=utf-8\r\nContent-Transfer-Encoding:  Base64 \r\nX-A: 1\r\n\r\naGVs\r\nbG8=\r\n--b--\r\n"
	w := mimewalk.NewReader(strings.NewReader(msg), nil)
	var got []string
	for {
		ev, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p := w.Part()
		if ev != mimewalk.StartEvent || p.Index != 1 {
			continue
		}
		if p.Line != 5 || p.BodyLine != 10 || p.Offset != int64(len(top)+5) || string(p.Encoding) != "Base64" ||
			string(p.MediaType) != "text/plain" || string(p.ContentType) != " text/plain;\r\n charset=utf-8" || p.HeaderErr != nil {
			t.Errorf("part: %+v", p)
		}
		if !bytes.HasPrefix(p.Header, []byte("Content-Type:")) || !bytes.HasSuffix(p.Header, []byte("X-A: 1\r\n\r\n")) {
			t.Errorf("header %q", p.Header)
		}
		b, err := io.ReadAll(p.Decoded())
		got = append(got, string(b))
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 1 || got[0] != "hello" {
		t.Errorf("decoded %q", got)
	}
}

func TestHeaderErrors(t *testing.T) {
	msg := top + "--b\r\nContent-Type: text/html\r\ngarbage\r\nContent-Type: image/png\r\n\r\nx\r\n--b\r\nX-A: a\rb\r\n\r\ny\r\n--b--\r\n"
	var w mimewalk.Reader
	w.ResetBytes([]byte(msg), nil)
	var errs []error
	var types []string
	for {
		ev, err := w.Next()
		if err != nil {
			break
		}
		if ev == mimewalk.StartEvent && w.Part().Index > 0 {
			errs = append(errs, w.Part().HeaderErr)
			types = append(types, string(w.Part().MediaType))
		}
	}
	var se *rawheader.SyntaxError
	if len(errs) != 2 || !errors.As(errs[0], &se) || !errors.Is(errs[0], rawheader.ErrNotAField) || se.Line != 2 ||
		!errors.Is(errs[1], rawheader.ErrBareCR) {
		t.Errorf("header errors %v", errs)
	}
	if types[0] != "text/html" || types[1] != "text/plain" {
		t.Errorf("types %q (the strict reading ends the header at the bad line)", types)
	}
}

func TestLimits(t *testing.T) {
	deep := "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
	for i := 1; i <= 40; i++ {
		deep += "--b" + string(rune('0'+i%10)) + string(rune('a'+i/10)) + "\r\nContent-Type: multipart/mixed; boundary=b" +
			string(rune('0'+(i+1)%10)) + string(rune('a'+(i+1)/10)) + "\r\n\r\n"
	}
	deep = strings.Replace(deep, "boundary=b0\r", "boundary=b1a\r", 1)
	many := top + strings.Repeat("--b\r\n\r\nx\r\n", 20) + "--b--\r\n"
	long := "Content-Type: multipart/mixed; boundary=" + strings.Repeat("x", 71) + "\r\n\r\n"
	for _, tc := range []struct {
		name string
		msg  string
		opts *mimewalk.Options
		is   error
		line int
	}{
		{"depth", deep, &mimewalk.Options{MaxDepth: 5}, mimewalk.ErrTooDeep, 16},
		{"parts", many, &mimewalk.Options{MaxParts: 10}, mimewalk.ErrTooManyParts, 34},
		{"boundary", long, nil, mimewalk.ErrBoundaryTooLong, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mimewalk.NewReader(strings.NewReader(tc.msg), tc.opts)
			var err error
			for err == nil {
				_, err = w.Next()
			}
			var le *mimewalk.LimitError
			if !errors.Is(err, tc.is) || !errors.Is(err, mimewalk.ErrLimit) || !errors.As(err, &le) || le.Line != tc.line {
				t.Fatalf("err %v (%+v), want %v at line %d", err, le, tc.is, tc.line)
			}
			if _, err2 := w.Next(); err2 != err {
				t.Errorf("after the end: %v", err2)
			}
		})
	}
	// Without limits the boundary of 71 bytes is walked (a problem reports it).
	if got := walkAll(t, long+"--"+strings.Repeat("x", 71)+"\r\n\r\nx\r\n", &mimewalk.Options{MaxBoundary: -1}); !strings.Contains(got, "start [0] text/plain") {
		t.Errorf("MaxBoundary -1:\n%s", got)
	}
}

func TestPartHeaderLimit(t *testing.T) {
	msg := top + "--b\r\nContent-Type: text/html\r\nX-Long: " + strings.Repeat("a", 200) + "\r\nContent-Type: image/png\r\n\r\nbody\r\n--b--\r\n"
	got := walkAll(t, msg, &mimewalk.Options{MaxHeaderBytes: 100})
	want := "start [] multipart/mixed line=1 body=\"\"\nstart [0] text/html line=5 body=\"body\"\nproblem line=6 rawheader: header block too large: more than 100 header bytes (at line 2)\nend [0] size=4 closed=false parts=0\nend [] size=280 closed=true parts=1\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var w mimewalk.Reader
	w.ResetBytes([]byte(msg), &mimewalk.Options{MaxHeaderBytes: 100})
	for {
		ev, err := w.Next()
		if err != nil {
			break
		}
		if ev == mimewalk.ProblemEvent {
			var le *rawheader.LimitError
			if !errors.As(w.Problem(), &le) || !errors.Is(w.Problem(), rawheader.ErrTooManyBytes) {
				t.Errorf("problem %v", w.Problem())
			}
		}
		if ev == mimewalk.StartEvent && w.Part().Index == 1 && string(w.Part().Header) != "Content-Type: text/html\r\n" {
			t.Errorf("kept header %q", w.Part().Header)
		}
	}
}

type stall struct{}

func (stall) Read([]byte) (int, error) { return 0, nil }

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

func TestReadErrors(t *testing.T) {
	run := func(r io.Reader, opts *mimewalk.Options) error {
		w := mimewalk.NewReader(r, opts)
		for {
			if _, err := w.Next(); err != nil {
				return err
			}
		}
	}
	if err := run(io.MultiReader(strings.NewReader(top+"--b\r\n"), stall{}), nil); err != io.ErrNoProgress {
		t.Errorf("stalled reader: %v", err)
	}
	boom := errors.New("boom")
	if err := run(io.MultiReader(strings.NewReader(top+"--b\r\n\r\nxx"), failing{boom}), nil); err != boom {
		t.Errorf("failing reader: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(strings.NewReader(top), &mimewalk.Options{Context: ctx}); err != context.Canceled {
		t.Errorf("canceled context: %v", err)
	}
}

// TestResetBody: a header block read elsewhere plus the body give what the whole message gives.
func TestResetBody(t *testing.T) {
	msg := top + "--b\r\nContent-Type: text/html\r\n\r\n<p>\r\n--b--\r\n"
	var w mimewalk.Reader
	w.ResetBytes([]byte(msg), nil)
	want := dump(&w)
	w.ResetBody([]byte(top), strings.NewReader(msg[len(top):]), nil)
	if got := dump(&w); got != want {
		t.Errorf("ResetBody:\n%s\nwant\n%s", got, want)
	}
	w.ResetBodyBytes([]byte(top), []byte(msg[len(top):]), nil)
	if got := dump(&w); got != want {
		t.Errorf("ResetBodyBytes:\n%s\nwant\n%s", got, want)
	}
}

func TestParamScanner(t *testing.T) {
	var s mimewalk.ParamScanner
	s.Reset([]byte(` multipart/mixed (comment) ; boundary="a\"b" ; x=1;bad; name=y; q="open`))
	if string(s.Type()) != "multipart/mixed" {
		t.Errorf("type %q", s.Type())
	}
	var got []string
	for s.Next() {
		v := string(s.Value())
		if s.Quoted() {
			v = string(mimewalk.AppendUnquoted(nil, s.Value()))
		}
		got = append(got, string(s.Attr())+"="+v)
	}
	if strings.Join(got, ",") != `boundary=a"b,x=1,name=y,q=open` {
		t.Errorf("params %q", got)
	}
	if b := s.Bad(); b.Kind != mimewalk.BadNoValue || string(b.Text) != "bad" {
		t.Errorf("bad %+v", b)
	}
}
