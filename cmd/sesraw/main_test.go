package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/xheaders"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// bin is the sesraw binary, built once by TestMain; the tests run it on real files.
var bin string

// emu is the SES emulator, started by the first test that needs it.
var emu sestest.Shared

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "sesraw-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	bin = filepath.Join(dir, "sesraw")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	emu.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Flags that make build output deterministic.
var det = []string{"--date", "2025-03-14T15:09:26+01:00", "--message-id", "test-1@platform.example", "--seed", "42"}

// Flags that sign with the test key (testdata/dkim-test.pem, published as test._domainkey.example.com).
var signFlags = []string{"--dkim-key", "dkim-test.pem", "--dkim-domain", "example.com", "--dkim-selector", "test"}

type result struct {
	stdout, stderr []byte
	code           int
}

// run runs the binary in testdata with args and the given stdin (may be nil). env is added to a
// minimal environment without AWS settings.
func run(t *testing.T, stdin io.Reader, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = "testdata"
	cmd.Stdin = stdin
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true"}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("sesraw %s: %v", strings.Join(args, " "), err)
	}
	return result{out.Bytes(), errb.Bytes(), code}
}

// ok runs the binary and fails the test unless it exits 0.
func ok(t *testing.T, args ...string) []byte {
	t.Helper()
	r := run(t, nil, nil, args...)
	if r.code != 0 {
		t.Fatalf("sesraw %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// golden compares got with testdata/golden/name, rewriting the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBuildGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"build-minimal.eml", append(slices.Clone(det), "specs/minimal.json")},
		{"build-delegated.eml", append(append([]string{"--target", "v1"}, det...), "specs/delegated.json")},
		{"build-full.eml", append(append(slices.Clone(det), signFlags...), "specs/full.json")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			out := ok(t, append([]string{"build"}, tt.args...)...)
			golden(t, tt.golden, out)
			checkLines(t, out)
			if again := ok(t, append([]string{"build"}, tt.args...)...); !bytes.Equal(out, again) {
				t.Error("a second run with --date, --message-id and --seed gives other bytes")
			}
			// From stdin, attachment paths are relative to the working directory.
			if !strings.Contains(tt.golden, "full") {
				spec := testdata(t, tt.args[len(tt.args)-1])
				r := run(t, bytes.NewReader(spec), nil, append(append([]string{"build"}, tt.args[:len(tt.args)-1]...), "-")...)
				if r.code != 0 || !bytes.Equal(r.stdout, out) {
					t.Errorf("build - (stdin): exit %d, same output %v\n%s", r.code, bytes.Equal(r.stdout, out), r.stderr)
				}
			}
		})
	}
}

// checkLines checks CRLF line endings, at most 998 octets a line, and a 7-bit header block.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	inHeader := true
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
		if inHeader {
			if len(line) == 2 {
				inHeader = false
			}
			for _, c := range line {
				if c >= 0x80 {
					t.Errorf("header line %d is not 7-bit: %q", i+1, line)
					break
				}
			}
		}
	}
}

func TestBuildOutputFile(t *testing.T) {
	dir := t.TempDir()
	want := ok(t, append(append([]string{"build"}, det...), "specs/minimal.json")...)

	// Success: the file appears complete, with no temporary file left behind.
	out := filepath.Join(dir, "out.eml")
	ok(t, append(append([]string{"build", "-o", out}, det...), "specs/minimal.json")...)
	if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
		t.Errorf("-o file differs from stdout")
	}

	// Failure: the existing file is left as it was, and nothing else appears.
	if err := os.WriteFile(out, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"errors/bad-arn.json", "errors/missing-attachment.json", "errors/injection-subject.json"} {
		r := run(t, nil, nil, "build", "-o", out, spec)
		if r.code != 2 {
			t.Errorf("build -o %s: exit %d, want 2", spec, r.code)
		}
	}
	if got, _ := os.ReadFile(out); string(got) != "keep me" {
		t.Errorf("a failed build changed the output file: %q", got)
	}
	// strip fails after it has started reading: a header block over 1 MiB.
	big := filepath.Join(dir, "big-header.eml")
	writeFile(t, big, []byte("X-Long: "+strings.Repeat("a", 900)+"\r\n"+strings.Repeat(" "+strings.Repeat("b", 900)+"\r\n", 1300)+"\r\nbody\r\n"))
	stripped := filepath.Join(dir, "stripped.eml")
	if r := run(t, nil, nil, "strip", "-o", stripped, big); r.code != 2 || !bytes.Contains(r.stderr, []byte("too large")) {
		t.Errorf("strip of a 1.2 MB header block: exit %d, want 2\n%s", r.code, r.stderr)
	}
	os.Remove(big)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left in the output directory: %v", entries)
	}
}

