package sespolicy

import (
	"strings"
	"testing"
)

// A clean base statement; each lint case changes one thing.
const lintBase = `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"AWS":"123456789012"},
  "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com"%s}]}`

func lintDoc(cond string) string { return strings.Replace(lintBase, "%s", cond, 1) }

func TestLintRules(t *testing.T) {
	big := `,"Condition":{"StringEquals":{"ses:FromAddress":[` + strings.Repeat(`"someone-with-a-long-name@example.com",`, 110) + `"x@example.com"]}}`
	cases := []struct {
		rule  string
		trips string // a document that trips the rule
		clean string // a document close to it that does not
		name  string // policy name (default "p")
		opt   *LintOptions
	}{
		{rule: "policy-size", trips: lintDoc(big), clean: lintDoc(`,"Condition":{"StringEquals":{"ses:FromAddress":"x@example.com"}}`)},
		{rule: "policy-name", trips: lintDoc(""), clean: lintDoc(""), name: "has space"},
		{rule: "resource", trips: strings.Replace(lintDoc(""), "identity/example.com", "identity/*", 1), clean: lintDoc("")},
		{rule: "resource", trips: strings.Replace(lintDoc(""), `"Resource"`, `"NotResource"`, 1), clean: lintDoc("")},
		{rule: "resource", trips: lintDoc(""), clean: lintDoc(""), opt: &LintOptions{Identity: "arn:aws:ses:us-east-1:888888888888:identity/example.org"}},
		{rule: "condition-key", trips: lintDoc(`,"Condition":{"StringEquals":{"ses:Sender":"x"}}`), clean: lintDoc(`,"Condition":{"StringEquals":{"ses:FromAddress":"x@example.com"}}`)},
		{rule: "condition-key", trips: lintDoc(`,"Condition":{"StringEquals":{"s3:prefix":"x"}}`), clean: lintDoc(`,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`)},
		{rule: "condition-value", trips: lintDoc(`,"Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}`), clean: lintDoc(`,"Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}`)},
		{rule: "condition-value", trips: lintDoc(`,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}`), clean: lintDoc(`,"Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`)},
		{rule: "operator-type", trips: lintDoc(`,"Condition":{"DateLessThan":{"ses:FromAddress":"2030-01-01T00:00:00Z"}}`), clean: lintDoc(`,"Condition":{"StringLike":{"ses:FromAddress":"*@example.com"}}`)},
		{rule: "operator-type", trips: lintDoc(`,"Condition":{"ForAnyValue:StringLike":{"ses:FromAddress":"*@example.com"}}`), clean: lintDoc(`,"Condition":{"ForAnyValue:StringLike":{"ses:Recipients":"*@example.com"}}`)},
		{rule: "forallvalues-null", trips: lintDoc(`,"Condition":{"ForAllValues:StringLike":{"ses:Recipients":"*@example.com"}}`),
			clean: lintDoc(`,"Condition":{"ForAllValues:StringLike":{"ses:Recipients":"*@example.com"},"Null":{"ses:Recipients":"false"}}`)},
		{rule: "stringlike-regexp", trips: lintDoc(`,"Condition":{"StringLike":{"ses:FromAddress":"marketing+.*@example.com"}}`), clean: lintDoc(`,"Condition":{"StringLike":{"ses:FromAddress":"marketing+*@example.com"}}`)},
		{rule: "stringlike-regexp", trips: lintDoc(`,"Condition":{"StringLike":{"ses:FromAddress":"^sales@example\\.com$"}}`), clean: lintDoc(`,"Condition":{"StringLike":{"ses:FromAddress":"${aws:username}@example.com"}}`)},
		{rule: "stringequals-wildcard", trips: lintDoc(`,"Condition":{"StringEquals":{"ses:FromAddress":"*@example.com"}}`), clean: lintDoc(`,"Condition":{"StringLike":{"ses:FromAddress":"*@example.com"}}`)},
		{rule: "principal", trips: strings.Replace(lintDoc(""), `"123456789012"`, `"12345678901"`, 1), clean: lintDoc("")},
		{rule: "principal", trips: strings.Replace(lintDoc(""), `"123456789012"`, `"arn:aws:iam::123456789012:user/*"`, 1), clean: strings.Replace(lintDoc(""), `"123456789012"`, `"arn:aws:iam::123456789012:user/jane"`, 1)},
		{rule: "principal", trips: strings.Replace(lintDoc(""), `"Principal":{"AWS":"123456789012"},`, "", 1), clean: lintDoc("")},
		{rule: "principal", trips: strings.Replace(lintDoc(""), `"123456789012"`, `"arn:aws:iam::123456789012:group/mail"`, 1), clean: strings.Replace(lintDoc(""), `"123456789012"`, `"arn:aws:iam::123456789012:role/mail"`, 1)},
		{rule: "raw-action", trips: strings.Replace(lintDoc(""), `"ses:SendRawEmail"`, `"ses:SendTemplatedEmail"`, 1), clean: strings.Replace(lintDoc(""), `["ses:SendEmail","ses:SendRawEmail"]`, `"ses:Send*"`, 1)},
		{rule: "public", trips: strings.Replace(lintDoc(""), `{"AWS":"123456789012"}`, `"*"`, 1),
			clean: strings.Replace(lintDoc(`,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`), `{"AWS":"123456789012"}`, `"*"`, 1)},
		{rule: "action", trips: strings.Replace(lintDoc(""), `"ses:SendEmail"`, `"ses:SendMail"`, 1), clean: lintDoc("")},
		{rule: "version", trips: strings.Replace(lintDoc(""), `"2012-10-17"`, `"2008-10-17"`, 1), clean: lintDoc("")},
		{rule: "sid-duplicate", trips: `{"Version":"2012-10-17","Statement":[` + strings.Repeat(`{"Sid":"S","Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ses:SendRawEmail","Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com"},`, 1) +
			`{"Sid":"S","Effect":"Deny","Principal":{"AWS":"123456789012"},"Action":"ses:SendRawEmail","Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com","Condition":{"StringLike":{"ses:FromAddress":"admin@*"}}}]}`,
			clean: lintDoc("")},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			name := tc.name
			if name == "" {
				name = "p"
			}
			fs := Lint([]*Policy{mustParse(t, name, tc.trips)}, tc.opt)
			n := 0
			for _, f := range fs {
				if f.Rule == tc.rule {
					n++
					if f.Message == "" || (f.Policy != name && tc.rule != "raw-action") {
						t.Errorf("finding %+v", f)
					}
				}
			}
			if n != 1 {
				t.Errorf("%s tripped %d times, want once: %v", tc.rule, n, fs)
			}
			if tc.name != "" {
				name = "clean_name-1"
			}
			opt := tc.opt
			if tc.rule == "resource" && opt != nil {
				opt = nil
			}
			for _, f := range Lint([]*Policy{mustParse(t, name, tc.clean)}, opt) {
				if f.Rule == tc.rule {
					t.Errorf("clean document trips %v", f)
				}
			}
		})
	}
}

