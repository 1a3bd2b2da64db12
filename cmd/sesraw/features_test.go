package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/xheaders"
)

// pythonHeaders reads raw with Python's email package (policy=default), the parser of another
// ecosystem, and returns the named header fields as it decodes them and the content types of the
// parts in walk order.
func pythonHeaders(t *testing.T, raw []byte, names ...string) (map[string]string, []string) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		if sestest.InCI() {
			t.Fatal("python3 is missing")
		}
		t.Skip("python3 is missing")
	}
	const script = `
import email, email.policy, json, sys
m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
out = {"headers": {n: str(m[n]) for n in sys.argv[1:] if m[n] is not None},
       "parts": [p.get_content_type() for p in m.walk()]}
json.dump(out, sys.stdout)
`
	cmd := exec.Command("/usr/bin/python3", append([]string{"-c", script}, names...)...)
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3 email: %v", err)
	}
	var res struct {
		Headers map[string]string
		Parts   []string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res.Headers, res.Parts
}

// goMessageHeader reads the top-level header of raw with go-message.
func goMessageHeader(t *testing.T, raw []byte) message.Header {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message: %v", err)
	}
	return e.Header
}

// TestThreadedReply: In-Reply-To and References come out as validated, folded msg-ids that both
// independent parsers read back.
func TestThreadedReply(t *testing.T) {
	raw := ok(t, append(append([]string{"build"}, det...), "specs/thread-reply.json")...)
	golden(t, "thread-reply.eml", raw)
	checkLines(t, raw)
	const sesID = "0100018c4b7ad5b6-5a1f3c2e-9d7b-4f51-8a0e-2b1c3d4e5f60-000000@email.amazonses.com"
	h := goMessageHeader(t, raw)
	if got := h.Get("In-Reply-To"); got != "<CAF=x9k2@mail.example.org>" {
		t.Errorf("go-message In-Reply-To %q", got)
	}
	refs, err := (&mail.Header{Header: h}).MsgIDList("References")
	if err != nil || !slices.Equal(refs, []string{sesID, "CAF=x9k2@mail.example.org"}) {
		t.Errorf("go-message References %q, %v", refs, err)
	}
	py, _ := pythonHeaders(t, raw, "In-Reply-To", "References")
	if py["In-Reply-To"] != "<CAF=x9k2@mail.example.org>" || strings.Fields(py["References"])[0] != "<"+sesID+">" {
		t.Errorf("Python email: %q", py)
	}
}

// TestOneClickUnsubscribe: the one-click list message is signed over both list headers, and the
// signature verifies with go-msgauth and python3-dkim as built and after SES strips its headers.
func TestOneClickUnsubscribe(t *testing.T) {
	raw := ok(t, append(append(append([]string{"build"}, det...), signFlags...), "specs/list-oneclick.json")...)
	golden(t, "list-oneclick.eml", raw)
	checkLines(t, raw)
	stripped := xheaders.Remove(nil, raw)
	txt := txtRecord(t)
	for name, m := range map[string][]byte{"as built": raw, "after SES strip": stripped} {
		vs, err := msgauth.VerifyWithOptions(bytes.NewReader(m), &msgauth.VerifyOptions{
			LookupTXT: func(string) ([]string, error) { return []string{txt}, nil }})
		if err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Fatalf("go-msgauth %s: %v %+v", name, err, vs)
		}
		var signed []string
		for _, k := range vs[0].HeaderKeys {
			signed = append(signed, strings.ToLower(k))
		}
		for _, want := range []string{"list-unsubscribe", "list-unsubscribe-post"} {
			if !slices.Contains(signed, want) {
				t.Errorf("%s: h= %q lacks %s", name, signed, want)
			}
		}
	}
	pythonVerify(t, map[string][]byte{"oneclick": raw, "oneclick-strip": stripped})
	h := goMessageHeader(t, stripped)
	if h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
		h.Get("List-Unsubscribe") != "<https://example.com/unsubscribe?u=8f3a2c&list=weekly>, <mailto:unsubscribe+8f3a2c@example.com>" {
		t.Errorf("go-message list headers: %q / %q", h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"))
	}
	py, parts := pythonHeaders(t, stripped, "List-Unsubscribe", "List-Unsubscribe-Post")
	if py["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.HasPrefix(py["List-Unsubscribe"], "<https://example.com/unsubscribe") ||
		!slices.Equal(parts, []string{"multipart/alternative", "text/plain", "text/html"}) {
		t.Errorf("Python email: %q, parts %q", py, parts)
	}
	// verify (ours) agrees.
	dir := t.TempDir()
	f := filepath.Join(dir, "oneclick.eml")
	writeFile(t, f, raw)
	if out := ok(t, "verify", "--pubkey", "dkim-test.pub", f); !bytes.Contains(out, []byte("as given:        pass\n  after SES strip: pass\n")) {
		t.Errorf("sesraw verify:\n%s", out)
	}
}

// goMessageParts walks raw with go-message and returns each leaf's media type (with the method
// parameter of a calendar part) and its decoded body.
func goMessageParts(t *testing.T, raw []byte) ([]string, map[string][]byte) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message: %v", err)
	}
	var types []string
	bodies := map[string][]byte{}
	err = e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		mt, params, _ := part.Header.ContentType()
		if strings.HasPrefix(mt, "multipart/") {
			types = append(types, mt)
			return nil
		}
		if m := params["method"]; m != "" {
			mt += ";method=" + m
		}
		types = append(types, mt)
		b, err := io.ReadAll(part.Body)
		bodies[mt] = b
		return err
	})
	if err != nil {
		t.Fatalf("go-message walk: %v", err)
	}
	return types, bodies
}

