package cli

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"
)

// Every flag of 'policy' belongs to at least one subcommand, and every flag a subcommand lists
// exists: the per-subcommand check cannot drift from the flag set.
func TestPolicyFlagsTable(t *testing.T) {
	fs := flag.NewFlagSet("policy", flag.ContinueOnError)
	policyCmd().flags(fs)
	used := map[string]bool{}
	for sub, names := range policyFlags {
		for _, n := range names {
			if fs.Lookup(n) == nil {
				t.Errorf("policy %s lists --%s, which is not defined", sub, n)
			}
			used[n] = true
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if !used[f.Name] {
			t.Errorf("--%s belongs to no policy subcommand", f.Name)
		}
	})
}

// 'policy new' from stdin-free flags prints a policy that 'policy lint' reads back clean from
// stdin, in process.
func TestPolicyNewThenLint(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"policy", "new", "--delegate", "arn:aws:iam::210987654321:role/mailer", "--identity",
		"arn:aws:ses:eu-west-1:123456789012:identity/sender@example.com", "--action", "ses:SendRawEmail"}, strings.NewReader(""), &out, &errb)
	if code != ExitOK || !strings.Contains(out.String(), `"AWS": "arn:aws:iam::210987654321:role/mailer"`) {
		t.Fatalf("new: exit %d\n%s%s", code, out.String(), errb.String())
	}
	policy := out.String()
	out.Reset()
	errb.Reset()
	if code := Main([]string{"policy", "lint", "-"}, strings.NewReader(policy), &out, &errb); code != ExitOK || out.Len() != 0 {
		t.Errorf("lint: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if code := Main([]string{"policy", "lint", "-"}, io.MultiReader(strings.NewReader(policy[:len(policy)/2])), &out, &errb); code != ExitUsage {
		t.Errorf("lint of half a policy: exit %d", code)
	}
}
