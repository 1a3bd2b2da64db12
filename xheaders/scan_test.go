package xheaders_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sesraw/sesraw/xheaders"
)

const arnA = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
const arnB = "arn:aws:ses:us-east-1:123456789012:identity/other.example"

// messages is a corpus of raw messages covering the edge cases; every test below runs on all of it
// and compares with the reference implementation in ref_test.go.
var messages = map[string]string{
	"empty":                  "",
	"blank only":             "\r\n",
	"body only":              "\r\nX-SES-FROM-ARN: " + arnA + "\r\n",
	"no X-SES":               "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n",
	"simple":                 "X-SES-FROM-ARN: " + arnA + "\r\nFrom: a@example.com\r\n\r\nbody\r\n",
	"lower case":             "x-ses-from-arn: " + arnA + "\r\nFrom: a@example.com\r\n\r\nbody\r\n",
	"mixed case":             "From: a@example.com\r\nX-Ses-Configuration-Set: cs\r\n\r\nbody\r\n",
	"last header":            "From: a@example.com\r\nX-SES-TENANT: t\r\n\r\nbody\r\n",
	"header only, no blank":  "From: a@example.com\r\nX-SES-TENANT: t\r\n",
	"header only, no EOL":    "From: a@example.com\r\nX-SES-TENANT: t",
	"only X-SES, no EOL":     "X-SES-TENANT: t",
	"folded":                 "X-SES-MESSAGE-TAGS: a=1,\r\n b=2,\r\n\tc=3\r\nFrom: a@example.com\r\n\r\nbody\r\n",
	"folded blank cont":      "X-SES-TENANT: t\r\n   \r\nFrom: a@example.com\r\n\r\n",
	"duplicates":             "X-SES-FROM-ARN: " + arnA + "\r\nTo: b@example.com\r\nX-SES-FROM-ARN: " + arnB + "\r\nx-ses-from-arn: third\r\n\r\nbody\r\n",
	"obsolete space":         "X-SES-FROM-ARN : " + arnA + "\r\nFrom: a@example.com\r\n\r\nbody\r\n",
	"obsolete tab":           "X-SES-FROM-ARN\t\t:" + arnA + "\r\n\r\n",
	"unknown X-SES":          "X-SES-OUTGOING: 1.2.3.4\r\nX-SES-: empty suffix\r\nX-SESSION: keep\r\nX-Mailer: keep\r\n\r\n",
	"body lookalike":         "From: a@example.com\r\n\r\nX-SES-FROM-ARN: " + arnA + "\r\nX-SES-TENANT: t\r\n",
	"bare LF":                "X-SES-FROM-ARN: " + arnA + "\nFrom: a@example.com\nX-SES-TENANT: t\n\nbody\nX-SES-TENANT: body\n",
	"mixed EOL":              "X-SES-FROM-ARN: " + arnA + "\nFrom: a@example.com\r\nX-SES-TENANT: t\r\n continued\n\r\nbody",
	"bare CR in value":       "X-SES-TENANT: a\rFrom: b\r\nSubject: s\r\n\r\n",
	"malformed line":         "From: a@example.com\r\nthis is not a header\r\nX-SES-TENANT: t\r\n\r\n",
	"malformed first":        "From a@example.com Mon Jan 1\r\nX-SES-TENANT: t\r\n\r\n", // mbox From line
	"malformed first line":   "From a@example.com\r\nX-SES-TENANT: t\r\n\r\n",
	"leading continuation":   " X-SES-TENANT: t\r\n\r\n",
	"empty name":             ": value\r\nX-SES-TENANT: t\r\n\r\n",
	"8bit name":              "Subj\xe9ct: x\r\nX-SES-TENANT: t\r\n\r\n",
	"CR CR LF":               "X-SES-TENANT: t\r\r\nFrom: a\r\n\r\n",
	"trailing CR":            "X-SES-TENANT: t\r\n\r",
	"empty value":            "X-SES-TENANT:\r\nX-SES-CONFIGURATION-SET:   \r\n\r\n",
	"all headers":            "X-SES-SOURCE-ARN: " + arnA + "\r\nX-SES-FROM-ARN: " + arnA + "\r\nX-SES-RETURN-PATH-ARN: " + arnA + "\r\nX-SES-CONFIGURATION-SET: cs\r\nX-SES-MESSAGE-TAGS: a=b\r\nX-SES-LIST-MANAGEMENT-OPTIONS: L; topic=T\r\nX-SES-TENANT: t\r\nFrom: a@example.com\r\n\r\nbody",
	"continuation of normal": "Subject: a\r\n X-SES-TENANT: not a field\r\nX-SES-TENANT: t\r\n\r\n",
}

