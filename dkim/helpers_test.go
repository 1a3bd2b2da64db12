package dkim_test

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/sesraw/sesraw/dkim"
)

// testNow is the fixed clock of the tests (2025-01-01T00:00:00Z).
var testNow = func() time.Time { return time.Unix(1735689600, 0) }

// rfc8463Seed is the Ed25519 private key of RFC 8463 Appendix A.2 (brisbane._domainkey.football.example.com).
const rfc8463Seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="

func rfc8463Key() ed25519.PrivateKey {
	seed, err := base64.StdEncoding.DecodeString(rfc8463Seed)
	if err != nil {
		panic(err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

var keyCache sync.Map

// loadKey parses a PEM key from testdata/keys.
func loadKey(t testing.TB, name string) crypto.Signer {
	t.Helper()
	if k, ok := keyCache.Load(name); ok {
		return k.(crypto.Signer)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	k, err := dkim.ParsePrivateKey(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	keyCache.Store(name, k)
	return k
}

// testKey is one key the signing tests run with.
type testKey struct {
	name     string
	selector string
	key      func(testing.TB) crypto.Signer
}

var testKeys = []testKey{
	{"rsa2048", "rsa", func(t testing.TB) crypto.Signer { return loadKey(t, "rsa2048.pem") }},
	{"ed25519", "ed", func(t testing.TB) crypto.Signer { return loadKey(t, "ed25519.pem") }},
}

// dnsMap is a fake DNS: TXT name -> record.
type dnsMap map[string]string

func (m dnsMap) add(t testing.TB, selector, domain string, key crypto.Signer) {
	t.Helper()
	rec, err := dkim.TXTRecord(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	m[selector+"._domainkey."+domain] = rec
}

func (m dnsMap) LookupTXT(name string) ([]string, error) {
	if r, ok := m[strings.ToLower(name)]; ok {
		return []string{r}, nil
	}
	return nil, &lookupError{name}
}

type lookupError struct{ name string }

func (e *lookupError) Error() string { return "no TXT record for " + e.name }

// msgauthVerify verifies raw with go-msgauth directly and returns the first signature's error.
func msgauthVerify(t testing.TB, raw []byte, dns dnsMap) error {
	t.Helper()
	vs, err := msgauth.VerifyWithOptions(bytes.NewReader(raw), &msgauth.VerifyOptions{LookupTXT: dns.LookupTXT})
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return errors.New("no signature")
	}
	for _, v := range vs {
		if v.Err != nil {
			return v.Err
		}
	}
	return nil
}

// pythonCase is one message for python3-dkim.
type pythonCase struct {
	name    string
	raw     []byte
	wantOK  bool
	comment string
}

// pythonVerify runs testdata/dkimverify.py (Debian's python3-dkim) over every case in one process
// and checks each outcome. Outside CI a missing python3-dkim skips the test; in CI (CI=true) it
// fails, since the independent verifier is part of what the tests promise.
func pythonVerify(t *testing.T, dns dnsMap, cases []pythonCase) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import dkim").Run(); err != nil {
		msg := "python3-dkim is not importable by /usr/bin/python3 (apt-get install python3-dkim): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	dnsJSON, err := json.Marshal(dns)
	if err != nil {
		t.Fatal(err)
	}
	dnsFile := filepath.Join(dir, "dns.json")
	if err := os.WriteFile(dnsFile, dnsJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join("testdata", "dkimverify.py"), dnsFile}
	byFile := map[string]pythonCase{}
	for i, c := range cases {
		f := filepath.Join(dir, strconv.Itoa(i)+".eml")
		if err := os.WriteFile(f, c.raw, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
		byFile[f] = c
	}
	out, err := exec.Command("/usr/bin/python3", args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("dkimverify.py: %v\n%s", err, out)
		}
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		verdict, rest, _ := strings.Cut(sc.Text(), " ")
		file, reason, _ := strings.Cut(rest, " ")
		c, ok := byFile[file]
		if !ok {
			t.Fatalf("dkimverify.py: unexpected line %q", sc.Text())
		}
		seen++
		if got := verdict == "PASS"; got != c.wantOK {
			t.Errorf("python3-dkim: %s: PASS=%v, want %v (%s) %s", c.name, got, c.wantOK, reason, c.comment)
		}
	}
	if seen != len(cases) {
		t.Fatalf("dkimverify.py reported %d of %d messages:\n%s", seen, len(cases), out)
	}
}

// sigTags returns the tags of the first DKIM-Signature field in raw (values with whitespace removed).
func sigTags(t testing.TB, raw []byte) map[string]string {
	t.Helper()
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(raw)
	}
	hdr := string(raw[:end])
	if !strings.HasPrefix(hdr, "DKIM-Signature:") {
		t.Fatalf("message does not start with DKIM-Signature:\n%s", hdr)
	}
	field := hdr[len("DKIM-Signature:"):]
	// The field ends at the first line not starting with WSP.
	lines := strings.Split(field, "\r\n")
	v := lines[0]
	for _, l := range lines[1:] {
		if l == "" || (l[0] != ' ' && l[0] != '\t') {
			break
		}
		v += l
	}
	tags := map[string]string{}
	for _, kv := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		tags[strings.TrimSpace(k)] = strings.Join(strings.Fields(val), "")
	}
	return tags
}

// signatureField returns the DKIM-Signature field (with its CRLF) at the start of raw.
func signatureField(raw []byte) []byte {
	i := 0
	for {
		k := bytes.Index(raw[i:], []byte("\r\n"))
		if k < 0 {
			return raw
		}
		i += k + 2
		if i >= len(raw) || (raw[i] != ' ' && raw[i] != '\t') {
			return raw[:i]
		}
	}
}