func TestInspectGolden(t *testing.T) {
	for _, in := range []struct{ golden, file string }{
		{"inspect-full", "golden/build-full.eml"},
		{"inspect-naive", "msgs/naive.eml"},
	} {
		t.Run(in.golden, func(t *testing.T) {
			js := ok(t, "inspect", "--json", in.file)
			golden(t, in.golden+".json", js)
			golden(t, in.golden+".txt", ok(t, "inspect", in.file))
			var rep map[string]any
			if err := json.Unmarshal(js, &rep); err != nil {
				t.Fatalf("inspect --json is not JSON: %v", err)
			}
			for _, k := range []string{"file", "size", "ses", "envelope", "mime", "dkim", "problems"} {
				if _, ok := rep[k]; !ok {
					t.Errorf("inspect --json has no %q", k)
				}
			}
		})
	}
	// What inspect reports about the naive message, beyond the golden: the first X-SES-SOURCE-ARN
	// wins, the later one (another spelling) is listed as ignored with its line.
	var rep struct {
		SES []struct {
			Name, Value, Error string
			Line               int
			Known              bool
			Ignored            []struct {
				Line  int
				Value string
			}
		}
		DKIM []struct{ StrippedBySES []string }
	}
	if err := json.Unmarshal(ok(t, "inspect", "--json", "msgs/naive.eml"), &rep); err != nil {
		t.Fatal(err)
	}
	src := rep.SES[0]
	if src.Name != xheaders.SourceARN || !strings.Contains(src.Value, "123456789012") || len(src.Ignored) != 1 ||
		src.Ignored[0].Line != 19 || !strings.Contains(src.Ignored[0].Value, "210987654321") {
		t.Errorf("X-SES-SOURCE-ARN: %+v", src)
	}
	if len(rep.DKIM) != 1 || !slices.Equal(rep.DKIM[0].StrippedBySES, []string{"x-ses-from-arn"}) {
		t.Errorf("DKIM: %+v", rep.DKIM)
	}
}

func TestStripGolden(t *testing.T) {
	for _, in := range []struct{ golden, file string }{
		{"strip-naive.eml", "msgs/naive.eml"},
		{"strip-full.eml", "golden/build-full.eml"},
	} {
		t.Run(in.golden, func(t *testing.T) {
			out := ok(t, "strip", in.file)
			golden(t, in.golden, out)
			raw := testdata(t, in.file)
			if want := xheaders.Remove(nil, raw); !bytes.Equal(out, want) {
				t.Errorf("strip differs from xheaders.Remove")
			}
			var sc xheaders.Scanner
			for sc.Reset(out); sc.Next(); {
				t.Errorf("an X-SES header survived: %s", sc.Field().Name)
			}
			r := run(t, bytes.NewReader(raw), nil, "strip", "-")
			if r.code != 0 || !bytes.Equal(r.stdout, out) {
				t.Errorf("strip - (stdin): exit %d, same %v", r.code, bytes.Equal(r.stdout, out))
			}
		})
	}
}

