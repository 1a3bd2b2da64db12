package preflight_test

import (
	"strings"
	"testing"

	"github.com/sesraw/sesraw/preflight"
)

// The policy-denied finding carries the evaluation in one line of printable ASCII; without
// Options.Policy, or without an identity ARN, nothing is judged.
func TestPolicyFinding(t *testing.T) {
	bad := msg("x\r\n", with(xsesSource, "Cc: =?utf-8?q?B=C3=BCro?= <buero@example.com>")...)
	fs := preflight.Check([]byte(bad), &preflight.Options{Target: preflight.TargetV1, Policy: policyCheck()})
	var got []preflight.Finding
	for _, f := range fs {
		if f.Rule == preflight.RulePolicyDenied {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].Severity != preflight.Error ||
		!strings.Contains(got[0].Message, `implicitly denied: ses:SendRawEmail on arn:aws:ses:us-east-1:123456789012:identity/example.com`) ||
		!strings.Contains(got[0].Message, `"buero@example.com" matches none of ["*@example.org"]`) {
		t.Fatalf("%v", fs)
	}
	for _, r := range got[0].Message {
		if r < 0x20 || r > 0x7e {
			t.Errorf("not printable ASCII: %q", got[0].Message)
		}
	}
	for _, f := range preflight.Check([]byte(bad), nil) {
		if f.Rule == preflight.RulePolicyDenied {
			t.Errorf("without a policy: %v", f)
		}
	}
	own := msg("x\r\n", with("Cc: carol@example.com")...)
	for _, f := range preflight.Check([]byte(own), &preflight.Options{Policy: policyCheck()}) {
		if f.Rule == preflight.RulePolicyDenied {
			t.Errorf("a send without identity ARN is not judged: %v", f)
		}
	}
}
