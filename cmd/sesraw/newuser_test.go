package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/xheaders"
)

// TestVersion checks 'sesraw --version' against the build information the go command reads from
// the same binary.
func TestVersion(t *testing.T) {
	out := string(ok(t, "--version"))
	if again := string(ok(t, "version")); again != out {
		t.Errorf("version %q differs from --version %q", again, out)
	}
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	var goVersion, modVersion string
	for line := range strings.Lines(string(info)) {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && strings.HasSuffix(f[0], ":"):
			goVersion = f[1]
		case len(f) >= 3 && f[0] == "mod" && f[1] == "github.com/sesraw/sesraw":
			modVersion = f[2]
		}
	}
	if goVersion == "" || modVersion == "" {
		t.Fatalf("go version -m found no Go or module version:\n%s", info)
	}
	if !strings.HasPrefix(out, "sesraw "+modVersion) || !strings.HasSuffix(out, " "+goVersion+"\n") {
		t.Errorf("--version printed %q; the binary's build info says module %s, %s", out, modVersion, goVersion)
	}
}

// TestLintSummary: a clean message ends with the one-line summary on stdout; a message with
// error findings has it on stderr as the failure.
func TestLintSummary(t *testing.T) {
	r := run(t, nil, nil, "lint", "golden/build-minimal.eml")
	if r.code != 0 || string(r.stdout) != "golden/build-minimal.eml: 0 errors, 0 warnings, 0 infos\n" || len(r.stderr) != 0 {
		t.Errorf("lint of a clean message: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// The message of a spec whose HTML references cid:logo while the inline part is logo2: both
	// halves are warnings, in lint as in build.
	raw := ok(t, append(append([]string{"build"}, det...), "specs/cid-mismatch.json")...)
	r = run(t, bytes.NewReader(raw), nil, "lint", "-")
	if r.code != 0 {
		t.Errorf("lint of the cid mismatch: exit %d\n%s", r.code, r.stderr)
	}
	golden(t, "lint-cid.txt", r.stdout)
	for _, rule := range []string{"[cid-missing]", "[cid-unreferenced]", "0 errors, 2 warnings"} {
		if !bytes.Contains(r.stdout, []byte(rule)) {
			t.Errorf("lint of the cid mismatch lacks %s", rule)
		}
	}
	r = run(t, nil, nil, "lint", "--json", "golden/build-minimal.eml")
	if r.code != 0 || !json.Valid(r.stdout) {
		t.Errorf("lint --json must stay pure JSON: exit %d\n%s", r.code, r.stdout)
	}
}

// TestBuildWarnings records what build says on stderr about a message that builds but will not
// do what the spec's author probably expects, in one golden file.
func TestBuildWarnings(t *testing.T) {
	dir := t.TempDir()
	var all bytes.Buffer
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"bcc to a file", []string{"build", "-o", filepath.Join(dir, "full.eml"), "specs/full.json"}},
		{"bcc to stdout", []string{"build", "specs/full.json"}},
		{"bcc with --envelope: no warning", []string{"build", "-o", filepath.Join(dir, "full.eml"), "--envelope", filepath.Join(dir, "full.env.json"), "specs/full.json"}},
		{"no bcc: no warning", []string{"build", "specs/minimal.json"}},
		{"cid reference without its inline part", []string{"build", "specs/cid-mismatch.json"}},
	} {
		r := run(t, nil, nil, append(tt.args[:1:1], append(slices.Clone(det), tt.args[1:]...)...)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s", tt.name, r.code, r.stderr)
		}
		all.WriteString("### " + tt.name + "\n$ sesraw " + strings.ReplaceAll(strings.Join(tt.args, " "), dir, "$DIR") + "\n")
		all.Write(bytes.ReplaceAll(r.stderr, []byte(dir), []byte("$DIR")))
		all.WriteString("\n")
	}
	golden(t, "build-warnings.txt", all.Bytes())
}