func TestLintGolden(t *testing.T) {
	golden(t, "lint-full.txt", ok(t, "lint", "--target", "v1", "--region", "us-east-1", "golden/build-full.eml"))
	r := run(t, nil, nil, "lint", "msgs/naive.eml")
	if r.code != 1 {
		t.Errorf("lint of a message with error findings: exit %d, want 1", r.code)
	}
	golden(t, "lint-naive.txt", r.stdout)
	r = run(t, nil, nil, "lint", "--json", "--region", "eu-west-1", "msgs/naive.eml")
	if r.code != 1 {
		t.Errorf("lint --json: exit %d, want 1", r.code)
	}
	golden(t, "lint-naive.json", r.stdout)
	var rep struct {
		File     string
		Target   string
		Findings []struct {
			Rule, Severity, Message string
			Line                    int
		}
	}
	if err := json.Unmarshal(r.stdout, &rep); err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, f := range rep.Findings {
		rules[f.Rule] = true
	}
	for _, want := range []string{"dkim-signs-stripped", "attachment-extension", "arn-region", "tag-syntax", "xses-duplicate"} {
		if !rules[want] {
			t.Errorf("lint --json has no %s finding: %+v", want, rep.Findings)
		}
	}
}

// txtRecord is the DKIM TXT record of the test key.
func txtRecord(t *testing.T) string {
	t.Helper()
	key, err := dkim.ParsePrivateKey(testdata(t, "dkim-test.pem"))
	if err != nil {
		t.Fatal(err)
	}
	txt, err := dkim.TXTRecord(key)
	if err != nil {
		t.Fatal(err)
	}
	return txt
}

