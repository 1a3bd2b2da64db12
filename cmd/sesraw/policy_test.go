package main_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const policyIdentity = "arn:aws:ses:us-east-1:123456789012:identity/example.com"

// checkArgs are the flags of a 'policy check' against testdata/policies/recipients.json.
func checkArgs(api, principal, at string, extra ...string) []string {
	args := []string{"policy", "check", "--policy", "policies/recipients.json", "--identity", policyIdentity,
		"--principal", principal, "--api", api, "--time", at}
	return append(args, extra...)
}

// TestPolicyGolden runs each policy subcommand on the test policies and messages and compares
// stdout and the exit status with one golden file.
func TestPolicyGolden(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"check allowed (spec, v1)", checkArgs("v1", "arn:aws:iam::210987654321:user/platform", "2025-03-14T15:09:26Z", "specs/delegated.json"), 0},
		{"check implicit deny (a Bcc outside, SMTP)", checkArgs("smtp", "210987654321", "2025-03-14T15:09:26Z", "msgs/naive.eml"), 1},
		{"check explicit deny (holiday window, v2)", checkArgs("v2", "210987654321", "2025-12-25T10:00:00Z", "specs/delegated.json"), 1},
		{"check another account", checkArgs("v2", "111122223333", "2025-03-14T15:09:26Z", "specs/delegated.json"), 1},
		{"check v2 template (UNCONFIRMED action reported)", checkArgs("v2", "210987654321", "2025-03-14T15:09:26Z", "--operation", "template", "specs/delegated.json"), 1},
		{"check --json", checkArgs("smtp", "210987654321", "2025-03-14T15:09:26Z", "--json", "--source-ip", "203.0.113.9", "msgs/naive.eml"), 1},
		{"lint findings", []string{"policy", "lint", "policies/lint-me.json", "policies/recipients.json"}, 1},
		{"lint --json", []string{"policy", "lint", "--json", "policies/lint-me.json"}, 1},
		{"lint clean", []string{"policy", "lint", "policies/recipients.json"}, 0},
		{"new", []string{"policy", "new", "--delegate", "210987654321", "--identity", policyIdentity, "--from", "*@example.com",
			"--from-name", "Platform*", "--recipients", "*@example.org", "--feedback", "bounces@example.com",
			"--not-before", "2025-01-01T00:00:00Z", "--until", "2026-01-01T00:00:00Z", "--source-ip", "203.0.113.0/24", "--source-ip", "2001:db8::/32", "--sid", "Platform"}, 0},
	}
	var all bytes.Buffer
	for _, tc := range cases {
		r := run(t, nil, nil, tc.args...)
		if r.code != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", tc.name, r.code, tc.code, r.stdout, r.stderr)
		}
		all.WriteString("### " + tc.name + "\n$ sesraw " + strings.Join(tc.args, " ") + "\nexit status " + strconv.Itoa(r.code) + "\n")
		all.Write(r.stdout)
		all.WriteString("\n")
	}
	golden(t, "policy.txt", all.Bytes())
}

// TestPolicyNewLintsClean: what 'policy new' prints, 'policy lint' finds clean, and 'policy
// check' allows exactly the sends the flags describe.
func TestPolicyNewLintsClean(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "platform.json")
	writeFile(t, pol, ok(t, "policy", "new", "--delegate", "210987654321", "--identity", policyIdentity, "--recipients", "*@example.org", "--from", "billing@example.com"))
	if out := ok(t, "policy", "lint", pol); len(out) != 0 {
		t.Errorf("lint findings on a written policy:\n%s", out)
	}
	check := func(principal string) int {
		return run(t, nil, nil, "policy", "check", "--policy", pol, "--identity", policyIdentity, "--principal", principal,
			"--api", "smtp", "--time", "2025-03-14T15:09:26Z", "specs/delegated.json").code
	}
	if c := check("210987654321"); c != 0 {
		t.Errorf("the delegate: exit %d", c)
	}
	if c := check("111122223333"); c != 1 {
		t.Errorf("another account: exit %d", c)
	}
	// The spec with a From outside the grant.
	spec, err := os.ReadFile(filepath.Join("testdata", "specs", "delegated.json"))
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.json")
	writeFile(t, other, bytes.Replace(spec, []byte("billing@example.com"), []byte("news@example.com"), 1))
	r := run(t, nil, nil, "policy", "check", "--policy", pol, "--identity", policyIdentity, "--principal", "210987654321",
		"--api", "smtp", "--time", "2025-03-14T15:09:26Z", other)
	if r.code != 1 || !bytes.Contains(r.stdout, []byte(`StringEquals ses:FromAddress: "news@example.com" does not match ["billing@example.com"]`)) {
		t.Errorf("another From: exit %d\n%s", r.code, r.stdout)
	}
}

