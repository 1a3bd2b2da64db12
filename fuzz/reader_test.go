package fuzz_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/textproto"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/internal/cli"
	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"
	"github.com/sesraw/sesraw/xheaders"
)

// readerSeeds are the cases of the reader issue and of the hostile-input issue: every way a header
// block has been read differently by two sesraw tools (or by sesraw and another reader).
var readerSeeds = []string{
	"From: a@example.com\r\nTo: b@example.com\r\ngarbage line\r\nX-SES-CONFIGURATION-SET: bad name!\r\n\r\nbody\r\n",
	"From: a@example.com\r\nSubject: ab\rcd\r\n\r\nbody\r\n",
	"From jm@example.org  Wed May 16 00:40:34 2001\r\nFrom: a@example.com\r\nTo: b@example.com\r\n\r\nbody\r\n",
	"From jm@example.org\r\nFrom: a@example.com\r\n\r\nbody\r\n",
	"Good Day,\r\nFrom: a@example.com\r\n\r\nbody\r\n",
	"From: a@example.com\r\nX-Foo: a\rX-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n\r\nbody",
	"\xEF\xBB\xBFFrom: a@example.com\r\nX-SES-TENANT: t\r\n\r\n",
	"From: a@example.com\r\nX-SES-SOURCE-ARN\x00: arn\r\n\r\n",
	"From: a@example.com\r\nX-S\xc3\xa9S: x\r\nX-SES-TENANT: t\r\n\r\n",
	"From: a@example.com\r\nX-SES-TENANT\v: t\r\n\r\n",
	"Subject : obsolete\r\nFrom: a@example.com\r\n\r\n",
	"From: a@example.com\nTo: b@example.com\nX-SES-TENANT: t\n\nbody\n",
	"From: a@example.com\r\nSubject: folded\r\n\tline\r\n \r\nX-SES-TENANT: t\r\n\r\n",
	"From: a@example.com\r\nX-SES-TENANT: t",
	" leading: continuation\r\nFrom: a@example.com\r\n\r\n",
	"From: a@example.com\r\nTo: b@example.com\r\nSubject: s\r\nX-SES-TENANT: one\r\nx-ses-tenant: two\r\n\r\nbody\r\n",
}

// textprotoDifferences is the committed list of the places where net/textproto's ReadMIMEHeader
// (a reader this project did not write) and the header grammar differ, each with its reason. The
// differential target compares the two only outside these cases.
var textprotoDifferences = []struct{ name, reason string }{
	{"malformed", "on a malformed block rawheader stops at the bad line and keeps the fields before it; textproto returns an error"},
	{"mbox From line", "rawheader skips a leading mbox From line (mbox framing); textproto reads it as a malformed line"},
	{"obs-colon", "blanks before the colon are RFC 5322 obsolete syntax, which rawheader reads; textproto refuses them"},
	{"name bytes", "RFC 5322 field names allow any printable ASCII but colon; textproto allows only HTTP token characters"},
	{"value bytes", "textproto refuses some control bytes in values that RFC 5322's obsolete syntax (and rawheader) keep"},
	{"whitespace", "textproto joins continuation lines with one space and trims each line; rawheader deletes only the line breaks (RFC 5322 unfolding): values are compared with runs of blanks made one space"},
	{"no empty line", "without an empty line textproto reports io.EOF; rawheader reads the fields to the end of the input"},
}

