package rawheader

import (
	"bytes"
	"testing"
)

// TestFtextEnd checks the word-at-a-time name scan against the byte table for every byte value
// at every position of a word, after runs of every length.
func TestFtextEnd(t *testing.T) {
	slow := func(src []byte, p int) int {
		for p < len(src) && ftext[src[p]] {
			p++
		}
		return p
	}
	for c := 0; c < 256; c++ {
		for n := 0; n < 20; n++ {
			for _, fill := range []byte{'a', 0x21, 0x7e, '9'} {
				src := bytes.Repeat([]byte{fill}, n+10)
				src[n] = byte(c)
				for p := 0; p <= n && p < 3; p++ {
					if got, want := ftextEnd(src, p), slow(src, p); got != want {
						t.Fatalf("byte %#x at %d after %q from %d: got %d, want %d", c, n, fill, p, got, want)
					}
					if got, want := ftextEnd(src[:n+1], p), slow(src[:n+1], p); got != want {
						t.Fatalf("short: byte %#x at %d: got %d, want %d", c, n, got, want)
					}
				}
			}
		}
	}
}

// reading is everything a Scanner reports about an input.
type reading struct {
	fields           []Field
	err              string
	flags            Flags
	start, end, body int
	rewound          bool
}

// read reads src with mode: "exact" (the line-by-line reading only), "fast" (Next or NextPrefix),
// "batch" (NextPrefixBatch, then NextPrefix again if it rewound), or "spans" (PrefixSpans with
// room for two spans, the fields then read from their spans; with more, the block is read again
// with NextPrefix, as xheaders' Read and Remove do).
func read(src []byte, lim Limits, prefix, mode string) reading {
	var s Scanner
	s.ResetLimits(src, lim)
	var r reading
	switch mode {
	case "exact":
		s.slow = true
	case "spans":
		var spans [2]Span
		if n := s.PrefixSpans(prefix, spans[:]); n <= len(spans) {
			for _, sp := range spans[:n] {
				var f Scanner // the field at sp, read on its own
				f.ResetLimits(src[:sp.End], Limits{MaxBytes: -1, MaxFields: -1, MaxFieldLines: -1})
				f.pos, f.begun, f.slow, f.line = sp.Start, true, true, 0
				if !f.nextExact("") || f.cur.end != sp.End {
					return reading{err: "span does not hold one field"}
				}
				if g := f.Field(); sp.NameEnd != sp.Start+len(g.Name) || sp.Colon != g.Colon || !bytes.Equal(sp.Value(src), g.Value) {
					return reading{err: "span's name, colon or value differ from the field's"}
				}
				r.fields = append(r.fields, f.Field())
			}
			mode = "done"
		} else {
			s.ResetLimits(src, lim)
		}
	case "batch":
		for s.NextPrefixBatch(prefix) {
			r.fields = append(r.fields, s.Field())
		}
		if r.rewound = s.Rewound(); r.rewound {
			r.fields = nil
		} else {
			mode = "done"
		}
	}
	if mode != "done" {
		for s.NextPrefix(prefix) {
			r.fields = append(r.fields, s.Field())
		}
	}
	if err := s.Err(); err != nil {
		r.err = err.Error()
	}
	r.flags, r.start, r.end, r.body = s.Flags(), s.Start(), s.End(), s.BodyOffset()
	return r
}

// checkFast fails t if the fast and batch readings of src differ in anything from the exact one.
func checkFast(t *testing.T, src []byte, lim Limits) {
	t.Helper()
	for _, prefix := range []string{"", "x-ses-", "X-SES-A", "x-Ses-a:", "X-SES-SOURCE-ARN", "b"} {
		want := read(src, lim, prefix, "exact")
		for _, mode := range []string{"fast", "batch", "spans"} {
			got := read(src, lim, prefix, mode)
			got.rewound = false
			if mode == "spans" { // a field read from its span alone has no line number
				for i := range got.fields {
					if i < len(want.fields) {
						got.fields[i].Line = want.fields[i].Line
					}
				}
			}
			if !equalReading(got, want) {
				t.Fatalf("%s reading (prefix %q) of %q with %+v:\n got %+v\nwant %+v", mode, prefix, src, lim, got, want)
			}
		}
	}
}

