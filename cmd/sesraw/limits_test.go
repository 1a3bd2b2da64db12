package main_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// One verdict on a header block over the header grammar's limits (here 10,001 fields, with an
// X-SES field after them): no command reads past the limit and acts as if the message were whole.
// inspect, strip, sign and apply refuse it as unreadable input (exit 2), lint reports the error
// (exit 1), and none of them writes the X-SES field back out.
func TestOverGrammarLimits(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("From: a@example.com\r\nTo: b@example.net\r\nSubject: s\r\n")
	for i := range 10_001 {
		b.WriteString("X-F" + strconv.Itoa(i) + ": v\r\n")
	}
	b.WriteString("X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n\r\nbody\r\n")
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"inspect", "-"}, 2},
		{[]string{"strip", "-"}, 2},
		{append(append([]string{"sign"}, signFlags...), "-"), 2},
		{[]string{"apply", "--source-arn", "arn:aws:ses:us-east-1:123456789012:identity/example.com", "--replace", "-"}, 2},
		{[]string{"lint", "-"}, 1},
	} {
		r := run(t, bytes.NewReader(b.Bytes()), nil, c.args...)
		if r.code != c.code || bytes.Contains(r.stdout, []byte("X-SES-SOURCE-ARN")) {
			t.Errorf("%s: exit %d (want %d)\n%.300s", c.args[0], r.code, c.code, r.stderr)
		}
		if c.args[0] == "lint" && !bytes.Contains(r.stdout, []byte("error [header-too-large]")) {
			t.Errorf("lint: no header-too-large error\n%.500s", r.stdout)
		}
	}
}

// Removing the X-SES fields at the top can leave an mbox-style "From " line first, which readers
// skip, making the X-SES field below it a header field: strip removes that one too and says so.
func TestStripExposedMboxFrom(t *testing.T) {
	msg := "X-SES-CONFIGURATION-SET: a\r\nFrom x\r\nX-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n\r\nbody\r\n"
	r := run(t, strings.NewReader(msg), nil, "strip", "-")
	if r.code != 0 || string(r.stdout) != "From x\r\n\r\nbody\r\n" || !bytes.Contains(r.stderr, []byte("removed the X-SES-* fields below it too")) {
		t.Errorf("strip: exit %d\n%q\n%s", r.code, r.stdout, r.stderr)
	}
}