// FuzzHeaderReaders is the differential target of the header grammar. For any input bytes:
//   - xheaders' reading (every X-SES-* field, the first instance of each known name, where the
//     header block ends) equals rawheader's strict reading filtered to X-SES-* names;
//   - Remove's output is the input without exactly those fields, and `sesraw strip` (run in
//     process) writes the same bytes;
//   - `sesraw inspect --json` (in process) lists the same X-SES-* names, first values and lines;
//   - preflight reports a header-syntax finding at the grammar's line whenever the grammar finds
//     the block malformed;
//   - net/textproto reads the same fields (canonical name, values with blanks normalized) as
//     rawheader, except in the cases of textprotoDifferences;
//   - dkim's Sign, on a block the grammar reads as well formed, signs only fields the grammar
//     found, never a field sesrules.NeverSign names, and its signature verifies as sent and after
//     the SES strip.
func FuzzHeaderReaders(f *testing.F) {
	for _, s := range readerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 64<<10 {
			return
		}
		// The grammar's strict reading.
		var sc rawheader.Scanner
		sc.Reset(raw)
		var fields []rawheader.Field
		for sc.Next() {
			fields = append(fields, sc.Field())
		}
		gerr, flags := sc.Err(), sc.Flags()
		var ses []rawheader.Field
		for _, fl := range fields {
			if sesrules.IsSESName(fl.Name) {
				ses = append(ses, fl)
			}
		}

		// xheaders.
		var xs xheaders.Scanner
		xs.Reset(raw)
		i := 0
		for xs.Next() {
			xf := xs.Field()
			if i >= len(ses) || xf.Offset != ses[i].Start || xf.End != ses[i].End || !bytes.Equal(xf.Name, ses[i].Name) {
				t.Fatalf("xheaders field %d = %q at %d; grammar: %v", i, xf.Name, xf.Offset, names(ses))
			}
			i++
		}
		if i != len(ses) || xs.BodyOffset() != sc.BodyOffset() || (xs.Err() == nil) != (gerr == nil) {
			t.Fatalf("xheaders: %d fields, body %d, err %v; grammar %d, %d, %v", i, xs.BodyOffset(), xs.Err(), len(ses), sc.BodyOffset(), gerr)
		}
		eff, _ := xheaders.Read(raw)
		for _, name := range sesrules.KnownSESNames() {
			want, n := firstOf(ses, name)
			got, ok := eff.Get(name)
			if ok != (n > 0) || got != want || eff.Count(name) != n {
				t.Fatalf("Read %s = %q %v %d; grammar %q %d", name, got, ok, eff.Count(name), want, n)
			}
		}

		// Remove and strip.
		var want []byte
		last := 0
		for _, fl := range ses {
			want = append(want, raw[last:fl.Start]...)
			last = fl.End
		}
		want = append(want, raw[last:]...)
		if got := xheaders.Remove(nil, raw); !bytes.Equal(got, want) {
			t.Fatalf("Remove =\n%q\nwant\n%q", got, want)
		}
		var out, errOut bytes.Buffer
		if code := cli.Main([]string{"strip", "-"}, bytes.NewReader(raw), &out, &errOut); code != 0 || !bytes.Equal(out.Bytes(), want) {
			if !errors.Is(gerr, rawheader.ErrTooLarge) {
				t.Fatalf("strip: exit %d, output\n%q\nwant\n%q\n%s", code, out.Bytes(), want, errOut.Bytes())
			}
		}
		if (gerr != nil || flags&rawheader.FlagMboxFrom != 0) != (errOut.Len() > 0) {
			t.Fatalf("strip diagnostics %q for grammar error %v, flags %b", errOut.Bytes(), gerr, flags)
		}

		// inspect --json.
		out.Reset()
		errOut.Reset()
		if code := cli.Main([]string{"inspect", "--json", "-"}, bytes.NewReader(raw), &out, &errOut); code == 0 {
			var rep struct {
				SES []struct {
					Name, Value string
					Line        int
				}
			}
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("inspect --json: %v", err)
			}
			seen := map[string]bool{}
			k := 0
			for _, fl := range ses {
				name := strings.ToUpper(string(fl.Name))
				if seen[name] {
					continue
				}
				seen[name] = true
				// JSON carries only UTF-8: encoding/json writes each invalid byte as U+FFFD, so the
				// grammar's value is compared as JSON can show it.
				if k >= len(rep.SES) || rep.SES[k].Name != name || rep.SES[k].Value != asJSON(fl.Unfolded()) || rep.SES[k].Line != fl.Line {
					t.Fatalf("inspect X-SES %d: %+v; grammar %s=%q line %d", k, rep.SES, name, fl.Unfolded(), fl.Line)
				}
				k++
			}
			if k != len(rep.SES) {
				t.Fatalf("inspect lists %d X-SES names, grammar %d", len(rep.SES), k)
			}
		}

		// preflight (lint).
		var se *rawheader.SyntaxError
		if errors.As(gerr, &se) {
			found := false
			for _, fd := range preflight.Check(raw, nil) {
				found = found || fd.Rule == preflight.RuleHeaderSyntax && fd.Line == se.Line
			}
			if !found {
				t.Fatalf("preflight has no header-syntax finding at line %d (%v)", se.Line, gerr)
			}
		}

		// net/textproto.
		if gerr == nil && flags&(rawheader.FlagMboxFrom|rawheader.FlagObsColon) == 0 && !oddBytes(fields) {
			tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
			h, err := tp.ReadMIMEHeader()
			if err != nil && !(flags&rawheader.FlagNoSeparator != 0 && errors.Is(err, io.EOF)) {
				t.Fatalf("textproto: %v on a block the grammar reads", err)
			}
			mine := map[string][]string{}
			for _, fl := range fields {
				k := textproto.CanonicalMIMEHeaderKey(string(fl.Name))
				mine[k] = append(mine[k], blanks(fl.Unfolded()))
			}
			if len(h) != len(mine) {
				t.Fatalf("textproto read %d names, grammar %d", len(h), len(mine))
			}
			for k, vs := range h {
				if len(vs) != len(mine[k]) {
					t.Fatalf("%s: textproto %q, grammar %q", k, vs, mine[k])
				}
				for j := range vs {
					if blanks(vs[j]) != mine[k][j] {
						t.Fatalf("%s: textproto %q, grammar %q", k, vs, mine[k])
					}
				}
			}
		}

		// dkim.
		if gerr == nil && flags == 0 {
			signed, err := signer(t, signerKey{}).Sign(nil, raw)
			if err != nil {
				if !errors.Is(err, dkim.ErrMalformedMessage) && !errors.Is(err, dkim.ErrAlreadySigned) &&
					!errors.Is(err, dkim.ErrLimit) && !strings.Contains(err.Error(), "From") {
					t.Fatalf("Sign of a well-formed block: %v", err)
				}
				return
			}
			present := map[string]bool{}
			for _, fl := range fields {
				present[strings.ToLower(string(fl.Name))] = true
			}
			for _, stage := range []func([]byte, *dkim.VerifyOptions) ([]dkim.Result, error){dkim.Verify, dkim.VerifyAfterSESStrip} {
				res, err := stage(signed, verifyOpts())
				if err != nil || len(res) != 1 || res[0].Err != nil {
					t.Fatalf("signed message does not verify: %v %+v", err, res)
				}
				for _, k := range res[0].HeaderKeys {
					if !present[strings.ToLower(k)] && !strings.EqualFold(k, "from") {
						// Oversigning names a field once more than present; it must be present once.
						t.Fatalf("h= names %s, which the grammar did not find", k)
					}
					if r := sesrules.NeverSign(k); r != "" {
						t.Fatalf("h= names %s: %s", k, r)
					}
				}
			}
		}
	})
}

