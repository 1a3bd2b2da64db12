package sespolicy

import (
	"errors"
	"strings"
	"testing"
)

const (
	precDomain  = "arn:aws:ses:us-east-1:888888888888:identity/example.com"
	precAddress = "arn:aws:ses:us-east-1:888888888888:identity/sender@example.com"
)

func stmtPolicy(t testing.TB, name, effect, resource string) *Policy {
	return mustParse(t, name, `{"Version":"2012-10-17","Statement":[{"Sid":"`+name+`","Effect":"`+effect+`",
	  "Principal":{"AWS":"123456789012"},"Action":"ses:Send*","Resource":"`+resource+`"}]}`)
}

// TestPrecedence is AWS's own pair of examples: an email-address identity's policies take
// precedence over its domain's, both ways.
// https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-identity-owner-tasks-policy.html
func TestPrecedence(t *testing.T) {
	cases := []struct {
		name           string
		domain, addr   string // effects
		from           string
		want           Decision
		wantPrecedence bool
	}{
		{"domain denies, address allows: the address may send", "Deny", "Allow", "sender@example.com", Allowed, true},
		{"domain denies, address allows: no other address", "Deny", "Allow", "other@example.com", ExplicitDeny, false},
		{"domain allows, address denies: not the address", "Allow", "Deny", "sender@example.com", ExplicitDeny, true},
		{"domain allows, address denies: any other address", "Allow", "Deny", "other@example.com", Allowed, false},
		{"address identity matched case-insensitively", "Deny", "Allow", "Sender@Example.com", Allowed, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := &Request{
				Send: Send{Operation: V1SendRawEmail, Identity: precDomain, Caller: "123456789012", From: tc.from},
				Owner: []IdentityPolicies{
					{ARN: precDomain, Policies: []*Policy{stmtPolicy(t, "domain", tc.domain, precDomain)}},
					{ARN: precAddress, Policies: []*Policy{stmtPolicy(t, "address", tc.addr, precAddress)}},
				},
			}
			r, err := Evaluate(req)
			if err != nil {
				t.Fatal(err)
			}
			if r.Decision != tc.want || (r.Precedence != "") != tc.wantPrecedence {
				t.Errorf("got %s", r.Summary())
			}
		})
	}
	// An address identity without policies does not take precedence.
	req := &Request{
		Send: Send{Operation: V1SendRawEmail, Identity: precDomain, Caller: "123456789012", From: "sender@example.com"},
		Owner: []IdentityPolicies{
			{ARN: precDomain, Policies: []*Policy{stmtPolicy(t, "domain", "Allow", precDomain)}},
			{ARN: precAddress},
		},
	}
	if r, err := Evaluate(req); err != nil || r.Decision != Allowed || r.Precedence != "" {
		t.Errorf("empty address identity: %v %s", err, r.Summary())
	}
}

