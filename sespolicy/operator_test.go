package sespolicy

import (
	"strings"
	"testing"
)

// opCase is one condition (operator, key, policy values) against one request context. ctx nil
// means the key is absent; an empty non-nil ctx means present with no value (IAM: as absent).
// The same table is cross-checked against an independent IAM simulator (oracle_test.go).
type opCase struct {
	name string
	op   string
	key  string
	vals []string
	ctx  []string
	want bool
}

var absent []string

// operatorCases: IAM's condition operators, one by one.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
var operatorCases = []opCase{
	// String operators: case rules, wildcards only in *Like, several values ORed, absent key.
	{"StringEquals/match", "StringEquals", "ses:FromAddress", []string{"a@example.com"}, []string{"a@example.com"}, true},
	{"StringEquals/case", "StringEquals", "ses:FromAddress", []string{"a@example.com"}, []string{"A@example.com"}, false},
	{"StringEquals/no-wildcards", "StringEquals", "ses:FromAddress", []string{"*@example.com"}, []string{"a@example.com"}, false},
	{"StringEquals/or", "StringEquals", "ses:FromAddress", []string{"x@example.com", "a@example.com"}, []string{"a@example.com"}, true},
	{"StringEquals/absent", "StringEquals", "ses:FromAddress", []string{"a@example.com"}, absent, false},
	{"StringEquals/key-case-insensitive", "StringEquals", "SES:fromaddress", []string{"a@example.com"}, []string{"a@example.com"}, true},
	{"StringNotEquals/other", "StringNotEquals", "ses:FromAddress", []string{"a@example.com"}, []string{"b@example.com"}, true},
	{"StringNotEquals/same", "StringNotEquals", "ses:FromAddress", []string{"a@example.com"}, []string{"a@example.com"}, false},
	{"StringNotEquals/nor", "StringNotEquals", "ses:FromAddress", []string{"x@example.com", "a@example.com"}, []string{"a@example.com"}, false},
	{"StringNotEquals/absent", "StringNotEquals", "ses:FromAddress", []string{"a@example.com"}, absent, true},
	{"StringEqualsIgnoreCase/match", "StringEqualsIgnoreCase", "ses:FromAddress", []string{"A@Example.COM"}, []string{"a@example.com"}, true},
	{"StringEqualsIgnoreCase/other", "StringEqualsIgnoreCase", "ses:FromAddress", []string{"b@example.com"}, []string{"a@example.com"}, false},
	{"StringNotEqualsIgnoreCase/same", "StringNotEqualsIgnoreCase", "ses:FromAddress", []string{"A@EXAMPLE.com"}, []string{"a@example.com"}, false},
	{"StringNotEqualsIgnoreCase/other", "StringNotEqualsIgnoreCase", "ses:FromAddress", []string{"b@example.com"}, []string{"a@example.com"}, true},
	{"StringLike/star", "StringLike", "ses:FromAddress", []string{"*@example.com"}, []string{"a@example.com"}, true},
	{"StringLike/star-empty", "StringLike", "ses:FromAddress", []string{"a*@example.com"}, []string{"a@example.com"}, true},
	{"StringLike/question", "StringLike", "ses:FromAddress", []string{"?@example.com"}, []string{"a@example.com"}, true},
	{"StringLike/question-one", "StringLike", "ses:FromAddress", []string{"?@example.com"}, []string{"ab@example.com"}, false},
	{"StringLike/case", "StringLike", "ses:FromAddress", []string{"*@EXAMPLE.com"}, []string{"a@example.com"}, false},
	{"StringLike/regexp-dot-literal", "StringLike", "ses:FromAddress", []string{"marketing+.*@example.com"}, []string{"marketing+x@example.com"}, false},
	{"StringLike/bracket-literal", "StringLike", "ses:FromAddress", []string{"[ab]@example.com"}, []string{"a@example.com"}, false},
	{"StringLike/whole-string", "StringLike", "ses:FromAddress", []string{"example.com"}, []string{"a@example.com"}, false},
	{"StringLike/absent", "StringLike", "ses:FromAddress", []string{"*"}, absent, false},
	{"StringNotLike/match", "StringNotLike", "ses:FromAddress", []string{"*admin*"}, []string{"admin@example.com"}, false},
	{"StringNotLike/nomatch", "StringNotLike", "ses:FromAddress", []string{"*admin*"}, []string{"sales@example.com"}, true},
	{"StringNotLike/absent", "StringNotLike", "ses:FromAddress", []string{"*admin*"}, absent, true},
	// IfExists.
	{"StringEqualsIfExists/absent", "StringEqualsIfExists", "ses:FromAddress", []string{"a@example.com"}, absent, true},
	{"StringEqualsIfExists/other", "StringEqualsIfExists", "ses:FromAddress", []string{"a@example.com"}, []string{"b@example.com"}, false},
	{"StringEqualsIfExists/match", "StringEqualsIfExists", "ses:FromAddress", []string{"a@example.com"}, []string{"a@example.com"}, true},
	{"StringNotLikeIfExists/absent", "StringNotLikeIfExists", "ses:FromAddress", []string{"*admin*"}, absent, true},
	{"DateLessThanIfExists/absent", "DateLessThanIfExists", "aws:CurrentTime", []string{"2020-01-01T00:00:00Z"}, absent, true},
	// Set operators on a multi-valued key, with IAM's missing-key semantics.
	{"ForAllValues/all", "ForAllValues:StringLike", "ses:Recipients", []string{"*@example.com"}, []string{"a@example.com", "b@example.com"}, true},
	{"ForAllValues/one-out", "ForAllValues:StringLike", "ses:Recipients", []string{"*@example.com"}, []string{"a@example.com", "b@example.org"}, false},
	{"ForAllValues/or-values", "ForAllValues:StringLike", "ses:Recipients", []string{"*@example.com", "*@example.org"}, []string{"a@example.com", "b@example.org"}, true},
	{"ForAllValues/absent-is-true", "ForAllValues:StringLike", "ses:Recipients", []string{"*@example.com"}, absent, true},
	{"ForAllValues/empty-is-true", "ForAllValues:StringLike", "ses:Recipients", []string{"*@example.com"}, []string{}, true},
	{"ForAllValues/single", "ForAllValues:StringEquals", "ses:Recipients", []string{"a@example.com"}, []string{"a@example.com"}, true},
	{"ForAllValues/StringNotLike", "ForAllValues:StringNotLike", "ses:Recipients", []string{"*@competitor.example"}, []string{"a@example.com", "b@example.org"}, true},
	{"ForAllValues/StringNotLike-one-in", "ForAllValues:StringNotLike", "ses:Recipients", []string{"*@competitor.example"}, []string{"a@example.com", "b@competitor.example"}, false},
	{"ForAllValues/IfExists-absent", "ForAllValues:StringLikeIfExists", "ses:Recipients", []string{"*@example.com"}, absent, true},
	{"ForAnyValue/one", "ForAnyValue:StringLike", "ses:Recipients", []string{"*@example.com"}, []string{"a@example.org", "b@example.com"}, true},
	{"ForAnyValue/none", "ForAnyValue:StringLike", "ses:Recipients", []string{"*@example.com"}, []string{"a@example.org"}, false},
	{"ForAnyValue/absent-is-false", "ForAnyValue:StringLike", "ses:Recipients", []string{"*@example.com"}, absent, false},
	{"ForAnyValue/empty-is-false", "ForAnyValue:StringLike", "ses:Recipients", []string{"*@example.com"}, []string{}, false},
	{"ForAnyValue/StringNotEquals", "ForAnyValue:StringNotEquals", "ses:Recipients", []string{"a@example.com"}, []string{"a@example.com", "b@example.com"}, true},
	{"ForAnyValue/StringNotEquals-all-equal", "ForAnyValue:StringNotEquals", "ses:Recipients", []string{"a@example.com"}, []string{"a@example.com"}, false},
	{"ForAnyValue/IfExists-absent", "ForAnyValue:StringLikeIfExists", "ses:Recipients", []string{"*@example.com"}, absent, true},
	// A plain operator on a multi-valued key never matches (IAM requires a set operator), even
	// with a single value, positive or negated; absent, the usual rules apply.
	{"plain-on-multi/any", "StringLike", "ses:Recipients", []string{"*@example.com"}, []string{"a@example.org", "b@example.com"}, false},
	{"plain-on-multi/one-value", "StringLike", "ses:Recipients", []string{"*@example.com"}, []string{"b@example.com"}, false},
	{"plain-on-multi/negated", "StringNotLike", "ses:Recipients", []string{"*@example.com"}, []string{"a@example.org"}, false},
	{"plain-on-multi/negated-absent", "StringNotLike", "ses:Recipients", []string{"*@example.com"}, absent, true},
	// Null.
	{"Null/true-absent", "Null", "ses:Recipients", []string{"true"}, absent, true},
	{"Null/true-present", "Null", "ses:Recipients", []string{"true"}, []string{"a@example.com"}, false},
	{"Null/false-present", "Null", "ses:Recipients", []string{"false"}, []string{"a@example.com"}, true},
	{"Null/false-absent", "Null", "ses:Recipients", []string{"false"}, absent, false},
	{"Null/false-empty", "Null", "ses:Recipients", []string{"false"}, []string{}, false},
	// Dates: ISO 8601 forms and epoch seconds, strict and inclusive comparisons.
	{"DateLessThan/before", "DateLessThan", "aws:CurrentTime", []string{"2021-10-01T12:00Z"}, []string{"2021-09-15T00:00:00Z"}, true},
	{"DateLessThan/equal", "DateLessThan", "aws:CurrentTime", []string{"2021-10-01T12:00:00Z"}, []string{"2021-10-01T12:00:00Z"}, false},
	{"DateLessThanEquals/equal", "DateLessThanEquals", "aws:CurrentTime", []string{"2021-10-01T12:00:00Z"}, []string{"2021-10-01T12:00:00Z"}, true},
	{"DateGreaterThan/after", "DateGreaterThan", "aws:CurrentTime", []string{"2021-08-31T12:00Z"}, []string{"2021-09-01T00:00:00Z"}, true},
	{"DateGreaterThan/before", "DateGreaterThan", "aws:CurrentTime", []string{"2021-08-31T12:00Z"}, []string{"2021-08-31T11:59:59Z"}, false},
	{"DateGreaterThanEquals/equal", "DateGreaterThanEquals", "aws:CurrentTime", []string{"2021-08-31T12:00:00Z"}, []string{"2021-08-31T12:00:00Z"}, true},
	{"DateEquals/zone", "DateEquals", "aws:CurrentTime", []string{"2021-09-01T02:00:00+02:00"}, []string{"2021-09-01T00:00:00Z"}, true},
	{"DateNotEquals/other", "DateNotEquals", "aws:CurrentTime", []string{"2021-09-01T00:00:00Z"}, []string{"2021-09-01T00:00:01Z"}, true},
	{"DateLessThan/epoch-policy", "DateLessThan", "aws:CurrentTime", []string{"1633089600"}, []string{"2021-09-15T00:00:00Z"}, true},
	{"DateLessThan/date-only", "DateLessThan", "aws:CurrentTime", []string{"2021-10-01"}, []string{"2021-09-30T23:59:59Z"}, true},
	{"DateLessThan/absent", "DateLessThan", "aws:CurrentTime", []string{"2021-10-01T12:00:00Z"}, absent, false},
	{"DateNotEquals/absent", "DateNotEquals", "aws:CurrentTime", []string{"2021-10-01T12:00:00Z"}, absent, true},
	{"DateLessThan/garbage-policy", "DateLessThan", "aws:CurrentTime", []string{"next tuesday"}, []string{"2021-09-15T00:00:00Z"}, false},
	// Numbers.
	{"NumericLessThan/yes", "NumericLessThan", "aws:MultiFactorAuthAge", []string{"3600"}, []string{"60"}, true},
	{"NumericLessThan/equal", "NumericLessThan", "aws:MultiFactorAuthAge", []string{"3600"}, []string{"3600"}, false},
	{"NumericLessThanEquals/equal", "NumericLessThanEquals", "aws:MultiFactorAuthAge", []string{"3600"}, []string{"3600"}, true},
	{"NumericGreaterThan/yes", "NumericGreaterThan", "aws:MultiFactorAuthAge", []string{"10"}, []string{"11"}, true},
	{"NumericGreaterThanEquals/no", "NumericGreaterThanEquals", "aws:MultiFactorAuthAge", []string{"10"}, []string{"9"}, false},
	{"NumericEquals/decimal", "NumericEquals", "aws:MultiFactorAuthAge", []string{"1.50"}, []string{"1.5"}, true},
	{"NumericNotEquals/other", "NumericNotEquals", "aws:MultiFactorAuthAge", []string{"10"}, []string{"11"}, true},
	{"NumericNotEquals/absent", "NumericNotEquals", "aws:MultiFactorAuthAge", []string{"10"}, absent, true},
	{"NumericEquals/not-a-number", "NumericEquals", "aws:MultiFactorAuthAge", []string{"ten"}, []string{"10"}, false},
	// Bool.
	{"Bool/true", "Bool", "aws:SecureTransport", []string{"true"}, []string{"true"}, true},
	{"Bool/false", "Bool", "aws:SecureTransport", []string{"false"}, []string{"true"}, false},
	{"Bool/absent", "Bool", "aws:SecureTransport", []string{"false"}, absent, false},
	{"BoolIfExists/absent", "BoolIfExists", "aws:SecureTransport", []string{"false"}, absent, true},
	// IP addresses, v4 and v6.
	{"IpAddress/v4-in", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, []string{"203.0.113.7"}, true},
	{"IpAddress/v4-out", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, []string{"203.0.114.7"}, false},
	{"IpAddress/v4-host", "IpAddress", "aws:SourceIp", []string{"203.0.113.7"}, []string{"203.0.113.7"}, true},
	{"IpAddress/v4-or", "IpAddress", "aws:SourceIp", []string{"198.51.100.0/24", "203.0.113.0/24"}, []string{"203.0.113.7"}, true},
	{"IpAddress/v6-in", "IpAddress", "aws:SourceIp", []string{"2001:db8::/32"}, []string{"2001:db8:1::5"}, true},
	{"IpAddress/v6-out", "IpAddress", "aws:SourceIp", []string{"2001:db8::/32"}, []string{"2001:db9::5"}, false},
	{"IpAddress/v4-policy-v6-request", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, []string{"2001:db8::1"}, false},
	{"IpAddress/absent", "IpAddress", "aws:SourceIp", []string{"0.0.0.0/0"}, absent, false},
	{"NotIpAddress/out", "NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, []string{"198.51.100.1"}, true},
	{"NotIpAddress/in", "NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, []string{"203.0.113.1"}, false},
	{"NotIpAddress/v6-in", "NotIpAddress", "aws:SourceIp", []string{"2001:db8::/32"}, []string{"2001:db8::1"}, false},
	{"NotIpAddress/absent", "NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, absent, true},
	// ARNs.
	{"ArnEquals/match", "ArnEquals", "aws:SourceArn", []string{"arn:aws:cognito-idp:us-east-1:888888888888:userpool/p1"}, []string{"arn:aws:cognito-idp:us-east-1:888888888888:userpool/p1"}, true},
	{"ArnLike/region-wildcard", "ArnLike", "aws:SourceArn", []string{"arn:aws:cognito-idp:*:888888888888:userpool/*"}, []string{"arn:aws:cognito-idp:eu-west-1:888888888888:userpool/p2"}, true},
	{"ArnLike/account", "ArnLike", "aws:SourceArn", []string{"arn:aws:cognito-idp:*:888888888888:userpool/*"}, []string{"arn:aws:cognito-idp:eu-west-1:111111111111:userpool/p2"}, false},
	{"ArnLike/not-an-arn", "ArnLike", "aws:SourceArn", []string{"arn:aws:cognito-idp:*:*:*"}, []string{"userpool/p2"}, false},
	{"ArnNotLike/other", "ArnNotLike", "aws:SourceArn", []string{"arn:aws:cognito-idp:*:888888888888:*"}, []string{"arn:aws:cognito-idp:us-east-1:111111111111:userpool/x"}, true},
	{"ArnNotEquals/absent", "ArnNotEquals", "aws:SourceArn", []string{"arn:aws:cognito-idp:us-east-1:888888888888:userpool/p1"}, absent, true},
	// Binary.
	{"BinaryEquals/same", "BinaryEquals", "aws:UserAgent", []string{"QmluYXJ5"}, []string{"QmluYXJ5"}, true},
	// Policy variables.
	{"variable/username", "StringEquals", "ses:FromAddress", []string{"${aws:username}@example.com"}, []string{"jane@example.com"}, true},
	{"variable/literal-star", "StringLike", "ses:FromAddress", []string{"a${*}@example.com"}, []string{"ab@example.com"}, false},
	{"variable/default", "StringEquals", "ses:FromAddress", []string{"${aws:PrincipalTag/team, 'noreply'}@example.com"}, []string{"noreply@example.com"}, true},
}

// variableContext is the context the variable cases add (an IAM user named jane).
var variableContext = map[string][]string{"aws:username": {"jane"}}

func opContext(tc opCase) *requestContext {
	ctx := newContext()
	for k, v := range variableContext {
		ctx.set(k, v...)
	}
	if tc.ctx != nil {
		ctx.set(tc.key, tc.ctx...)
	}
	return ctx
}

func opCondition(t testing.TB, tc opCase) *Condition {
	set, base, ifExists, ok := splitOperator(tc.op)
	if !ok {
		t.Fatalf("%s: bad operator %q", tc.name, tc.op)
	}
	return &Condition{Operator: tc.op, Set: set, Base: base, IfExists: ifExists, Key: tc.key, Values: tc.vals}
}

func TestOperators(t *testing.T) {
	for _, tc := range operatorCases {
		t.Run(tc.name, func(t *testing.T) {
			o := evalCondition(opCondition(t, tc), opContext(tc), true)
			if o.ok != tc.want {
				t.Errorf("%s %s %q against %q: got %v, want %v (%s)", tc.op, tc.key, tc.vals, tc.ctx, o.ok, tc.want, o.why)
			}
			if !o.ok && (o.why == "" || !strings.Contains(o.why, tc.key)) {
				t.Errorf("failure reason %q does not name the key", o.why)
			}
		})
	}
}

// TestOperatorsThroughEvaluate runs the table through a whole policy, checking that a condition
// that holds allows the send and one that fails names itself in the reason.
func TestOperatorsThroughEvaluate(t *testing.T) {
	for _, tc := range operatorCases {
		t.Run(tc.name, func(t *testing.T) {
			p := &Policy{Name: "p", Version: "2012-10-17", Statements: []*Statement{{
				Sid: "S", Effect: Allow, Principal: &Principal{AWS: []string{"123456789012"}},
				Actions: []string{"ses:SendRawEmail"}, Resources: []string{exDomain},
				Conditions: []*Condition{opCondition(t, tc)},
			}}}
			ctx := map[string][]string{}
			for k, v := range variableContext {
				ctx[k] = v
			}
			if tc.ctx != nil {
				ctx[tc.key] = tc.ctx
			}
			s := Send{Operation: V1SendRawEmail, Identity: exDomain, Caller: "123456789012", Context: ctx}
			req := &Request{Send: s, Owner: []IdentityPolicies{{ARN: exDomain, Policies: []*Policy{p}}}}
			// Keys the send sets by itself: make "absent" really absent.
			if tc.ctx == nil {
				switch strings.ToLower(tc.key) {
				case "aws:securetransport":
					t.Skip("aws:SecureTransport is always present in a send")
				}
			}
			r, err := Evaluate(req)
			if err != nil {
				t.Fatal(err)
			}
			if r.Allowed() != tc.want {
				t.Errorf("got %s", r.Summary())
			}
		})
	}
}