func TestLintCountAndUses(t *testing.T) {
	var ps []*Policy
	for range MaxPoliciesPerID + 1 {
		ps = append(ps, mustParse(t, "p", lintDoc("")))
	}
	if fs := Lint(ps, nil); !hasRule(fs, "policy-count", Error) {
		t.Errorf("21 policies: %v", fs)
	}
	if fs := Lint(ps[:MaxPoliciesPerID], nil); hasRule(fs, "policy-count", Error) {
		t.Errorf("20 policies: %v", fs)
	}
	noRaw := mustParse(t, "p", strings.Replace(lintDoc(""), `["ses:SendEmail","ses:SendRawEmail"]`, `"ses:SendEmail"`, 1))
	if fs := Lint([]*Policy{noRaw}, &LintOptions{Uses: []Operation{SMTP}}); !hasRule(fs, "raw-action", Error) {
		t.Errorf("SMTP without SendRawEmail: %v", fs)
	}
	if fs := Lint([]*Policy{noRaw}, &LintOptions{Uses: []Operation{V1SendEmail}}); !hasRule(fs, "raw-action", Warning) || HasErrors(fs) {
		t.Errorf("SendEmail only: %v", fs)
	}
	// Every AWS example policy lints without errors, except the regular-expression one, which
	// warns.
	for name, doc := range awsExamples {
		fs := Lint([]*Policy{mustParse(t, name, doc)}, nil)
		if HasErrors(fs) {
			t.Errorf("%s: %v", name, fs)
		}
		if name == "AuthorizeMarketer" && !hasRule(fs, "stringlike-regexp", Warning) {
			t.Errorf("%s: no regexp warning: %v", name, fs)
		}
	}
}

func hasRule(fs []Finding, rule string, sev Severity) bool {
	for _, f := range fs {
		if f.Rule == rule && f.Severity == sev {
			return true
		}
	}
	return false
}