func TestPrincipals(t *testing.T) {
	pol := func(aws string) *Policy {
		return mustParse(t, "p", `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow",
		  "Principal":{"AWS":`+aws+`},"Action":"ses:SendRawEmail","Resource":"`+precDomain+`"}]}`)
	}
	cases := []struct {
		principal, caller string
		want              bool
	}{
		{`"123456789012"`, "123456789012", true},
		{`"123456789012"`, "arn:aws:iam::123456789012:user/jane", true},
		{`"123456789012"`, "arn:aws:sts::123456789012:assumed-role/mailer/s1", true},
		{`"arn:aws:iam::123456789012:root"`, "arn:aws:iam::123456789012:role/mailer", true},
		{`"arn:aws:iam::123456789012:root"`, "210987654321", false},
		{`"arn:aws:iam::123456789012:user/jane"`, "arn:aws:iam::123456789012:user/jane", true},
		{`"arn:aws:iam::123456789012:user/jane"`, "123456789012", false},
		{`"arn:aws:iam::123456789012:role/ops/mailer"`, "arn:aws:sts::123456789012:assumed-role/mailer/session-7", true},
		{`"arn:aws:iam::123456789012:role/mailer"`, "arn:aws:sts::123456789012:assumed-role/other/session-7", false},
		{`"arn:aws:iam::123456789012:role/mailer"`, "arn:aws:sts::210987654321:assumed-role/mailer/session-7", false},
		{`"arn:aws:sts::123456789012:assumed-role/mailer/s1"`, "arn:aws:sts::123456789012:assumed-role/mailer/s1", true},
		{`"arn:aws:sts::123456789012:assumed-role/mailer/s1"`, "arn:aws:sts::123456789012:assumed-role/mailer/s2", false},
		{`"arn:aws:iam::123456789012:user/*"`, "arn:aws:iam::123456789012:user/jane", false}, // no wildcards in principals
		{`"*"`, "210987654321", true},
		{`"arn:aws-us-gov:iam::123456789012:root"`, "123456789012", false}, // another partition
	}
	for _, tc := range cases {
		r, err := Evaluate(&Request{
			Send:  Send{Operation: V1SendRawEmail, Identity: precDomain, Caller: tc.caller, From: "a@example.com"},
			Owner: []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{pol(tc.principal)}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if r.Allowed() != tc.want {
			t.Errorf("Principal %s, caller %s: %s", tc.principal, tc.caller, r.Summary())
		}
	}
}

func TestCallerPolicies(t *testing.T) {
	owner := []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{stmtPolicy(t, "owner", "Allow", precDomain)}}}
	iamAllow := mustParse(t, "iam", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}}`)
	iamOther := mustParse(t, "iam", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ses:SendEmail","Resource":"*"}}`)
	iamDeny := mustParse(t, "iam", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:*","Resource":"*"},
	  {"Sid":"NoExample","Effect":"Deny","Action":"ses:*","Resource":"arn:aws:ses:*:*:identity/example.com"}]}`)
	s := Send{Operation: V1SendRawEmail, Identity: precDomain, Caller: "arn:aws:iam::123456789012:user/jane", From: "a@example.com"}
	for _, tc := range []struct {
		name   string
		caller []*Policy
		want   Decision
		why    string
	}{
		{"owner side alone", nil, Allowed, "judged the owner's side alone"},
		{"both allow", []*Policy{iamAllow}, Allowed, "allowed by policy \"owner\""},
		{"caller's IAM lacks the action", []*Policy{iamOther}, ImplicitDeny, "no statement of the caller's IAM policies does"},
		{"caller's IAM denies", []*Policy{iamDeny}, ExplicitDeny, "caller policy \"iam\" statement \"NoExample\" #1"},
	} {
		r, err := Evaluate(&Request{Send: s, Owner: owner, CallerPolicies: tc.caller})
		if err != nil {
			t.Fatal(err)
		}
		if r.Decision != tc.want || !strings.Contains(r.Summary(), tc.why) || r.OwnerSideOnly != (tc.caller == nil) {
			t.Errorf("%s: %s", tc.name, r.Summary())
		}
	}
	// Same account: the owner's own IAM policy suffices, no sending authorization policy needed.
	own := Send{Operation: V1SendRawEmail, Identity: precDomain, Caller: "arn:aws:iam::888888888888:user/ops", From: "a@example.com"}
	r, err := Evaluate(&Request{Send: own, CallerPolicies: []*Policy{iamAllow}})
	if err != nil || r.Decision != Allowed || !r.SameAccount {
		t.Errorf("same account: %v %s", err, r.Summary())
	}
	r, _ = Evaluate(&Request{Send: own, CallerPolicies: []*Policy{iamOther}})
	if r.Decision != ImplicitDeny {
		t.Errorf("same account without an IAM allow: %s", r.Summary())
	}
}

func TestExplicitDenyWins(t *testing.T) {
	p := mustParse(t, "p", `{"Version":"2012-10-17","Statement":[
	  {"Sid":"All","Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ses:Send*","Resource":"`+precDomain+`"},
	  {"Sid":"NoCompetitors","Effect":"Deny","Principal":"*","Action":"ses:Send*","Resource":"`+precDomain+`",
	   "Condition":{"ForAnyValue:StringLike":{"ses:Recipients":"*@competitor.example"}}}]}`)
	owner := []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{p}}}
	s := Send{Operation: SMTP, Identity: precDomain, Caller: "123456789012", From: "a@example.com", Recipients: []string{"x@example.net", "y@competitor.example"}}
	r, err := Evaluate(&Request{Send: s, Owner: owner})
	if err != nil || r.Decision != ExplicitDeny || r.Deciding == nil || r.Deciding.Sid != "NoCompetitors" || r.Deciding.Index != 1 {
		t.Fatalf("%v %s", err, r.Summary())
	}
	s.Recipients = []string{"x@example.net"}
	if r, _ := Evaluate(&Request{Send: s, Owner: owner}); r.Decision != Allowed {
		t.Errorf("%s", r.Summary())
	}
}

func TestImplicitDenyReasons(t *testing.T) {
	p := mustParse(t, "p", `{"Version":"2012-10-17","Statement":[
	  {"Sid":"OtherAccount","Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ses:SendRawEmail","Resource":"`+precDomain+`"},
	  {"Sid":"OnlySendEmail","Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ses:SendEmail","Resource":"`+precDomain+`"},
	  {"Sid":"OtherIdentity","Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ses:SendRawEmail","Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.org"},
	  {"Sid":"Window","Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ses:SendRawEmail","Resource":"`+precDomain+`",
	   "Condition":{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}]}`)
	s := raw("123456789012", "a@example.com")
	s.Identity = precDomain
	r, err := Evaluate(&Request{Send: s, Owner: []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{p}}}})
	if err != nil || r.Decision != ImplicitDeny {
		t.Fatalf("%v %s", err, r.Summary())
	}
	want := []string{"principal", "action", "resource", "condition"}
	if len(r.Owner.Misses) != 4 {
		t.Fatalf("misses %v", r.Owner.Misses)
	}
	for i, m := range r.Owner.Misses {
		if m.Part != want[i] || m.Statement.Index != i {
			t.Errorf("miss %d: %+v", i, m)
		}
	}
	if !strings.Contains(r.Owner.Misses[3].Reason, `DateLessThan aws:CurrentTime: "2025-03-14T15:09:26Z" does not match ["2020-01-01T00:00:00Z"]`) {
		t.Errorf("condition reason: %s", r.Owner.Misses[3].Reason)
	}
}

func TestAssumptionsReported(t *testing.T) {
	raw := mustParse(t, "p", `{"Version":"2012-10-17","Statement":[{"Sid":"Raw","Effect":"Allow","Principal":{"AWS":"123456789012"},
	  "Action":"ses:SendRawEmail","Resource":"`+precDomain+`","Condition":{"StringEquals":{"ses:FromAddress":"sender@example.com"}}}]}`)
	owner := []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{raw}}}
	// From header vs Source.
	s := Send{Operation: V1SendRawEmail, Identity: precDomain, Caller: "123456789012", From: "sender@example.com", Source: "bounce@example.com"}
	r, _ := Evaluate(&Request{Send: s, Owner: owner})
	if r.Decision != Allowed || len(r.Assumptions) != 1 || r.Assumptions[0].Name != "ses:FromAddress" || r.Assumptions[0].AlternativeDecision != ImplicitDeny {
		t.Errorf("From vs Source: %s", r.Summary())
	}
	r, _ = Evaluate(&Request{Send: s, Owner: owner, Assumptions: &Assumptions{FromAddress: FromSource}})
	if r.Decision != ImplicitDeny || len(r.Assumptions) != 1 {
		t.Errorf("FromSource: %s", r.Summary())
	}
	// Same addresses: nothing to report.
	s.Source = "sender@example.com"
	if r, _ := Evaluate(&Request{Send: s, Owner: owner}); len(r.Assumptions) != 0 {
		t.Errorf("no difference, yet %v", r.Assumptions)
	}
	// v2 raw is ses:SendRawEmail (assumed); under the alternative it would be denied.
	s.Operation = V2SendEmailRaw
	r, _ = Evaluate(&Request{Send: s, Owner: owner})
	if r.Decision != Allowed || len(r.Assumptions) != 1 || r.Assumptions[0].Name != "action" || !strings.Contains(r.Summary(), "UNCONFIRMED action") {
		t.Errorf("v2 raw: %s", r.Summary())
	}
	r, _ = Evaluate(&Request{Send: s, Owner: owner, Assumptions: &Assumptions{Actions: map[Operation]string{V2SendEmailRaw: "ses:SendEmail"}}})
	if r.Decision != ImplicitDeny || r.Action != "ses:SendEmail" {
		t.Errorf("override: %s", r.Summary())
	}
	// ses:ApiVersion for v1.
	v2only := mustParse(t, "p", `{"Version":"2012-10-17","Statement":[{"Sid":"V2","Effect":"Allow","Principal":{"AWS":"123456789012"},
	  "Action":"ses:Send*","Resource":"`+precDomain+`","Condition":{"StringNotEquals":{"ses:ApiVersion":"1"}}}]}`)
	s.Operation = V1SendRawEmail
	r, _ = Evaluate(&Request{Send: s, Owner: []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{v2only}}}})
	if r.Decision != ImplicitDeny || len(r.Assumptions) != 1 || r.Assumptions[0].Name != "ses:ApiVersion" {
		t.Errorf("ApiVersion: %s", r.Summary())
	}
	s.Operation = SMTP
	if r, _ := Evaluate(&Request{Send: s, Owner: []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{v2only}}}}); r.Decision != Allowed || len(r.Assumptions) != 0 {
		t.Errorf("SMTP is API version 2: %s", r.Summary())
	}
}

func TestUnresolvedVariable(t *testing.T) {
	p := mustParse(t, "p", `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"AWS":"123456789012"},
	  "Action":"ses:SendRawEmail","Resource":"`+precDomain+`","Condition":{"StringEquals":{"ses:FromAddress":"${aws:userid}@example.com"}}}]}`)
	s := Send{Operation: V1SendRawEmail, Identity: precDomain, Caller: "123456789012", From: "x@example.com"}
	r, err := Evaluate(&Request{Send: s, Owner: []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{p}}}})
	if err != nil || r.Decision != ImplicitDeny || len(r.Unresolved) != 1 || r.Unresolved[0] != "${aws:userid}" {
		t.Errorf("%v %s", err, r.Summary())
	}
	// Under the 2008 language version variables are literal text.
	p.Version = "2008-10-17"
	s.From = "${aws:userid}@example.com"
	if r, _ := Evaluate(&Request{Send: s, Owner: []IdentityPolicies{{ARN: precDomain, Policies: []*Policy{p}}}}); r.Decision != Allowed {
		t.Errorf("2008: %s", r.Summary())
	}
}

func TestRequestErrors(t *testing.T) {
	for _, s := range []Send{
		{Operation: "v3:Send", Identity: precDomain, Caller: "123456789012"},
		{Operation: SMTP, Identity: "example.com", Caller: "123456789012"},
		{Operation: SMTP, Identity: precDomain, Caller: "jane"},
		{Operation: SMTP, Identity: precDomain, Caller: "arn:aws:iam::12345:user/jane"},
		{Operation: SMTP, Identity: precDomain, Caller: "arn:aws:sts::123456789012:assumed-role/onlyrole"},
	} {
		_, err := Evaluate(&Request{Send: s})
		var re *RequestError
		if !errors.Is(err, ErrRequest) || !errors.As(err, &re) {
			t.Errorf("%+v: %v", s, err)
		}
	}
}
