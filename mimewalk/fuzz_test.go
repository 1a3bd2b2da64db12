package mimewalk_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/mail"
	"testing"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/mimewalk"
)

// chunkReader returns its input in pieces of pseudo-random sizes from 0 to 64 bytes (a 0 is a
// read that returns nothing, which a Reader may do).
type chunkReader struct {
	b   []byte
	rng *rand.Rand
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := min(c.rng.IntN(65), len(p), len(c.b))
	copy(p, c.b[:n])
	c.b = c.b[n:]
	return n, nil
}

// FuzzWalk states the walker's invariants for any input bytes:
//   - no panic, and the walk ends (io.EOF or a *LimitError: no read error is possible);
//   - Start and End events nest (every entity that starts ends, innermost first), the root first;
//   - every body span [BodyAt, EndOffset) lies within the input, leaves' spans are disjoint and in
//     order, and a leaf's raw body is exactly input[BodyAt:EndOffset];
//   - reading the same bytes through a Reader in random pieces (with empty reads) gives the same
//     events as reading them from memory;
//   - the delimiter search examines at most a fixed multiple of the input (linear work).
//
// And for a message the builder makes from the fuzzed text, HTML and attachment, the walk agrees
// with go-message (a reader this project did not write) on the leaves, their header fields and
// their decoded bodies.
func FuzzWalk(f *testing.F) {
	f.Add([]byte(top+"--b\r\n\r\nx\r\n--b--\r\n"), "text", "<p>html</p>", []byte("att"))
	f.Add([]byte(top+"--b\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\n\nx\n--b--"), "", "", []byte(nil))
	f.Add([]byte("Content-Type: multipart/digest; boundary=\"a b\"\n\n--a b\n\n--a b--\n--a b\n"), "\r\n--=_0_\r\n", "", []byte("--b\r\n"))
	f.Add([]byte(top+"--b\r\nX: a\rb\r\n--b\r\n\r\n\r\n--b--"), "a\rb", "\x00", []byte{0xff})
	f.Fuzz(func(t *testing.T, raw []byte, text, html string, att []byte) {
		var w mimewalk.Reader
		w.ResetBytes(raw, nil)
		var stack []int64
		var last int64
		var leaves int
		var events []string
		for {
			ev, err := w.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if _, ok := err.(*mimewalk.LimitError); !ok {
					t.Fatalf("walk ends with %v", err)
				}
				break
			}
			p := w.Part()
			switch ev {
			case mimewalk.StartEvent:
				if (len(stack) == 0) != (p.Index == 0) || p.Depth != len(stack) || len(p.Path) != p.Depth {
					t.Fatalf("start %d at depth %d with %d open", p.Index, p.Depth, len(stack))
				}
				if p.BodyAt < p.Offset || p.BodyAt > int64(len(raw)) {
					t.Fatalf("part %d: body at %d, header at %d, input %d", p.Index, p.BodyAt, p.Offset, len(raw))
				}
				stack = append(stack, int64(p.Index))
				if !p.Multipart {
					body, err := io.ReadAll(p.Body())
					if err != nil {
						t.Fatal(err)
					}
					events = append(events, string(body))
				}
			case mimewalk.EndEvent:
				if len(stack) == 0 || stack[len(stack)-1] != int64(p.Index) {
					t.Fatalf("end of %d, open %v", p.Index, stack)
				}
				stack = stack[:len(stack)-1]
				if p.EndOffset < p.BodyAt || p.EndOffset > int64(len(raw)) {
					t.Fatalf("part %d: body [%d, %d) in %d bytes", p.Index, p.BodyAt, p.EndOffset, len(raw))
				}
				if !p.Multipart {
					if p.BodyAt < last {
						t.Fatalf("leaf %d starts at %d, before the previous leaf's end %d", p.Index, p.BodyAt, last)
					}
					last = p.EndOffset
					if body := events[leaves]; body != string(raw[p.BodyAt:p.EndOffset]) {
						t.Fatalf("leaf %d body %q, input has %q", p.Index, body, raw[p.BodyAt:p.EndOffset])
					}
					leaves++
				}
			}
		}
		if work := mimewalk.Work(&w); work > 4*int64(len(raw))+64 {
			t.Fatalf("delimiter search examined %d bytes of a %d-byte input", work, len(raw))
		}
		w.ResetBytes(raw, nil)
		want := dump(&w)
		w.Reset(&chunkReader{b: raw, rng: rand.New(rand.NewPCG(uint64(len(raw)), 1))}, nil)
		if got := dump(&w); got != want {
			t.Fatalf("streamed in pieces:\n%s\nfrom memory:\n%s", got, want)
		}

		// A message the builder makes: the same reading as go-message's.
		m := &builder.Message{From: mail.Address{Address: "a@example.com"}, To: []mail.Address{{Address: "b@example.org"}},
			Subject: "s", Text: text, HTML: html}
		if att != nil {
			m.Attachments = []builder.Attachment{{Filename: "a.bin", Data: att}}
		}
		built, err := (&builder.Builder{Target: builder.TargetNone}).Bytes(m)
		if err != nil {
			return // the builder refuses some inputs (its own typed errors)
		}
		mine, clean, err := mimewalkLeaves(built)
		if err != nil || !clean {
			t.Fatalf("built message: walk error %v, clean %v", err, clean)
		}
		theirs, err := goMessageLeaves(built)
		if err != nil {
			t.Fatalf("go-message: %v", err)
		}
		if err := compareLeaves(mine, theirs); err != nil {
			t.Fatalf("built message: %v\n%s", err, built)
		}
		if !bytes.Contains(built, []byte("\r\n\r\n")) {
			t.Fatalf("built message without a header block end")
		}
	})
}
