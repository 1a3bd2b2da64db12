package sespolicy

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Each grant must give a policy that lints clean (no finding at all) and allows exactly the sends
// the grant describes.
func TestGrantPolicies(t *testing.T) {
	id := "arn:aws:ses:us-east-1:888888888888:identity/example.com"
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := func(f func(*Send)) Send {
		s := Send{Operation: V1SendRawEmail, Identity: id, Caller: "123456789012", From: "news@example.com",
			FromDisplayName: "Example News", Recipients: []string{"a@example.net"}, FeedbackAddress: "bounce@example.com",
			Time: t0.Add(24 * time.Hour), SourceIP: netip.MustParseAddr("203.0.113.9")}
		if f != nil {
			f(&s)
		}
		return s
	}
	type send struct {
		name string
		s    Send
		want bool
	}
	cases := []struct {
		name  string
		grant Grant
		sends []send
	}{
		{"account, default actions", Grant{Identity: id, Delegates: []string{"123456789012"}}, []send{
			{"raw", base(nil), true},
			{"SMTP", base(func(s *Send) { s.Operation = SMTP }), true},
			{"SendEmail", base(func(s *Send) { s.Operation = V1SendEmail }), true},
			{"templated: not granted", base(func(s *Send) { s.Operation = V1SendTemplatedEmail }), false},
			{"a user of the account", base(func(s *Send) { s.Caller = "arn:aws:iam::123456789012:user/x" }), true},
			{"another account", base(func(s *Send) { s.Caller = "210987654321" }), false},
		}},
		{"role, raw only", Grant{Identity: id, Delegates: []string{"arn:aws:iam::123456789012:role/mailer"}, Actions: []string{"ses:SendRawEmail"}}, []send{
			{"a session of the role", base(func(s *Send) { s.Caller = "arn:aws:sts::123456789012:assumed-role/mailer/w1" }), true},
			{"the account", base(nil), false},
			{"SendEmail", base(func(s *Send) {
				s.Operation = V1SendEmail
				s.Caller = "arn:aws:sts::123456789012:assumed-role/mailer/w1"
			}), false},
		}},
		{"From pattern and exact display name", Grant{Identity: id, Delegates: []string{"123456789012"}, From: []string{"news*@example.com"}, FromDisplayName: []string{"Example News"}}, []send{
			{"matching", base(nil), true},
			{"another From", base(func(s *Send) { s.From = "billing@example.com" }), false},
			{"another display name", base(func(s *Send) { s.FromDisplayName = "Example" }), false},
			{"no display name", base(func(s *Send) { s.FromDisplayName = "" }), false},
		}},
		{"recipients with the Null guard", Grant{Identity: id, Delegates: []string{"123456789012"}, Recipients: []string{"*@example.net", "*@example.org"}}, []send{
			{"all inside", base(func(s *Send) { s.Recipients = []string{"a@example.net", "b@example.org"} }), true},
			{"one Bcc outside", base(func(s *Send) { s.Recipients = []string{"a@example.net", "c@example.com"} }), false},
			{"no recipients", base(func(s *Send) { s.Recipients = nil }), false},
		}},
		{"feedback address", Grant{Identity: id, Delegates: []string{"123456789012"}, Feedback: []string{"bounce@example.com"}}, []send{
			{"that address", base(nil), true},
			{"another", base(func(s *Send) { s.FeedbackAddress = "b@example.com" }), false},
			{"none", base(func(s *Send) { s.FeedbackAddress = "" }), false},
		}},
		{"time window", Grant{Identity: id, Delegates: []string{"123456789012"}, NotBefore: t0, Until: t0.AddDate(0, 1, 0)}, []send{
			{"inside", base(nil), true},
			{"at the start", base(func(s *Send) { s.Time = t0 }), true},
			{"before", base(func(s *Send) { s.Time = t0.Add(-time.Second) }), false},
			{"at the end", base(func(s *Send) { s.Time = t0.AddDate(0, 1, 0) }), false},
		}},
		{"source networks", Grant{Identity: id, Delegates: []string{"123456789012"}, SourceIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}}, []send{
			{"v4 inside", base(nil), true},
			{"v6 inside", base(func(s *Send) { s.SourceIP = netip.MustParseAddr("2001:db8::7") }), true},
			{"outside", base(func(s *Send) { s.SourceIP = netip.MustParseAddr("198.51.100.1") }), false},
			{"unknown", base(func(s *Send) { s.SourceIP = netip.Addr{} }), false},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.grant.Policy()
			if err != nil {
				t.Fatal(err)
			}
			if fs := Lint([]*Policy{p}, &LintOptions{Identity: id}); len(fs) != 0 && !(len(fs) == 1 && fs[0].Rule == "raw-action" && !contains(tc.grant.Actions, "ses:SendRawEmail") && len(tc.grant.Actions) > 0) {
				t.Errorf("findings: %v\n%s", fs, Format(p))
			}
			for _, sc := range tc.sends {
				r, err := Evaluate(&Request{Send: sc.s, Owner: []IdentityPolicies{{ARN: id, Policies: []*Policy{p}}}})
				if err != nil {
					t.Fatal(err)
				}
				if r.Allowed() != sc.want {
					t.Errorf("%s: %s\n%s", sc.name, r.Summary(), Format(p))
				}
			}
		})
	}
}

func TestGrantErrors(t *testing.T) {
	id := "arn:aws:ses:us-east-1:888888888888:identity/example.com"
	for _, g := range []Grant{
		{Identity: "example.com", Delegates: []string{"123456789012"}},
		{Identity: id},
		{Identity: id, Delegates: []string{"*"}},
		{Identity: id, Delegates: []string{"1234"}},
		{Identity: id, Delegates: []string{"123456789012"}, Actions: []string{"s3:GetObject"}},
		{Identity: id, Delegates: []string{"123456789012"}, From: []string{"marketing+.*@example.com"}},
		{Identity: id, Delegates: []string{"123456789012"}, NotBefore: time.Unix(10, 0), Until: time.Unix(5, 0)},
		{Identity: id, Delegates: []string{"123456789012"}, Recipients: []string{strings.Repeat("x", 5000)}},
	} {
		_, err := g.Policy()
		var ge *GrantError
		if !errors.Is(err, ErrGrant) || !errors.As(err, &ge) {
			t.Errorf("%+v: %v", g, err)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	for name, doc := range awsExamples {
		p := mustParse(t, name, doc)
		q := mustParse(t, name, string(Format(p)))
		if string(Format(q)) != string(Format(p)) {
			t.Errorf("%s: not stable:\n%s\n%s", name, Format(p), Format(q))
		}
	}
}
