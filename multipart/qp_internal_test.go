package multipart

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// qpAlphabets are octet sets rich in what the quoted-printable encoder treats specially.
var qpAlphabets = []string{
	"ab =\t\r\n",
	"abcdefghij \t\r\n=\x00\xc3\xbc",
	"x",
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \t\r\n",
	"x\xff",
	"abcdefghijklmnopqrstuvwxyz0123456789 .,\xc3\xa9\xc3\xbc\n",
}

func randomQPBody(r *rand.Rand, i int) []byte {
	alpha := qpAlphabets[i%len(qpAlphabets)]
	data := make([]byte, r.IntN(600))
	if i%50 == 0 {
		data = make([]byte, 2000+r.IntN(9000))
	}
	for j := range data {
		data[j] = alpha[r.IntN(len(alpha))]
	}
	return data
}

// qpStream encodes data the way readQP does: reads of the given sizes (cycled), two octets of
// lookahead kept between calls, atEOF on the last.
func qpStream(data []byte, crlf bool, sizes []int) []byte {
	q := qpEncoder{crlf: crlf}
	var out, buf []byte
	for k := 0; ; k++ {
		m := min(sizes[k%len(sizes)], len(data))
		buf = append(buf, data[:m]...)
		data = data[m:]
		atEOF := len(data) == 0
		var used int
		out, used = q.encode(out, buf, atEOF)
		buf = append(buf[:0], buf[used:]...)
		if atEOF {
			return out
		}
	}
}

// checkQP checks the encoder against the reference encoder (byte for byte, whole and streamed in
// chunks), scan's size against the encoding's length, and every line against 76 octets.
func checkQP(t testing.TB, data []byte, crlf bool, sizes []int) {
	t.Helper()
	ref := refQPEncoder{crlf: crlf}
	want, used := ref.encode(nil, data, true)
	if used != len(data) {
		t.Fatalf("reference consumed %d of %d", used, len(data))
	}
	q := qpEncoder{crlf: crlf}
	got, used := q.encode(nil, data, true)
	if used != len(data) || !bytes.Equal(got, want) {
		t.Fatalf("crlf %v, %q:\ngot  %q\nwant %q", crlf, data, got, want)
	}
	if s := qpStream(data, crlf, sizes); !bytes.Equal(s, want) {
		t.Fatalf("crlf %v, %q streamed in %v:\ngot  %q\nwant %q", crlf, data, sizes, s, want)
	}
	sc := scan(data, crlf)
	if sc.qpLen != int64(len(want)) {
		t.Fatalf("crlf %v, %q: scan sized %d, encoding has %d", crlf, data, sc.qpLen, len(want))
	}
	// The encoder told what scan found absent, as writeLeafContent tells it.
	q = qpEncoder{crlf: crlf, noEq: sc.noEq, noDEL: sc.noDEL}
	if got, _ := q.encode(nil, data, true); !bytes.Equal(got, want) {
		t.Fatalf("crlf %v, noEq %v, noDEL %v, %q:\ngot  %q\nwant %q", crlf, sc.noEq, sc.noDEL, data, got, want)
	}
	checkScan(t, data, crlf, sc)
	for _, line := range bytes.Split(want, []byte("\r\n")) {
		if len(line) > qpLineMax {
			t.Fatalf("crlf %v, %q: line of %d octets: %q", crlf, data, len(line), line)
		}
	}
}

// checkScan holds scan's summary of data (what the choice of encoding reads) to the reference
// scan's, field for field; eqUnder only where it decides (the rest allows 7bit).
func checkScan(t testing.TB, data []byte, crlf bool, got dataScan) {
	t.Helper()
	want := refScan(data, crlf)
	if !(!want.nonASCII && !want.nul && !want.bare && want.maxLine <= qpLineMax) {
		want.eqUnder = false
	}
	// noEq is only looked for without DEL.
	want.noDEL = bytes.IndexByte(data, 0x7f) < 0
	want.noEq = want.noDEL && bytes.IndexByte(data, '=') < 0
	if got != want {
		t.Fatalf("crlf %v, %q: scan\n got %+v\nwant %+v", crlf, data, got, want)
	}
}

// TestQPMatchesReference holds the table-driven encoder to the reference encoder's output, and
// scan's size to the encoding's length, over random bodies.
func TestQPMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		data := randomQPBody(r, i)
		sizes := []int{1 + r.IntN(3), 1 + r.IntN(100), 1 + r.IntN(5000)}
		checkQP(t, data, i%2 == 0, sizes)
	}
}

