package sespolicy

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// FuzzEvaluate feeds arbitrary documents and sends to the parser and the evaluator.
//
// Invariants: Parse and Evaluate never panic and Parse's errors are *SyntaxError; evaluation is
// deterministic (the same request twice gives the same result); a formatted policy parses back to
// one that decides every send the same way; Lint never panics; and adding a Deny statement (a copy
// of any statement with Effect Deny, or one with a fuzzed condition) never turns a denied send
// into an allowed one. Time is bounded by construction: documents over MaxPolicyBytes are refused
// before decoding and every matcher is at worst O(pattern × value).
func FuzzEvaluate(f *testing.F) {
	for _, doc := range awsExamples {
		f.Add([]byte(doc), "sender@example.com", "a@example.com,b@example.org", "Marketing", uint8(0), "StringLike", "ses:FromAddress", "*@example.com")
	}
	f.Add([]byte(lintDoc(`,"Condition":{"ForAllValues:StringLike":{"ses:Recipients":"${aws:username}*"},"Null":{"ses:Recipients":"false"}}`)), "x@example.com", "", "", uint8(3), "ForAnyValue:StringNotLike", "ses:Recipients", "*")
	f.Add([]byte(`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["123456789012"]},"NotAction":"ses:SendEmail","NotResource":"*"}}`), "", "", "", uint8(7), "IpAddress", "aws:SourceIp", "203.0.113.0/24")
	callers := []string{"123456789012", "arn:aws:iam::123456789012:user/jane", "arn:aws:sts::123456789012:assumed-role/mailer/s",
		"210987654321", "cognito-idp.amazonaws.com", "arn:aws:iam::888888888888:user/owner"}
	f.Fuzz(func(t *testing.T, doc []byte, from, rcpts, display string, sel uint8, op, key, val string) {
		p, err := Parse(doc)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		p.Name = "fuzz"
		_ = Lint([]*Policy{p}, &LintOptions{Uses: []Operation{SMTP}})
		id := exDomain
		if len(p.Statements) > 0 && len(p.Statements[0].Resources) > 0 {
			if _, err := parseIdentity("x", p.Statements[0].Resources[0]); err == nil {
				id = p.Statements[0].Resources[0]
			}
		}
		var rs []string
		if rcpts != "" {
			rs = strings.Split(rcpts, ",")
		}
		s := Send{
			Operation: Operations[int(sel)%len(Operations)], Identity: id, Caller: callers[int(sel>>4)%len(callers)],
			From: from, FromDisplayName: display, Recipients: rs, FeedbackAddress: from, Source: display,
			Time: time.Unix(int64(sel)*1e7, 0), SourceIP: netip.AddrFrom4([4]byte{203, 0, 113, sel}),
			Context: map[string][]string{"aws:PrincipalTag/team": {val}},
		}
		req := &Request{Send: s, Owner: []IdentityPolicies{{ARN: id, Policies: []*Policy{p}}}}
		r1, err := Evaluate(req)
		if err != nil {
			if !errors.Is(err, ErrRequest) {
				t.Fatalf("untyped evaluation error: %v", err)
			}
			return
		}
		r2, _ := Evaluate(req)
		if j1, j2 := mustJSON(t, r1), mustJSON(t, r2); j1 != j2 {
			t.Fatalf("not deterministic:\n%s\n%s", j1, j2)
		}
		// Format round trip decides the same.
		q, err := Parse(Format(p))
		if err != nil {
			t.Fatalf("formatted policy does not parse: %v\n%s", err, Format(p))
		}
		q.Name = p.Name
		rq, _ := Evaluate(&Request{Send: s, Owner: []IdentityPolicies{{ARN: id, Policies: []*Policy{q}}}})
		if rq.Decision != r1.Decision {
			t.Fatalf("formatted policy decides %v, original %v\n%s", rq.Decision, r1.Decision, Format(p))
		}
		// Adding Deny statements never allows what was denied.
		set, base, ifExists, ok := splitOperator(op)
		if !ok || base == "Null" && ifExists {
			set, base, ifExists, op = NoSet, "StringLike", false, "StringLike"
		}
		extra := []*Statement{{Index: len(p.Statements), Effect: Deny, Principal: &Principal{Any: true}, Actions: []string{"ses:*"},
			Resources: []string{"*"}, Conditions: []*Condition{{Operator: op, Set: set, Base: base, IfExists: ifExists, Key: key, Values: []string{val}}}}}
		for _, st := range p.Statements {
			c := *st
			c.Effect, c.Index = Deny, len(p.Statements)+len(extra)
			extra = append(extra, &c)
		}
		for _, st := range extra {
			d := *p
			d.Statements = append(append([]*Statement(nil), p.Statements...), st)
			rd, err := Evaluate(&Request{Send: s, Owner: []IdentityPolicies{{ARN: id, Policies: []*Policy{&d}}}})
			if err != nil {
				t.Fatal(err)
			}
			if r1.Decision != Allowed && rd.Decision == Allowed {
				t.Fatalf("a Deny statement turned %v into allowed:\n%s", r1.Decision, Format(&d))
			}
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