func equalReading(a, b reading) bool {
	if len(a.fields) != len(b.fields) || a.err != b.err || a.flags != b.flags || a.start != b.start ||
		a.end != b.end || a.body != b.body {
		return false
	}
	for i := range a.fields {
		f, g := a.fields[i], b.fields[i]
		if !bytes.Equal(f.Name, g.Name) || !bytes.Equal(f.Value, g.Value) || f.Start != g.Start ||
			f.Colon != g.Colon || f.End != g.End || f.Line != g.Line || f.Lines != g.Lines {
			return false
		}
	}
	return true
}

// fastCases hold every case the fast reading hands back to the exact one, at the start, in the
// middle and at the end of a block, and every flag.
var fastCases = []string{
	"",
	"\r\n",
	"\n",
	"\r",
	"\rX",
	"A: 1\r\nX-SES-A: 2\r\n\r\nbody\r\n",
	"A: 1\nX-SES-A: 2\n\nbody",
	"A: 1\r\nX-SES-A: 2\r\nB: 3",
	"A: 1\r\nX-SES-A: 2\r\nB: 3\r",
	"A: 1\r\nX-SES-A: 2\rx\r\nB: 3\r\n\r\n",
	"X-SES-A: 1\r\nX-SES-B: 2\r\nC: x\ry\r\n\r\n",
	"X-SES-A: 1\r\nX-SES-B: 2\r\n\r\nbody\rbare CR in the body\r\n",
	"X-SES-A: 1\r\n folded\r\n\tagain\r\nX-SES-B: 2\n\r\n",
	"X-SES-A: 1\r\n fo\rlded\r\nX-SES-B: 2\r\n\r\n",
	"X-SES-A: 1\r\nnot a field\r\nX-SES-B: 2\r\n\r\n",
	"X-SES-A: 1\r\n\rX-SES-B: 2\r\n\r\n",
	" leading: continuation\r\n\r\n",
	"\xef\xbb\xbfX-SES-A: 1\r\n\r\n",
	"From someone@example.com Mon Jan 1 00:00:00 2026\nX-SES-A: 1\r\n\r\n",
	"From someone@example.com\r\rX\nX-SES-A: 1\r\n\r\n",
	"From : obsolete\r\nX-SES-A : 1\r\n\r\n",
	"X-SES-A\t: 1\r\nB: \r\r\n\r\n",
	"A: 1\r\nX-SES-A: 2\r\n\nbody",
	"A\x00B: 1\r\n\r\n",
	"X-SES-\xc3\xa9: 1\r\n\r\n",
	"X-SES-A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
	"X-SES-A: 1\r\n 2\r\n 3\r\n 4\r\nB: 2\r\n\r\n",
	"X-SES-A: 1\r\n 2\r\n 3\r\n 4\rx\r\nB: 2\r\n\r\n",
}

// TestFastReadingIsExact checks that the fast reading (Next, NextPrefix) and the batch reading
// (NextPrefixBatch, with its rewind) report exactly what the line-by-line reading reports, with the
// default limits and with limits the cases reach.
func TestFastReadingIsExact(t *testing.T) {
	lims := []Limits{{}, {MaxBytes: 40}, {MaxFields: 2}, {MaxFieldLines: 3}, {MaxBytes: 12, MaxFields: 1, MaxFieldLines: 1}}
	for _, c := range fastCases {
		for _, lim := range lims {
			checkFast(t, []byte(c), lim)
		}
	}
}

// FuzzFastReading: for any input and small limits, the fast and batch readings report exactly
// what the line-by-line reading reports (fields with offsets and line numbers, error, flags, end
// of block, first body byte).
func FuzzFastReading(f *testing.F) {
	for _, c := range fastCases {
		f.Add([]byte(c), uint8(0))
	}
	f.Fuzz(func(t *testing.T, src []byte, l uint8) {
		lim := Limits{}
		if l != 0 {
			lim = Limits{MaxBytes: int(l) * 4, MaxFields: int(l&7) + 1, MaxFieldLines: int(l>>5) + 1}
		}
		checkFast(t, src, lim)
	})
}