// FuzzQPEncode: for any input, the encoder's output equals the reference encoder's, whole and
// streamed in any chunking; scan's size equals the encoding's length; no line exceeds 76 octets.
func FuzzQPEncode(f *testing.F) {
	f.Add([]byte("Gr\xc3\xbc\xc3\x9fe =\t\r\nabc \n"), true, uint8(3), uint8(70))
	f.Add(bytes.Repeat([]byte("a"), 200), false, uint8(1), uint8(255))
	f.Add([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \r\n"), true, uint8(8), uint8(9))
	f.Fuzz(func(t *testing.T, data []byte, crlf bool, s1, s2 uint8) {
		checkQP(t, data, crlf, []int{int(s1) + 1, int(s2) + 1})
	})
}

// TestQPBodySize checks that BodySize, computed from scan without encoding, is what WriteBody
// writes, over random trees of quoted-printable and Auto leaves.
func TestQPBodySize(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 1000 {
		data := randomQPBody(r, i)
		ct := "text/plain"
		if i%2 == 1 {
			ct = "application/octet-stream"
		}
		enc := QuotedPrintable
		if i%3 == 0 {
			enc = Auto
		}
		root := &Part{ContentType: ct, Data: data, Encoding: enc}
		if i%4 == 0 {
			root = &Part{ContentType: "multipart/mixed", Parts: []*Part{root, {ContentType: "text/html", Data: data[:len(data)/2], Encoding: QuotedPrintable}}}
		}
		tr, err := NewTree(root, bytes.NewReader(make([]byte, 1024)))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var buf bytes.Buffer
		n, err := tr.WriteBody(&buf)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		size, known := tr.BodySize()
		if !known || size != n || n != int64(buf.Len()) {
			t.Fatalf("case %d: BodySize %d %v, WriteBody %d, wrote %d", i, size, known, n, buf.Len())
		}
	}
}

// laneWords calls f with every octet c in every lane of a word whose other lanes hold fill, for
// fills that could carry or borrow into the lane (c's neighbours in a SWAR test).
func laneWords(f func(v uint64, c byte, lane int, fill byte)) {
	for c := range 256 {
		for lane := range 8 {
			for _, fill := range []byte{'a', 0x00, 0x1f, 0x20, '=', 0x7e, 0x7f, 0x80, 0xff} {
				v := uint64(fill) * lsb8
				v = v&^(0xff<<(8*lane)) | uint64(c)<<(8*lane)
				f(v, byte(c), lane, fill)
			}
		}
	}
}

// TestQPClassify holds qpClassify to qpClass for every octet in every lane, next to neighbours
// that could carry or borrow into it: spec flags exactly the controls, esc exactly the other
// octets written as escapes.
func TestQPClassify(t *testing.T) {
	laneWords(func(v uint64, c byte, lane int, fill byte) {
		esc, spec := qpClassify(v)
		for j := range 8 {
			gotEsc, gotSpec := esc>>(8*j+7)&1 == 1, spec>>(8*j+7)&1 == 1
			b := fill
			if j == lane {
				b = c
			}
			if gotSpec != (b < 0x20) || gotEsc != (b >= 0x20 && qpClass[b] == qpEsc) {
				t.Fatalf("octet %#x in lane %d among %#x: lane %d (%#x) esc %v spec %v", c, lane, fill, j, b, gotEsc, gotSpec)
			}
		}
	})
}

// TestQPClassifyPlain holds qpClassifyPlain to qpClassify on every word of laneWords that holds
// neither '=' nor DEL (the words it is used on): the same escapes, and ctl not zero exactly when
// spec is not, with the same lowest lane.
func TestQPClassifyPlain(t *testing.T) {
	laneWords(func(v uint64, c byte, lane int, fill byte) {
		if c == '=' || c == 0x7f || fill == '=' || fill == 0x7f {
			return
		}
		esc, spec := qpClassify(v)
		m, ctl := qpClassifyPlain(v)
		if m != esc>>7 || (ctl == 0) != (spec == 0) || ctl&-ctl != spec&-spec {
			t.Fatalf("octet %#x in lane %d among %#x: m %#x ctl %#x, qpClassify esc>>7 %#x spec %#x", c, lane, fill, m, ctl, esc>>7, spec)
		}
	})
}

// TestQPEqualsDEL puts '=' and DEL (which end the stretches the word loop classifies with
// qpClassifyPlain) at every offset of a text, alone, doubled and mixed, and the text at every
// offset of a run of them, in both modes, whole and streamed in chunks that cut around them.
func TestQPEqualsDEL(t *testing.T) {
	text := strings.Repeat("Gr\xc3\xbc\xc3\x9fe aus dem B\xc3\xbcro, here is the Q3 report you asked for.\n", 3)
	for _, s := range []string{"=", "\x7f", "==", "\x7f\x7f", "=\x7f", "\x7f="} {
		for k := 0; k <= len(text); k++ {
			body := text[:k] + s + text[k:]
			checkQP(t, []byte(body), k%2 == 0, []int{1 + k%11, 2 + k%64})
		}
	}
	for _, run := range []string{strings.Repeat("=", 100), strings.Repeat("a=b\x7f", 40), strings.Repeat("\x7f", 90)} {
		for k := 0; k <= len(run); k += 3 {
			body := run[:k] + text + run[k:]
			checkQP(t, []byte(body), k%2 == 1, []int{3 + k%17, 200})
		}
	}
}

// TestQPLineEdges holds the encoder to the reference on lines of every length around the
// 76-column limit, at every alignment to the 8-octet words the encoder reads, whose last octet is
// plain, whitespace or an escape and which end in every kind of line end (or none), in both line
// break modes, whole and streamed: the soft and hard breaks the word that stops the word loop
// writes itself, and those the octet path writes.
func TestQPLineEdges(t *testing.T) {
	lasts := []string{"", "b", " ", "\t", "\xc3\xa9", "=", "\x7f"}
	ends := []string{"", "\n", "\r\n", "\r", "\r\r\n", "\n\n", " \n", "\x00"}
	for _, crlf := range []bool{false, true} {
		for lead := range 8 {
			for n := 64; n <= 84; n++ {
				for _, last := range lasts {
					for _, end := range ends {
						body := strings.Repeat("y", lead) + "\n" + strings.Repeat("a", n) + last + end + "zz"
						checkQP(t, []byte(body), crlf, []int{5, 64})
					}
				}
			}
		}
	}
}
