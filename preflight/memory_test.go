package preflight_test

import (
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/preflight"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestCheckReaderMemoryFlat streams a 200 MB message (20 MB under the race detector) through
// CheckReader and checks that what it allocates does not grow with the body.
func TestCheckReaderMemoryFlat(t *testing.T) {
	size := int64(200 << 20)
	if raceEnabled || testing.Short() {
		size = 20 << 20
	}
	size -= size % 78 // whole lines, so that the close delimiter starts a line
	head := msg("--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=big.pdf\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\n", hFrom, hTo, hMIME, "Content-Type: multipart/mixed; boundary=b")
	tail := "--b--\r\n"
	var fs []preflight.Finding
	n := allocated(func() {
		r := io.MultiReader(strings.NewReader(head), &lines{n: size}, strings.NewReader(tail))
		var err error
		fs, err = preflight.CheckReader(r, &preflight.Options{Target: preflight.TargetNone, MaxBytes: -1})
		if err != nil {
			t.Fatal(err)
		}
	})
	if len(fs) != 0 {
		t.Errorf("findings: %v", fs)
	}
	if n > 256<<10 {
		t.Errorf("CheckReader allocated %d bytes for a %d-byte message; want at most 256 KiB", n, size)
	}
}

// TestAllocationBounded checks that adversarial inputs (many fields, parts, parameters, findings)
// allocate in proportion to their size.
func TestAllocationBounded(t *testing.T) {
	many := func(s string, n int) string { return strings.Repeat(s, n) }
	inputs := map[string]string{
		"many header fields":    many("Subject: x\r\n", 50000) + "\r\n",
		"many bad header lines": many("no colon\r\n", 50000) + "\r\n",
		"many 8bit fields":      many("X-\xff\xff: \xff\r\n", 20000) + "\r\n",
		"many X-SES":            many("X-SES-FROM-ARN: "+strings.Repeat("a", 2000)+"\r\n", 400) + "\r\n",
		"many DKIM":             many("DKIM-Signature: h="+many("X-SES-A:", 500)+"\r\n", 100) + "\r\n",
		"many addresses":        "To: " + many("\xff@x,", 100000) + "\r\n\r\n",
		"many parts with names": msg(many("--b\r\nContent-Type: a/b; name*0*=x%41; name*1=\"y.exe\"; name=z.exe\r\n"+
			"Content-Disposition: attachment; filename=\"=?utf-8?q?a.bat?=\"\r\n\r\nx\r\n", 3000),
			hFrom, "Content-Type: multipart/mixed; boundary=b"),
		"deep nesting": nested(200),
		"long lines":   msg(many(strings.Repeat("\xff", 5000)+"\r", 2000), base...),
	}
	for name, raw := range inputs {
		var fs []preflight.Finding
		n := allocated(func() { fs = preflight.Check([]byte(raw), nil) })
		if limit := uint64(4*len(raw)) + 1<<20; n > limit {
			t.Errorf("%s: Check allocated %d bytes for %d input bytes (limit %d)", name, n, len(raw), limit)
		}
		if max := len(preflight.Rules()) * 21; len(fs) > max {
			t.Errorf("%s: %d findings, more than %d", name, len(fs), max)
		}
	}
}
