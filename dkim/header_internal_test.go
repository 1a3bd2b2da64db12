package dkim

import (
	"bytes"
	"errors"
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// refRelaxedHeader is the naive relaxed header canonicalization of RFC 6376 §3.4.2, without the
// final CRLF.
func refRelaxedHeader(f string) string {
	f = strings.TrimSuffix(f, "\r\n")
	name, value, _ := strings.Cut(f, ":")
	name = strings.ToLower(strings.TrimRight(name, " \t"))
	value = strings.ReplaceAll(value, "\r\n", "")
	value = regexp.MustCompile(`[ \t]+`).ReplaceAllString(value, " ")
	return name + ":" + strings.Trim(value, " ")
}

func TestAppendRelaxedHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		// RFC 6376 §3.4.5 example.
		{"A: X\r\n", "a:X"},
		{"B : Y\t\r\n\tZ  \r\n", "b:Y Z"},
		{"Subject:   Hello   world  \r\n", "subject:Hello world"},
		{"To: a@example.net,\r\n b@example.net\r\n", "to:a@example.net, b@example.net"},
		{"X-Empty:\r\n", "x-empty:"},
		{"X-Empty:   \r\n", "x-empty:"},
		{"X-Folded-Empty:\r\n \r\n\t\r\n", "x-folded-empty:"},
		{"MiXeD-CaSe: KeEp CaSe\r\n", "mixed-case:KeEp CaSe"},
		{"X-8bit: caf\xc3\xa9\r\n", "x-8bit:caf\xc3\xa9"},
		{"DKIM-Signature: v=1; a=x;\r\n b=", "dkim-signature:v=1; a=x; b="},
		{"From:a@example.com", "from:a@example.com"},
	}
	for _, tt := range tests {
		if got := string(appendRelaxedHeader(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
		if ref := refRelaxedHeader(tt.in); ref != tt.want {
			t.Errorf("reference disagrees on %q: %q", tt.in, ref)
		}
	}
	// Random fields over the interesting alphabet, folded only where RFC 5322 allows (CRLF + WSP).
	rng := rand.New(rand.NewSource(2))
	pieces := []string{"a", "B", " ", "\t", "\r\n ", "\r\n\t", ":", "x"}
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		b.WriteString("X-F")
		b.WriteString([]string{"", " ", "\t"}[rng.Intn(3)])
		b.WriteString(":")
		for i := rng.Intn(12); i > 0; i-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		b.WriteString("\r\n")
		in := b.String()
		if got, want := string(appendRelaxedHeader(nil, []byte(in))), refRelaxedHeader(in); got != want {
			t.Fatalf("%q: got %q, want %q", in, got, want)
		}
	}
}

// TestPlainValue: appendRelaxedHeader copies a plain value whole, or in the pieces between its
// folds (appendPlainValue, eight octets at a time), and takes any other octet by octet; on random
// values of every length up to a few hundred octets, plain, folded, or nearly so, the result must
// match the reference, and appendPlainValue must take exactly the values a plain reading calls
// plain (the alphabet leaves out '!', whose borrow flags make it refuse a few plain values, on
// purpose) and append them as the reference canonicalizes them.
func TestPlainValue(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	words := []string{"abcdefgh", "a", "Zz", "\xc3\xa9", "\x7f", ":", "=?", "0123456789", ";"}
	odd := []string{"  ", "\t", "\r\n  ", "\r\n\t ", " \r\n ", "\x1f", "\x00", " \x01", "!", " !", "! "}
	taken := 0
	for n := 0; n < 30000; n++ {
		var b strings.Builder
		b.WriteString([]string{"", " ", "  ", "\t", "\r\n "}[rng.Intn(5)])
		for i := rng.Intn(40); i > 0; i-- {
			b.WriteString(words[rng.Intn(len(words))])
			switch r := rng.Intn(12); {
			case r < 7:
				b.WriteByte(' ')
			case r == 7:
				b.WriteString([]string{"\r\n ", "\r\n\t"}[rng.Intn(2)])
			}
			if rng.Intn(80) == 0 {
				b.WriteString(odd[rng.Intn(len(odd))])
			}
		}
		b.WriteString([]string{"", "\r\n", " \r\n", "\r\n \r\n"}[rng.Intn(4)])
		v := b.String()
		in := "X-F:" + v
		want := refRelaxedHeader(in)
		if got := string(appendRelaxedHeader(nil, []byte(in))); got != want {
			t.Fatalf("%q: got %q, want %q", in, got, want)
		}
		got, ok := appendPlainValue([]byte("x-f:"), []byte(v))
		if ok && string(got) != want || !ok && string(got) != "x-f:" {
			t.Fatalf("appendPlainValue(%q) = %q, %v; want %q", v, got, ok, want)
		}
		if strings.Contains(v, "!") {
			continue // plain or not, it may be refused
		}
		if plain := plainRef(v); ok != plain {
			t.Fatalf("appendPlainValue(%q): %v, want %v", v, ok, plain)
		}
		if ok {
			taken++
		}
	}
	if taken < 1000 {
		t.Errorf("only %d plain values: the test no longer makes them", taken)
	}
}