// TestEnvelope: build --envelope writes the envelope with the Bcc recipient, and send --envelope
// delivers the raw message to all of them over SMTP.
func TestEnvelope(t *testing.T) {
	dir := t.TempDir()
	eml, envFile := filepath.Join(dir, "full.eml"), filepath.Join(dir, "full.env.json")
	ok(t, append(append([]string{"build", "--target", "smtp", "-o", eml, "--envelope", envFile}, det...), "specs/full.json")...)
	envJSON, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "build-full.envelope.json", envJSON)
	raw, _ := os.ReadFile(eml)
	if !bytes.Equal(raw, ok(t, append(append([]string{"build", "--target", "smtp"}, det...), "specs/full.json")...)) {
		t.Errorf("build with --envelope wrote another message than without")
	}
	if bytes.Contains(raw, []byte("archive@platform.example")) {
		t.Errorf("the Bcc address is in the message")
	}

	srv, err := sestest.StartSMTP()
	sestest.Need(t, "the loopback SMTP server", err)
	defer srv.Close()
	if r := run(t, nil, nil, "send", "--api", "smtp", "--smtp", srv.Addr, "--smtp-tls", "none", "--envelope", envFile, eml); r.code != 0 {
		t.Fatalf("send --envelope: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, nil, nil, "send", "--api", "smtp", "--smtp", srv.Addr, "--smtp-tls", "none", eml); r.code != 0 {
		t.Fatalf("send without --envelope: exit %d\n%s", r.code, r.stderr)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("the SMTP server got %d messages, want 2", len(msgs))
	}
	all := []string{"recipient@example.com", "r2@example.org", "accounting@example.org", "archive@platform.example"}
	if m := msgs[0]; m.From != "feedback@example.com" || !slices.Equal(m.To, all) || !bytes.Equal(m.Data, raw) {
		t.Errorf("with --envelope: MAIL FROM %q, RCPT TO %q, DATA is the file: %v", m.From, m.To, bytes.Equal(m.Data, raw))
	}
	if m := msgs[1]; !slices.Equal(m.To, all[:3]) {
		t.Errorf("without --envelope the header block gives RCPT TO %q, want %q (no Bcc)", m.To, all[:3])
	}
}

// TestSendUnknownOutcome: an SMTP server that drops the connection after the final dot of DATA
// may have queued the message; send exits 3 and says so.
func TestSendUnknownOutcome(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		r := bufio.NewReader(c)
		c.Write([]byte("220 localhost ESMTP\r\n"))
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch {
			case inData && line == ".\r\n":
				return // the message may be queued; the answer never comes
			case inData:
			case strings.HasPrefix(line, "EHLO"), strings.HasPrefix(line, "HELO"):
				c.Write([]byte("250 localhost\r\n"))
			case strings.HasPrefix(line, "DATA"):
				c.Write([]byte("354 go ahead\r\n"))
				inData = true
			default:
				c.Write([]byte("250 ok\r\n"))
			}
		}
	}()
	r := run(t, nil, nil, "send", "--api", "smtp", "--smtp", l.Addr().String(), "--smtp-tls", "none", "golden/build-minimal.eml")
	<-done
	if r.code != 3 || !bytes.Contains(r.stderr, []byte("may have been sent")) || len(r.stdout) != 0 {
		t.Errorf("send whose DATA got no answer: exit %d, want 3\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
	}
}

