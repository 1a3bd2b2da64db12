package mimewalk_test

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/mimewalk"
)

// TestGrowthLinear counts the bytes the delimiter search examines and the bytes a streaming walk
// allocates for hostile inputs of n and 8n units: work must grow at most 10 times (linear), and
// memory not with the input at all beyond a small constant.
func TestGrowthLinear(t *testing.T) {
	inputs := map[string]func(n int) string{
		"lines that look like delimiters": func(n int) string {
			return top + "--b\r\n\r\n" + strings.Repeat("--b-x\r\n--bb\r\n--\r\n-\r\n", n)
		},
		"many parts": func(n int) string { return top + strings.Repeat("--b\r\nX: y\r\n\r\nz\r\n", n) + "--b--\r\n" },
		"nested multiparts, each reusing its delimiters": func(n int) string {
			var s strings.Builder
			s.WriteString(top)
			for i := range n {
				s.WriteString("--b\r\nContent-Type: multipart/mixed; boundary=b" + strings.Repeat("x", i%20) + "\r\n\r\n")
			}
			return s.String()
		},
		"one long line of dashes": func(n int) string { return top + "--b\r\n\r\n" + strings.Repeat("-", 900*n) },
		"long lines starting with the boundary": func(n int) string {
			return top + "--b\r\n\r\n" + strings.Repeat("\r\n--b"+strings.Repeat(" ", 990), n)
		},
		"LF and CR runs": func(n int) string { return top + "--b\r\n\r\n" + strings.Repeat("\n\r\n\r-", 200*n) },
	}
	for name, gen := range inputs {
		t.Run(name, func(t *testing.T) {
			measure := func(n int) (work int64, alloc uint64) {
				raw := []byte(gen(n))
				var w mimewalk.Reader
				w.ResetBytes(raw, &mimewalk.Options{MaxParts: -1})
				for {
					if _, err := w.Next(); err != nil {
						break
					}
				}
				work = mimewalk.Work(&w)
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				w.Reset(bytes.NewReader(raw), &mimewalk.Options{MaxParts: -1})
				for {
					if _, err := w.Next(); err != nil {
						break
					}
				}
				runtime.ReadMemStats(&after)
				return work, after.TotalAlloc - before.TotalAlloc
			}
			w1, a1 := measure(500)
			w8, a8 := measure(4000)
			if w8 > 10*w1 {
				t.Errorf("work %d at n, %d at 8n: not linear", w1, w8)
			}
			if a8 > 10*a1+(64<<10) {
				t.Errorf("allocated %d bytes at n, %d at 8n", a1, a8)
			}
		})
	}
}

// TestStreamingMemoryFlat walks a 64 MiB attachment read from a Reader: the walk allocates no more
// for it than its fixed window and a header block.
func TestStreamingMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	head := top + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	line := strings.Repeat("QUJD", 19) + "\r\n"
	body := &repeatReader{line: []byte(line), n: (64 << 20) / len(line)}
	want := int64(body.n*len(line)) - 2
	r := io.MultiReader(strings.NewReader(head), body, strings.NewReader("--b--\r\n"))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w := mimewalk.NewReader(r, nil)
	var size int64
	for {
		ev, err := w.Next()
		if err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
		if ev == mimewalk.EndEvent && w.Part().Index == 1 {
			size = w.Part().Size()
		}
	}
	runtime.ReadMemStats(&after)
	if size != want {
		t.Errorf("attachment body %d bytes, want %d", size, want)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 256<<10 {
		t.Errorf("walking a 64 MiB body allocated %d bytes", a)
	}
}

type repeatReader struct {
	line []byte
	n    int
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.n > 0 {
		c := copy(p[k:], r.line[r.off:])
		k += c
		r.off += c
		if r.off == len(r.line) {
			r.off = 0
			r.n--
		}
	}
	return k, nil
}
