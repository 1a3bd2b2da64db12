package preflight_test

import (
	"bytes"
	"io"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/preflight"
)

// chunkReader returns at most n bytes per Read.
type chunkReader struct {
	b []byte
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	m := copy(p[:min(len(p), r.n)], r.b)
	r.b = r.b[m:]
	return m, nil
}

// heapAllocs returns the bytes allocated on the heap so far (runtime/metrics; cheap, no
// stop-the-world).
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// FuzzCheck checks, for arbitrary bytes, target and read size, that:
//   - Check never panics;
//   - findings are sorted (line, rule, message), at most 21 per rule, each naming a catalogued
//     rule with at most its catalogue severity, a line within the input (0 = whole message), and a
//     message of printable ASCII;
//   - CheckReader, reading the same bytes in pieces of any size, returns the same findings
//     (streaming is exact and deterministic);
//   - Check allocates at most a constant plus a small multiple of the input size.
//
// Inputs over maxCheckInput bytes are skipped (see there).
func FuzzCheck(f *testing.F) {
	for _, tt := range ruleTests {
		for _, raw := range []string{tt.bad, tt.good} {
			if len(raw) <= maxCheckInput {
				f.Add([]byte(raw), uint8(0), uint8(7))
			}
		}
	}
	f.Add(benchMessage()[:maxCheckInput], uint8(2), uint8(64))
	f.Fuzz(checkOnce)
}

// maxCheckInput caps FuzzCheck's input; longer inputs are skipped. It keeps every seed of the rule
// table but the size-limit ones (the longest other is 2,181 bytes) and bounds the fuzzer's
// minimization of a new input. No input is slow (every seed and cached input runs Check and
// CheckReader in under 0.3 ms), but minimization tries removing every substring of the input, so
// that its cost grows with the square of the input's length: in a 30-s run, minimizing new inputs
// derived from the 3,000-byte seed kept the worker busy for 1 to 7.6 s at a time, which the
// fuzzer reports as 0 execs/s.
const maxCheckInput = 2304

// catalogue is preflight's rule catalogue by ID.
var catalogue = sync.OnceValue(func() map[string]preflight.Rule {
	rules := map[string]preflight.Rule{}
	for _, r := range preflight.Rules() {
		rules[r.ID] = r
	}
	return rules
})

// checkOnce is the body of FuzzCheck.
func checkOnce(t *testing.T, raw []byte, target, chunk uint8) {
	if len(raw) > maxCheckInput {
		return
	}
	rules := catalogue()
	maxFindings := 21 * len(rules)
	opts := &preflight.Options{Target: preflight.Target(target % 5), MaxBytes: -1}
	if target&0x80 != 0 {
		opts.Region = "us-east-1"
	}
	// Allocated bytes from runtime/metrics, which does not stop the world: runtime.ReadMemStats
	// did, twice per execution, and took over half of each execution's time, so that a
	// minimization stalled the fuzzer for seconds (0 execs/sec) and widened the window of the
	// coordinator's deadline race (go.dev/issue/75804).
	before := heapAllocs()
	fs := preflight.Check(raw, opts)
	if n, limit := heapAllocs()-before, uint64(8*len(raw)+1<<20); n > limit {
		t.Errorf("Check allocated %d bytes for %d input bytes", n, len(raw))
	}

	if len(fs) > maxFindings {
		t.Errorf("%d findings, more than %d", len(fs), maxFindings)
	}
	lines := bytes.Count(raw, []byte{'\n'}) + 1
	perRule := map[string]int{}
	for i, x := range fs {
		r, ok := rules[x.Rule]
		if !ok {
			t.Fatalf("finding %v: unknown rule", x)
		}
		if x.Severity < preflight.Info || x.Severity > r.Severity {
			t.Errorf("finding %v: severity above the rule's %v", x, r.Severity)
		}
		if x.Line < 0 || x.Line > lines {
			t.Errorf("finding %v: line outside 0..%d", x, lines)
		}
		for j := 0; j < len(x.Message); j++ {
			if c := x.Message[j]; c < 0x20 || c > 0x7e {
				t.Fatalf("finding %v: message byte %#x is not printable ASCII", x, c)
			}
		}
		if perRule[x.Rule]++; perRule[x.Rule] > 21 {
			t.Errorf("rule %s: more than 21 findings", x.Rule)
		}
		if i > 0 {
			p := fs[i-1]
			if p.Line > x.Line || p.Line == x.Line && (p.Rule > x.Rule || p.Rule == x.Rule && p.Message > x.Message) {
				t.Errorf("findings %v and %v out of order", p, x)
			}
		}
	}

	got, err := preflight.CheckReader(&chunkReader{b: raw, n: int(chunk) + 1}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fs, got) { // cmp.Diff only to report: it costs more than Check
		d := cmp.Diff(fs, got)
		t.Errorf("CheckReader (reads of %d bytes) differs from Check (-Check +CheckReader):\n%s", int(chunk)+1, d)
	}
}