func TestRemoveMatchesReference(t *testing.T) {
	for name, msg := range messages {
		got := string(xheaders.Remove(nil, []byte(msg)))
		if want := refRemove(msg); got != want {
			t.Errorf("%s: Remove =\n%q\nwant\n%q", name, got, want)
		}
		// dst is appended to, not overwritten.
		got2 := string(xheaders.Remove([]byte("PFX"), []byte(msg)))
		if got2 != "PFX"+got {
			t.Errorf("%s: Remove with prefix = %q", name, got2)
		}
		// Nothing X-SES is left, and removing again changes nothing.
		if again := string(xheaders.Remove(nil, []byte(got))); again != got {
			t.Errorf("%s: Remove is not idempotent: %q -> %q", name, got, again)
		}
		e, _ := xheaders.Read([]byte(got))
		if e.Total() != 0 {
			t.Errorf("%s: Read after Remove found %d fields", name, e.Total())
		}
	}
}

// TestRemoveInPlace checks RemoveInPlace against Remove for every reference input, and that the
// result is a suffix of raw (the body is not moved).
func TestRemoveInPlace(t *testing.T) {
	for name, msg := range messages {
		want := xheaders.Remove(nil, []byte(msg))
		raw := []byte(msg)
		got := xheaders.RemoveInPlace(raw)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: RemoveInPlace =\n%q\nwant\n%q", name, got, want)
		}
		if len(got) > 0 && &got[len(got)-1] != &raw[len(raw)-1] {
			t.Errorf("%s: result is not a suffix of raw", name)
		}
		if again := xheaders.RemoveInPlace(got); !bytes.Equal(again, want) {
			t.Errorf("%s: RemoveInPlace is not idempotent: %q", name, again)
		}
	}
}

// TestReadInto checks ReadInto against Read, including reuse of one Effective across inputs (no
// state from an earlier input survives).
func TestReadInto(t *testing.T) {
	var e xheaders.Effective
	names := []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant}
	for range 2 {
		for name, msg := range messages {
			want, werr := xheaders.Read([]byte(msg))
			err := xheaders.ReadInto(&e, []byte(msg))
			if (err == nil) != (werr == nil) || e.Total() != want.Total() || e.Others() != want.Others() {
				t.Errorf("%s: ReadInto = %v, total %d; Read = %v, total %d", name, err, e.Total(), werr, want.Total())
			}
			for _, h := range append(names, strings.ToLower(xheaders.Tenant), "X-Ses-From-Arn") {
				v, ok := e.Get(h)
				wv, wok := want.Get(h)
				f, _ := e.First(h)
				wf, _ := want.First(h)
				if v != wv || ok != wok || e.Count(h) != want.Count(h) || f.Offset != wf.Offset || f.End != wf.End {
					t.Errorf("%s: %s: ReadInto %q %v %d, Read %q %v %d", name, h, v, ok, e.Count(h), wv, wok, want.Count(h))
				}
			}
		}
	}
}

