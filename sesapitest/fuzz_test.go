package sesapitest

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// FuzzHeader checks the package's reading of a raw message's header block on any input.
// Invariants: no panic; fields are in order, within the header block, and do not overlap; the
// delivered message (stripXSES) is the input minus exactly the X-SES fields' bytes, read again it
// has no X-SES field, and its other fields are the input's other fields; XSES holds the first
// instance of each header.
func FuzzHeader(f *testing.F) {
	f.Add([]byte("X-SES-FROM-ARN: a\r\nX-SES-FROM-ARN: b\r\nFrom: x@example.com\r\n\r\nbody\r\n"))
	f.Add([]byte("X-Ses-Source-Arn:\r\n folded\r\n\tmore\r\nSubject: s\n\nX-SES-TENANT: in body\n"))
	f.Add([]byte(" leading continuation\r\nno colon line\r\nX-SES-MESSAGE-TAGS: a=b, c=d\r\n"))
	f.Add([]byte("DKIM-Signature: a\r\nDKIM-Signature: b\r\n\r\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		h := parseHeader(msg)
		last := 0
		var removed int
		var kept []string
		for _, fl := range h.fields {
			if fl.start < last || fl.colon <= fl.start || fl.end < fl.colon || fl.end > h.body {
				t.Fatalf("field %q at %d..%d after %d, body at %d", fl.name, fl.start, fl.end, last, h.body)
			}
			last = fl.end
			if isXSES(fl.name) {
				removed += fl.end - fl.start
			} else {
				kept = append(kept, fl.name+":"+fl.value)
			}
		}
		out := stripXSES(msg, h)
		if len(out) != len(msg)-removed {
			t.Fatalf("delivered %d bytes, want %d - %d", len(out), len(msg), removed)
		}
		if !bytes.Equal(out[len(out)-(len(msg)-h.body):], msg[h.body:]) {
			t.Fatal("the body changed")
		}
		again := parseHeader(out)
		var keptAgain []string
		for _, fl := range again.fields {
			if isXSES(fl.name) {
				t.Fatalf("delivered message still has %q", fl.name)
			}
			keptAgain = append(keptAgain, fl.name+":"+fl.value)
		}
		// An X-SES field is removed with its continuation lines, so the other fields read back the same.
		if strings.Join(kept, "\n") != strings.Join(keptAgain, "\n") {
			t.Fatalf("other fields changed:\n%q\n%q", kept, keptAgain)
		}
		x := h.xses()
		for _, fl := range h.fields {
			if strings.EqualFold(fl.name, hdrFromARN) {
				if x.FromArn != fl.value {
					t.Fatalf("X-SES-FROM-ARN %q, first instance %q", x.FromArn, fl.value)
				}
				break
			}
		}
	})
}

// TestHeaderGrowth checks that reading and stripping a header block is linear, by counting the
// bytes allocated for a folded X-SES header of n and 8n continuation lines: a quadratic reader
// would allocate about 64 times as much for 8n.
func TestHeaderGrowth(t *testing.T) {
	alloc := func(n int) uint64 {
		msg := append([]byte("From: a@example.com\r\nX-SES-FROM-ARN: a\r\n"), bytes.Repeat([]byte(" x\r\n"), n)...)
		msg = append(msg, "Subject: s\r\n\r\nbody\r\n"...)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		h := parseHeader(msg)
		out := stripXSES(msg, h)
		runtime.ReadMemStats(&after)
		if bytes.Contains(out, []byte("X-SES")) {
			t.Fatal("not stripped")
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := alloc(2000), alloc(16000)
	if large > 12*small {
		t.Errorf("allocated %d bytes for 2000 lines, %d for 16000: not linear", small, large)
	}
}
