package multipart

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestQPScanPlain checks scan (checkQP: the encoding's length, the encoder against the reference
// encoder, every field against refScan) on bodies without '=' and DEL, which qpSizer.plainLines
// takes sixteen octets a round: line breaks at every lane of a round (CRLF split between its two
// words and between two rounds), several in one round, TAB, NUL, bare CR and LF, whitespace before
// a line break, lines wide enough for soft breaks and for qpLayout, lines longer than the 127
// rounds whose per-lane counts plainLines keeps between sums, and every length of the last
// octets; and the same bodies with one '=' or DEL put at each place, which hands the stretch
// around it to qpSizer.lines.
func TestQPScanPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphabets := []string{
		"abcdefgh\n",
		"abcdefgh\xc3\xa9\n",
		"abc \t\xc3\xa9\r\n",
		"ab\r\n",
		"ab\x00\x01\r\t \n\xff",
		"abcdefghijklmnopqrstuvwxyz\xc3\xa9\xe2\x80\x94\n",
	}
	body := func(alpha string, n int) []byte {
		b := make([]byte, n)
		for j := range b {
			b[j] = alpha[r.IntN(len(alpha))]
		}
		return b
	}
	for i := range 4000 {
		n := r.IntN(200)
		if i%20 == 0 {
			n = 200 + r.IntN(5000)
		}
		b := body(alphabets[i%len(alphabets)], n)
		checkQP(t, b, i%2 == 0, []int{1 + r.IntN(300)})
		if len(b) > 0 {
			c := bytes.Clone(b)
			c[r.IntN(len(c))] = "=\x7f"[r.IntN(2)]
			checkQP(t, c, i%2 == 0, []int{1 + r.IntN(300)})
		}
	}
	// Lines of every width from 60 to 160 columns (octets written as they are and escapes
	// mixed), so around 76 and 149, with their line break at every offset of a round.
	for _, brk := range []string{"\n", "\r\n"} {
		for w := 60; w < 160; w++ {
			for off := range 17 * 4 {
				off %= 17
				b := append(bytes.Repeat([]byte("x"), off), brk...)
				for col := 0; col < w; {
					if w-col >= 6 && r.IntN(3) == 0 {
						b = append(b, "\xc3\xa9"...)
						col += 6
						continue
					}
					b = append(b, 'y')
					col++
				}
				b = append(b, brk...)
				b = append(b, "tail"...)
				checkQP(t, b, true, []int{4096})
				checkQP(t, b, false, []int{4096})
			}
		}
	}
	// SP or TAB before a line break, at every offset of a round (so also as the last octet of
	// the round before the one that holds the line break), in lines with and without soft breaks.
	for off := range 40 {
		for _, line := range []string{"a\t\n", "a \n", "\t\n", "\xc3\xa9\t\r\n"} {
			for _, w := range []int{0, 70, 100, 160} {
				b := bytes.Repeat([]byte("x"), off)
				b = append(b, bytes.Repeat([]byte("\xc3\xa9"), w/6)...)
				b = append(b, line...)
				b = append(b, "next line, long enough for a round of its own\n"...)
				checkQP(t, b, true, []int{4096})
			}
		}
	}
	// Lines past 127 rounds (2032 octets), with escapes in every lane, and one '=' or DEL at
	// each offset of a short body.
	for _, n := range []int{16*127 - 17, 16*127 - 1, 16 * 127, 16*127 + 1, 16*127 + 15, 16*127 + 16, 3*16*127 + 5} {
		b := bytes.Repeat([]byte("\xc3\xa9ab"), n/4+1)[:n]
		checkQP(t, b, true, []int{4096})
		checkQP(t, append(b, "\nx\r\n"...), true, []int{100})
	}
	// '=' on every line (after four such lines lines takes the rest), then none; and the other
	// way round.
	attr := bytes.Repeat([]byte("<td class=\"x\">Gr\xc3\xbc\xc3\x9fe</td>\n"), 12)
	plainText := bytes.Repeat([]byte("Gr\xc3\xbc\xc3\x9fe aus dem B\xc3\xbcro, eine Zeile ohne Gleichheitszeichen\n"), 12)
	for _, b := range [][]byte{append(bytes.Clone(attr), plainText...), append(bytes.Clone(plainText), attr...)} {
		checkQP(t, b, true, []int{4096})
		checkQP(t, b, false, []int{4096})
	}
	base := []byte("Gr\xc3\xbc\xc3\x9fe aus dem B\xc3\xbcro\nzweite Zeile, etwas l\xc3\xa4nger als die erste\r\n\tdritte\n")
	for j := range base {
		for _, c := range []byte{'=', 0x7f} {
			b := bytes.Clone(base)
			b[j] = c
			checkQP(t, b, true, []int{4096})
		}
	}
}