func TestRemoveExpected(t *testing.T) {
	tests := []struct{ name, want string }{
		{"simple", "From: a@example.com\r\n\r\nbody\r\n"},
		{"lower case", "From: a@example.com\r\n\r\nbody\r\n"},
		{"last header", "From: a@example.com\r\n\r\nbody\r\n"},
		{"header only, no blank", "From: a@example.com\r\n"},
		{"header only, no EOL", "From: a@example.com\r\n"},
		{"only X-SES, no EOL", ""},
		{"folded", "From: a@example.com\r\n\r\nbody\r\n"},
		{"folded blank cont", "From: a@example.com\r\n\r\n"},
		{"duplicates", "To: b@example.com\r\n\r\nbody\r\n"},
		{"obsolete space", "From: a@example.com\r\n\r\nbody\r\n"},
		{"unknown X-SES", "X-SESSION: keep\r\nX-Mailer: keep\r\n\r\n"},
		{"body lookalike", messages["body lookalike"]},
		{"body only", messages["body only"]},
		{"bare LF", "From: a@example.com\n\nbody\nX-SES-TENANT: body\n"},
		{"mixed EOL", "From: a@example.com\r\n\r\nbody"},
		{"bare CR in value", messages["bare CR in value"]}, // a bare CR ends the header block at its field
		{"malformed line", messages["malformed line"]},
		{"malformed first", "From a@example.com Mon Jan 1\r\n\r\n"}, // an mbox From line is skipped
		{"leading continuation", messages["leading continuation"]},
		{"CR CR LF", messages["CR CR LF"]},
		{"continuation of normal", "Subject: a\r\n X-SES-TENANT: not a field\r\n\r\n"},
		{"all headers", "From: a@example.com\r\n\r\nbody"},
	}
	for _, tt := range tests {
		if got := string(xheaders.Remove(nil, []byte(messages[tt.name]))); got != tt.want {
			t.Errorf("%s: Remove = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestReadMatchesReference(t *testing.T) {
	for name, msg := range messages {
		e, err := xheaders.Read([]byte(msg))
		ref := refParseFull(msg)
		if (err != nil) != ref.malformed {
			t.Errorf("%s: Read error %v, reference malformed=%v", name, err, ref.malformed)
		}
		if err != nil && !errors.Is(err, xheaders.ErrMalformedHeader) {
			t.Errorf("%s: error %v does not wrap ErrMalformedHeader", name, err)
		}
		first, count := refRead(msg)
		total := 0
		for _, n := range count {
			total += n
		}
		if e.Total() != total {
			t.Errorf("%s: Total() = %d, want %d", name, e.Total(), total)
		}
		for _, h := range []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant} {
			v, ok := e.Get(h)
			if ok != (count[h] > 0) || v != first[h] {
				t.Errorf("%s: Get(%s) = %q, %v; want %q, %v", name, h, v, ok, first[h], count[h] > 0)
			}
			if e.Count(h) != count[h] {
				t.Errorf("%s: Count(%s) = %d, want %d", name, h, e.Count(h), count[h])
			}
		}
	}
}

func TestReadExpected(t *testing.T) {
	e, err := xheaders.Read([]byte(messages["duplicates"]))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Get("x-ses-from-arn"); v != arnA {
		t.Errorf("first instance: got %q", v)
	}
	if n := e.Count("X-Ses-From-Arn"); n != 3 {
		t.Errorf("Count = %d, want 3", n)
	}
	f, ok := e.First(xheaders.FromARN)
	if !ok || f.Offset != 0 || string(f.Name) != "X-SES-FROM-ARN" {
		t.Errorf("First = %+v, %v", f, ok)
	}
	if _, ok := e.Get("X-SES-UNKNOWN"); ok || e.Count("From") != 0 {
		t.Errorf("unknown names should be absent")
	}

	e, _ = xheaders.Read([]byte(messages["folded"]))
	if v, _ := e.Get(xheaders.MessageTags); v != "a=1, b=2,\tc=3" {
		t.Errorf("unfolded = %q", v)
	}
	e, _ = xheaders.Read([]byte(messages["obsolete space"]))
	if v, ok := e.Get(xheaders.FromARN); !ok || v != arnA {
		t.Errorf("obsolete syntax: %q %v", v, ok)
	}
	e, _ = xheaders.Read([]byte(messages["body lookalike"]))
	if e.Total() != 0 {
		t.Errorf("body lookalike read as header")
	}
	e, _ = xheaders.Read([]byte(messages["unknown X-SES"]))
	if e.Others() != 2 || e.Total() != 2 {
		t.Errorf("Others = %d, Total = %d, want 2, 2", e.Others(), e.Total())
	}
	e, err = xheaders.Read([]byte(messages["malformed line"]))
	var se *xheaders.SyntaxError
	if !errors.As(err, &se) || se.Offset != len("From: a@example.com\r\n") || e.Total() != 0 {
		t.Errorf("malformed: err %v, Total %d", err, e.Total())
	}
	e, _ = xheaders.Read([]byte(messages["empty value"]))
	if v, ok := e.Get(xheaders.ConfigurationSet); !ok || v != "" {
		t.Errorf("empty value: %q, %v", v, ok)
	}
	if _, err := e.Headers(); !errors.Is(err, xheaders.ErrInvalidConfigSet) || !errors.Is(err, xheaders.ErrInvalidTenant) {
		t.Errorf("empty values should not validate: %v", err)
	}
}

func TestScannerOffsets(t *testing.T) {
	for name, msg := range messages {
		want := refSESFields(msg)
		var s xheaders.Scanner
		s.Reset([]byte(msg))
		i := 0
		for s.Next() {
			f := s.Field()
			if i >= len(want) {
				t.Errorf("%s: extra field %q", name, f.Name)
				break
			}
			w := want[i]
			if string(f.Name) != w.name || string(f.Value) != w.value || f.Offset != w.start || f.End != w.end {
				t.Errorf("%s: field %d = {%q %q %d %d}, want {%q %q %d %d}", name, i, f.Name, f.Value, f.Offset, f.End, w.name, w.value, w.start, w.end)
			}
			if u := string(f.AppendUnfolded([]byte("x"))); u != "x"+refUnfold(w.value) || f.Unfolded() != refUnfold(w.value) {
				t.Errorf("%s: unfolded %q / %q, want %q", name, u, f.Unfolded(), refUnfold(w.value))
			}
			i++
		}
		if i != len(want) {
			t.Errorf("%s: %d fields, want %d", name, i, len(want))
		}
		if s.Next() {
			t.Errorf("%s: Next after end returned true", name)
		}
		if got, w := s.BodyOffset(), refParse(msg).bodyAt; got != w {
			t.Errorf("%s: BodyOffset = %d, want %d", name, got, w)
		}
	}
	var zero xheaders.Scanner
	if zero.Next() {
		t.Error("zero Scanner Next returned true")
	}
}

func TestIsSESName(t *testing.T) {
	for in, want := range map[string]bool{
		"X-SES-FROM-ARN": true, "x-ses-": true, "X-Ses-Anything": true, "X-SES": false, "X-SESX": false,
		"X_SES_A": false, "XX-SES-": false, "": false, "From": false, "x-ses-\x00": true,
	} {
		if got := xheaders.IsSESName([]byte(in)); got != want {
			t.Errorf("IsSESName(%q) = %v", in, got)
		}
	}
}

// readers wraps a message in the chunking readers of testing/iotest.
func readers(msg string) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"plain":    func() io.Reader { return strings.NewReader(msg) },
		"onebyte":  func() io.Reader { return iotest.OneByteReader(strings.NewReader(msg)) },
		"half":     func() io.Reader { return iotest.HalfReader(strings.NewReader(msg)) },
		"dataerr":  func() io.Reader { return iotest.DataErrReader(strings.NewReader(msg)) },
		"onebyte2": func() io.Reader { return iotest.DataErrReader(iotest.OneByteReader(strings.NewReader(msg))) },
	}
}