// TestInvitation: the calendar part sits in multipart/alternative after text and HTML with
// method=REQUEST, and the same content is an .ics attachment.
func TestInvitation(t *testing.T) {
	raw := ok(t, append(append([]string{"build"}, det...), "specs/invitation.json")...)
	golden(t, "invitation.eml", raw)
	checkLines(t, raw)
	var spec struct{ Calendar struct{ Content string } }
	if err := json.Unmarshal(testdata(t, "specs/invitation.json"), &spec); err != nil {
		t.Fatal(err)
	}
	types, bodies := goMessageParts(t, raw)
	want := []string{"multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar;method=REQUEST", "application/ics"}
	if !slices.Equal(types, want) {
		t.Errorf("go-message parts %q, want %q", types, want)
	}
	if string(bodies["text/calendar;method=REQUEST"]) != spec.Calendar.Content || string(bodies["application/ics"]) != spec.Calendar.Content {
		t.Errorf("calendar content does not read back:\n%q", bodies["text/calendar;method=REQUEST"])
	}
	_, parts := pythonHeaders(t, raw)
	if !slices.Equal(parts, []string{"multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar", "application/ics"}) {
		t.Errorf("Python email parts %q", parts)
	}
}

// TestAMP: the AMP part comes before text/html inside multipart/alternative.
func TestAMP(t *testing.T) {
	raw := ok(t, append(append([]string{"build"}, det...), "specs/amp.json")...)
	golden(t, "amp.eml", raw)
	checkLines(t, raw)
	var spec struct{ AMP string }
	if err := json.Unmarshal(testdata(t, "specs/amp.json"), &spec); err != nil {
		t.Fatal(err)
	}
	types, bodies := goMessageParts(t, raw)
	if want := []string{"multipart/alternative", "text/plain", "text/x-amp-html", "text/html"}; !slices.Equal(types, want) {
		t.Errorf("go-message parts %q, want %q", types, want)
	}
	if string(bodies["text/x-amp-html"]) != spec.AMP {
		t.Errorf("AMP content does not read back: %q", bodies["text/x-amp-html"])
	}
	_, parts := pythonHeaders(t, raw)
	if !slices.Equal(parts, []string{"multipart/alternative", "text/plain", "text/x-amp-html", "text/html"}) {
		t.Errorf("Python email parts %q", parts)
	}
}

// TestOneClickLintNote: lint says that Easy DKIM's coverage of the list headers is UNCONFIRMED
// when the message has no signature of its own, and says nothing when it has one.
func TestOneClickLintNote(t *testing.T) {
	unsigned := ok(t, append(append([]string{"build"}, det...), "specs/list-oneclick.json")...)
	r := run(t, bytes.NewReader(unsigned), nil, "lint", "-")
	if r.code != 0 || !bytes.Contains(r.stdout, []byte("info [list-unsubscribe-easy-dkim]")) || !bytes.Contains(r.stdout, []byte("UNCONFIRMED")) {
		t.Errorf("lint of an unsigned one-click message: exit %d\n%s", r.code, r.stdout)
	}
	golden(t, "lint-oneclick-unsigned.txt", r.stdout)
	if out := ok(t, "lint", "golden/list-oneclick.eml"); bytes.Contains(out, []byte("list-unsubscribe-easy-dkim")) {
		t.Errorf("lint of the signed one-click message still has the note:\n%s", out)
	}
}

// TestOneClickListManagementLint: lint refuses what the builder refuses, one-click unsubscribe
// with SES subscription management (the rulebook's one rule), on the signed one-click golden
// with X-SES-LIST-MANAGEMENT-OPTIONS added as SES would read it.
func TestOneClickListManagementLint(t *testing.T) {
	signed, err := os.ReadFile(filepath.Join("testdata", "golden", "list-oneclick.eml"))
	if err != nil {
		t.Fatal(err)
	}
	raw := append([]byte("X-SES-LIST-MANAGEMENT-OPTIONS: news; topic=weekly\r\n"), signed...)
	r := run(t, bytes.NewReader(raw), nil, "lint", "-")
	if r.code != 1 || !bytes.Contains(r.stdout, []byte("error [unsubscribe-list-management]")) {
		t.Errorf("lint of one-click with list management: exit %d (want 1)\n%s", r.code, r.stdout)
	}
	golden(t, "lint-oneclick-list-management.txt", r.stdout)
}
