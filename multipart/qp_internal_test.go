package multipart

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestQPHeldMatchesStreaming checks that the quoted-printable encoding NewTree keeps for a small
// in-memory leaf (one encode call over the whole body) is byte for byte what the streaming path
// writes (chunked encode calls, as for bodies too large to keep), and that BodySize counts it
// exactly, over random bodies rich in the octets the encoder treats specially.
func TestQPHeldMatchesStreaming(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabets := []string{
		"ab =\t\r\n",
		"abcdefghij \t\r\n=\x00\xc3\xbc",
		"x",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \t\r\n",
		"x\xff",
	}
	for i := range 3000 {
		alpha := alphabets[i%len(alphabets)]
		data := make([]byte, r.IntN(600))
		if i%50 == 0 {
			data = make([]byte, 2000+r.IntN(9000))
		}
		for j := range data {
			data[j] = alpha[r.IntN(len(alpha))]
		}
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
		var held bytes.Buffer
		n, err := tr.WriteBody(&held)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		size, known := tr.BodySize()
		if !known || size != n || n != int64(held.Len()) {
			t.Fatalf("case %d: BodySize %d %v, WriteBody %d, wrote %d", i, size, known, n, held.Len())
		}
		heldAny := false
		for k := range tr.nodes {
			nd := &tr.nodes[k]
			if nd.qpHeld {
				heldAny = true
				if got := qpSize(nd.p.Data, nd.crlf) + int64(len(nd.term)); got != nd.size {
					t.Fatalf("case %d leaf %d: size %d, qpSize gives %d", i, k, nd.size, got)
				}
			}
			nd.qpHeld = false // write the streaming way
		}
		var streamed bytes.Buffer
		if _, err := tr.WriteBody(&streamed); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !bytes.Equal(held.Bytes(), streamed.Bytes()) {
			t.Fatalf("case %d (%s, %v): kept encoding\n%q\nstreamed\n%q", i, ct, enc, held.Bytes(), streamed.Bytes())
		}
		if enc == QuotedPrintable && !heldAny {
			t.Fatalf("case %d: no encoding kept", i)
		}
	}
}

// TestQPHoldLimits checks that a body over qpHoldMax, and bodies past qpHoldTotal, are not kept
// but still sized exactly.
func TestQPHoldLimits(t *testing.T) {
	big := bytes.Repeat([]byte("Gr\xc3\xbc\xc3\x9fe =\t\r\n"), 7000) // 70 KB
	mid := big[:60<<10]
	var parts []*Part
	for range 5 {
		parts = append(parts, &Part{ContentType: "text/plain", Data: mid, Encoding: QuotedPrintable})
	}
	parts = append(parts, &Part{ContentType: "text/plain", Data: big, Encoding: QuotedPrintable})
	tr, err := NewTree(&Part{ContentType: "multipart/mixed", Parts: parts}, bytes.NewReader(make([]byte, 1024)))
	if err != nil {
		t.Fatal(err)
	}
	var held []bool
	for k := range tr.nodes {
		if tr.nodes[k].leaf {
			held = append(held, tr.nodes[k].qpHeld)
		}
	}
	want := []bool{true, true, true, true, false, false} // 4 x 60 KiB fit in 256 KiB, a fifth not
	for k := range want {
		if held[k] != want[k] {
			t.Fatalf("kept %v, want %v", held, want)
		}
	}
	var buf bytes.Buffer
	n, err := tr.WriteBody(&buf)
	size, _ := tr.BodySize()
	if err != nil || n != size || int64(buf.Len()) != n {
		t.Fatalf("BodySize %d, WriteBody %d %v, wrote %d", size, n, err, buf.Len())
	}
}