// plainRef is appendPlainValue's test, written out octet by octet.
func plainRef(v string) bool {
	w := strings.TrimPrefix(strings.TrimSuffix(v, "\r\n"), " ")
	if strings.HasPrefix(w, " ") || strings.HasSuffix(w, " ") {
		return false
	}
	wsp := func(c byte) bool { return c == ' ' || c == '\t' }
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '\r':
			if i == 0 || wsp(w[i-1]) || i+3 >= len(w) || w[i+1] != '\n' || !wsp(w[i+2]) || wsp(w[i+3]) {
				return false
			}
			i += 2
		case c < 0x20, c == ' ' && i+1 < len(w) && w[i+1] <= ' ':
			return false
		}
	}
	return true
}

// TestAppendRelaxedHeaderNoAllocs: canonicalizing a whole 15-field header into a reused buffer
// allocates nothing.
func TestAppendRelaxedHeaderNoAllocs(t *testing.T) {
	fields := bytes.SplitAfter([]byte(header15), []byte("\r\n"))
	buf := make([]byte, 0, 1024)
	allocs := testing.AllocsPerRun(100, func() {
		for _, f := range fields {
			buf = appendRelaxedHeader(buf[:0], f)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per header, want 0", allocs)
	}
}

// header15 is a realistic 15-field header block (the one the benchmarks use too).
const header15 = "From: \"Joe Q. Public\" <joe@example.com>\r\n" +
	"To: \"Mary Smith\" <mary@example.net>, jdoe@example.org,\r\n \"Who?\" <one@example.org>\r\n" +
	"Cc: Boss <boss@example.net>\r\n" +
	"Reply-To: replies@example.com\r\n" +
	"Subject: =?utf-8?q?Quarterly_report_=E2=80=94_draft?=\r\n =?utf-8?q?_for_review?=\r\n" +
	"Date: Wed, 01 Jan 2025 00:00:00 +0000\r\n" +
	"Message-ID: <20250101000000.12345@example.com>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative;\r\n boundary=\"b1_0123456789abcdef0123456789abcdef\"\r\n" +
	"In-Reply-To: <1@example.net>\r\n" +
	"References: <0@example.net>\r\n <1@example.net>\r\n" +
	"List-Unsubscribe: <https://example.com/unsubscribe?u=12345&l=67890>,\r\n <mailto:unsubscribe@example.com?subject=unsubscribe>\r\n" +
	"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" +
	"List-Id: Example News <news.example.com>\r\n" +
	"X-Campaign:   spring-2025   \r\n"

func TestParseHeader(t *testing.T) {
	fs, err := parseHeader(nil, []byte(header15))
	if err != nil || len(fs) != 15 {
		t.Fatalf("header15: %d fields, %v", len(fs), err)
	}
	if f := fs[1]; string(header15[f.start:f.nameEnd]) != "To" || !strings.HasSuffix(header15[f.start:f.end], "<one@example.org>\r\n") {
		t.Errorf("folded To parsed as %q", header15[f.start:f.end])
	}
	for _, bad := range []string{
		" x\r\n", "From\r\n", ":v\r\n", "From: a\n", "From: a\r", "From: a", "From: a\rb\r\n", "From : a\r\n",
		"From: a\r\n\r\nx", "Fr\x7fom: a\r\n", "Fröm: a\r\n",
	} {
		if _, err := parseHeader(nil, []byte(bad)); !errors.Is(err, ErrMalformedMessage) {
			t.Errorf("%q: %v, want ErrMalformedMessage", bad, err)
		}
	}
	for _, good := range []string{"", "\r\n", "From: a\r\n\r\n", "From:\r\n", "X: \xff\r\n"} {
		if _, err := parseHeader(nil, []byte(good)); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}

// FuzzRelaxedHeader checks appendRelaxedHeader against the naive reference for any field that
// parseHeader accepts. Invariant: output == refRelaxedHeader(field) and contains no CR or LF.
func FuzzRelaxedHeader(f *testing.F) {
	f.Add([]byte("B : Y\t\r\n\tZ  \r\n"))
	f.Add([]byte(header15))
	f.Fuzz(func(t *testing.T, hdr []byte) {
		fs, err := parseHeader(nil, hdr)
		if err != nil {
			return
		}
		for _, fl := range fs {
			field := hdr[fl.start:fl.end]
			got := appendRelaxedHeader(nil, field)
			if want := refRelaxedHeader(string(field)); string(got) != want {
				t.Fatalf("%q: got %q, want %q", field, got, want)
			}
			if bytes.ContainsAny(got, "\r\n") {
				t.Fatalf("%q: CR or LF in canonical form %q", field, got)
			}
		}
	})
}