// TestSpecCommand: 'sesraw spec' and 'sesraw spec --schema' print the field reference and the
// schema; the README's complete spec builds, and its Bcc recipient lands in the envelope only.
func TestSpecCommand(t *testing.T) {
	golden(t, "spec.txt", ok(t, "spec"))
	schema := ok(t, "spec", "--schema")
	golden(t, "spec-schema.json", schema)
	var v map[string]any
	if err := json.Unmarshal(schema, &v); err != nil || v["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("spec --schema: %v, $schema %v", err, v["$schema"])
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, found := strings.Cut(string(readme), "```json\n")
	block, _, _ = strings.Cut(block, "```")
	if !found || !strings.Contains(block, `"tenant"`) {
		t.Fatalf("README.md has no complete ```json spec")
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "spec.json"), []byte(block))
	writeFile(t, filepath.Join(dir, "report.pdf"), testdata(t, "specs/report.pdf"))
	envFile := filepath.Join(dir, "env.json")
	raw := ok(t, append(append([]string{"build", "--envelope", envFile}, det...), filepath.Join(dir, "spec.json"))...)
	for _, want := range []string{"X-SES-TENANT: customer-42\r\n", `filename="report.pdf"`, "Content-ID: <logo>"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("the README spec's message lacks %q", want)
		}
	}
	if env, _ := os.ReadFile(envFile); !bytes.Contains(env, []byte(`"archive@platform.example"`)) {
		t.Errorf("the README spec's envelope lacks the Bcc recipient:\n%s", env)
	}
}

const testARN = "arn:aws:ses:us-east-1:123456789012:identity/example.com"

// TestApply: apply writes the block xheaders.Apply writes, streams from a file or stdin, and
// --replace swaps an existing block; stripping the result gives the input back.
func TestApply(t *testing.T) {
	args := []string{"apply", "--delegate", testARN, "--return-path-arn", testARN, "--configuration-set", "transactional",
		"--tag", "campaign=q3", "--tag", "kind=invoice", "--list-management", "customers; topic=newsletter", "--tenant", "customer-42"}
	in := testdata(t, "golden/build-minimal.eml")
	out := ok(t, append(slices.Clone(args), "golden/build-minimal.eml")...)
	golden(t, "apply-minimal.eml", out)
	h := xheaders.Headers{ReturnPathARN: xheaders.MustParseARN(testARN), ConfigurationSet: "transactional",
		Tags:           []xheaders.Tag{{Name: "campaign", Value: "q3"}, {Name: "kind", Value: "invoice"}},
		ListManagement: &xheaders.ListOptions{ContactList: "customers", Topic: "newsletter"}, Tenant: "customer-42"}
	h.Delegate(xheaders.MustParseARN(testARN))
	want, err := xheaders.Apply(nil, &h, in, xheaders.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("apply differs from xheaders.Apply")
	}
	if !bytes.Equal(xheaders.Remove(nil, out), in) {
		t.Errorf("stripping the applied block does not give the input back")
	}
	if r := run(t, bytes.NewReader(in), nil, append(slices.Clone(args), "-")...); r.code != 0 || !bytes.Equal(r.stdout, out) {
		t.Errorf("apply - (stdin): exit %d, same output %v\n%s", r.code, bytes.Equal(r.stdout, out), r.stderr)
	}

	// --replace: every old X-SES field goes, the new block comes, nothing else changes.
	full := testdata(t, "golden/build-full.eml")
	other := "arn:aws:ses:eu-west-1:210987654321:identity/example.com"
	rep := ok(t, "apply", "--replace", "--delegate", other, "golden/build-full.eml")
	golden(t, "apply-replace.eml", rep)
	var sc xheaders.Scanner
	var names []string
	for sc.Reset(rep); sc.Next(); {
		names = append(names, string(sc.Field().Name)+": "+sc.Field().Unfolded())
	}
	if !slices.Equal(names, []string{"X-SES-SOURCE-ARN: " + other, "X-SES-FROM-ARN: " + other}) {
		t.Errorf("X-SES fields after --replace: %q", names)
	}
	if !bytes.Equal(xheaders.Remove(nil, rep), xheaders.Remove(nil, full)) {
		t.Errorf("--replace changed more than the X-SES fields")
	}

	// -o writes the file; --crlf converts an LF-only message first.
	dir := t.TempDir()
	ok(t, append(slices.Clone(args), "-o", filepath.Join(dir, "out.eml"), "--crlf", "msgs/lf-only.eml")...)
	if got, _ := os.ReadFile(filepath.Join(dir, "out.eml")); !bytes.Equal(got, out) {
		t.Errorf("apply --crlf of the LF-only copy differs from apply of the CRLF original")
	}
}