func TestRemoveTo(t *testing.T) {
	for name, msg := range messages {
		want := string(xheaders.Remove(nil, []byte(msg)))
		for rname, r := range readers(msg) {
			var buf bytes.Buffer
			n, err := xheaders.RemoveTo(&buf, r())
			if err != nil {
				t.Errorf("%s/%s: %v", name, rname, err)
				continue
			}
			if buf.String() != want || n != int64(buf.Len()) {
				t.Errorf("%s/%s: RemoveTo = %q (n=%d), want %q", name, rname, buf.String(), n, want)
			}
		}
	}
}

func TestRemoveToLargeBody(t *testing.T) {
	body := strings.Repeat("X-SES-TENANT: body line, kept\r\n", 100000)
	msg := "X-SES-TENANT: t\r\nFrom: a@example.com\r\n\r\n" + body
	var buf bytes.Buffer
	n, err := xheaders.RemoveTo(&buf, iotest.HalfReader(strings.NewReader(msg)))
	if err != nil || buf.String() != "From: a@example.com\r\n\r\n"+body || n != int64(buf.Len()) {
		t.Fatalf("RemoveTo large body: n=%d err=%v len=%d", n, err, buf.Len())
	}
}

func TestRemoveToHeaderTooLarge(t *testing.T) {
	big := "X-Long: " + strings.Repeat("a", xheaders.MaxHeaderBytes) + "\r\n\r\nbody"
	var buf bytes.Buffer
	n, err := xheaders.RemoveTo(&buf, strings.NewReader(big))
	if !errors.Is(err, xheaders.ErrHeaderTooLarge) || n != 0 || buf.Len() != 0 {
		t.Errorf("RemoveTo huge header: n=%d err=%v wrote=%d", n, err, buf.Len())
	}
	// Header-only message over the limit, no line break at all.
	_, err = xheaders.RemoveTo(io.Discard, strings.NewReader("X-Long: "+strings.Repeat("a", xheaders.MaxHeaderBytes+1)))
	if !errors.Is(err, xheaders.ErrHeaderTooLarge) {
		t.Errorf("no line break: err=%v", err)
	}
	// Exactly at the limit is fine.
	ok := "X-Long: " + strings.Repeat("a", xheaders.MaxHeaderBytes-12) + "\r\n\r\n"
	if len(ok) != xheaders.MaxHeaderBytes {
		t.Fatalf("bad test setup %d", len(ok))
	}
	if _, err := xheaders.RemoveTo(io.Discard, strings.NewReader(ok+"body")); err != nil {
		t.Errorf("header at the limit: %v", err)
	}
}

