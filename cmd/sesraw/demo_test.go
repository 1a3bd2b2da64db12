package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/dkim"
)

func TestDemo(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"demo"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	raw := out.Bytes()
	for i, line := range bytes.SplitAfter(raw, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if !bytes.HasSuffix(line, []byte("\r\n")) || bytes.IndexByte(line[:len(line)-2], '\r') >= 0 {
			t.Errorf("line %d is not CRLF-terminated: %q", i+1, line)
		}
		if len(line)-2 > 998 {
			t.Errorf("line %d has %d octets", i+1, len(line)-2)
		}
	}
	if !bytes.HasPrefix(raw, []byte("DKIM-Signature: ")) || !bytes.Contains(raw, []byte("\r\nX-SES-FROM-ARN: ")) {
		t.Errorf("no signature or no X-SES-FROM-ARN at the top:\n%s", raw[:200])
	}
	if bytes.Contains(bytes.ToLower(raw), []byte("archive@platform.example")) {
		t.Errorf("the Bcc address is in the message")
	}

	// The TXT record printed on stderr verifies the signature, before and after SES strips X-SES.
	var txt string
	for line := range strings.SplitSeq(errb.String(), "\n") {
		if i := strings.Index(line, `IN TXT "`); i >= 0 {
			txt = strings.TrimSuffix(line[i+len(`IN TXT "`):], `"`)
		}
	}
	if txt == "" {
		t.Fatalf("no TXT record on stderr:\n%s", errb.String())
	}
	opts := &dkim.VerifyOptions{LookupTXT: func(name string) ([]string, error) {
		if name == "sesraw-demo._domainkey.example.com" {
			return []string{txt}, nil
		}
		return nil, os.ErrNotExist
	}}
	for _, verify := range []func([]byte, *dkim.VerifyOptions) ([]dkim.Result, error){dkim.Verify, dkim.VerifyAfterSESStrip} {
		res, err := verify(raw, opts)
		if err != nil || len(res) != 1 || res[0].Err != nil {
			t.Errorf("verify: %v %+v", err, res)
		}
	}

	// Stable output.
	var again bytes.Buffer
	run([]string{"demo"}, &again, &bytes.Buffer{})
	if !bytes.Equal(raw, again.Bytes()) {
		t.Errorf("demo output differs between runs")
	}
}

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage") {
		t.Errorf("no args: exit %d, stderr %q", code, errb.String())
	}
	if code := run([]string{"nope"}, &out, &errb); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
}
