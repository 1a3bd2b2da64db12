package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"testing"
)

// inspectBigMessage streams a three-part message whose last part is a base64 attachment of
// lines 76-character lines, and returns it with the sizes inspect must report.
func inspectBigMessage(lines int) (r io.Reader, total, body, attachment int64) {
	const header = "From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"BOUND\"\r\n\r\n"
	const head = "--BOUND\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n" +
		"--BOUND\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hello</p>\r\n" +
		"--BOUND\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=\"big.bin\"\r\n\r\n"
	const tail = "--BOUND--\r\n"
	line := append(bytes.Repeat([]byte("QUJD"), 19), '\r', '\n')
	const perChunk = 512
	chunk := bytes.Repeat(line, perChunk)

	pr, pw := io.Pipe()
	go func() {
		if _, err := io.WriteString(pw, header+head); err != nil {
			return
		}
		for n := lines; n > 0; n -= perChunk {
			if _, err := pw.Write(chunk[:min(n, perChunk)*len(line)]); err != nil {
				return
			}
		}
		_, _ = io.WriteString(pw, tail)
		pw.Close()
	}()
	attachment = int64(lines*len(line)) - 2 // the last CRLF belongs to the closing delimiter
	body = int64(len(head)) + int64(lines*len(line)) + int64(len(tail))
	return pr, int64(len(header)) + body, body, attachment
}

// TestInspectStreaming checks that inspect walks a 50 MiB message without holding it (the
// measured allocation is logged) and still reports every size exactly.
func TestInspectStreaming(t *testing.T) {
	const lines = 50 << 20 / 78
	in, total, body, attachment := inspectBigMessage(lines)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var out, errb bytes.Buffer
	code := Main([]string{"inspect", "--json", "-"}, in, &out, &errb)
	runtime.ReadMemStats(&after)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("inspect over %d bytes: %d KiB allocated in total, heap in use after %d KiB", total, alloc>>10, after.HeapInuse>>10)
	if alloc > 4<<20 {
		t.Errorf("inspect allocated %d bytes for a %d-byte message: not streaming", alloc, total)
	}

	var rep inspectReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if int64(rep.Size) != total {
		t.Errorf("size = %d, want %d", rep.Size, total)
	}
	root := rep.MIME
	if root == nil || root.ContentType != "multipart/mixed" || root.Size != body || len(root.Parts) != 3 {
		t.Fatalf("root = %+v, want multipart/mixed of %d bytes with 3 parts", root, body)
	}
	want := []struct {
		ct, enc, file string
		size          int64
	}{
		{"text/plain", "", "", int64(len("hello"))},
		{"text/html", "", "", int64(len("<p>hello</p>"))},
		{"application/octet-stream", "base64", "big.bin", attachment},
	}
	for i, w := range want {
		p := root.Parts[i]
		if p.ContentType != w.ct || p.Encoding != w.enc || p.Filename != w.file || p.Size != w.size || p.Error != "" {
			t.Errorf("part %d = %+v, want %s %q %q %d bytes", i+1, p, w.ct, w.enc, w.file, w.size)
		}
	}
	if len(rep.Problems) != 0 {
		t.Errorf("problems: %q", rep.Problems)
	}
}

// TestInspectHeaderBound checks the bounds of the header read: a line longer than the read
// buffer is read in pieces, and a header block that never ends is refused, not buffered.
func TestInspectHeaderBound(t *testing.T) {
	long := "From: a@example.com\r\nX-Long: " + strings.Repeat("a", 100_000) + "\r\n\r\nbody\r\n"
	rep, err := inspect("long", strings.NewReader(long))
	if err != nil {
		t.Fatalf("long line: %v", err)
	}
	if rep.Size != len(long) || rep.MIME.Size != int64(len("body\r\n")) || len(rep.Envelope.From) != 1 {
		t.Errorf("long line: size %d, body %d, from %q", rep.Size, rep.MIME.Size, rep.Envelope.From)
	}

	var b bytes.Buffer
	code := Main([]string{"inspect", "-"}, strings.NewReader("From: a@example.com\r\nX-A: "+strings.Repeat("a", 1<<20)+"\r\n\r\n"), &b, &b)
	if code != ExitUsage || !strings.Contains(b.String(), "no empty line ends it") {
		t.Errorf("huge header block: exit %d, output %q", code, b.String())
	}
}