// TestCRLF: --crlf makes an LF-only message (what template engines write) signable, lint-clean
// and sendable, byte-identical to its CRLF original; a bare CR is never converted.
func TestCRLF(t *testing.T) {
	orig := testdata(t, "golden/build-minimal.eml")
	lf := testdata(t, "msgs/lf-only.eml")
	if bytes.IndexByte(lf, '\r') >= 0 || !bytes.Equal(bytes.ReplaceAll(orig, []byte("\r\n"), []byte("\n")), lf) {
		t.Fatal("msgs/lf-only.eml is not golden/build-minimal.eml with LF line endings")
	}
	signArgs := append([]string{"sign", "--date", "2025-03-14T15:09:26+01:00"}, signFlags...)
	r := run(t, nil, nil, append(slices.Clone(signArgs), "msgs/lf-only.eml")...)
	if r.code != 2 || !bytes.Contains(r.stderr, []byte("--crlf converts them")) {
		t.Errorf("sign of an LF-only message: exit %d, want 2 with a --crlf hint\n%s", r.code, r.stderr)
	}
	signed := ok(t, append(slices.Clone(signArgs), "--crlf", "msgs/lf-only.eml")...)
	if want := ok(t, append(slices.Clone(signArgs), "golden/build-minimal.eml")...); !bytes.Equal(signed, want) {
		t.Errorf("sign --crlf of the LF-only copy differs from sign of the original")
	}
	golden(t, "sign-crlf.eml", signed)
	pythonVerify(t, map[string][]byte{"sign-crlf": signed, "sign-crlf-strip": xheaders.Remove(nil, signed)})

	r = run(t, nil, nil, "lint", "msgs/lf-only.eml")
	if r.code != 0 || !bytes.Contains(r.stdout, []byte("[bare-lf]")) || !bytes.Contains(r.stderr, []byte("--crlf")) {
		t.Errorf("lint of the LF-only message: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if out := ok(t, "lint", "--crlf", "msgs/lf-only.eml"); string(out) != "msgs/lf-only.eml: 0 errors, 0 warnings, 0 infos\n" {
		t.Errorf("lint --crlf of the LF-only message:\n%s", out)
	}

	srv, err := sestest.StartSMTP()
	sestest.Need(t, "the loopback SMTP server", err)
	defer srv.Close()
	if r := run(t, nil, nil, "send", "--api", "smtp", "--smtp", srv.Addr, "--smtp-tls", "none", "--crlf", "msgs/lf-only.eml"); r.code != 0 {
		t.Fatalf("send --crlf: exit %d\n%s", r.code, r.stderr)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || !bytes.Equal(msgs[0].Data, orig) {
		t.Errorf("send --crlf did not send the CRLF original")
	}

	// A bare CR hides "Bcc:" on the Subject line from some readers: --crlf leaves it, and sign
	// still refuses the message.
	r = run(t, nil, nil, append(slices.Clone(signArgs), "--crlf", "msgs/bare-cr.eml")...)
	if r.code != 2 || !bytes.Contains(r.stderr, []byte("bare CR")) {
		t.Errorf("sign --crlf of a bare CR: exit %d, want 2\n%s", r.code, r.stderr)
	}
	// A bare CR in the header block is an error for lint (the one verdict of the header grammar).
	if r := run(t, nil, nil, "lint", "--crlf", "msgs/bare-cr.eml"); r.code != 1 || !bytes.Contains(r.stdout, []byte("[bare-cr]")) ||
		!bytes.Contains(r.stdout, []byte("[header-syntax]")) {
		t.Errorf("lint --crlf of a bare CR in the header: exit %d, want 1 with bare-cr and header-syntax findings:\n%s", r.code, r.stdout)
	}
}