// TestPolicyErrors: usage and input errors exit 2 with a message on stderr and nothing on stdout.
func TestPolicyErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"no subcommand", []string{"policy"}},
		{"unknown subcommand", []string{"policy", "evaluate"}},
		{"flag of another subcommand", []string{"policy", "lint", "--principal", "1", "policies/recipients.json"}},
		{"check without --policy", []string{"policy", "check", "--identity", policyIdentity, "--principal", "210987654321", "--api", "v1", "msgs/naive.eml"}},
		{"check bad --api", checkArgs("v3", "210987654321", "2025-03-14T15:09:26Z", "msgs/naive.eml")},
		{"check bad --operation", checkArgs("v1", "210987654321", "2025-03-14T15:09:26Z", "--operation", "raw", "msgs/naive.eml")},
		{"check bad --time", checkArgs("v1", "210987654321", "yesterday", "msgs/naive.eml")},
		{"check bad --source-ip", checkArgs("v1", "210987654321", "2025-03-14T15:09:26Z", "--source-ip", "10.0.0.0/8", "msgs/naive.eml")},
		{"check bad principal", checkArgs("v1", "platform", "2025-03-14T15:09:26Z", "msgs/naive.eml")},
		{"check bad identity", []string{"policy", "check", "--policy", "policies/recipients.json", "--identity", "example.com", "--principal", "210987654321", "--api", "v1", "msgs/naive.eml"}},
		{"check malformed policy", []string{"policy", "check", "--policy", "policies/malformed.json", "--identity", policyIdentity, "--principal", "210987654321", "--api", "v1", "msgs/naive.eml"}},
		{"check missing policy", []string{"policy", "check", "--policy", "policies/nope.json", "--identity", policyIdentity, "--principal", "210987654321", "--api", "v1", "msgs/naive.eml"}},
		{"check missing message", checkArgs("v1", "210987654321", "2025-03-14T15:09:26Z", "msgs/nope.eml")},
		{"check bad spec", checkArgs("v1", "210987654321", "2025-03-14T15:09:26Z", "errors/bad-arn.json")},
		{"lint no file", []string{"policy", "lint"}},
		{"lint malformed", []string{"policy", "lint", "policies/malformed.json"}},
		{"new without --delegate", []string{"policy", "new", "--identity", policyIdentity}},
		{"new public", []string{"policy", "new", "--delegate", "*", "--identity", policyIdentity}},
		{"new regexp pattern", []string{"policy", "new", "--delegate", "210987654321", "--identity", policyIdentity, "--from", "marketing+.*@example.com"}},
		{"new bad window", []string{"policy", "new", "--delegate", "210987654321", "--identity", policyIdentity, "--not-before", "2026-01-01T00:00:00Z", "--until", "2025-01-01T00:00:00Z"}},
		{"new bad network", []string{"policy", "new", "--delegate", "210987654321", "--identity", policyIdentity, "--source-ip", "10.0.0.0/40"}},
	}
	var all bytes.Buffer
	for _, tc := range cases {
		r := run(t, strings.NewReader(""), nil, tc.args...)
		if r.code != 2 || len(r.stderr) == 0 || len(r.stdout) != 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", tc.name, r.code, r.stdout, r.stderr)
		}
		all.WriteString("### " + tc.name + "\n$ sesraw " + strings.Join(tc.args, " ") + "\nexit status " + strconv.Itoa(r.code) + "\n")
		all.Write(r.stderr)
		all.WriteString("\n")
	}
	golden(t, "policy-errors.txt", all.Bytes())
}
