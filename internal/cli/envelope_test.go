package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/rawenvelope"
	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesapi"
)

// The malformed header blocks of issue 10 get one verdict from every reader of a raw message's
// envelope: package rawenvelope, sesapi's raw sends (with and without IgnorePreflight, v1, v2 and
// SMTP), preflight, and the commands policy check, lint and inspect. Each names the grammar's
// kind of error (errors.Is rawheader.ErrMalformed and the kind) and the grammar's line.
func TestEnvelopeMalformedAgreement(t *testing.T) {
	const arn = "arn:aws:ses:us-east-1:123456789012:identity/example.org"
	const head = "X-SES-SOURCE-ARN: " + arn + "\r\nX-SES-FROM-ARN: " + arn + "\r\n"
	cases := []struct {
		name, msg string
		kind      error
		line      int
	}{
		{"bare CR hiding a To field", head + "From: a@example.org\r\nSubject: x\rTo: hidden@example.com\r\nCc: c@example.com\r\n\r\nbody\r\n",
			rawheader.ErrBareCR, 4},
		{"non-field line before Bcc", head + "From: a@example.org\r\nTo: b@example.com\r\ngarbage line\r\nBcc: hidden@example.com\r\n\r\nbody\r\n",
			rawheader.ErrNotAField, 5},
		{"mbox From line", "From jm@example.org  Wed May 16 00:40:34 2001\r\n" + head + "From: a@example.org\r\nTo: b@example.com\r\n\r\nbody\r\n",
			rawheader.ErrNotAField, 1},
	}
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.json")
	var out, errb bytes.Buffer
	if code := Main([]string{"policy", "new", "--delegate", "210987654321", "--identity", arn, "--action", "ses:SendRawEmail"},
		strings.NewReader(""), &out, &errb); code != ExitOK {
		t.Fatalf("policy new: exit %d: %s", code, errb.String())
	}
	if err := os.WriteFile(policy, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	grammar := func(err error, kind error) bool {
		var se *rawheader.SyntaxError
		return errors.As(err, &se) && errors.Is(err, rawheader.ErrMalformed) && errors.Is(err, kind)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			atLine := "line " + strconv.Itoa(c.line)
			// The envelope reader: the grammar's error at the grammar's line.
			_, err := rawenvelope.Read([]byte(c.msg))
			var se *rawheader.SyntaxError
			if !grammar(err, c.kind) || !errors.As(err, &se) || se.Line != c.line {
				t.Fatalf("rawenvelope.Read: %v, want the grammar's %v at %s", err, c.kind, atLine)
			}
			// sesapi: refused before any request, by preflight or (IgnorePreflight) by the envelope
			// reader; either way the grammar's error is there.
			s := &sesapi.Sender{}
			for _, force := range []bool{false, true} {
				r := func() *sesapi.RawMessage { return &sesapi.RawMessage{Data: []byte(c.msg), IgnorePreflight: force} }
				_, err1 := s.RawMessageInput("us-east-1", r())
				_, err2 := s.RawMessageV2Input("us-east-1", r())
				_, err3 := s.RawSMTPMail("us-east-1", r())
				for i, err := range []error{err1, err2, err3} {
					var ce *sesapi.CheckError
					if !errors.As(err, &ce) || !errors.Is(err, sesapi.ErrPreflight) || !grammar(err, c.kind) {
						t.Errorf("sesapi (IgnorePreflight %v, path %d): %v, want a *CheckError matching ErrPreflight and the grammar's %v", force, i, err, c.kind)
					}
				}
			}
			// preflight: a header-syntax error at the grammar's line.
			found := false
			for _, f := range preflight.Check([]byte(c.msg), &preflight.Options{}) {
				found = found || f.Rule == preflight.RuleHeaderSyntax && f.Severity == preflight.Error && f.Line == c.line
			}
			if !found {
				t.Errorf("preflight: no header-syntax error at %s", atLine)
			}
			msg := filepath.Join(dir, "msg.eml")
			if err := os.WriteFile(msg, []byte(c.msg), 0o600); err != nil {
				t.Fatal(err)
			}
			// policy check: unreadable input (exit 2) naming the grammar's reason and line.
			out.Reset()
			errb.Reset()
			code := Main([]string{"policy", "check", "--policy", policy, "--identity", arn, "--principal", "210987654321", "--api", "v1", msg},
				strings.NewReader(""), &out, &errb)
			if code != ExitUsage || !strings.Contains(errb.String(), "malformed header block at "+atLine) {
				t.Errorf("policy check: exit %d, stderr %q; want %d naming the malformed header block at %s", code, errb.String(), ExitUsage, atLine)
			}
			// lint: an error finding at that line (exit 1).
			out.Reset()
			errb.Reset()
			code = Main([]string{"lint", msg}, strings.NewReader(""), &out, &errb)
			if code != ExitFailure || !strings.Contains(out.String(), ":"+strconv.Itoa(c.line)+": error [header-syntax]") {
				t.Errorf("lint: exit %d, stdout %q", code, out.String())
			}
			// inspect: reads what it can and warns about that line.
			out.Reset()
			errb.Reset()
			code = Main([]string{"inspect", "--json", msg}, strings.NewReader(""), &out, &errb)
			var rep struct{ Problems []string }
			if code != ExitOK || json.Unmarshal(out.Bytes(), &rep) != nil || !strings.Contains(strings.Join(rep.Problems, "\n"), "warning: "+atLine) {
				t.Errorf("inspect: exit %d, stdout %q", code, out.String())
			}
		})
	}
}
