package multipart

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// qpLineOfWidth returns a line (no line break) whose quoted-printable width is w columns before
// any soft break: octets written as they are (one column) and escapes (three) mixed at random,
// TAB and NUL among them, ending in SP or TAB when ws is set.
func qpLineOfWidth(r *rand.Rand, w int, ws bool) []byte {
	one := []byte("abcxyz0189.,; \t")
	three := []byte{0xc3, 0xa9, 0xe2, 0x80, '=', 0x7f, 0x00, 0x01}
	escapes := r.IntN(4) // 0: none, then ever more
	var line []byte
	if ws {
		w--
	}
	for col := 0; col < w; {
		if w-col >= 3 && r.IntN(4) < escapes {
			line = append(line, three[r.IntN(len(three))])
			col += 3
			continue
		}
		line = append(line, one[r.IntN(len(one))])
		col++
	}
	if ws {
		line = append(line, " \t"[r.IntN(2)])
	}
	return line
}

// TestQPSoftBreaksByWidth holds the soft breaks that qpSoftBreaks counts from a line's width alone
// to those of the octet-by-octet layout, for every width up to 800 columns and many lines of
// each; and checks scan against the encoding and the reference scan (checkQP) on bodies made of
// such lines, with and without whitespace before their line breaks, so that every width where
// the count is certain and every width where it is not are taken by both paths.
func TestQPSoftBreaksByWidth(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for w := range 800 {
		k, ok := qpSoftBreaks(w)
		if w <= 2*qpLineMax-3 && !ok {
			t.Fatalf("width %d: not decided", w)
		}
		for range 40 {
			line := qpLineOfWidth(r, w, false)
			got, _ := qpLayout(line, true)
			if ok && got != k {
				t.Fatalf("width %d: qpSoftBreaks %d, layout %d: %q", w, k, got, line)
			}
		}
	}
	for i := range 400 {
		var body []byte
		for range 1 + r.IntN(6) {
			if len(body) > 0 {
				body = append(body, []string{"\n", "\r\n"}[r.IntN(2)]...)
			}
			w := r.IntN(320)
			if i%2 == 0 {
				w = []int{76, 77, 149, 150, 151, 152, 222, 223, 226, 227}[r.IntN(10)]
			}
			body = append(body, qpLineOfWidth(r, w, r.IntN(3) == 0)...)
		}
		if r.IntN(2) == 0 {
			body = append(body, '\n')
		}
		checkQP(t, body, i%4 < 2, []int{1 + r.IntN(7), 1 + r.IntN(300)})
	}
}

// TestQPScanLongLine checks scan on lines longer than the 255 words whose per-lane counts
// qpSizer.lines keeps between sums (and around that length, where the last octets come after a
// sum), with escapes in every lane.
func TestQPScanLongLine(t *testing.T) {
	for n := 8*255 - 9; n <= 8*255+9; n++ {
		body := bytes.Repeat([]byte("\xc3\xa9=a"), n/4+1)[:n]
		checkQP(t, body, true, []int{4096})
	}
	for _, n := range []int{8*255 - 1, 8 * 255, 8*255 + 1, 3 * 8 * 255, 2*8*255 + 5} {
		body := bytes.Repeat([]byte("\xc3\xa9=a"), n/4+1)[:n]
		checkQP(t, body, true, []int{4096})
		checkQP(t, append(body, "\r\nx"...), false, []int{100})
	}
}

// TestQPClassifyLoads holds qpClassifyLoads to qpClassify for every octet in every lane, next to
// neighbours that could carry or borrow into it.
func TestQPClassifyLoads(t *testing.T) {
	laneWords(func(v uint64, _ byte, _ int, _ byte) {
		e1, s1 := qpClassify(v)
		e2, s2 := qpClassifyLoads(v)
		if e1 != e2 || s1 != s2 {
			t.Fatalf("%#x: qpClassify %#x %#x, qpClassifyLoads %#x %#x", v, e1, s1, e2, s2)
		}
	})
}