func TestSignVerify(t *testing.T) {
	unsigned := ok(t, append(append([]string{"build"}, det...), "specs/delegated.json")...)
	r := run(t, bytes.NewReader(unsigned), nil, append(append([]string{"sign", "--date", "2025-03-14T15:09:26+01:00"}, signFlags...), "-")...)
	if r.code != 0 {
		t.Fatalf("sign: exit %d\n%s", r.code, r.stderr)
	}
	signed := r.stdout
	golden(t, "sign-delegated.eml", signed)
	if !bytes.HasPrefix(signed, []byte("DKIM-Signature: ")) || !bytes.Equal(signed[bytes.Index(signed, []byte("\r\nX-SES-")):][2:], unsigned) {
		t.Errorf("sign did not just prepend a DKIM-Signature")
	}

	dir := t.TempDir()
	signedFile := filepath.Join(dir, "signed.eml")
	if err := os.WriteFile(signedFile, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	// The public key as PEM, as a private key, and as a TXT record file.
	txtFile := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(txtFile, []byte(txtRecord(t)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"dkim-test.pub", "dkim-test.pem", txtFile} {
		r := run(t, nil, nil, "verify", "--pubkey", key, signedFile)
		if r.code != 0 || !bytes.Contains(r.stdout, []byte("as given:        pass\n  after SES strip: pass\n")) {
			t.Errorf("verify --pubkey %s: exit %d\n%s%s", key, r.code, r.stdout, r.stderr)
		}
	}
	golden(t, "verify-full.txt", ok(t, "verify", "--pubkey", "dkim-test.pub", "golden/build-full.eml"))

	r = run(t, nil, nil, "verify", "--pubkey", "dkim-test.pub", "msgs/naive.eml")
	if r.code != 1 {
		t.Errorf("verify of a naive signature: exit %d, want 1", r.code)
	}
	golden(t, "verify-naive.txt", append(r.stdout, r.stderr...))
	r = run(t, nil, nil, "verify", "--json", "--pubkey", "dkim-test.pub", "msgs/naive.eml")
	if r.code != 1 {
		t.Errorf("verify --json of a naive signature: exit %d, want 1", r.code)
	}
	golden(t, "verify-naive.json", r.stdout)

	// A limit applies to the message as given: the error names it once, without pretending it
	// came from the reading after the SES strip.
	big := append([]byte("Subject: x\r\n"), bytes.Repeat([]byte(" folded\r\n"), 130_000)...)
	big = append(big, testdata(t, "msgs/naive.eml")...)
	r = run(t, bytes.NewReader(big), nil, "verify", "--pubkey", "dkim-test.pub", "-")
	if r.code != 2 || !bytes.Contains(r.stderr, []byte("over the limit")) || bytes.Contains(r.stderr, []byte("after removing")) {
		t.Errorf("verify of a 1.2 MB header block: exit %d, want 2 and the limit named once\n%s", r.code, r.stderr)
	}

	// The independent verifier agrees: ours passes as built and as delivered, the naive one
	// passes as built and fails as delivered.
	stripped := xheaders.Remove(nil, signed)
	naive := testdata(t, "msgs/naive.eml")
	pythonVerify(t, map[string][]byte{
		"signed":       signed,
		"signed-strip": stripped,
		"full":         testdata(t, "golden/build-full.eml"),
		"full-strip":   xheaders.Remove(nil, testdata(t, "golden/build-full.eml")),
		"naive":        naive,
		"naive-strip!": xheaders.Remove(nil, naive),
	})
}

// pythonVerify runs dkim/testdata/dkimverify.py (Debian's python3-dkim) over the messages with
// the test key; names ending in "!" must fail, the others pass. Nil messages are skipped.
func pythonVerify(t *testing.T, msgs map[string][]byte) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import dkim").Run(); err != nil {
		msg := "python3-dkim is not importable by /usr/bin/python3: " + err.Error()
		if sestest.InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	dns, _ := json.Marshal(map[string]string{"test._domainkey.example.com": txtRecord(t)})
	dnsFile := filepath.Join(dir, "dns.json")
	if err := os.WriteFile(dnsFile, dns, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join("..", "..", "dkim", "testdata", "dkimverify.py"), dnsFile}
	for name, raw := range msgs {
		if raw == nil {
			continue
		}
		f := filepath.Join(dir, name+".eml")
		if err := os.WriteFile(f, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
	}
	out, _ := exec.Command("/usr/bin/python3", args...).Output()
	seen := 0
	for line := range strings.Lines(string(out)) {
		verdict, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		file, reason, _ := strings.Cut(rest, " ")
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		seen++
		if wantPass := !strings.HasSuffix(name, "!"); (verdict == "PASS") != wantPass {
			t.Errorf("python3-dkim: %s: %s %s", name, verdict, reason)
		}
	}
	if seen != len(args)-2 {
		t.Errorf("python3-dkim checked %d messages, want %d:\n%s", seen, len(args)-2, out)
	}
}

func TestDemo(t *testing.T) {
	r := run(t, nil, nil, "demo")
	if r.code != 0 {
		t.Fatalf("demo: exit %d\n%s", r.code, r.stderr)
	}
	raw := r.stdout
	golden(t, "demo.eml", raw)
	checkLines(t, raw)
	if !bytes.HasPrefix(raw, []byte("X-SES-SOURCE-ARN: ")) || !bytes.Contains(raw, []byte("\r\nX-SES-FROM-ARN: ")) || !bytes.Contains(raw, []byte("\r\nDKIM-Signature: ")) {
		t.Errorf("no X-SES headers at the top or no signature")
	}
	if bytes.Contains(raw, []byte("archive@platform.example")) {
		t.Errorf("the Bcc address is in the message")
	}
	for _, want := range []string{"IN TXT \"v=DKIM1; k=ed25519; p=", "sesraw demo --pubkey", "internal/cli/demo/demo_key.pem", "RCPT TO:   archive@platform.example"} {
		if !bytes.Contains(r.stderr, []byte(want)) {
			t.Errorf("demo stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if again := ok(t, "demo"); !bytes.Equal(raw, again) {
		t.Errorf("demo output differs between runs")
	}

	// The demo verifies with the public key demo --pubkey prints, before and after the strip.
	dir := t.TempDir()
	pub, eml := filepath.Join(dir, "demo.pub"), filepath.Join(dir, "demo.eml")
	writeFile(t, pub, ok(t, "demo", "--pubkey"))
	writeFile(t, eml, raw)
	if out := ok(t, "verify", "--pubkey", pub, eml); !bytes.Contains(out, []byte("as given:        pass\n  after SES strip: pass\n")) {
		t.Errorf("verify demo:\n%s", out)
	}
	// The spec demo --spec prints builds.
	spec := filepath.Join(dir, "demo.json")
	writeFile(t, spec, ok(t, "demo", "--spec"))
	if out := ok(t, "build", "--date", "2025-03-14T15:09:26+01:00", "--seed", "1", spec); !bytes.Contains(out, []byte("Subject: Ihre Rechnung =?utf-8?")) {
		t.Errorf("building the demo spec:\n%s", out)
	}
}

func TestHelp(t *testing.T) {
	var all bytes.Buffer
	all.Write(ok(t, "help"))
	for _, c := range []string{"build", "spec", "inspect", "strip", "lint", "sign", "verify", "send", "demo"} {
		h := ok(t, c, "--help")
		if !bytes.Equal(h, ok(t, "help", c)) {
			t.Errorf("%s --help differs from help %s", c, c)
		}
		all.WriteString("\n$ sesraw " + c + " --help\n")
		all.Write(h)
	}
	golden(t, "help.txt", all.Bytes())
}

// TestErrors runs every error path and records the exit status and stderr in one golden file.
func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"unknown command", []string{"frobnicate"}, 2},
		{"no command", nil, 2},
		{"unknown flag", []string{"build", "--frobnicate", "specs/minimal.json"}, 2},
		{"bad flag value", []string{"build", "--target", "v3", "specs/minimal.json"}, 2},
		{"bad date", []string{"build", "--date", "yesterday", "specs/minimal.json"}, 2},
		{"bad seed", []string{"build", "--seed", "-1", "specs/minimal.json"}, 2},
		{"bad message id", []string{"build", "--message-id", "<a@b>", "specs/minimal.json"}, 2},
		{"missing argument", []string{"build"}, 2},
		{"too many arguments", []string{"inspect", "a.eml", "b.eml"}, 2},
		{"missing spec file", []string{"build", "specs/nope.json"}, 2},
		{"spec is a directory", []string{"build", "specs"}, 2},
		{"unknown field", []string{"build", "errors/unknown-field.json"}, 2},
		{"bad JSON", []string{"build", "errors/bad-json.json"}, 2},
		{"wrong type", []string{"build", "errors/wrong-type.json"}, 2},
		{"bad ARN", []string{"build", "errors/bad-arn.json"}, 2},
		{"injection in subject", []string{"build", "errors/injection-subject.json"}, 2},
		{"injection in header value", []string{"build", "errors/injection-header.json"}, 2},
		{"injection in address", []string{"build", "errors/injection-address.json"}, 2},
		{"X-SES as custom header", []string{"build", "errors/xses-as-header.json"}, 2},
		{"missing attachment", []string{"build", "errors/missing-attachment.json"}, 2},
		{"refused extension", []string{"build", "errors/refused-extension.json"}, 2},
		{"partial DKIM flags", []string{"build", "--dkim-key", "dkim-test.pem", "specs/minimal.json"}, 2},
		{"missing DKIM key", []string{"build", "--dkim-key", "nope.pem", "--dkim-domain", "example.com", "--dkim-selector", "s", "specs/minimal.json"}, 2},
		{"not a DKIM key", []string{"build", "--dkim-key", "specs/minimal.json", "--dkim-domain", "example.com", "--dkim-selector", "s", "specs/minimal.json"}, 2},
		{"forbidden DKIM header", append(append([]string{"build", "--dkim-header", "X-SES-FROM-ARN"}, signFlags...), "specs/minimal.json"), 2},
		{"output directory missing", []string{"build", "-o", "no/such/dir/out.eml", "specs/minimal.json"}, 2},
		{"missing message", []string{"inspect", "msgs/nope.eml"}, 2},
		{"strip missing message", []string{"strip", "msgs/nope.eml"}, 2},
		{"lint error findings", []string{"lint", "msgs/naive.eml"}, 1},
		{"lint bad target", []string{"lint", "--target", "v3", "msgs/naive.eml"}, 2},
		{"sign without key", []string{"sign", "msgs/naive.eml"}, 2},
		{"sign a signed message", append(append([]string{"sign"}, signFlags...), "msgs/naive.eml"), 2},
		{"verify failure", []string{"verify", "--pubkey", "dkim-test.pub", "msgs/naive.eml"}, 1},
		{"verify wrong key", []string{"verify", "--pubkey", "../../../internal/cli/demo/demo_key.pem", "golden/build-full.eml"}, 1},
		{"verify unsigned", []string{"verify", "--pubkey", "dkim-test.pub", "golden/build-minimal.eml"}, 1},
		{"verify bad key file", []string{"verify", "--pubkey", "specs/minimal.json", "golden/build-full.eml"}, 2},
		{"send without api", []string{"send", "specs/minimal.json"}, 2},
		{"send bad api", []string{"send", "--api", "v4", "specs/minimal.json"}, 2},
		{"send bad method", []string{"send", "--api", "v1", "--method", "both", "specs/minimal.json"}, 2},
		{"send no region", []string{"send", "--api", "v2", "specs/delegated.json"}, 2},
		{"send bad endpoint", []string{"send", "--api", "v1", "--endpoint", "localhost:4566", "specs/delegated.json"}, 2},
		{"send smtp without server", []string{"send", "--api", "smtp", "specs/delegated.json"}, 2},
		{"send bad spec", []string{"send", "--api", "v1", "--region", "us-east-1", "errors/bad-arn.json"}, 2},
		{"send region mismatch", []string{"send", "--api", "smtp", "--region", "eu-west-1", "--smtp", "127.0.0.1:1", "specs/delegated.json"}, 1},
		{"send raw with lint errors", []string{"send", "--api", "smtp", "--smtp", "127.0.0.1:1", "msgs/naive.eml"}, 1},
		{"send raw with build flags", []string{"send", "--api", "smtp", "--smtp", "127.0.0.1:1", "--seed", "1", "golden/build-full.eml"}, 2},
		{"demo with arguments", []string{"demo", "x"}, 2},
		{"apply nothing", []string{"apply", "golden/build-minimal.eml"}, 2},
		{"apply bad ARN", []string{"apply", "--delegate", "arn:aws:ses:us-east-1:1234:identity/example.com", "golden/build-minimal.eml"}, 2},
		{"apply delegate and source", []string{"apply", "--delegate", "arn:aws:ses:us-east-1:123456789012:identity/example.com", "--source-arn", "arn:aws:ses:us-east-1:123456789012:identity/example.com", "golden/build-minimal.eml"}, 2},
		{"apply bad tag", []string{"apply", "--tag", "campaign", "golden/build-minimal.eml"}, 2},
		{"apply bad configuration set", []string{"apply", "--configuration-set", "a b", "golden/build-minimal.eml"}, 2},
		{"apply bad list management", []string{"apply", "--list-management", "customers; color=blue", "golden/build-minimal.eml"}, 2},
		{"apply already present", []string{"apply", "--tenant", "t1", "golden/build-full.eml"}, 2},
		{"apply missing message", []string{"apply", "--tenant", "t1", "msgs/nope.eml"}, 2},
		{"apply starts with a blank", []string{"apply", "--tenant", "t1", "msgs/blank-first.eml"}, 2},
		{"sign LF-only", append(append([]string{"sign"}, signFlags...), "msgs/lf-only.eml"), 2},
		{"sign bare CR with --crlf", append(append([]string{"sign", "--crlf"}, signFlags...), "msgs/bare-cr.eml"), 2},
		{"address with a display name but no angle brackets", []string{"build", "errors/address-display-name.json"}, 2},
		{"unsubscribe with SES list management", []string{"build", "errors/unsubscribe-with-list-management.json"}, 2},
		{"unsubscribe over http", []string{"build", "errors/unsubscribe-http.json"}, 2},
		{"in-reply-to with angle brackets", []string{"build", "errors/in-reply-to-brackets.json"}, 2},
		{"calendar method differs from METHOD", []string{"build", "errors/calendar-method-mismatch.json"}, 2},
		{"AMP without HTML", []string{"build", "errors/amp-without-html.json"}, 2},
		{"spec with arguments", []string{"spec", "specs/minimal.json"}, 2},
		{"spec bad flag", []string{"spec", "--schema=maybe"}, 2},
		{"build envelope onto the message", []string{"build", "-o", "x.eml", "--envelope", "x.eml", "specs/minimal.json"}, 2},
		{"send envelope with a spec", []string{"send", "--api", "smtp", "--smtp", "127.0.0.1:1", "--envelope", "errors/envelope-empty.json", "specs/minimal.json"}, 2},
		{"send envelope missing", []string{"send", "--api", "smtp", "--smtp", "127.0.0.1:1", "--envelope", "nope.json", "golden/build-minimal.eml"}, 2},
		{"send envelope display name", []string{"send", "--api", "smtp", "--smtp", "127.0.0.1:1", "--envelope", "errors/envelope-display-name.json", "golden/build-minimal.eml"}, 2},
		{"send envelope no recipients", []string{"send", "--api", "smtp", "--smtp", "127.0.0.1:1", "--envelope", "errors/envelope-empty.json", "golden/build-minimal.eml"}, 2},
		{"send refused by the server", []string{"send", "--api", "smtp", "--smtp", "127.0.0.1:1", "golden/build-minimal.eml"}, 1},
	}
	var all bytes.Buffer
	for _, tt := range tests {
		r := run(t, strings.NewReader(""), nil, tt.args...)
		if r.code != tt.code {
			t.Errorf("%s: sesraw %s: exit %d, want %d\n%s", tt.name, strings.Join(tt.args, " "), r.code, tt.code, r.stderr)
		}
		if len(r.stderr) == 0 {
			t.Errorf("%s: nothing on stderr", tt.name)
		}
		if tt.code == 2 && len(r.stdout) > 0 {
			t.Errorf("%s: stdout on a usage or input error: %q", tt.name, r.stdout)
		}
		all.WriteString("### " + tt.name + "\n$ sesraw " + strings.Join(tt.args, " ") + "\nexit status " + strconv.Itoa(r.code) + "\n")
		all.Write(r.stderr)
		all.WriteString("\n")
	}
	golden(t, "errors.txt", all.Bytes())
}

// awsEnv is the environment for sending to the emulator: static credentials from the
// environment, no region (the tests pass --region or AWS_REGION).
var awsEnv = []string{"AWS_ACCESS_KEY_ID=AKIDSESRAWTEST", "AWS_SECRET_ACCESS_KEY=sesraw-test-secret"}

func TestSendEmulator(t *testing.T) {
	e := emu.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tests := []struct {
		name    string
		args    []string
		env     []string
		subject string
	}{
		{"v1 spec params", []string{"--api", "v1", "--region", sestest.Region, "specs/delegated.json"}, nil, "Invoice"},
		{"v1 spec headers", []string{"--api", "v1", "--method", "headers", "specs/full.json"}, []string{"AWS_REGION=" + sestest.Region}, "Quarterly report — Q3 Übersicht"},
		{"v2 spec params", []string{"--api", "v2", "--region", sestest.Region, "specs/full.json"}, nil, "Quarterly report — Q3 Übersicht"},
		{"v2 spec headers signed", append(append([]string{"--api", "v2", "--method", "headers", "--region", sestest.Region}, signFlags...), "specs/delegated.json"), nil, "Invoice"},
		{"v1 raw", []string{"--api", "v1", "--region", sestest.Region, "golden/build-full.eml"}, nil, "Quarterly report — Q3 Übersicht"},
		{"v2 raw", []string{"--api", "v2", "--region", sestest.Region, "golden/build-minimal.eml"}, nil, "Hello"},
		{"v1 raw forced", []string{"--api", "v1", "--region", sestest.Region, "--force", "msgs/naive.eml"}, nil, "Delegated, signed naively"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"send", "--endpoint", e.URL}, tt.args...)
			r := run(t, nil, append(slices.Clone(awsEnv), tt.env...), args...)
			if r.code != 0 {
				t.Fatalf("sesraw %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
			}
			id := strings.TrimSpace(string(r.stdout))
			got, err := e.Email(ctx, id)
			if err != nil {
				t.Fatalf("message %q not in the emulator: %v", id, err)
			}
			if got.Subject != tt.subject {
				t.Errorf("stored subject %q, want %q", got.Subject, tt.subject)
			}
		})
	}

	// Failed checks send nothing.
	before, err := e.Emails(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"send", "--endpoint", e.URL, "--api", "v1", "--region", "eu-west-1", "specs/delegated.json"},
		{"send", "--endpoint", e.URL, "--api", "v2", "--region", sestest.Region, "msgs/naive.eml"},
	} {
		if r := run(t, nil, awsEnv, args...); r.code != 1 || !bytes.Contains(r.stderr, []byte("nothing was sent")) {
			t.Errorf("sesraw %s: exit %d, want 1 and \"nothing was sent\"\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	if after, _ := e.Emails(ctx); len(after) != len(before) {
		t.Errorf("a refused send reached the emulator: %d messages before, %d after", len(before), len(after))
	}
}

// A plain-text loopback server (--smtp-tls none); TLS, --smtp-ca and derived credentials are in
// smtp_test.go.
func TestSendSMTP(t *testing.T) {
	srv, err := sestest.StartSMTP()
	sestest.Need(t, "the loopback SMTP server", err)
	defer srv.Close()

	// A spec: the DATA is what build writes for SMTP (X-SES headers included), the envelope is
	// Return-Path and To + Cc + Bcc.
	r := run(t, nil, []string{"SESRAW_SMTP_USERNAME=delegate", "SESRAW_SMTP_PASSWORD=secret"},
		append(append([]string{"send", "--api", "smtp", "--smtp", srv.Addr, "--smtp-tls", "none"}, det...), "specs/full.json")...)
	if r.code != 0 {
		t.Fatalf("send spec: exit %d\n%s", r.code, r.stderr)
	}
	want := ok(t, append(append([]string{"build", "--target", "smtp"}, det...), "specs/full.json")...)
	// Raw file: sent as it is; the envelope comes from its header block.
	raw := testdata(t, "golden/build-minimal.eml")
	if r := run(t, nil, nil, "send", "--api", "smtp", "--smtp", srv.Addr, "--smtp-tls", "none", "golden/build-minimal.eml"); r.code != 0 {
		t.Fatalf("send raw: exit %d\n%s", r.code, r.stderr)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("the SMTP server got %d messages, want 2", len(msgs))
	}
	if m := msgs[0]; m.Username != "delegate" || m.From != "feedback@example.com" ||
		!slices.Equal(m.To, []string{"recipient@example.com", "r2@example.org", "accounting@example.org", "archive@platform.example"}) || !bytes.Equal(m.Data, want) {
		t.Errorf("spec over SMTP: user %q, MAIL FROM %q, RCPT TO %q, DATA equal to build: %v", m.Username, m.From, m.To, bytes.Equal(m.Data, want))
	}
	if m := msgs[1]; m.Username != "" || m.From != "sender@example.com" || !slices.Equal(m.To, []string{"recipient@example.com"}) || !bytes.Equal(m.Data, raw) {
		t.Errorf("raw over SMTP: user %q, MAIL FROM %q, RCPT TO %q, DATA equal to the file: %v", m.Username, m.From, m.To, bytes.Equal(m.Data, raw))
	}
}
