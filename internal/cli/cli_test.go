package cli

import (
	"bytes"
	"flag"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args    []string
		wantPos []string
		wantO   string
		wantJ   bool
	}{
		{[]string{"a.json"}, []string{"a.json"}, "", false},
		{[]string{"-o", "x", "a.json"}, []string{"a.json"}, "x", false},
		{[]string{"a.json", "-o", "x", "--json"}, []string{"a.json"}, "x", true},
		{[]string{"--o=x", "a.json", "b.json"}, []string{"a.json", "b.json"}, "x", false},
		{[]string{"-", "--json"}, []string{"-"}, "", true},
		{[]string{"--json", "--", "-o", "--json"}, []string{"-o", "--json"}, "", true},
		{[]string{"a", "--", "-x"}, []string{"a", "-x"}, "", false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o := fs.String("o", "", "")
		j := fs.Bool("json", false, "")
		pos, err := parseArgs(fs, tt.args)
		if err != nil || !slices.Equal(pos, tt.wantPos) || *o != tt.wantO || *j != tt.wantJ {
			t.Errorf("parseArgs(%q) = %q, %v (o=%q json=%v); want %q (o=%q json=%v)", tt.args, pos, err, *o, *j, tt.wantPos, tt.wantO, tt.wantJ)
		}
	}
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // substring of stdout
		err  string // substring of stderr
	}{
		{nil, ExitUsage, "", "Usage: sesraw COMMAND"},
		{[]string{"help"}, ExitOK, "Commands:", ""},
		{[]string{"--help"}, ExitOK, "Commands:", ""},
		{[]string{"help", "strip"}, ExitOK, "Usage: sesraw strip [flags] FILE|-", ""},
		{[]string{"help", "nope"}, ExitUsage, "", `unknown command "nope"`},
		{[]string{"nope"}, ExitUsage, "", `sesraw: unknown command "nope"`},
		{[]string{"strip", "--help"}, ExitOK, "Flags:\n  -o file", ""},
		{[]string{"strip", "-h"}, ExitOK, "Usage: sesraw strip", ""},
		{[]string{"strip"}, ExitUsage, "", "sesraw strip: missing FILE argument (- for stdin)\nRun 'sesraw strip --help' for usage.\n"},
		{[]string{"strip", "a", "b"}, ExitUsage, "", "too many arguments: b"},
		{[]string{"strip", "--nope", "-"}, ExitUsage, "", "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := Main(tt.args, strings.NewReader(""), &out, &errb)
		if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errb.String(), tt.err) {
			t.Errorf("Main(%q) = %d\nstdout %q\nstderr %q\nwant %d, stdout containing %q, stderr containing %q", tt.args, code, out.String(), errb.String(), tt.code, tt.out, tt.err)
		}
	}
}

// bigMessage streams a message with an n-byte base64-looking body.
func bigMessage(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		header := "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
			"From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		if _, err := io.WriteString(pw, header); err != nil {
			return
		}
		line := bytes.Repeat([]byte("QUJD"), 19)
		line = append(line, '\r', '\n')
		chunk := bytes.Repeat(line, 32<<10/len(line))
		for written := 0; written < n; written += len(chunk) {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	return pr
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestStreamingMemory checks that strip and lint do not hold the message: streaming 50 MiB
// through them allocates a small fraction of that (the measured figures are logged).
func TestStreamingMemory(t *testing.T) {
	const size = 50 << 20
	for _, cmd := range [][]string{{"strip", "-"}, {"lint", "--target", "none", "--max-bytes", "-1", "-"}} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out := &countWriter{}
		var errb bytes.Buffer
		code := Main(cmd, bigMessage(size), out, &errb)
		runtime.ReadMemStats(&after)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", cmd, code, errb.String())
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%v over %d MiB: %d KiB allocated in total, heap in use after %d KiB, wrote %d bytes",
			cmd, size>>20, alloc>>10, after.HeapInuse>>10, out.n)
		if alloc > 8<<20 {
			t.Errorf("%v allocated %d bytes for a %d-byte message: not streaming", cmd, alloc, size)
		}
		if cmd[0] == "strip" && out.n < size {
			t.Errorf("strip wrote %d bytes, want at least %d", out.n, size)
		}
	}
}