// TestRemoveToLongMalformedLine: the header block ends at a malformed line; that line (body) may be
// longer than MaxHeaderBytes without making the header too large.
func TestRemoveToLongMalformedLine(t *testing.T) {
	for _, first := range []string{"X-SES-TENANT: t\r\nFrom: a\r\n", ""} {
		for _, line := range []string{"not a header ", ":", "a\x00"} {
			msg := first + line + strings.Repeat("x", xheaders.MaxHeaderBytes+10) + "\r\nmore body\r\n"
			want := xheaders.Remove(nil, []byte(msg))
			var buf bytes.Buffer
			n, err := xheaders.RemoveTo(&buf, iotest.HalfReader(strings.NewReader(msg)))
			if err != nil || !bytes.Equal(buf.Bytes(), want) || n != int64(len(want)) {
				t.Errorf("%q + %q: n=%d err=%v equal=%v", first, line, n, err, bytes.Equal(buf.Bytes(), want))
			}
		}
	}
	// A field name still being read is not decided yet: too large.
	_, err := xheaders.RemoveTo(io.Discard, strings.NewReader("From: a\r\n"+strings.Repeat("x", xheaders.MaxHeaderBytes)))
	if !errors.Is(err, xheaders.ErrHeaderTooLarge) {
		t.Errorf("long name: %v", err)
	}
}

func TestRemoveToErrors(t *testing.T) {
	boom := errors.New("boom")
	_, err := xheaders.RemoveTo(io.Discard, iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Errorf("read error: %v", err)
	}
	// A body read error after the header is returned too.
	r := io.MultiReader(strings.NewReader("From: a\r\n\r\nbody"), iotest.ErrReader(boom))
	var buf bytes.Buffer
	n, err := xheaders.RemoveTo(&buf, r)
	if !errors.Is(err, boom) || n != int64(buf.Len()) {
		t.Errorf("body read error: n=%d err=%v", n, err)
	}
	// Write errors are reported with the count actually written.
	w := &limitWriter{max: 5}
	n, err = xheaders.RemoveTo(w, strings.NewReader(messages["all headers"]))
	if err == nil || n != 5 {
		t.Errorf("write error: n=%d err=%v", n, err)
	}
	_, err = xheaders.RemoveTo(io.Discard, zeroReader{})
	if !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("zero reader: %v", err)
	}
}

type limitWriter struct{ n, max int }

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.max {
		k := w.max - w.n
		w.n = w.max
		return k, errors.New("full")
	}
	w.n += len(p)
	return len(p), nil
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// TestRemoveInPlaceGivesUp covers the cases where RemoveInPlace's batch reading gives up (more X-SES
// fields than it notes, a bare CR after kept bytes and X-SES fields): the result is still Remove's.
func TestRemoveInPlaceGivesUp(t *testing.T) {
	many := strings.Repeat("A: 1\r\nX-SES-TENANT: t\r\n", 20) + "\r\nbody"
	cases := []string{
		many,
		"A: 1\r\nX-SES-TENANT: t\r\nB: 2\r\nX-SES-A: x\r\nC: x\ry\r\n\r\nbody",
		"A: 1\r\nX-SES-TENANT: t\r\nnot a field\r\nX-SES-A: x\r\n\r\nbody",
	}
	for _, c := range cases {
		want := xheaders.Remove(nil, []byte(c))
		if got := xheaders.RemoveInPlace([]byte(c)); !bytes.Equal(got, want) {
			t.Errorf("RemoveInPlace(%q) = %q, want %q", c, got, want)
		}
	}
	if got := string(xheaders.Remove(nil, []byte(many))); got != strings.Repeat("A: 1\r\n", 20)+"\r\nbody" {
		t.Errorf("Remove = %q", got)
	}
}