// oddBytes reports whether a name holds a byte outside HTTP's token set or a value a control byte
// other than HTAB (the "name bytes" and "value bytes" differences with net/textproto).
func oddBytes(fields []rawheader.Field) bool {
	for _, f := range fields {
		for _, c := range f.Name {
			if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) && !('0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z') {
				return true
			}
		}
		for _, c := range f.Value {
			if c < ' ' && c != '\t' && c != '\r' && c != '\n' || c == 0x7f || c >= 0x80 {
				return true
			}
		}
	}
	return false
}

// blanks makes every run of SP, HTAB, CR and LF one space and trims the ends.
func blanks(s string) string { return strings.Join(strings.Fields(s), " ") }

func names(fs []rawheader.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Name))
	}
	return out
}

// firstOf returns the unfolded value of the first field named name (any case) and how many there are.
func firstOf(fs []rawheader.Field, name string) (string, int) {
	v, n := "", 0
	for _, f := range fs {
		if strings.EqualFold(string(f.Name), name) {
			if n == 0 {
				v = f.Unfolded()
			}
			n++
		}
	}
	return v, n
}

// TestTextprotoDifferences keeps the list of documented differences honest: each has a reason.
func TestTextprotoDifferences(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range textprotoDifferences {
		if d.reason == "" || seen[d.name] {
			t.Errorf("difference %q: empty reason or listed twice", d.name)
		}
		seen[d.name] = true
	}
}

// asJSON returns s as it reads back from JSON: encoding/json coerces a string to valid UTF-8,
// each invalid byte becoming U+FFFD.
func asJSON(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	var out string
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
